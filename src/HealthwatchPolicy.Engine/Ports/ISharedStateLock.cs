using System;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// A state store that other processes on other machines share (a SharePoint library through Graph) supplies the
/// state lock itself, so every admin and the scheduled job serialise their decide-and-change sequences on one lock,
/// not on a lock file of their own. A store without it is guarded by <c>state.lock</c> in the local state folder.
/// </summary>
public interface ISharedStateLock
{
    /// <summary>Takes the lock called <paramref name="name"/>, waiting up to <paramref name="timeout"/> while another
    /// holder has it; dispose to release. Throws <c>StateLocked</c> when it stays held.</summary>
    IDisposable Acquire(string name, TimeSpan timeout);
}
