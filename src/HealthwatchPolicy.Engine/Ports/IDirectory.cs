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

/// <summary>A security group and its members' ids.</summary>
public sealed class DirectoryGroup
{
    /// <summary>A group as the adapters read it (Graph <c>/groups</c> with <c>members</c> and the register extension).</summary>
    public DirectoryGroup(string id, string displayName, string? description, string mailNickname,
        IReadOnlyList<string> memberIds, JsonObject? extension)
    {
        Id = id;
        DisplayName = displayName;
        Description = description;
        MailNickname = mailNickname;
        MemberIds = memberIds;
        Extension = extension;
    }

    /// <summary>The object id.</summary>
    public string Id { get; }
    /// <summary>The display name (a posting group's starts with the policy's prefix).</summary>
    public string DisplayName { get; }
    /// <summary>The description, or null.</summary>
    public string? Description { get; }
    /// <summary>The mail nickname (unique in the tenant).</summary>
    public string MailNickname { get; }
    /// <summary>The object ids of the direct members.</summary>
    public IReadOnlyList<string> MemberIds { get; }
    /// <summary>The module's open extension on the group (the register entry), or null.</summary>
    public JsonObject? Extension { get; }
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
