using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// A state-store write lost a race: the document changed (or appeared, or went away) since it was read, or the
/// journal sequence was taken. Nothing was written; read again and decide again.
/// </summary>
public sealed class StateConflictException : HwException
{
    /// <summary>The document or journal <paramref name="name"/> changed since it was read, or already exists: nothing was written.</summary>
    public StateConflictException(string name, string message)
        : base(ErrorIds.StateConflict, message, name)
    {
        Name = name;
    }

    /// <summary>The document or journal that was in conflict.</summary>
    public string Name { get; }
}
