using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The directory port: users, security groups with members, and a small JSON extension document on a group
/// (the register entry) and on a user (policy acknowledgements). Shaped for Microsoft Graph: whole-collection
/// reads in one call (the adapter pages and batches), no per-member chatter, idempotent membership writes.
/// Implementations: <c>Local.LocalDirectory</c> (a folder) and the Graph adapter.
/// Extension documents follow Graph's open-extension rules so both adapters store them alike: an
/// <c>extensionName</c> string, and properties that are primitives or arrays of primitives, 2 KB at most.
/// </summary>
public interface IDirectory
{
    /// <summary>Where this directory is, for people: a folder path or a tenant.</summary>
    string Description { get; }

    /// <summary>Every user, with manager id and acknowledgement extension.</summary>
    IReadOnlyList<DirectoryUser> GetUsers();

    /// <summary>
    /// The users with these object ids, and with these user principal names when given (unknown ones are left out;
    /// a user both named and listed comes back once), in as few round trips as the adapter can: on Graph the names
    /// ride in the same <c>$batch</c> as the ids (<c>userPrincipalName in (...)</c> beside <c>id in (...)</c>).
    /// </summary>
    IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null);

    /// <summary>A user by object id, user principal name or mail (case-insensitive); null if there is none.</summary>
    DirectoryUser? FindUser(string idOrName);

    /// <summary>Security groups whose display name starts with <paramref name="displayNamePrefix"/>, with members and extension.</summary>
    IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix);

    /// <summary>A group by id, with members and extension; null if it does not exist.</summary>
    DirectoryGroup? GetGroup(string groupId);

    /// <summary>Creates a security group and its extension together, or neither.</summary>
    DirectoryGroup CreateGroup(NewGroup group, JsonObject extension);

    /// <summary>Replaces the group's extension document.</summary>
    void SetGroupExtension(string groupId, JsonObject extension);

    /// <summary>Adds a member. False when the user already was one (not an error).</summary>
    bool AddMember(string groupId, string userId);

    /// <summary>Removes a member. False when the user was not one (not an error).</summary>
    bool RemoveMember(string groupId, string userId);

    /// <summary>Replaces the user's extension document.</summary>
    void SetUserExtension(string userId, JsonObject extension);
}

/// <summary>A person in the directory.</summary>
public sealed class DirectoryUser
{
    /// <summary>A directory user as the engine needs it; the adapters fill it from <c>directory.json</c> or Graph's <c>/users</c>.</summary>
    public DirectoryUser(string id, string userPrincipalName, string displayName, string? mail, bool accountEnabled,
        string? employeeType, string userType, string? managerId, string? jobTitle, JsonObject? extension)
    {
        Id = id;
        UserPrincipalName = userPrincipalName;
        DisplayName = displayName;
        Mail = mail;
        AccountEnabled = accountEnabled;
        EmployeeType = employeeType;
        UserType = userType;
        ManagerId = managerId;
        JobTitle = jobTitle;
        Extension = extension;
    }

