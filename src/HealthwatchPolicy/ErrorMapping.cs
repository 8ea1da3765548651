using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy;

/// <summary>
/// Engine errors become ErrorRecords with the engine's stable id, the id's one category and the caller's target.
/// When the engine names the input whose value is wrong and the cmdlet has a parameter of that name, the record's
/// message names the parameter (<c>-Owner: ...</c>): the engine says what is wrong, the cmdlet says where.
/// </summary>
internal static class ErrorMapping
{
    public static ErrorCategory ToCategory(HwErrorKind kind) => kind switch
    {
        HwErrorKind.InvalidData => ErrorCategory.InvalidData,
        HwErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        HwErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        HwErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        HwErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        HwErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        HwErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        HwErrorKind.WriteError => ErrorCategory.WriteError,
        HwErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        HwErrorKind.InvalidType => ErrorCategory.InvalidType,
        HwErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord ToErrorRecord(HwException ex, object? target, CommandInfo? command = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, ToCategory(ex.Kind), target ?? ex.Target);
        // Messages quote what the caller or the directory gave; what PowerShell shows has its controls made visible.
        string shown = HealthwatchPolicy.Engine.Text.SafeText.Neutralise(ex.Message, keepLineFeeds: true)!;
        if (ParameterFor(ex.Input, command) is { } parameter)
            record.ErrorDetails = new ErrorDetails($"-{parameter}: {shown}");
        else if (!ReferenceEquals(shown, ex.Message))
            record.ErrorDetails = new ErrorDetails(shown);
        return record;
    }

    /// <summary>A cmdlet's own error (not the engine's), with a catalogue id and that id's category.</summary>
    public static ErrorRecord ToErrorRecord(System.Exception ex, string errorId, object? target) =>
        new(ex, errorId, ToCategory(ErrorIds.KindOf(errorId)), target);

    /// <summary>The command's parameter for an engine input name (<c>consentBy</c> is <c>-ConsentBy</c>), or null.</summary>
    internal static string? ParameterFor(string? input, CommandInfo? command)
    {
        if (input is null || command is null)
            return null;
        try
        {
            return command.Parameters.TryGetValue(input, out ParameterMetadata? p) ? p.Name : null;   // case-insensitive
        }
        catch (System.Exception)
        {
            return null;   // parameter metadata could not be built: the engine's message stands alone
        }
    }
}
