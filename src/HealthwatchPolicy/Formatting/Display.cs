using System.Collections;
using System.Collections.Generic;

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
    public static object? Text(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return Neutralise(s);
            case System.Management.Automation.PSObject pso when pso.BaseObject is string s:
                return Neutralise(s);
            case IEnumerable items when value is not IDictionary:
                var shown = new List<object?>();
                foreach (object? item in items)
                    shown.Add(item is string or System.Management.Automation.PSObject { BaseObject: string } ? Text(item) : item);
                return shown.ToArray();
            default:
                return value;
        }
    }

    private static string Neutralise(string s) => HealthwatchPolicy.Engine.Text.SafeText.Neutralise(s)!;
}
