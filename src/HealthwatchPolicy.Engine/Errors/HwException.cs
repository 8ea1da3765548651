using System;

namespace HealthwatchPolicy.Engine.Errors;

/// <summary>What kind of failure an engine error is; the cmdlets map it onto an ErrorCategory.</summary>
public enum HwErrorKind
{
    /// <summary><c>ErrorCategory.InvalidData</c>: the input is not valid data (a policy file, a journal line, a state document).</summary>
    InvalidData,
    /// <summary><c>ErrorCategory.InvalidArgument</c>: an argument is not valid (a period, a decision, a file name).</summary>
    InvalidArgument,
    /// <summary><c>ErrorCategory.ObjectNotFound</c>: the account, user, group or review named does not exist.</summary>
    ObjectNotFound,
    /// <summary><c>ErrorCategory.PermissionDenied</c>: the directory or the file system refused access.</summary>
    PermissionDenied,
    /// <summary><c>ErrorCategory.InvalidOperation</c>: the request does not fit the current state (not connected, already retired, a conflict).</summary>
    InvalidOperation,
    /// <summary><c>ErrorCategory.ResourceUnavailable</c>: a lock, a file or a service is busy or not there.</summary>
    ResourceUnavailable,
    /// <summary><c>ErrorCategory.ConnectionError</c>: microsoft Graph or the SMTP server could not be reached or refused the connection.</summary>
    ConnectionError,
    /// <summary><c>ErrorCategory.WriteError</c>: a file or directory write failed.</summary>
    WriteError,
    /// <summary><c>ErrorCategory.LimitsExceeded</c>: a limit of the policy or of a store was reached (posters per account, extension size).</summary>
    LimitsExceeded,
    /// <summary><c>ErrorCategory.NotSpecified</c>: none of the others.</summary>
    NotSpecified,
    /// <summary><c>ErrorCategory.InvalidType</c>: a value has the wrong type.</summary>
    InvalidType,
    /// <summary><c>ErrorCategory.NotImplemented</c>: not available in this version or on this adapter.</summary>
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
    /// <summary>An engine error: a stable <paramref name="errorId"/> (a constant of <see cref="ErrorIds"/>, whose kind it takes), a message, the target object, the cause and the engine-level name of the input at fault (<paramref name="input"/>; cmdlets word it as their parameter).</summary>
    public HwException(string errorId, string message, object? target = null, Exception? inner = null, string? input = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Target = target;
        Input = input;
    }

    /// <summary>The stable error id (a constant of <see cref="ErrorIds"/>).</summary>
    public string ErrorId { get; }
    /// <summary>The id's one kind, from the catalogue.</summary>
    public HwErrorKind Kind => ErrorIds.KindOf(ErrorId);
    /// <summary>The object the error is about (an account name, a user, a path), or null.</summary>
    public object? Target { get; }
    /// <summary>
    /// The engine's name of the input whose value is wrong (<c>owner</c>, <c>consentBy</c>, <c>user</c>, <c>url</c>,
    /// <c>from</c>, <c>to</c>...), or null. A cmdlet with a parameter of that name words the error with it.
    /// </summary>
    public string? Input { get; }
}
