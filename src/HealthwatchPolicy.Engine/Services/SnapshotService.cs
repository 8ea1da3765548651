using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// Export-HwDirectorySnapshot: the connected directory and its journal as an organisation folder the local adapter
/// opens. Everything is read through the ports (<see cref="IDirectory"/>, the state store's journal) and written
/// through the local adapters (<see cref="LocalStateStore"/>, <see cref="LocalDirectory"/>), whatever the source.
/// </summary>
public sealed class SnapshotService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;

    internal SnapshotService(HwSession session, RegisterService register)
    {
        _session = session;
        _register = register;
    }

    /// <summary>
    /// Writes the connected directory's people, posting groups (members, register entries) and acknowledgements to
    /// <paramref name="path"/> (<c>directory.json</c>), with the journal copied entry by entry, as stored and with its
    /// seals, to <c>state/journal.jsonl</c> + <c>journal.head</c>. On Graph it reads <c>/users</c> and the posting
    /// groups once each, and the posters' leave dates, MFA methods and last sign-ins (<c>IPosterFactsDirectory</c>; on Graph
    /// 3 × ceil(posters / 20) batched requests). Throws <c>SnapshotTargetNotEmpty</c> when the folder has anything in it,
    /// <c>FileWriteFailed</c> or <c>JournalWriteFailed</c> when a write fails, and <c>JournalCorrupt</c> when the
    /// journal does not read back whole. <c>directory.json</c> is written last, so a failed export is never
    /// mistaken for an organisation folder.
    /// </summary>
    public DirectorySnapshot Export(string path)
    {
        string target = Path.GetFullPath(path);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new HwException(ErrorIds.SnapshotTargetNotEmpty,
                $"'{target}' is not empty: a snapshot goes into a new or empty folder.", target, input: "path");

        IReadOnlyList<DirectoryUser> users = _session.Directory.GetUsers();
        IReadOnlyList<DirectoryGroup> groups = _session.Directory.GetGroups(_register.GroupPrefix);
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadAll();
        // Issue 15: the posters' leave dates, MFA methods and last sign-ins travel too, so the snapshot finds what the
        // source finds (decision 0174); a facet the connection cannot read is left out, as the report leaves it unjudged.
        PosterFacts? facts = _session.Directory is IPosterFactsDirectory pf
            ? pf.ReadPosterFacts(groups.SelectMany(g => g.MemberIds).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), PosterFactKinds.All)
            : null;
        try
        {
            string state = Path.Combine(target, "state");
            Directory.CreateDirectory(state);
            CopyJournal(journal, new LocalStateStore(state).Journal(HwSession.JournalName));
            LocalDirectory.WriteNew(target, _session.Policy.Organisation, users, groups, facts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new HwException(ErrorIds.FileWriteFailed, $"Cannot write the snapshot to '{target}': {ex.Message}", target, ex);
        }
        return new DirectorySnapshot(target, _session.Connection.Directory, _session.Clock.UtcNow, users.Count, groups.Count,
            groups.Sum(g => g.MemberIds.Count), journal.Count);
    }

    /// <summary>Appends each stored entry, unchanged, under its own sequence and sealed with its own hash, so the copy verifies as the source does.</summary>
    private void CopyJournal(IReadOnlyList<JournalEntry> entries, IStateJournal copy)
    {
        IStateJournal source = _session.State.Journal(HwSession.JournalName);
        int i = 0;
        foreach (string line in source.Read(1))
        {
            if (i >= entries.Count)
                break;
            copy.Append(entries[i].Sequence, line, entries[i].Hash);
            i++;
        }
        if (i != entries.Count)
            throw new HwException(ErrorIds.JournalCorrupt,
                $"The journal '{source.Location}' changed while it was copied; export the snapshot again, or run Test-HwAuditLog.", source.Location);
    }
}
