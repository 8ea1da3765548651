using System;

namespace HealthwatchPolicy.Engine.Errors;

/// <summary>What kind of failure an engine error is; the cmdlets map it onto an ErrorCategory.</summary>
public enum HwErrorKind
{
    InvalidData,
    InvalidArgument,
    ObjectNotFound,
    PermissionDenied,
    InvalidOperation,
    ResourceUnavailable,
    ConnectionError,
    WriteError,
    LimitsExceeded,
    NotSpecified,
}

/// <summary>
/// An engine failure with a stable error id (PascalCase, <c>SubjectProblem</c>), a kind and the target
/// the caller named. Messages never carry secrets.
/// </summary>
public class HwException : Exception
{
    public HwException(string errorId, HwErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public HwErrorKind Kind { get; }
    public object? Target { get; }
}
