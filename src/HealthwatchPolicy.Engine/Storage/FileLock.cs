using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Storage;

/// <summary>
/// A cross-process lock: an exclusively opened lock file (FileShare.None, which .NET maps to flock on Unix and
/// to a share-mode lock on Windows). The operating system drops it when the process dies, even on kill -9.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private FileStream? _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string lockPath, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        var clock = Stopwatch.StartNew();
        int wait = 5;
        var random = new Random();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                Thread.Sleep(wait + random.Next(wait));
                wait = Math.Min(wait * 2, 100);
            }
            catch (IOException ex)
            {
                throw new HwException(ErrorIds.StateLocked,
                    $"Another HealthwatchPolicy process has held '{lockPath}' for over {timeout.TotalSeconds:0} s. Try again when it has finished.",
                    lockPath, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new HwException(ErrorIds.StateNotWritable,
                    $"Cannot create the lock file '{lockPath}': {ex.Message}", lockPath, ex);
            }
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
