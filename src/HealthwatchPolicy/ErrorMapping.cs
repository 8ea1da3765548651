using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy;

/// <summary>Engine errors become ErrorRecords with the engine's stable id, a category and the caller's target.</summary>
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
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord ToErrorRecord(HwException ex, object? target)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, ToCategory(ex.Kind), target ?? ex.Target);
        // Messages quote what the caller or the directory gave; what PowerShell shows has its controls made visible.
        string shown = HealthwatchPolicy.Engine.Text.SafeText.Neutralise(ex.Message, keepLineFeeds: true)!;
        if (!ReferenceEquals(shown, ex.Message))
            record.ErrorDetails = new ErrorDetails(shown);
        return record;
    }
}
