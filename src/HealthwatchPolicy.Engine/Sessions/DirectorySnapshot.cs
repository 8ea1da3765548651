using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>What Export-HwDirectorySnapshot wrote.</summary>
public sealed class DirectorySnapshot
{
    internal DirectorySnapshot(string path, string source, DateTimeOffset takenAt, int users, int groups, int posters, int journalEntries)
    {
        Path = path;
        Source = source;
        TakenAt = takenAt;
        Users = users;
        PostingGroups = groups;
        Posters = posters;
        JournalEntries = journalEntries;
    }

    public string Path { get; }
    public string Source { get; }
    public DateTimeOffset TakenAt { get; }
    public int Users { get; }
    public int PostingGroups { get; }
    public int Posters { get; }
    public int JournalEntries { get; }
}

internal static class DirectorySnapshotWriter
{
    /// <summary>
    /// Writes the connected directory's people, posting groups (members, register entries) and acknowledgements
    /// as an organisation folder, with a copy of the journal in its state/ folder: the local adapter opens it.
    /// </summary>
    public static DirectorySnapshot Write(HwSession session, string path)
    {
        string target = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new HwException(ErrorIds.SnapshotTargetNotEmpty,
                $"'{target}' is not empty: a snapshot goes into a new or empty folder.", target, input: "path");

        IReadOnlyList<DirectoryUser> users = session.Directory.GetUsers();
        IReadOnlyList<DirectoryGroup> groups = session.Directory.GetGroups(session.Register.GroupPrefix);
        var document = new LocalDirectoryDocument
        {
            Organisation = session.Policy.Organisation,
            Users = users.Select(u => new LocalUser
            {
                Id = u.Id, UserPrincipalName = u.UserPrincipalName, DisplayName = u.DisplayName, Mail = u.Mail,
                AccountEnabled = u.AccountEnabled, EmployeeType = u.EmployeeType, UserType = u.UserType,
                ManagerId = u.ManagerId, JobTitle = u.JobTitle, Extension = u.Extension,
            }).ToList(),
            Groups = groups.Select(g => new LocalGroup
            {
                Id = g.Id, DisplayName = g.DisplayName, Description = g.Description, MailNickname = g.MailNickname,
                Members = g.DirectMemberIds.Concat(g.GroupIds).ToList(), Extension = g.Extension,
                MailEnabled = g.Kind.MailEnabled ? true : null, SecurityEnabled = g.Kind.SecurityEnabled ? null : false,
                GroupTypes = g.Kind.GroupTypes.Count > 0 ? g.Kind.GroupTypes.ToList() : null,
            }).ToList(),
        };
        // Groups nested in posting groups go into the snapshot too, so it grants the same access (docs/decisions/0090).
        var written = new HashSet<string>(document.Groups.Select(g => g.Id), StringComparer.OrdinalIgnoreCase);
        foreach (NestedGroup n in groups.SelectMany(g => g.NestedGroups))
            if (written.Add(n.Id))
                document.Groups.Add(new LocalGroup { Id = n.Id, DisplayName = n.DisplayName, MailNickname = n.DisplayName, Members = n.DirectMemberIds.Concat(n.GroupIds).ToList() });

        var journal = session.Journal.ReadAll();
        string state = System.IO.Path.Combine(target, "state");
        try
        {
            Directory.CreateDirectory(state);
            foreach (string file in new[] { "journal.jsonl", "journal.head" })
            {
                string source = System.IO.Path.Combine(session.Connection.StatePath, file);
                if (File.Exists(source))
                    File.Copy(source, System.IO.Path.Combine(state, file));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new HwException(ErrorIds.FileWriteFailed, $"Cannot write the snapshot to '{target}': {ex.Message}", target, ex);
        }
        // directory.json last: a folder without it is not an organisation folder, so a failed export is never mistaken for one
        AtomicFile.WriteAllText(System.IO.Path.Combine(target, LocalDirectory.FileName), JsonSerializer.Serialize(document, LocalDirectory.Json));
        return new DirectorySnapshot(target, session.Connection.Directory, session.Clock.UtcNow, document.Users.Count, document.Groups.Count,
            document.Groups.Sum(g => g.Members.Count), journal.Count);
    }
}
