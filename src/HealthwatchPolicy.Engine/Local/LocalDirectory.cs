using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Local;

/// <summary>
/// The embedded local directory: <c>directory.json</c> in an organisation folder. Outside a change, every read
/// parses the file and every write reads it afresh, changes it and replaces it atomically (temp file + rename) under
/// <c>directory.lock</c>, so concurrent processes lose no update and a killed process leaves the previous or the
/// next version whole. Inside a change (<see cref="IChangeScopedDirectory.BeginChange"/>, which the session opens
/// with every change) the file is read once, under <c>directory.lock</c> held to the end of the change: every read
/// answers from that copy and every write applies to it and replaces the file at once.
/// </summary>
internal sealed class LocalDirectory : IDirectory, IChangeScopedDirectory, IPosterFactsDirectory
{
    public const string FileName = "directory.json";
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(60);
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly string _path;
    private readonly string _lockPath;

    // The change in progress (on the thread that opened it): the document read once, and the lock held for it.
    private readonly object _changeGate = new();
    private int _changeThread;
    private int _changeDepth;
    private LocalDirectoryDocument? _held;
    private FileLock? _heldLock;
    private int _reads;
    private int _lockAcquisitions;

    public LocalDirectory(string organisationFolder)
    {
        Folder = Path.GetFullPath(organisationFolder);
        _path = Path.Combine(Folder, FileName);
        _lockPath = Path.Combine(Folder, "directory.lock");
        if (!File.Exists(_path))
            throw new HwException(ErrorIds.DirectoryNotFound,
                $"'{Folder}' is not an organisation folder: it has no {FileName}. Use Connect-HwDirectory -Sample for the bundled sample organisation.",
                Folder);
        Read(); // fail now, with the file named, rather than at the first command
    }

