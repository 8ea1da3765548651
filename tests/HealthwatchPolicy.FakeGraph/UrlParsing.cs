using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// A <c>$batch</c> step's <c>url</c> read as a URL parser reads it (RFC 3986 §3.5 and §5.2.4; the WHATWG URL standard
/// agrees): everything from the first raw <c>#</c> is a fragment and never reaches the resource, and <c>.</c> and
/// <c>..</c> path segments are resolved before routing. A value an adapter failed to encode therefore changes the
/// request here as it would on a server that parses the url: a guest's <c>a_b.com#EXT#@t</c> looks up <c>a_b.com</c>,
/// and <c>../groups/x</c> reaches the group. (Plain requests need nothing: HttpClient parsed their URL before sending.)
/// </summary>
internal static class UrlParsing
{
    /// <summary>The relative url (<c>/path?query#fragment</c>) without its fragment and with dot segments resolved.</summary>
    public static string AsParsed(string url)
    {
        int hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
            url = url.Substring(0, hash);
        int q = url.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? url : url.Substring(0, q);
        string query = q < 0 ? "" : url.Substring(q);
        return RemoveDotSegments(path) + query;
    }

    private static string RemoveDotSegments(string path)
    {
        string[] segments = path.Split('/');
        var output = new List<string>();
        for (int i = 1; i < segments.Length; i++)
        {
            string s = segments[i];
            bool last = i == segments.Length - 1;
            if (IsDot(s, 1))
            {
                if (last)
                    output.Add("");
                continue;
            }
            if (IsDot(s, 2))
            {
                if (output.Count > 0)
                    output.RemoveAt(output.Count - 1);
                if (last)
                    output.Add("");
                continue;
            }
            output.Add(s);
        }
        return "/" + string.Join("/", output);
    }

    /// <summary>"." or ".." (n dots), each dot possibly written %2e, as the WHATWG URL parser counts them.</summary>
    private static bool IsDot(string segment, int n) =>
        string.Equals(segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase), new string('.', n), StringComparison.Ordinal);
}
