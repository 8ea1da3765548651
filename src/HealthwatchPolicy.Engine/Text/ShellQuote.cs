using System.Text;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>Quoting a value for the command line it lands in, so that it stays one argument and is never code.</summary>
public static class ShellQuote
{
    /// <summary>
    /// POSIX sh: the value in single quotes, each <c>'</c> written as <c>'\''</c>. Inside single quotes nothing is
    /// special to sh ($, `, \, ;, |, &amp;, globs, newlines), so this is the whole rule.
    /// </summary>
    public static string Posix(string value) => "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>
    /// Windows: one argument as CommandLineToArgvW (and the C runtime, and .NET) read it back. Quoted always; a run
    /// of backslashes is doubled when a quote follows it (an inner one, or the closing one), and an inner quote is
    /// escaped with a backslash.
    /// </summary>
    public static string Windows(string value)
    {
        var sb = new StringBuilder("\"");
        int backslashes = 0;
        foreach (char c in value)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            if (c == '"')
            {
                sb.Append('\\', backslashes * 2 + 1).Append('"');
            }
            else
            {
                sb.Append('\\', backslashes).Append(c);
            }
            backslashes = 0;
        }
        sb.Append('\\', backslashes * 2).Append('"');
        return sb.ToString();
    }
}