    /// <summary>
    /// Writes <c>directory.json</c> for a new organisation folder <paramref name="folder"/>: the users and groups as
    /// read through any adapter (the format stays this adapter's own). The file is written whole (temp + rename).
    /// </summary>
    internal static void WriteNew(string folder, string? organisation, IReadOnlyList<DirectoryUser> users, IReadOnlyList<DirectoryGroup> groups,
        PosterFacts? facts = null)
    {
        var document = new LocalDirectoryDocument
        {
            Organisation = organisation,
            Users = users.Select(u => new LocalUser
            {
                Id = u.Id, UserPrincipalName = u.UserPrincipalName, DisplayName = u.DisplayName, Mail = u.Mail,
                AccountEnabled = u.AccountEnabled, EmployeeType = u.EmployeeType, UserType = u.UserType,
                ManagerId = u.ManagerId, JobTitle = u.JobTitle, Extension = u.Extension,
                // issue 15: the poster facts that were read (a facet not read leaves the field out: not judged)
                EmployeeLeaveDateTime = facts is not null && facts.LeaveDates.TryGetValue(u.Id, out DateTimeOffset leave) ? leave : null,
                MfaMethods = facts is not null && facts.MfaMethods.TryGetValue(u.Id, out IReadOnlyList<string>? mfa) ? mfa.ToList() : null,
                LastSignInDateTime = facts is not null && facts.LastSignIns.TryGetValue(u.Id, out DateTimeOffset? signIn) ? signIn : null,
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
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(document, Json));
    }

    public string Folder { get; }
    public string Description => "local: " + Folder;

    /// <summary>How many times <c>directory.json</c> has been parsed by this instance (tests count reads per change with it).</summary>
    internal int DocumentReads => Volatile.Read(ref _reads);

    /// <summary>How many times this instance has taken <c>directory.lock</c>.</summary>
    internal int LockAcquisitions => Volatile.Read(ref _lockAcquisitions);

    /// <summary>
    /// Holds one read of <c>directory.json</c> for the change: the first read or write inside takes
    /// <c>directory.lock</c> and parses the file; later reads answer from that copy and writes apply to it and
    /// replace the file (each write reaches the disk before the call returns, so the journal never runs ahead of
    /// it). Re-entrant on the opening thread; other threads read the file as if no change were open.
    /// </summary>
    IDisposable IChangeScopedDirectory.BeginChange()
    {
        Monitor.Enter(_changeGate);
        _changeThread = Environment.CurrentManagedThreadId;
        _changeDepth++;
        return new ChangeExit(this);
    }

    private bool InChange => _changeDepth > 0 && _changeThread == Environment.CurrentManagedThreadId;

    private void EndChange()
    {
        if (--_changeDepth == 0)
        {
            _held = null;
            _heldLock?.Dispose();
            _heldLock = null;
            _changeThread = 0;
        }
        Monitor.Exit(_changeGate);
    }

    private sealed class ChangeExit : IDisposable
    {
        private LocalDirectory? _owner;

        public ChangeExit(LocalDirectory owner) => _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.EndChange();
    }

    public IReadOnlyList<DirectoryUser> GetUsers() => Current().Users.Select(ToUser).ToList();

    public IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null)
    {
        var wanted = new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase);
        var named = new HashSet<string>(userPrincipalNames ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        return Current().Users.Where(u => wanted.Contains(u.Id) || named.Contains(u.UserPrincipalName)).Select(ToUser).ToList();
    }

    /// <summary>Issue 15: <c>employeeLeaveDateTime</c>, <c>mfaMethods</c> and <c>lastSignInDateTime</c> of directory.json's users.
    /// A user without the field has no value (no finding about them).</summary>
    public PosterFacts ReadPosterFacts(IReadOnlyCollection<string> userIds, PosterFactKinds kinds)
    {
        LocalDirectoryDocument doc = Current();
        var wanted = new HashSet<string>(userIds, StringComparer.OrdinalIgnoreCase);
        var leave = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var mfa = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var signIns = new Dictionary<string, DateTimeOffset?>(StringComparer.OrdinalIgnoreCase);
        foreach (LocalUser u in doc.Users.Where(u => wanted.Contains(u.Id)))
        {
            if (u.EmployeeLeaveDateTime is { } l)
                leave[u.Id] = l.ToUniversalTime();
            if (u.MfaMethods is { } m)
                mfa[u.Id] = m.Where(x => !string.Equals(x, "password", StringComparison.OrdinalIgnoreCase)).ToList();
            if (u.LastSignInDateTime is { } s)
                signIns[u.Id] = s.ToUniversalTime();
        }
        // A user without the field has no value (nothing is found about them); a facet not asked for is "not asked".
        return new PosterFacts(leave, (kinds & PosterFactKinds.LeaveDate) != 0 ? null : PosterFacts.NotAsked,
            mfa, (kinds & PosterFactKinds.Mfa) != 0 ? null : PosterFacts.NotAsked,
            signIns, (kinds & PosterFactKinds.SignIn) != 0 ? null : PosterFacts.NotAsked);
    }

    public DirectoryUser? FindUser(string idOrName)
    {
        LocalUser? u = Current().Users.FirstOrDefault(x => Matches(x, idOrName));
        return u is null ? null : ToUser(u);
    }

    public IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix)
    {
        LocalDirectoryDocument doc = Current();
        return doc.Groups.Where(g => g.DisplayName.StartsWith(displayNamePrefix, StringComparison.OrdinalIgnoreCase)).Select(g => ToGroup(doc, g)).ToList();
    }

    public DirectoryGroup? GetGroup(string groupId)
    {
        LocalDirectoryDocument doc = Current();
        LocalGroup? g = doc.Groups.FirstOrDefault(x => x.Id == groupId);
        return g is null ? null : ToGroup(doc, g);
    }

    public DirectoryGroup CreateGroup(NewGroup group, JsonObject extension)
    {
        LocalGroup created = null!;
        Update(doc =>
        {
            created = new LocalGroup
            {
                Id = Guid.NewGuid().ToString(),
                DisplayName = group.DisplayName,
                Description = group.Description,
                MailNickname = group.MailNickname,
                Members = new List<string>(),
                Extension = (JsonObject)extension.DeepClone(),
            };
            doc.Groups.Add(created);
            return true;
        });
        return ToGroup(new LocalDirectoryDocument(), created);
    }

    public void SetGroupExtension(string groupId, JsonObject extension) =>
        Update(doc =>
        {
            GroupOrThrow(doc, groupId).Extension = (JsonObject)extension.DeepClone();
            return true;
        });

