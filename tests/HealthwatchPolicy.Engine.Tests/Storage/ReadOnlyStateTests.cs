using System;
using System.Diagnostics;
using System.IO;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Tests.Storage;

/// <summary>
/// A folder on a real read-only file system: a tmpfs mounted read-only (the tests run as root, where chmod does not
/// stop writes). EROFS must be reported at once as StateNotWritable, not retried for two minutes as contention.
/// </summary>
public sealed class ReadOnlyStateTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly string _mount;

    public ReadOnlyStateTests()
    {
        _mount = Path.Combine(_org.Folder, "read-only-state");
        Directory.CreateDirectory(_mount);
        Run("mount", $"-t tmpfs -o ro,size=1m hw-readonly \"{_mount}\"");
    }

    [Fact]
    public void A_change_in_a_read_only_state_folder_fails_at_once_naming_the_folder()
    {
        Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(_mount, "probe"), "x")); // the mount really is read-only

        HwServices session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _mount, null, new TestClock());
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<HwException>(() => session.Acknowledgements.Add(TestOrg.NotAcknowledged, null, "read the policy"));
        clock.Stop();

        Assert.Equal("StateNotWritable", ex.ErrorId);
        Assert.Equal(HwErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal(_mount, ex.Target);
        Assert.Contains($"'{_mount}' cannot be written", ex.Message);
        Assert.Contains("Read-only file system", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"StateNotWritable took {clock.Elapsed} (the lock timeout is 120 s).");
    }

    [Fact]
    public void The_lock_itself_refuses_a_read_only_folder_without_waiting_out_its_timeout()
    {
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<HwException>(() => FileLock.Acquire(Path.Combine(_mount, "state.lock"), TimeSpan.FromSeconds(120)));
        Assert.Equal("StateNotWritable", ex.ErrorId);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_lock_held_by_someone_else_is_still_waited_for_and_then_StateLocked()
    {
        string path = Path.Combine(_org.Folder, "held.lock");
        using FileLock held = FileLock.Acquire(path, TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<HwException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(400)));
        Assert.True(ex.ErrorId == "StateLocked", $"{ex.ErrorId}: {ex.InnerException?.GetType().Name} 0x{ex.InnerException?.HResult:X} {ex.InnerException?.Message}");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"gave up after {clock.Elapsed}, before its timeout");
        held.Dispose();
        using FileLock again = FileLock.Acquire(path, TimeSpan.FromSeconds(5)); // free again once released
    }

    private static void Run(string file, string arguments)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"'{file} {arguments}' failed ({p.ExitCode}): {error.Trim()}. This test needs root to mount a read-only tmpfs.");
    }

    public void Dispose()
    {
        try
        {
            Run("umount", $"\"{_mount}\"");
        }
        finally
        {
            _org.Dispose();
        }
    }
}
