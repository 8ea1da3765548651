using System;
using System.IO;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>What Get-HwConnection shows: where the module is connected, as whom, under which policy.</summary>
public sealed class DirectoryConnection
{
    internal DirectoryConnection(string kind, string directory, string statePath, string policyPath, string policyVersion,
        string actor, DateTimeOffset connectedAt, bool isSample)
    {
        Kind = kind;
        Directory = directory;
        StatePath = statePath;
        PolicyPath = policyPath;
        PolicyVersion = policyVersion;
        Actor = actor;
        ConnectedAt = connectedAt;
        IsSample = isSample;
    }

    /// <summary><c>Local</c> or <c>Graph</c>.</summary>
    public string Kind { get; }
    public string Directory { get; }
    public string StatePath { get; }
    public string PolicyPath { get; }
    public string PolicyVersion { get; }
    /// <summary>Who the journal records as making changes.</summary>
    public string Actor { get; }
    public DateTimeOffset ConnectedAt { get; }
    public bool IsSample { get; }
}

/// <summary>A connection's working parts: the directory, the journal, the policy, the clock and the domain services.</summary>
public sealed class HwSession
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(120);

    internal HwSession(DirectoryConnection connection, IDirectory directory, IJournal journal, PolicyDocument policy, IClock clock)
    {
        Connection = connection;
        Directory = directory;
        Journal = journal;
        Policy = policy;
        Clock = clock;
        Register = new RegisterService(this);
        Access = new AccessService(this);
        Acknowledgements = new AcknowledgementService(this);
        Compliance = new Compliance.ComplianceService(this);
    }

    public DirectoryConnection Connection { get; }
    public PolicyDocument Policy { get; }
    public RegisterService Register { get; }
    public AccessService Access { get; }
    public AcknowledgementService Acknowledgements { get; }
    public Compliance.ComplianceService Compliance { get; }
    public IJournal Journal { get; }
    internal IDirectory Directory { get; }
    internal IClock Clock { get; }
    internal string Actor => Connection.Actor;

    /// <summary>
    /// Serialises every decide-and-change sequence of this module across processes (the state folder's lock),
    /// so two admins cannot both pass the poster limit or lose each other's journal entries.
    /// </summary>
    internal IDisposable LockState() => FileLock.Acquire(Path.Combine(Connection.StatePath, "state.lock"), s_lockTimeout);

    /// <summary>
    /// Starts a change: takes the state lock and checks that the journal can record it, so no change is ever
    /// made that the journal cannot witness. Dispose to end the change.
    /// </summary>
    internal IDisposable BeginChange()
    {
        IDisposable held = LockState();
        try
        {
            Journal.EnsureAppendable();
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Writes the directory as an organisation folder the local adapter can open (Export-HwDirectorySnapshot).</summary>
    public DirectorySnapshot ExportSnapshot(string path) => DirectorySnapshotWriter.Write(this, path);

    internal JournalEntry Record(string action, string? account, string? user, string reason,
        System.Text.Json.Nodes.JsonObject? before, System.Text.Json.Nodes.JsonObject? after) =>
        Journal.Append(new JournalRecord(Actor, action, account, user, reason, Policy.Version, before, after));
}