    public bool AddMember(string groupId, string userId)
    {
        bool changed = false;
        Update(doc =>
        {
            LocalGroup g = GroupOrThrow(doc, groupId);
            RefuseUnmanageable(g);
            UserOrThrow(doc, userId);
            changed = !g.Members.Contains(userId);
            if (changed)
                g.Members.Add(userId);
            return changed;
        });
        return changed;
    }

    public bool RemoveMember(string groupId, string userId)
    {
        bool changed = false;
        Update(doc =>
        {
            LocalGroup g = GroupOrThrow(doc, groupId);
            RefuseUnmanageable(g);
            changed = g.Members.Remove(userId);
            return changed;
        });
        return changed;
    }

    public void SetUserExtension(string userId, JsonObject extension) =>
        Update(doc =>
        {
            UserOrThrow(doc, userId).Extension = (JsonObject)extension.DeepClone();
            return true;
        });

    private static bool Matches(LocalUser u, string idOrName) =>
        string.Equals(u.Id, idOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(u.UserPrincipalName, idOrName, StringComparison.OrdinalIgnoreCase)
        || (u.Mail is not null && string.Equals(u.Mail, idOrName, StringComparison.OrdinalIgnoreCase));

    private static LocalGroup GroupOrThrow(LocalDirectoryDocument doc, string groupId) =>
        doc.Groups.FirstOrDefault(g => g.Id == groupId)
        ?? throw new HwException(ErrorIds.GroupNotFound, $"There is no group with id '{groupId}' in the directory.", groupId);

    private static LocalUser UserOrThrow(LocalDirectoryDocument doc, string userId) =>
        doc.Users.FirstOrDefault(u => u.Id == userId)
        ?? throw new HwException(ErrorIds.UserNotFound, $"There is no user with id '{userId}' in the directory.", userId);

    private static DirectoryUser ToUser(LocalUser u) => new(u.Id, u.UserPrincipalName, u.DisplayName, u.Mail, u.AccountEnabled,
        u.EmployeeType, u.UserType ?? "Member", u.ManagerId, u.JobTitle, (JsonObject?)u.Extension?.DeepClone());

    private static DirectoryGroup ToGroup(LocalDirectoryDocument doc, LocalGroup g)
    {
        // Members that are groups are nested groups: walk them at any depth, each group once (a cycle ends the walk).
        var byId = doc.Groups.GroupBy(x => x.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(x => x.Key, x => x.First(), StringComparer.OrdinalIgnoreCase);
        bool IsGroup(string id) => byId.ContainsKey(id) && !doc.Users.Any(u => string.Equals(u.Id, id, StringComparison.OrdinalIgnoreCase));
        var nested = new List<NestedGroup>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { g.Id };
        var queue = new Queue<string>(g.Members.Where(IsGroup));
        while (queue.Count > 0)
        {
            string id = queue.Dequeue();
            if (!seen.Add(id))
                continue;
            LocalGroup n = byId[id];
            nested.Add(new NestedGroup(n.Id, n.DisplayName, n.Members.Where(m => !IsGroup(m)).ToList(), n.Members.Where(IsGroup).ToList()));
            foreach (string inner in n.Members.Where(IsGroup))
                queue.Enqueue(inner);
        }
        return new DirectoryGroup(g.Id, g.DisplayName, g.Description, g.MailNickname,
            g.Members.Where(m => !IsGroup(m)).ToList(), (JsonObject?)g.Extension?.DeepClone(), g.Members.Where(IsGroup).ToList(), nested,
            new GroupKind(g.MailEnabled ?? false, g.SecurityEnabled ?? true, g.GroupTypes));
    }

    /// <summary>As Graph: no membership change on a mail-enabled security group or distribution list (docs/decisions/0090).</summary>
    private static void RefuseUnmanageable(LocalGroup g)
    {
        var kind = new GroupKind(g.MailEnabled ?? false, g.SecurityEnabled ?? true, g.GroupTypes);
        if (kind.MailEnabled && !kind.IsUnified)
            throw new HwException(ErrorIds.GroupNotManageable,
                $"'{g.DisplayName}' is a {kind.Describe()}: its members are managed in Exchange Online, not through the directory.", g.Id);
    }

    /// <summary>The document inside a change (read once, under the lock); a fresh read outside one.</summary>
    private LocalDirectoryDocument Current()
    {
        if (!InChange)
            return Read();
        _heldLock ??= AcquireLock();
        return _held ??= Read();
    }

    private FileLock AcquireLock()
    {
        FileLock held = FileLock.Acquire(_lockPath, s_lockTimeout);
        Interlocked.Increment(ref _lockAcquisitions);
        return held;
    }

    private LocalDirectoryDocument Read()
    {
        Interlocked.Increment(ref _reads);
        try
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            LocalDirectoryDocument? doc = JsonSerializer.Deserialize<LocalDirectoryDocument>(stream, Json);
            if (doc is null)
                throw new JsonException("The file is empty.");
            doc.Validate();
            return doc;
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new HwException(ErrorIds.DirectoryInvalid, $"'{_path}'{where} is not a valid organisation directory: {ex.Message}", _path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.DirectoryUnreadable, $"Cannot read '{_path}': {ex.Message}", _path, ex);
        }
    }

    /// <summary>Read, change, write atomically, all under the folder's lock. No write when nothing changed.</summary>
    private void Update(Func<LocalDirectoryDocument, bool> change)
    {
        if (InChange)
        {
            LocalDirectoryDocument held = Current();
            try
            {
                if (change(held))
                    AtomicFile.WriteAllText(_path, JsonSerializer.Serialize(held, Json));
            }
            catch
            {
                _held = null; // the copy may now differ from the file: the next read inside the change reads the file again
                throw;
            }
            return;
        }
        using FileLock _ = AcquireLock();
        LocalDirectoryDocument doc = Read();
        if (change(doc))
            AtomicFile.WriteAllText(_path, JsonSerializer.Serialize(doc, Json));
    }
}

/// <summary>The shape of directory.json.</summary>
internal sealed class LocalDirectoryDocument
{
    public string? Organisation { get; set; }
    public List<LocalUser> Users { get; set; } = new();
    public List<LocalGroup> Groups { get; set; } = new();

