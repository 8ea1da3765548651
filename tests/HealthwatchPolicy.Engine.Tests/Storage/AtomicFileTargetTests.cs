using System;
using System.Diagnostics;
using System.IO;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Tests.Storage;

/// <summary>
/// AtomicFile replaces only a regular file: a device, a FIFO, a directory or a symbolic link at the target is refused
/// (FileTargetNotRegular) and left as it was, nothing written beside it; a replaced file keeps its permission bits.
/// The device is one made with mknod in a temporary folder (1,3: what /dev/null is), never the real /dev/null.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTargetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hw-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {err}");
    }

    private void AssertRefusedAndUntouched(string target, UnixFileMode type)
    {
        string[] before = Directory.GetFileSystemEntries(_folder);
        var ex = Assert.Throws<HwException>(() => AtomicFile.WriteAllText(target, "report"));
        Assert.Equal(ErrorIds.FileTargetNotRegular, ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(target, ex.Target);
        Assert.Contains($"'{target}'", ex.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder));           // no temporary file left beside it
        Assert.Equal(type, FileTypeOf(target));                                   // the node is still what it was
    }

    private static UnixFileMode FileTypeOf(string path) =>
        new FileInfo(path).LinkTarget is not null ? (UnixFileMode)0xA000
        : (UnixFileMode)(FileKind.Stat(path, followLinks: false)!.Value.Type);

    [Fact]
    public void A_character_device_is_refused_and_left_a_device()
    {
        string dev = Path.Combine(_folder, "null");
        Run("mknod", dev, "c", "1", "3");
        AssertRefusedAndUntouched(dev, (UnixFileMode)FileKind.S_IFCHR);
        Assert.Contains("a character device", Assert.Throws<HwException>(() => AtomicFile.WriteAllText(dev, "x")).Message);
    }

    [Fact]
    public void A_fifo_is_refused_without_opening_it()
    {
        string fifo = Path.Combine(_folder, "pipe");
        Run("mkfifo", fifo);
        AssertRefusedAndUntouched(fifo, (UnixFileMode)FileKind.S_IFIFO);
    }

    [Fact]
    public void A_directory_is_refused()
    {
        string dir = Path.Combine(_folder, "report.md");
        Directory.CreateDirectory(dir);
        AssertRefusedAndUntouched(dir, (UnixFileMode)FileKind.S_IFDIR);
    }

    [Fact]
    public void A_symbolic_link_is_refused_and_its_target_untouched()
    {
        string real = Path.Combine(_folder, "real.md");
        File.WriteAllText(real, "original");
        string link = Path.Combine(_folder, "link.md");
        File.CreateSymbolicLink(link, real);
        AssertRefusedAndUntouched(link, (UnixFileMode)FileKind.S_IFLNK);
        Assert.Equal("original", File.ReadAllText(real));
        Assert.Equal(real, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_mode_600_file_is_replaced_and_stays_600()
    {
        string file = Path.Combine(_folder, "report.md");
        File.WriteAllText(file, "old");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteAllText(file, "new");
        Assert.Equal("new", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void A_new_file_is_written()
    {
        string file = Path.Combine(_folder, "sub", "report.md");
        AtomicFile.WriteAllText(file, "new");
        Assert.Equal("new", File.ReadAllText(file));
    }
}
