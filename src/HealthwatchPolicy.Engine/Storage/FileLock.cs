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
        string folder = Path.GetDirectoryName(Path.GetFullPath(lockPath))!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(folder, lockPath, ex);
        }
        var clock = Stopwatch.StartNew();
        int wait = 5;
        var random = new Random();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException ex) when (IsContention(ex) && clock.Elapsed < timeout)
            {
                Thread.Sleep(wait + random.Next(wait));
                wait = Math.Min(wait * 2, 100);
            }
            catch (IOException ex) when (IsContention(ex))
            {
                throw new HwException(ErrorIds.StateLocked,
                    $"Another HealthwatchPolicy process has held '{lockPath}' for over {timeout.TotalSeconds:0} s. Try again when it has finished.",
                    lockPath, ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only file system (EROFS), no permission (EACCES/EPERM), a full disk: waiting cannot help.
                throw NotWritable(folder, lockPath, ex);
            }
        }
    }

    // Windows reports a held lock as ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION (as HRESULTs). On Unix .NET takes
    // FileShare.None as flock(LOCK_EX | LOCK_NB) and puts the raw errno in HResult: EWOULDBLOCK, which is 11 on Linux
    // and 35 on macOS and the BSDs. A read-only file system is EROFS (30 on Linux), a full disk ENOSPC: not contention.
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockViolation = unchecked((int)0x80070021);
    private const int EWouldBlockLinux = 11;
    private const int EWouldBlockDarwin = 35;

    /// <summary>Only another holder of the lock is worth waiting for; every other failure is the environment's.</summary>
    /// (Windows HResults are negative HRESULTs, so a small positive one is always an errno.)
    internal static bool IsContention(IOException ex) =>
        ex.HResult == SharingViolation || ex.HResult == LockViolation || ex.HResult == EWouldBlockLinux || ex.HResult == EWouldBlockDarwin;

    private static HwException NotWritable(string folder, string lockPath, Exception ex) =>
        new(ErrorIds.StateNotWritable, $"The folder '{folder}' cannot be written, so its lock file '{Path.GetFileName(lockPath)}' cannot be opened: {ex.Message} "
            + "Check that the folder is on a writable file system and that this account may write to it.",
            folder, ex);

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