    public void Validate()
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (LocalUser u in Users)
        {
            if (string.IsNullOrWhiteSpace(u.Id) || string.IsNullOrWhiteSpace(u.UserPrincipalName) || string.IsNullOrWhiteSpace(u.DisplayName))
                throw new JsonException($"Every user needs id, userPrincipalName and displayName (user '{u.UserPrincipalName ?? u.Id}').");
            if (!ids.Add(u.Id) || !ids.Add(u.UserPrincipalName))
                throw new JsonException($"Duplicate user id or userPrincipalName '{u.UserPrincipalName}'.");
        }
        foreach (LocalGroup g in Groups)
        {
            if (string.IsNullOrWhiteSpace(g.Id) || string.IsNullOrWhiteSpace(g.DisplayName))
                throw new JsonException("Every group needs id and displayName.");
            g.Members ??= new List<string>();
            g.MailNickname ??= g.DisplayName;
        }
    }
}

internal sealed class LocalUser
{
    public string Id { get; set; } = "";
    public string UserPrincipalName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Mail { get; set; }
    public bool AccountEnabled { get; set; } = true;
    public string? EmployeeType { get; set; }
    public string? UserType { get; set; }
    public string? ManagerId { get; set; }
    public string? JobTitle { get; set; }
    public JsonObject? Extension { get; set; }
    /// <summary>Graph <c>employeeLeaveDateTime</c> (issue 15), or null.</summary>
    public DateTimeOffset? EmployeeLeaveDateTime { get; set; }
    /// <summary>Registered authentication method types (Graph's <c>@odata.type</c> without prefix), or null when not recorded.</summary>
    public List<string>? MfaMethods { get; set; }
    /// <summary>Graph <c>signInActivity.lastSignInDateTime</c>, or null when not recorded.</summary>
    public DateTimeOffset? LastSignInDateTime { get; set; }
}

internal sealed class LocalGroup
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Description { get; set; }
    public string MailNickname { get; set; } = "";
    /// <summary>Graph's group kind (docs/decisions/0090); absent means a security group, as the module creates.</summary>
    public bool? MailEnabled { get; set; }
    public bool? SecurityEnabled { get; set; }
    public List<string>? GroupTypes { get; set; }
    /// <summary>Direct members: user ids, and group ids (a nested group).</summary>
    public List<string> Members { get; set; } = new();
    public JsonObject? Extension { get; set; }
}