    /// <summary>The object id (Graph <c>id</c>).</summary>
    public string Id { get; }
    /// <summary>The user principal name (sign-in name).</summary>
    public string UserPrincipalName { get; }
    /// <summary>The display name.</summary>
    public string DisplayName { get; }
    /// <summary>The primary mail address, or null when the user has no mailbox.</summary>
    public string? Mail { get; }
    /// <summary>Whether sign-in is enabled.</summary>
    public bool AccountEnabled { get; }
    /// <summary>The <c>employeeType</c> attribute, or null when unset.</summary>
    public string? EmployeeType { get; }
    /// <summary><c>Member</c> or <c>Guest</c>.</summary>
    public string UserType { get; }
    /// <summary>The object id of the user's manager, or null.</summary>
    public string? ManagerId { get; }
    /// <summary>The job title, or null.</summary>
    public string? JobTitle { get; }
    /// <summary>The module's open extension on the user (acknowledgements), or null.</summary>
    public JsonObject? Extension { get; }
    /// <summary>True when <see cref="UserType"/> is <c>Guest</c> (case-insensitive).</summary>
    public bool IsGuest => string.Equals(UserType, "Guest", System.StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A group and the people in it. <see cref="MemberIds"/> is everyone who is a member directly or through groups nested
/// in it at any depth (Graph's <c>transitiveMembers</c>); <see cref="DirectMemberIds"/> only the direct ones, the only
/// memberships the group itself can add or remove; <see cref="NestedGroups"/> every group inside it, at any depth.
/// </summary>
public sealed class DirectoryGroup
{
    /// <summary>A group as the adapters read it (Graph <c>/groups</c> with <c>members</c> and the register extension).</summary>
    public DirectoryGroup(string id, string displayName, string? description, string mailNickname,
        IReadOnlyList<string> memberIds, JsonObject? extension)
        : this(id, displayName, description, mailNickname, memberIds, extension, null, null, null)
    {
    }

    /// <summary>A group with its nesting and kind, as the adapters read it (Graph <c>/groups</c> with <c>members</c>, <c>transitiveMembers</c> when it holds groups, and the register extension).</summary>
    /// <param name="id">The object id.</param>
    /// <param name="displayName">The display name.</param>
    /// <param name="description">The description, or null.</param>
    /// <param name="mailNickname">The mail nickname.</param>
    /// <param name="directMemberIds">The direct members that are not groups (users, or ids no longer in the directory).</param>
    /// <param name="extension">The group's extension document.</param>
    /// <param name="groupIds">The groups that are direct members.</param>
    /// <param name="nestedGroups">Every group nested inside, at any depth, each once (cycles included once).</param>
    /// <param name="kind">What kind of group it is (null: a security group, as the module creates).</param>
    public DirectoryGroup(string id, string displayName, string? description, string mailNickname,
        IReadOnlyList<string> directMemberIds, JsonObject? extension, IReadOnlyList<string>? groupIds, IReadOnlyList<NestedGroup>? nestedGroups, GroupKind? kind)
    {
        GroupIds = groupIds ?? System.Array.Empty<string>();
        Id = id;
        DisplayName = displayName;
        Description = description;
        MailNickname = mailNickname;
        DirectMemberIds = directMemberIds;
        Extension = extension;
        NestedGroups = nestedGroups ?? System.Array.Empty<NestedGroup>();
        Kind = kind ?? GroupKind.Security;
        var all = new List<string>(directMemberIds);
        var seen = new HashSet<string>(directMemberIds, System.StringComparer.OrdinalIgnoreCase);
        foreach (NestedGroup n in NestedGroups)
            foreach (string m in n.MemberIds)
                if (seen.Add(m))
                    all.Add(m);
        MemberIds = all;
    }

    /// <summary>The object id.</summary>
    public string Id { get; }
    /// <summary>The display name (a posting group's starts with the policy's prefix).</summary>
    public string DisplayName { get; }
    /// <summary>The description, or null.</summary>
    public string? Description { get; }
    /// <summary>The mail nickname (unique in the tenant).</summary>
    public string MailNickname { get; }
    /// <summary>Everyone in the group, directly or through nested groups at any depth (no group ids), each once.</summary>
    public IReadOnlyList<string> MemberIds { get; }
    /// <summary>The direct members that are not groups.</summary>
    public IReadOnlyList<string> DirectMemberIds { get; }
    /// <summary>The groups that are direct members.</summary>
    public IReadOnlyList<string> GroupIds { get; }
    /// <summary>Every group inside this one, at any depth, each once.</summary>
    public IReadOnlyList<NestedGroup> NestedGroups { get; }
    /// <summary>What kind of group it is (Graph groupTypes, mailEnabled, securityEnabled).</summary>
    public GroupKind Kind { get; }
    /// <summary>The module's open extension on the group (the register entry), or null.</summary>
    public JsonObject? Extension { get; }

    /// <summary>The nested groups through which <paramref name="memberId"/> is a member (empty when only direct, or not a member).</summary>
    public IReadOnlyList<NestedGroup> NestedGroupsOf(string memberId)
    {
        var result = new List<NestedGroup>();
        foreach (NestedGroup n in NestedGroups)
            foreach (string m in n.DirectMemberIds)
                if (string.Equals(m, memberId, System.StringComparison.OrdinalIgnoreCase))
                {
                    result.Add(n);
                    break;
                }
        return result;
    }
}

/// <summary>A group inside a group: its direct members that are not groups, and the groups directly inside it.</summary>
public sealed class NestedGroup
{
    /// <summary>A nested group: its object id, display name, direct non-group members and the groups directly inside it.</summary>
    public NestedGroup(string id, string displayName, IReadOnlyList<string> directMemberIds, IReadOnlyList<string> groupIds)
    {
        Id = id;
        DisplayName = displayName;
        DirectMemberIds = directMemberIds;
        GroupIds = groupIds;
    }

    /// <summary>The nested group's object id.</summary>
    public string Id { get; }
    /// <summary>The nested group's display name.</summary>
    public string DisplayName { get; }
    /// <summary>The object ids of its direct members that are not groups.</summary>
    public IReadOnlyList<string> DirectMemberIds { get; }
    /// <summary>The groups directly inside this one.</summary>
    public IReadOnlyList<string> GroupIds { get; }
    /// <summary>Alias of <see cref="DirectMemberIds"/> (the people this group itself holds).</summary>
    public IReadOnlyList<string> MemberIds => DirectMemberIds;
}

/// <summary>
/// The kind of a group, by Graph's three properties (groups overview: Microsoft 365 <c>["Unified"]</c>; security
/// <c>[]</c>, not mail-enabled, security-enabled; mail-enabled security <c>[]</c>, mail-enabled, security-enabled;
/// distribution <c>[]</c>, mail-enabled, not security-enabled). Only a security group is a posting group the module
/// can manage: Graph refuses membership changes on mail-enabled security groups and distribution lists.
/// </summary>
public sealed class GroupKind
{
    /// <summary>A plain security group (groupTypes empty, not mail-enabled, security-enabled): what the module creates.</summary>
    public static readonly GroupKind Security = new(false, true, System.Array.Empty<string>());

    /// <summary>A group kind from Graph's <c>mailEnabled</c>, <c>securityEnabled</c> and <c>groupTypes</c>.</summary>
    public GroupKind(bool mailEnabled, bool securityEnabled, IReadOnlyList<string>? groupTypes)
    {
        MailEnabled = mailEnabled;
        SecurityEnabled = securityEnabled;
        GroupTypes = groupTypes ?? System.Array.Empty<string>();
    }

    /// <summary>Graph <c>mailEnabled</c>.</summary>
    public bool MailEnabled { get; }
    /// <summary>Graph <c>securityEnabled</c>.</summary>
    public bool SecurityEnabled { get; }
    /// <summary>Graph <c>groupTypes</c> (<c>Unified</c> for a Microsoft 365 group, <c>DynamicMembership</c>...).</summary>
    public IReadOnlyList<string> GroupTypes { get; }
    /// <summary>A Microsoft 365 group (groupTypes holds <c>Unified</c>).</summary>
    public bool IsUnified => System.Linq.Enumerable.Contains(GroupTypes, "Unified", System.StringComparer.OrdinalIgnoreCase);

    /// <summary>A plain security group: the only kind the module creates, manages and accepts as a posting group.</summary>
    public bool IsManageableSecurityGroup => !IsUnified && !MailEnabled && SecurityEnabled;

    /// <summary>For people: "Microsoft 365 group", "mail-enabled security group", "distribution list" or "security group".</summary>
    public string Describe() =>
        IsUnified ? "Microsoft 365 group"
        : MailEnabled && SecurityEnabled ? "mail-enabled security group"
        : MailEnabled ? "distribution list"
        : SecurityEnabled ? "security group"
        : "group that is neither mail- nor security-enabled";
}

/// <summary>What a new security group is made of.</summary>
public sealed class NewGroup
{
    /// <summary>A security group to create: display name, mail nickname and description.</summary>
    public NewGroup(string displayName, string mailNickname, string description)
    {
        DisplayName = displayName;
        MailNickname = mailNickname;
        Description = description;
    }

    /// <summary>The display name.</summary>
    public string DisplayName { get; }
    /// <summary>The mail nickname (unique in the tenant).</summary>
    public string MailNickname { get; }
    /// <summary>The description.</summary>
    public string Description { get; }
}
