using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace HealthwatchPolicy.Formatting;

/// <summary>
/// What the format views (HealthwatchPolicy.format.ps1xml) call to show a property: strings, and the strings in a
/// collection, with every control character made visible (<c>SafeText.Neutralise</c>: ESC as ␛, BEL as ␇, CR as ␍,
/// C1 and bidirectional overrides as U+FFFD), so directory data and reasons cannot drive the admin's terminal.
/// The objects keep their true values; only the view changes. Public, in the cmdlet assembly, because format script
/// blocks can name only types in the default load context.
/// </summary>
public static class Display
{
    /// <summary>The value as a view shows it: strings (and the strings of a collection) with controls made visible.</summary>
    public static object? Text(object? value) => value switch
    {
        null => null,
        string s => Neutralise(s),
        System.Management.Automation.PSObject { BaseObject: string s } => Neutralise(s),
        IEnumerable<string> strings => strings.Select(x => (object?)Neutralise(x)).ToArray(),
        object[] items => items.Select(x => x is string or System.Management.Automation.PSObject { BaseObject: string } ? Text(x) : x).ToArray(),
        _ => value, // numbers, dates, JSON objects (their text escapes controls): as PowerShell shows them
    };

    /// <summary>
    /// A list-view value holding a collection (addresses, ids, rule counts): one element a line, controls made visible,
    /// null and empty elements left out; null for none. PowerShell's list view shows a collection as "{a, b, …}" on one
    /// line and wraps it at the column edge, mid-address (<c>daniel.okafor@hwsefton.examp</c> / <c>le</c>); a line each
    /// starts every element at the value column, whole unless one element alone is wider than the screen
    /// (decision 0164).
    /// </summary>
    public static string? Lines(object? value)
    {
        string[] items = Items(value).Select(Neutralise).ToArray();
        return items.Length == 0 ? null : string.Join("\n", items);
    }

    /// <summary>
    /// A table cell of <paramref name="width"/> characters (docs/decisions/0160): the value's text (a collection: one
    /// element a line; null and empty elements left out) word-wrapped at spaces to the width, so PowerShell's own
    /// wrapping (which cuts mid-word) never has to; a single word longer than the width (an address, a path) is cut
    /// to width - 1 characters and ends in '…', never split across lines. Controls are made visible first.
    /// </summary>
    public static string Cell(object? value, int width)
    {
        if (width < 2)
            width = 2;
        var lines = new List<string>();
        foreach (string item in Items(value))
            foreach (string paragraph in Neutralise(item).Replace("\r\n", "\n").Split('\n'))
                Wrap(paragraph, width, lines);
        return string.Join("\n", lines);
    }

    private static IEnumerable<string> Items(object? value)
    {
        value = value is System.Management.Automation.PSObject pso ? pso.BaseObject : value;
        switch (value)
        {
            case null:
                yield break;
            case string s:
                if (s.Length > 0)
                    yield return s;
                yield break;
            case IEnumerable items:
                foreach (object? item in items)
                    foreach (string s in Items(item))
                        yield return s;
                yield break;
            case bool b:
                yield return b ? "Yes" : "No";
                yield break;
            default:
                string? text = System.Convert.ToString(value, System.Globalization.CultureInfo.CurrentCulture);
                if (!string.IsNullOrEmpty(text))
                    yield return text;
                yield break;
        }
    }

    private static void Wrap(string paragraph, int width, List<string> lines)
    {
        var line = new StringBuilder();
        foreach (string raw in paragraph.Split(new[] { ' ' }, System.StringSplitOptions.RemoveEmptyEntries))
        {
            string word = raw.Length > width ? raw.Substring(0, width - 1) + "…" : raw;
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            lines.Add(line.ToString());
    }

    private static string Neutralise(string s) => HealthwatchPolicy.Engine.Text.SafeText.Neutralise(s)!;
}
