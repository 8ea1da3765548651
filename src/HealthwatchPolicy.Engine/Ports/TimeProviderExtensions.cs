using System;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The time is a <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> in use; tests move a fake one
/// through whole months). This gives it the one member the engine reads.
/// </summary>
internal static class TimeProviderExtensions
{
    /// <summary>
    /// How far two clocks may disagree before a time is taken to have gone the wrong way: five minutes, the skew
    /// Kerberos (and so Active Directory and Entra-joined machines) tolerates between an admin's machine and the
    /// domain. A journal entry earlier than the one before it, or a review or entry later than now, by more than
    /// this is reported (docs/decisions/0070-time-that-goes-the-wrong-way.md).
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    extension(TimeProvider clock)
    {
        /// <summary>Now, in UTC.</summary>
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
