using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>Export-HwDirectorySnapshot: the connected directory and its journal as an organisation folder.</summary>
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
    /// Writes the connected directory's people, posting groups (members, register entries) and acknowledgements
    /// as an organisation folder, with a copy of the journal in its state/ folder: the local adapter opens it.
    /// </summary>
    public DirectorySnapshot Export(string path)
    {
        string target = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new HwException(ErrorIds.SnapshotTargetNotEmpty,
                $"'{target}' is not empty: a snapshot goes into a new or empty folder.", target, input: "path");

        IReadOnlyList<DirectoryUser> users = _session.Directory.GetUsers();
        IReadOnlyList<DirectoryGroup> groups = _session.Directory.GetGroups(_register.GroupPrefix);
        var document = new LocalDirectoryDocument
        {
            Organisation = _session.Policy.Organisation,
            Users = users.Select(u => new LocalUser
            {
                Id = u.Id, UserPrincipalName = u.UserPrincipalName, DisplayName = u.DisplayName, Mail = u.Mail,
                AccountEnabled = u.AccountEnabled, EmployeeType = u.EmployeeType, UserType = u.UserType,
                ManagerId = u.ManagerId, JobTitle = u.JobTitle, Extension = u.Extension,
            }).ToList(),
            Groups = groups.Select(g => new LocalGroup
            {
                Id = g.Id, DisplayName = g.DisplayName, Description = g.Description, MailNickname = g.MailNickname,
                Members = g.MemberIds.ToList(), Extension = g.Extension,
            }).ToList(),
        };

        var journal = _session.Journal.ReadAll();
        string state = System.IO.Path.Combine(target, "state");
        try
        {
            Directory.CreateDirectory(state);
            foreach (string file in new[] { "journal.jsonl", "journal.head" })
            {
                string source = System.IO.Path.Combine(_session.Connection.StatePath, file);
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
        return new DirectorySnapshot(target, _session.Connection.Directory, _session.Clock.UtcNow, document.Users.Count, document.Groups.Count,
            document.Groups.Sum(g => g.Members.Count), journal.Count);
    }
}
