using System.Collections.Generic;
using System.Linq;

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
    public static object? Text(object? value) => value switch
    {
        null => null,
        string s => Neutralise(s),
        System.Management.Automation.PSObject { BaseObject: string s } => Neutralise(s),
        IEnumerable<string> strings => strings.Select(x => (object?)Neutralise(x)).ToArray(),
        object[] items => items.Select(x => x is string or System.Management.Automation.PSObject { BaseObject: string } ? Text(x) : x).ToArray(),
        _ => value, // numbers, dates, JSON objects (their text escapes controls): as PowerShell shows them
    };

    private static string Neutralise(string s) => HealthwatchPolicy.Engine.Text.SafeText.Neutralise(s)!;
}
