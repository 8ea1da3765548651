using System;
using System.Runtime.InteropServices;
using System.Text;

namespace HealthwatchPolicy.Engine.Storage;

/// <summary>
/// What kind of file system node a path is, and its permission bits, on Unix: the policy loader reads only a regular
/// file, and <see cref="AtomicFile"/> writes only over one (never over a device, FIFO, socket, directory or symbolic
/// link). It calls the .NET runtime's own portable stat and chmod (libSystem.Native, present in every .NET Core runtime
/// on Unix), because the engine targets netstandard2.0 and File.GetUnixFileMode is .NET 7 or later.
/// </summary>
internal static class FileKind
{
    internal const int S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;

    /// <summary>Whether this process runs on Unix (where the stat calls answer).</summary>
    public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>The node's type and permission bits (the low 12 bits of st_mode), or null when it does not exist or the runtime cannot say.</summary>
    public static (int Type, int Permissions)? Stat(string path, bool followLinks)
    {
        if (!IsUnix)
            return null;
        try
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            // FileStatus starts with int Flags, int Mode; the buffer is larger than the structure so that fields added
            // to its end in later runtimes cannot overrun it.
            byte[] status = new byte[512];
            if ((followLinks ? SystemNativeStat(p, status) : SystemNativeLStat(p, status)) != 0)
                return null;
            int mode = BitConverter.ToInt32(status, 4);
            return (mode & S_IFMT, mode & 0xFFF);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>Sets the permission bits of <paramref name="path"/>; false when the runtime cannot (off Unix, or the call failed).</summary>
    public static bool SetPermissions(string path, int permissions)
    {
        if (!IsUnix)
            return false;
        try
        {
            return SystemNativeChMod(Encoding.UTF8.GetBytes(path + "\0"), permissions & 0xFFF) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>The node type in words, for a message.</summary>
    public static string TypeName(int type) => type switch
    {
        S_IFIFO => "a FIFO (named pipe)",
        S_IFCHR => "a character device",
        S_IFBLK => "a block device",
        S_IFDIR => "a directory",
        S_IFSOCK => "a socket",
        S_IFLNK => "a symbolic link",
        _ => "not a regular file",
    };

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat(byte[] path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int SystemNativeLStat(byte[] path, byte[] status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_ChMod", SetLastError = true)]
    private static extern int SystemNativeChMod(byte[] path, int mode);
}
