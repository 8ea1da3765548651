using System;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The time is a <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> in use; tests move a fake one
/// through whole months). This gives it the one member the engine reads.
/// </summary>
internal static class TimeProviderExtensions
{
    extension(TimeProvider clock)
    {
        /// <summary>Now, in UTC.</summary>
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
