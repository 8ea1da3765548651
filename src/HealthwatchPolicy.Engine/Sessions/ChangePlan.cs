using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>
/// What a change would do, found by running the change itself in plan mode (<see cref="HwSession.Plan"/>,
/// docs/decisions/0161): every read and every check runs as in the real change; the first write (to the directory,
/// the state store or the journal) stops it before anything is written, no state lock is taken and no lock file made.
/// </summary>
public sealed class ChangePlan
{
    internal ChangePlan(HwException? refusal, string? firstWrite, object? result)
    {
        Refusal = refusal;
        FirstWrite = firstWrite;
        Result = result;
    }

    /// <summary>The error the change would end with (a policy refusal, a missing user, a bad argument), or null.</summary>
    public HwException? Refusal { get; }
    /// <summary>The first write the change would make (for example <c>add a member to a posting group</c>); null when it would write nothing.</summary>
    public string? FirstWrite { get; }
    /// <summary>What the change returned when it would write nothing (for example an <c>AlreadyGranted</c> outcome), or null.</summary>
    public object? Result { get; }
    /// <summary>True when the change would be refused.</summary>
    public bool Refused => Refusal is not null;
    /// <summary>True when the change would write something.</summary>
    public bool WouldChange => FirstWrite is not null;
}

/// <summary>Thrown in plan mode at the first write: the change would go ahead; nothing was written.</summary>
internal sealed class PlannedWriteException : Exception
{
    public PlannedWriteException(string write) : base($"Plan mode: the change would {write}.") => Write = write;

    public string Write { get; }
}

/// <summary>The directory in plan mode: reads go through, writes stop the change (<see cref="PlannedWriteException"/>).</summary>
internal sealed class PlanningDirectory : IDirectory
{
    private readonly IDirectory _inner;

    public PlanningDirectory(IDirectory inner) => _inner = inner;

    public string Description => _inner.Description;
    public IReadOnlyList<DirectoryUser> GetUsers() => _inner.GetUsers();
    public IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null) => _inner.GetUsers(ids, userPrincipalNames);
    public DirectoryUser? FindUser(string idOrName) => _inner.FindUser(idOrName);
    public IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix) => _inner.GetGroups(displayNamePrefix);
    public DirectoryGroup? GetGroup(string groupId) => _inner.GetGroup(groupId);
    public DirectoryGroup CreateGroup(NewGroup group, JsonObject extension) => throw new PlannedWriteException("create a posting group");
    public void SetGroupExtension(string groupId, JsonObject extension) => throw new PlannedWriteException("update a register entry");
    public bool AddMember(string groupId, string userId) => throw new PlannedWriteException("add a member to a posting group");
    public bool RemoveMember(string groupId, string userId) => throw new PlannedWriteException("remove a member from a posting group");
    public void SetUserExtension(string userId, JsonObject extension) => throw new PlannedWriteException("update a user's record");
}

/// <summary>The state store in plan mode: reads go through, writes stop the change.</summary>
internal sealed class PlanningStateStore : IStateStore
{
    private readonly IStateStore _inner;

    public PlanningStateStore(IStateStore inner) => _inner = inner;

    public string Description => _inner.Description;
    public string Locate(string name) => _inner.Locate(name);
    public StateDocument? Read(string name) => _inner.Read(name);
    public IReadOnlyList<string> List(string folder) => _inner.List(folder);
    public string Create(string name, string content) => throw new PlannedWriteException($"write '{name}'");
    public string Replace(string name, string content, string expectedVersion) => throw new PlannedWriteException($"update '{name}'");
    public IStateJournal Journal(string name) => throw new PlannedWriteException($"append to '{name}'");
}
