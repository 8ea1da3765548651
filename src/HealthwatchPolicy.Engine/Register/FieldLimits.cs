using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Register;

/// <summary>
/// The longest value each register field may hold, derived from Microsoft Graph's limits (docs/field-limits.md,
/// decision 0053) and checked before anything is written, so a value Graph would refuse (or truncate) is refused
/// here, naming the parameter, on both adapters alike.
/// </summary>
public static class FieldLimits
{
    /// <summary>Graph group displayName: 256 characters. The posting group's name is the prefix, '-' and the register name.</summary>
    public const int GroupDisplayName = 256;
    /// <summary>Graph group description: 1,024 characters (it names the platform and the handle).</summary>
    public const int GroupDescription = 1024;
    /// <summary>Graph open extension: 2 KB for the whole extension (the register entry), counted as UTF-8 JSON.</summary>
    public const int ExtensionBytes = 2048;
    /// <summary>An account's platform name, in characters (it becomes part of the group's displayName and mailNickname).</summary>
    public const int Platform = 64;
    /// <summary>An account's handle, in characters (platforms' own handles are far shorter; it is part of the group's name).</summary>
    public const int Handle = 100;
    /// <summary>An account's https address, in characters (stored in the 2 KB register entry).</summary>
    public const int Url = 512;
    /// <summary>An account's purpose, in characters (stored in the 2 KB register entry; non-Latin text may hit the byte limit first).</summary>
    public const int Purpose = 500;

    /// <summary>A reason or justification, in characters: one line for the journal, the review and the reports.</summary>
    public const int Reason = 1000;

    /// <summary>Refuses a value that is too long or holds a control character; null passes. <paramref name="parameter"/> is the input's name (the cmdlets word it as their parameter).</summary>
    public static void Check(string parameter, string? value, int max)
    {
        if (value is null)
            return;
        if (value.Length > max)
            throw new HwException(ErrorIds.FieldTooLong, $"{parameter} is {value.Length} characters long; at most {max} are allowed (see docs/field-limits.md).", parameter, input: parameter);
        if (SafeText.HasControls(value))
            throw new HwException(ErrorIds.FieldHasControlCharacters, $"{parameter} holds a control character (shown as a symbol here: '{Shorten(SafeText.Neutralise(value)!)}'); "
                + "control characters, invisible format characters (such as the zero-width space), bidirectional overrides and line breaks are not allowed.", parameter, input: parameter);
    }

    /// <summary>
    /// The one check of every reason and justification a change is journaled with (Grant, Revoke, New/Set/Remove an
    /// account, an acknowledgement, a review decision): not empty or only white space (<see cref="ErrorIds.ReasonRequired"/>),
    /// at most <see cref="Reason"/> characters, no control, invisible or line-break character (one line in the journal,
    /// a CSV row, a report). <paramref name="input"/> is the engine input's name (<c>reason</c>, <c>justification</c>).
    /// </summary>
    /// <exception cref="HwException">ReasonRequired, FieldTooLong or FieldHasControlCharacters, each with <paramref name="input"/>.</exception>
    public static void CheckReason(string? reason, string input = "reason")
    {
        if (reason is null || reason.Trim().Length == 0)
            throw new HwException(ErrorIds.ReasonRequired,
                $"A {input} is required for the journal: say in words why the change is made (white space alone is not a {input}).", reason, input: input);
        Check(input, reason, Reason);
    }

    /// <summary>The register entry as Graph would store it must fit one open extension (2 KB).</summary>
    internal static void CheckEntry(JsonObject entry)
    {
        int bytes = Encoding.UTF8.GetByteCount(entry.ToJsonString());
        if (bytes > ExtensionBytes)
            throw new HwException(ErrorIds.FieldTooLong, $"The register entry would take {bytes} bytes, and Microsoft Graph keeps at most {ExtensionBytes} in one open extension: "
                + "shorten the purpose, address or handle (non-Latin characters take up to 6 bytes each; see docs/field-limits.md).", "Purpose", input: "Purpose");
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 60) + "…";
}
