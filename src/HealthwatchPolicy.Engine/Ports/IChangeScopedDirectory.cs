using System;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// A directory that can hold one consistent read for the length of a change: the local folder, whose every read
/// would otherwise parse the whole file. The session opens it inside every change (after the state lock), so a
/// grant decides and writes on one read of the directory. Adapters whose reads are remote calls (Graph) do not
/// implement it.
/// </summary>
internal interface IChangeScopedDirectory
{
    /// <summary>Opens the change (re-entrant on the same thread); dispose it on that thread to end it.</summary>
    IDisposable BeginChange();
}
