using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Organisations;

/// <summary>
/// Summary documents in a folder (<c>-SummaryPath</c>, <c>Get-HwOrganisationSummary -Path</c>): one subfolder per
/// organisation, one file per run, written whole or not at all (<see cref="AtomicFile"/>), never over another.
/// </summary>
public sealed class FolderSummaryStore : IOrganisationSummaryStore
{
    private readonly string _root;
    private readonly IReadOnlyList<string> _files;

    /// <summary>A store at the folder <paramref name="root"/> (a full path; created at the first write).</summary>
    public FolderSummaryStore(string root)
    {
        _root = root;
        _files = Array.Empty<string>();
    }

    private FolderSummaryStore(string root, IReadOnlyList<string> files)
    {
        _root = root;
        _files = files;
    }

    /// <summary>A store that reads exactly the files given (Get-HwOrganisationSummary -Path file.json).</summary>
    public static FolderSummaryStore ForFiles(IReadOnlyList<string> files) => new(files.Count == 1 ? files[0] : "(files)", files);

    /// <inheritdoc/>
    public string Location => _root;

    /// <inheritdoc/>
    public string Write(OrganisationSummary summary)
    {
        string name = summary.DocumentName();
        string folder = Path.Combine(_root, name.Substring(0, name.IndexOf('/')));
        string file = Path.Combine(folder, name.Substring(name.IndexOf('/') + 1));
        try
        {
            Directory.CreateDirectory(folder);
            for (int attempt = 2; File.Exists(file); attempt++)
            {
                if (attempt > OrganisationSummary.MaxSameMillisecond)
                    throw new IOException($"{OrganisationSummary.MaxSameMillisecond} documents of this organisation already have the time {summary.GeneratedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss.fff} UTC");
                file = Path.Combine(folder, OrganisationSummary.CollisionName(name.Substring(name.IndexOf('/') + 1), attempt));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.OrganisationSummaryWriteFailed, $"Cannot write the summary of '{summary.Organisation}' to '{SafeText.Neutralise(folder)}': {ex.Message}", folder, ex, input: "Path");
        }
        try
        {
            AtomicFile.WriteAllText(file, summary.ToJson());
        }
        catch (HwException ex)
        {
            throw new HwException(ErrorIds.OrganisationSummaryWriteFailed, $"Cannot write the summary of '{summary.Organisation}' to '{file}': {ex.Message}", file, ex, input: "Path");
        }
        return file;
    }

    /// <inheritdoc/>
    public bool Contains(string documentName) => File.Exists(Path.Combine(_root, documentName.Replace('/', Path.DirectorySeparatorChar)));

    /// <inheritdoc/>
    public IReadOnlyList<OrganisationSummaryRead> ReadLatest(DateTimeOffset now)
    {
        IEnumerable<string> files = _files.Count > 0 ? _files
            : Directory.Exists(_root) ? Directory.EnumerateFiles(_root, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        var read = new List<OrganisationSummaryRead>();
        foreach (string file in files)
            read.Add(ReadFile(file, now + OrganisationSummary.MaxClockAhead));
        return read;
    }

    private static OrganisationSummaryRead ReadFile(string file, DateTimeOffset notAfter)
    {
        try
        {
            // Only a regular file is read: a FIFO would block the read for ever, a device would never end.
            if (FileKind.IsUnix && FileKind.Stat(file, followLinks: true)?.Type is int type && type != FileKind.S_IFREG)
                return new OrganisationSummaryRead(file, new HwException(ErrorIds.OrganisationSummaryUnreadable,
                    $"'{SafeText.Neutralise(file)}' is {FileKind.TypeName(type)}, not a regular file; only regular files are read.", file, input: "Path"));
            var info = new FileInfo(file);
            if (info.Length > OrganisationSummary.MaxDocumentBytes)
                return new OrganisationSummaryRead(file, OrganisationSummaryStores.TooLarge(file, info.Length));
            return new OrganisationSummaryRead(OrganisationSummary.Parse(File.ReadAllText(file, Encoding.UTF8), file, notAfter));
        }
        catch (FormatException ex)
        {
            return new OrganisationSummaryRead(file, new HwException(ErrorIds.OrganisationSummaryUnreadable, ex.Message, file, ex, input: "Path"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new OrganisationSummaryRead(file, new HwException(ErrorIds.OrganisationSummaryUnreadable, $"Cannot read '{file}': {ex.Message}", file, ex, input: "Path"));
        }
    }
}
