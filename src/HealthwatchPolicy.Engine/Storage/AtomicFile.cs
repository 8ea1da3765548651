using System;
using System.IO;
using System.Text;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Storage;

/// <summary>
/// Writes a whole file or nothing: a temporary file in the same folder, flushed, then renamed over the target. Only a
/// regular file is replaced: a target that exists as anything else (a device such as /dev/null, a FIFO, a socket, a
/// directory, or a symbolic link) is refused with <see cref="ErrorIds.FileTargetNotRegular"/> before anything is written,
/// and a replaced file keeps its permission bits (a mode-600 report stays 600). See docs/decisions/0120-atomic-writes-only-over-regular-files.md.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> whole or not at all: a temporary file in the same folder, flushed, then renamed over the target.</summary>
    /// <exception cref="HwException">FileTargetNotRegular (the target exists and is not a regular file; nothing written), FileWriteFailed.</exception>
    public static void WriteAllText(string path, string text) => WriteAllText(path, text, null);

    /// <summary>
    /// As <see cref="WriteAllText(string, string)"/>; a file that does not exist yet is made with the permission bits
    /// <paramref name="newFilePermissions"/> (Unix, e.g. <c>0x180</c> = 0600, owner read and write only) before any byte
    /// is written. Off Unix the bits are not applied: the file takes the folder's inherited ACLs (decision 0201).
    /// </summary>
    /// <exception cref="HwException">FileTargetNotRegular (the target exists and is not a regular file; nothing written), FileWriteFailed (also when the bits cannot be set on Unix).</exception>
    public static void WriteAllText(string path, string text, int? newFilePermissions)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        int? keepPermissions = CheckTarget(full) ?? (FileKind.IsUnix ? newFilePermissions : null);
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            Directory.CreateDirectory(dir);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                // The target's mode before any byte is written, so a 600 file's content is never readable under a wider mode.
                if (keepPermissions is int permissions && !FileKind.SetPermissions(temp, permissions))
                    throw new IOException($"cannot give the new file the existing file's mode ({Convert.ToString(permissions, 8)})");
                byte[] bytes = s_utf8.GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(full))
                File.Replace(temp, full, null);
            else
                File.Move(temp, full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new HwException(ErrorIds.FileWriteFailed, $"Cannot write '{full}': {ex.Message}", full, ex);
        }
    }

    /// <summary>Refuses a target that exists and is not a regular file; the permission bits of one that is (Unix), else null.</summary>
    private static int? CheckTarget(string full)
    {
        if (FileKind.IsUnix)
        {
            if (FileKind.Stat(full, followLinks: false) is not { } node)
                return Directory.Exists(full) ? throw NotRegular(full, "a directory") : null;
            if (node.Type != FileKind.S_IFREG)
                throw NotRegular(full, FileKind.TypeName(node.Type));
            return node.Permissions;
        }
        if (Directory.Exists(full))
            throw NotRegular(full, "a directory");
        if (File.Exists(full) && (File.GetAttributes(full) & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
            throw NotRegular(full, "a device or a link");
        return null;
    }

    private static HwException NotRegular(string full, string what) =>
        new(ErrorIds.FileTargetNotRegular,
            $"Cannot write '{SafeText.Neutralise(full)}': it is {what}, not a regular file. Only a regular file is replaced (a device, FIFO, socket, directory or symbolic link is never written over); name a file path.",
            full);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* best effort: the target is untouched */ }
    }
}
