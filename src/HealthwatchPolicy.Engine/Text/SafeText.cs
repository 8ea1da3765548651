using System.Globalization;
using System.Text;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>
/// Text from outside the module (directory data, reasons, handles, platforms, file contents), made harmless where the
/// module itself writes it for a person to read: a terminal, a CSV a spreadsheet opens, a Markdown table, a mail.
/// Objects keep their true values; only what the module renders goes through here.
/// </summary>
public static class SafeText
{
    /// <summary>
    /// Replaces every control character with a visible stand-in, so no escape sequence, bell, NUL or line break
    /// reaches the reader: C0 controls become their Control Pictures (U+2400..U+241F: ESC is ␛, BEL ␇, NUL ␀, CR ␍,
    /// LF ␊, TAB ␉), DEL becomes ␡, and C1 controls (U+0080..U+009F, which include the 8-bit CSI), the line and
    /// paragraph separators, the bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069, which can
    /// reorder what is shown) and the other invisible format characters (category Cf, such as the zero-width space
    /// U+200B; not the joiners U+200C/U+200D) become U+FFFD. Null stays null; text without any of these is returned as it is.
    /// </summary>
    public static string? Neutralise(string? text) => Neutralise(text, keepLineFeeds: false);

    /// <summary>
    /// As <see cref="Neutralise(string?)"/>; with <paramref name="keepLineFeeds"/>, LF and CR LF stay (for a whole document
    /// the module laid out itself, such as a mail body or a report, where only its own line feeds are wanted).
    /// </summary>
    public static string? Neutralise(string? text, bool keepLineFeeds)
    {
        if (text is null)
            return null;
        int i = 0;
        while (i < text.Length && !Replaced(text, i, keepLineFeeds))
            i++;
        if (i == text.Length)
            return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
            sb.Append(Replaced(text, i, keepLineFeeds) ? Replacement(text[i]) : text[i]);
        return sb.ToString();
    }

    /// <summary>Whether the character at <paramref name="i"/> goes; kept line ends are LF and CR LF, never a lone CR.</summary>
    private static bool Replaced(string text, int i, bool keepLineFeeds) =>
        NeedsReplacing(text[i])
        && !(keepLineFeeds && (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')));

    /// <summary>
    /// The value a spreadsheet gives back for a field <see cref="CsvField"/> wrote: the ' put before a leading
    /// = + - @ is taken off again, so a decisions.csv row still names its person (Import-Csv | Complete-HwAccessReview).
    /// </summary>
    public static string FromCsvField(string value) =>
        value.Length > 1 && value[0] == '\'' && IsFormulaStart(value[1]) ? value.Substring(1) : value;

    private static bool IsFormulaStart(char c) =>
        c is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20' or '\u2409' or '\u240D' or '\u240A';

    /// <summary>
    /// Whether <paramref name="text"/> holds anything <see cref="Neutralise(string?)"/> would replace, or an invisible
    /// joiner (U+200C, U+200D): input with any of them is refused, so a handle such as <c>@o&#x200B;k</c> cannot
    /// pass for <c>@ok</c>.
    /// </summary>
    public static bool HasControls(string? text)
    {
        if (text is null)
            return false;
        foreach (char c in text)
            if (NeedsReplacing(c) || c == '\u200C' || c == '\u200D')
                return true;
        return false;
    }

    /// <summary>
    /// One CSV field (RFC 4180) that a spreadsheet shows as text, never runs: controls neutralised, a value that
    /// starts with = + - @ (or a tab or carriage return, before neutralising) prefixed with ' so Excel, LibreOffice
    /// and Google Sheets do not read it as a formula (OWASP "CSV injection"), and quoted when it holds a comma,
    /// a quote or a leading or trailing space.
    /// </summary>
    public static string CsvField(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        string v = Neutralise(text)!;
        if (IsFormulaStart(text![0]))
            v = "'" + v;
        if (v.IndexOfAny(new[] { ',', '"', ';' }) >= 0 || v[0] == ' ' || v[v.Length - 1] == ' ')
            v = "\"" + v.Replace("\"", "\"\"") + "\"";
        return v;
    }

    // Invisible format characters (Unicode category Cf: zero-width space U+200B, word joiner U+2060, soft hyphen,
    // BOM, the bidi marks...) go too, except the joiners U+200C/U+200D, which Persian, Indic scripts and emoji need
    // in names read from the directory (HasControls still refuses them in input).
    private static bool NeedsReplacing(char c) =>
        c < ' ' || (c >= '\u007F' && c <= '\u009F') || c == '\u2028' || c == '\u2029'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
        || (c > '\u00A0' && c != '\u200C' && c != '\u200D' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);

    private static char Replacement(char c) =>
        c < ' ' ? (char)(0x2400 + c)
        : c == '\u007F' ? '\u2421'
        : '\uFFFD';
}
