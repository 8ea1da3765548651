using System;
using Microsoft.Kiota.Abstractions;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// Every value the adapter puts in a Graph URL goes through here, so it is encoded for its place and cannot change
/// the path (docs/decisions/0100). Single requests: the SDK's request builders percent-encode a path value
/// (<c>Users[upn]</c> sends <c>#</c> as <c>%23</c>, <c>/</c> as <c>%2F</c>, <c>?</c> as <c>%3F</c>) and each query value;
/// <see cref="CanName"/> keeps out the only values that encoding leaves able to move the path (<c>.</c> and <c>..</c>):
/// every adapter entry point that puts an id, a user principal name or a mailbox in a path checks it first.
/// <c>$batch</c> steps: Microsoft.Graph.Core writes a step's <c>url</c> unescaped (a guest's <c>#EXT#</c> arrives as a raw
/// <c>#</c>, which a URL parser reads as the start of a fragment), so <see cref="ForBatch"/> escapes the request's URL
/// once more and the step carries it exactly as a single request would. A URL built by hand (a <c>@odata.id</c>) uses
/// <see cref="Segment"/>.
/// </summary>
internal static class GraphUrls
{
    /// <summary>Whether a value can name one object as a path segment: not empty, not a dot segment.</summary>
    public static bool CanName(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value!.Trim() is not ("." or "..");

    /// <summary>One path segment, percent-encoded. A value that cannot name an object (see <see cref="CanName"/>) is
    /// refused: encoded as <c>%2E%2E</c> a dot segment is still one to a WHATWG URL parser, which resolves it.</summary>
    public static string Segment(string value) =>
        CanName(value) ? Uri.EscapeDataString(value)
            : throw new ArgumentException($"'{value}' cannot be a path segment of a Graph URL: it is empty or a dot segment.", nameof(value));

    /// <summary>
    /// The request, ready to be a <c>$batch</c> step: its URL escaped once more, because the SDK unescapes a step's URL
    /// once when it writes the batch. Call once per request (not again on a resubmission).
    /// </summary>
    public static RequestInformation ForBatch(RequestInformation request)
    {
        Uri uri = request.URI;
        request.URI = new Uri(uri.GetLeftPart(UriPartial.Authority) + uri.AbsolutePath.Replace("%", "%25") + uri.Query.Replace("%", "%25"));
        return request;
    }
}
