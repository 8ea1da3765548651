using System;
using System.Threading;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// A clock for tests that only moves when told: by <see cref="Advance"/>, or by a timer made on it (a
/// <c>Task.Delay(delay, clock)</c>), which moves the clock on by its due time and fires at once. Code that waits for
/// time to pass on this clock (an adapter's retry backoff) therefore makes exactly that much time pass on the fake
/// tenant's clock, and nothing sleeps.
/// </summary>
public sealed class SteppingClock : TimeProvider
{
    private readonly object _sync = new();
    private DateTimeOffset _now;
    private TimeSpan _waited;

    public SteppingClock(DateTimeOffset start) => _now = start;

    public SteppingClock()
        : this(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>All the time timers made on this clock have waited, in total.</summary>
    public TimeSpan Waited
    {
        get
        {
            lock (_sync)
                return _waited;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_sync)
            return _now;
    }

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(by), "A clock does not go back.");
        lock (_sync)
            _now += by;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Timer();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            TimeSpan due = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
            lock (_sync)
            {
                _now += due;
                _waited += due;
            }
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }
        return timer;
    }

    private sealed class Timer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;
        public void Dispose()
        {
        }
        public System.Threading.Tasks.ValueTask DisposeAsync() => default;
    }
}
