using System;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>The time, injectable so tests can simulate a month.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
