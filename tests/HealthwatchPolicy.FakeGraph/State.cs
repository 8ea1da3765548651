using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

internal sealed class ExtensionRecord
{
    public required string Name { get; set; }
    public JsonObject Properties { get; set; } = new();
}

internal abstract class DirectoryObjectRecord
{
    public required string Id { get; init; }
    public List<ExtensionRecord> Extensions { get; } = new();
    public abstract string ODataType { get; }
    public abstract string DisplayNameOrEmpty { get; }

    public ExtensionRecord? FindExtension(string name) =>
        Extensions.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}

internal sealed class UserRecord : DirectoryObjectRecord
{
    public required string UserPrincipalName { get; set; }
    public required string DisplayName { get; set; }
    public string? GivenName { get; set; }
    public string? Surname { get; set; }
    public string? Mail { get; set; }
    public bool AccountEnabled { get; set; } = true;
    public string? EmployeeType { get; set; }
    public string UserType { get; set; } = "Member";
    public string? JobTitle { get; set; }
    public string? Department { get; set; }
    public string? ManagerId { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset? EmployeeLeaveDateTime { get; set; }
    public DateTimeOffset? LastSignInDateTime { get; set; }
    /// <summary>Registered authentication method types; a seeded user without any has <c>password</c> and <c>microsoftAuthenticator</c>.</summary>
    public List<string> AuthenticationMethods { get; set; } = new() { "password", "microsoftAuthenticator" };
    /// <summary>True when the methods were given (a loaded <c>mfaMethods</c>, or seeded ones), so a snapshot writes them back; false: the default above.</summary>
    public bool AuthenticationMethodsGiven { get; set; }
    public override string ODataType => "#microsoft.graph.user";
    public override string DisplayNameOrEmpty => DisplayName;

    public FakeUser Snapshot() => new()
    {
        Id = Id,
        UserPrincipalName = UserPrincipalName,
        DisplayName = DisplayName,
        GivenName = GivenName,
        Surname = Surname,
        Mail = Mail,
        AccountEnabled = AccountEnabled,
        EmployeeType = EmployeeType,
        UserType = UserType,
        JobTitle = JobTitle,
        Department = Department,
        ManagerId = ManagerId,
        EmployeeLeaveDateTime = EmployeeLeaveDateTime,
        LastSignInDateTime = LastSignInDateTime,
        AuthenticationMethods = AuthenticationMethods.ToList(),
        CreatedDateTime = CreatedDateTime,
    };
}

internal sealed class GroupRecord : DirectoryObjectRecord
{
    public required string DisplayName { get; set; }
    public string? Description { get; set; }
    public required string MailNickname { get; set; }
    public bool SecurityEnabled { get; set; } = true;
    public bool MailEnabled { get; set; }
    public List<string> GroupTypes { get; set; } = new();
    public List<string> Members { get; } = new();
    public List<string> Owners { get; } = new();
    public string? Visibility { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset? DeletedDateTime { get; set; }
    /// <summary>Requests by id still to be answered 404 (replication lag).</summary>
    public int LagRemaining { get; set; }
    /// <summary>Until when (the tenant's clock) the group is not yet replicated: 404 by id, left out of lists. Null: visible.</summary>
    public DateTimeOffset? ReplicatedAt { get; set; }
    /// <summary>Until when requests by the group's id answer 404 (null: <see cref="ReplicatedAt"/>).</summary>
    public DateTimeOffset? ReplicatedByIdAt { get; set; }
    public bool IsReplicated(DateTimeOffset now) => ReplicatedAt is not { } at || now >= at;
    public bool IsReplicatedById(DateTimeOffset now) => (ReplicatedByIdAt ?? ReplicatedAt) is not { } at || now >= at;
    /// <summary>Change sequence of the last property change, creation or deletion (for delta).</summary>
    public long ChangedSeq { get; set; }
    public long CreatedSeq { get; set; }
    public override string ODataType => "#microsoft.graph.group";
    public override string DisplayNameOrEmpty => DisplayName;
    public bool IsDeleted => DeletedDateTime is not null;

    public string SecurityIdentifier
    {
        get
        {
            byte[] b = Guid.TryParse(Id, out Guid g) ? g.ToByteArray() : new byte[16];
            return $"S-1-12-1-{BitConverter.ToUInt32(b, 0)}-{BitConverter.ToUInt32(b, 4)}-{BitConverter.ToUInt32(b, 8)}-{BitConverter.ToUInt32(b, 12)}";
        }
    }

    public FakeGroup Snapshot() => new()
    {
        Id = Id,
        DisplayName = DisplayName,
        Description = Description,
        MailNickname = MailNickname,
        SecurityEnabled = SecurityEnabled,
        MailEnabled = MailEnabled,
        GroupTypes = GroupTypes.ToList(),
        Members = Members.ToList(),
        Owners = Owners.ToList(),
        Visibility = Visibility,
        CreatedDateTime = CreatedDateTime,
        DeletedDateTime = DeletedDateTime,
    };
}

internal sealed class ServicePrincipalRecord : DirectoryObjectRecord
{
    public required string AppId { get; init; }
    public required string DisplayName { get; init; }
    public override string ODataType => "#microsoft.graph.servicePrincipal";
    public override string DisplayNameOrEmpty => DisplayName;
}

internal readonly record struct MembershipChange(long Seq, string GroupId, string MemberId, bool Removed);

/// <summary>The whole tenant. Every access holds <see cref="Sync"/>.</summary>
internal sealed class Tenant
{
    public readonly object Sync = new();
    public readonly List<UserRecord> Users = new();
    public readonly Dictionary<string, UserRecord> UsersById = new(StringComparer.OrdinalIgnoreCase);
    public readonly Dictionary<string, UserRecord> UsersByUpn = new(StringComparer.OrdinalIgnoreCase);
    public readonly List<GroupRecord> Groups = new();
    public readonly Dictionary<string, GroupRecord> GroupsById = new(StringComparer.OrdinalIgnoreCase);
    public readonly Dictionary<string, ServicePrincipalRecord> ServicePrincipals = new(StringComparer.OrdinalIgnoreCase);
    public readonly List<SentMail> SentMail = new();
    public readonly List<MembershipChange> MembershipLog = new();
    public long Seq;
    public int DeltaGeneration;
    /// <summary>How often the tenant was cleared (mailboxes kept by the router go with it: Router.Inbox.cs).</summary>
    public int Generation;
    public string OrganisationName = "Fake Tenant";

