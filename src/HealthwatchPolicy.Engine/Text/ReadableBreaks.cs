using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>
/// Where the lines of an HTML page we generate for people (the compliance report, the policy, the review mail) may
/// break (decision 0165). The pages' CSS uses <c>overflow-wrap: break-word</c>, which breaks a word only when it
/// cannot fit on a line of its own; this pass adds the breaks a reader expects instead:
/// rule and clause ids (<c>HW-CON-001</c>, <c>SMP-3.2</c>) and command names are kept on one line (a span with
/// <c>white-space:nowrap</c>, inline so mail clients keep it), and a long token such as a sign-in name or a path gets
/// <c>&lt;wbr&gt;</c> break opportunities after <c>.</c> <c>_</c> <c>/</c> <c>,</c> and before <c>@</c>, so at 320 CSS px
/// it wraps between its parts, never inside a word. Copying the text gives it unchanged (<c>wbr</c> adds no character).
/// </summary>
internal static class ReadableBreaks
{
    /// <summary>Rule and clause ids (two to five capitals, then hyphen- or dot-separated parts) and the module's
    /// command names (<c>Revoke-HwPostingAccess</c>): a browser may break after a hyphen, a reader must not see one.</summary>
    private static readonly Regex s_id = new(@"\b(?:[A-Z]{2,5}-[A-Z0-9]{1,6}(?:[-.][A-Z0-9]{1,6})*|[A-Z][a-z]+-Hw[A-Z][A-Za-z]+)\b", RegexOptions.CultureInvariant);

    /// <summary>A run without spaces long enough to need a break at 320 CSS px.</summary>
    private static readonly Regex s_long = new(@"[^\s<>]{16,}", RegexOptions.CultureInvariant);

    private static readonly Regex s_tag = new(@"(<[^>]*>)", RegexOptions.CultureInvariant);

    /// <summary>The page with ids kept whole and long tokens breakable, in the body only (the head and any
    /// <c>svg</c>, <c>style</c> or <c>script</c> element are left as they are).</summary>
    public static string Apply(string html)
    {
        int body = html.IndexOf("<body", System.StringComparison.Ordinal);
        if (body < 0)
            return html;
        var sb = new StringBuilder(html.Length + 1024);
        sb.Append(html, 0, body);
        int skip = 0; // inside svg/style/script
        foreach (string part in s_tag.Split(html.Substring(body)))
        {
            if (part.Length > 0 && part[0] == '<')
            {
                string lower = part.ToLowerInvariant();
                if (lower.StartsWith("<svg") || lower.StartsWith("<style") || lower.StartsWith("<script"))
                    skip++;
                else if (skip > 0 && (lower.StartsWith("</svg") || lower.StartsWith("</style") || lower.StartsWith("</script")))
                    skip--;
                sb.Append(part);
            }
            else if (skip > 0)
                sb.Append(part);
            else
                AppendText(sb, part);
        }
        return sb.ToString();
    }

    private static void AppendText(StringBuilder sb, string text)
    {
        int at = 0;
        foreach (Match id in s_id.Matches(text))
        {
            sb.Append(Breakable(text.Substring(at, id.Index - at)));
            sb.Append("<span style=\"white-space:nowrap\">").Append(id.Value).Append("</span>");
            at = id.Index + id.Length;
        }
        sb.Append(Breakable(text.Substring(at)));
    }

    /// <summary>
    /// A long token made breakable: split after its commas (a CSV line wraps between fields), and each part that is an
    /// address (holds <c>@</c>) goes in an inline block, so it moves to the next line whole when it fits there and
    /// wraps between its parts only when it is wider than the line itself (a phone).
    /// </summary>
    private static string Breakable(string text) => s_long.Replace(text, m =>
    {
        string[] fields = m.Value.Split(',');
        var sb = new StringBuilder(m.Value.Length + 32);
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
                sb.Append(fields[i].Length > 0 ? ",<wbr>" : ",");
            string field = fields[i];
            if (field.Length >= 12 && field.IndexOf('@') > 0)
            {
                // Empty fields that end the token ("address,,") stay with the address: no line of commas alone.
                int tail = fields.Length - 1 - i;
                bool emptyTail = fields.Skip(i + 1).All(f => f.Length == 0);
                sb.Append("<span style=\"display:inline-block\">").Append(Parts(field));
                if (emptyTail && tail > 0)
                {
                    sb.Append(',', tail);
                    i = fields.Length;
                }
                sb.Append("</span>");
            }
            else
                sb.Append(field.Length >= 16 ? Parts(field) : field);
        }
        return sb.ToString();
    });

    private static string Parts(string token)
    {
        var sb = new StringBuilder(token.Length + 16);
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            bool inner = i > 0 && i < token.Length - 1;
            if (c == '@' && inner)
                sb.Append("<wbr>");
            sb.Append(c);
            if ((c == '.' || c == '_' || c == '/') && inner && char.IsLetterOrDigit(token[i + 1]))
                sb.Append("<wbr>");
        }
        return sb.ToString();
    }
}
