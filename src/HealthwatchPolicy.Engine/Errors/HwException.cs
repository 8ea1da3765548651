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
    InvalidType,
    NotImplemented,
}

/// <summary>
/// An engine failure with a stable error id from <see cref="ErrorIds"/> (its kind follows from the id), the target
/// the caller named, and, when one input value is at fault, that input's name in the engine's terms
/// (<see cref="Input"/>). Messages say what is wrong with which value and never name a cmdlet parameter (the
/// cmdlets do that) or carry secrets.
/// </summary>
public class HwException : Exception
{
    public HwException(string errorId, string message, object? target = null, Exception? inner = null, string? input = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Target = target;
        Input = input;
    }

    public string ErrorId { get; }
    /// <summary>The id's one kind, from the catalogue.</summary>
    public HwErrorKind Kind => ErrorIds.KindOf(ErrorId);
    public object? Target { get; }
    /// <summary>
    /// The engine's name of the input whose value is wrong (<c>owner</c>, <c>consentBy</c>, <c>user</c>, <c>url</c>,
    /// <c>from</c>, <c>to</c>...), or null. A cmdlet with a parameter of that name words the error with it.
    /// </summary>
    public string? Input { get; }
}