    public long NextSeq() => ++Seq;

    public void Clear()
    {
        Users.Clear();
        UsersById.Clear();
        UsersByUpn.Clear();
        Groups.Clear();
        GroupsById.Clear();
        ServicePrincipals.Clear();
        SentMail.Clear();
        MembershipLog.Clear();
        DeltaGeneration++;
        Generation++;
    }

    public UserRecord? FindUser(string idOrUpn) =>
        UsersById.TryGetValue(idOrUpn, out UserRecord? u) ? u : UsersByUpn.TryGetValue(idOrUpn, out u) ? u : null;

    public GroupRecord? FindLiveGroup(string id) => GroupsById.TryGetValue(id, out GroupRecord? g) && !g.IsDeleted ? g : null;

    public DirectoryObjectRecord? FindObject(string id)
    {
        if (UsersById.TryGetValue(id, out UserRecord? u))
            return u;
        if (FindLiveGroup(id) is { } g)
            return g;
        return ServicePrincipals.TryGetValue(id, out ServicePrincipalRecord? sp) ? sp : null;
    }

    public void AddUser(UserRecord u)
    {
        if (UsersById.ContainsKey(u.Id) || GroupsById.ContainsKey(u.Id))
            throw new InvalidOperationException($"An object with id '{u.Id}' already exists.");
        if (UsersByUpn.ContainsKey(u.UserPrincipalName))
            throw new InvalidOperationException($"A user with userPrincipalName '{u.UserPrincipalName}' already exists.");
        Users.Add(u);
        UsersById[u.Id] = u;
        UsersByUpn[u.UserPrincipalName] = u;
    }

    public void AddGroup(GroupRecord g)
    {
        if (UsersById.ContainsKey(g.Id) || GroupsById.ContainsKey(g.Id))
            throw new InvalidOperationException($"An object with id '{g.Id}' already exists.");
        g.CreatedSeq = g.ChangedSeq = NextSeq();
        Groups.Add(g);
        GroupsById[g.Id] = g;
        foreach (string m in g.Members)
            MembershipLog.Add(new MembershipChange(g.CreatedSeq, g.Id, m, false));
    }

    public void AddMember(GroupRecord g, string memberId)
    {
        g.Members.Add(memberId);
        MembershipLog.Add(new MembershipChange(NextSeq(), g.Id, memberId, false));
    }

    public bool RemoveMember(GroupRecord g, string memberId)
    {
        int i = g.Members.FindIndex(m => string.Equals(m, memberId, StringComparison.OrdinalIgnoreCase));
        if (i < 0)
            return false;
        string stored = g.Members[i];
        g.Members.RemoveAt(i);
        MembershipLog.Add(new MembershipChange(NextSeq(), g.Id, stored, true));
        return true;
    }

    public static string NicknameFrom(string displayName)
    {
        var chars = displayName.Where(c => c < 128 && c > ' ' && "@()\\[]\";:.<>,".IndexOf(c) < 0).Take(64).ToArray();
        return chars.Length == 0 ? "group" : new string(chars);
    }
}
