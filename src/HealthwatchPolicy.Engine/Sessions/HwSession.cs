using System;
using System.IO;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
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
    /// <summary>The directory, in words: <c>local: &lt;folder&gt;</c> or the Graph tenant.</summary>
    public string Directory { get; }
    /// <summary>Where the state lives: the state folder (journal, reviews, outbox, locks), or on a shared store the
    /// library folder's URL (the journal, reviews and the lock are there).</summary>
    public string StatePath { get; }
    /// <summary>The policy file in use.</summary>
    public string PolicyPath { get; }
    /// <summary>The policy's version.</summary>
    public string PolicyVersion { get; }
    /// <summary>Who the journal records as making changes.</summary>
    public string Actor { get; }
    /// <summary>When the connection was made (the session clock).</summary>
    public DateTimeOffset ConnectedAt { get; }
    /// <summary>True when connected to a copy of the bundled sample organisation.</summary>
    public bool IsSample { get; }
}

/// <summary>
/// One connection's context, shared by every service: the connection, the directory, the state store and its
/// journal, the policy, the clock, the state lock and <see cref="Record"/>. It builds nothing: the services are
/// composed over it by <c>HwEngine</c> into <c>HwServices</c>.
/// </summary>
public sealed class HwSession
{
    /// <summary>The state store journal that holds the audit journal (<c>journal.jsonl</c> + <c>journal.head</c>).</summary>
    internal const string JournalName = "journal";
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(120);

    internal HwSession(DirectoryConnection connection, IDirectory directory, IStateStore state, IJournal journal, PolicyDocument policy, TimeProvider clock)
    {
        Connection = connection;
        _directory = directory;
        _state = state;
        Journal = journal;
        Policy = policy;
        Clock = clock;
    }

    /// <summary>Where the session is connected, as whom and under which policy (what Get-HwConnection shows).</summary>
    public DirectoryConnection Connection { get; }
    /// <summary>The policy loaded at connection (the bundled one unless -PolicyPath named another).</summary>
    public PolicyDocument Policy { get; }
    /// <summary>The audit journal: <c>journal.jsonl</c> + <c>journal.head</c> in the state folder, SHA-256 chained.</summary>
    public IJournal Journal { get; }
    private readonly IDirectory _directory;
    private readonly IStateStore _state;
    private int _planning;

    /// <summary>The directory; in plan mode (<see cref="Plan"/>) a view of it whose writes stop the change.</summary>
    internal IDirectory Directory => _planning > 0 ? new PlanningDirectory(_directory) : _directory;
    /// <summary>Where the module's own state lives (reviews; the journal sits in it too); read-only in plan mode.</summary>
    internal IStateStore State => _planning > 0 ? new PlanningStateStore(_state) : _state;

    /// <summary>True while <see cref="Plan"/> runs a change.</summary>
    internal bool Planning => _planning > 0;

    /// <summary>
    /// Runs <paramref name="change"/> (a call of a service's change method) in plan mode, for -WhatIf: every read and
    /// check as in the real change, but no state lock, no lock file, and the first write to the directory, the state
    /// store or the journal stops it before it is made (docs/decisions/0161). Returns the refusal it would end with,
    /// the write it would make, or what it returned when it would write nothing.
    /// </summary>
    public ChangePlan Plan(Func<object?> change)
    {
        System.Threading.Monitor.Enter(_gate);
        _planning++;
        try
        {
            object? result = change();
            return new ChangePlan(null, null, result);
        }
        catch (PlannedWriteException write)
        {
            return new ChangePlan(null, write.Write, null);
        }
        catch (HwException refusal)
        {
            return new ChangePlan(refusal, null, null);
        }
        finally
        {
            _planning--;
            System.Threading.Monitor.Exit(_gate);
        }
    }
    internal TimeProvider Clock { get; }
    internal string Actor => Connection.Actor;

    /// <summary>
    /// Serialises every decide-and-change sequence of this module across processes (the state folder's lock),
    /// so two admins cannot both pass the poster limit or lose each other's journal entries.
    /// </summary>
    internal IDisposable LockState()
    {
        // Re-entrant within this process (a review decision revokes through AccessService, which locks too);
        // the lock file makes it exclusive across processes.
        System.Threading.Monitor.Enter(_gate);
        if (_depth++ == 0)
        {
            try
            {
                // A shared store (SharePoint through Graph) holds the one lock every admin and the job take;
                // the local state folder is guarded by its lock file.
                _fileLock = _state is ISharedStateLock shared
                    ? shared.Acquire("state", s_lockTimeout)
                    : FileLock.Acquire(Path.Combine(Connection.StatePath, "state.lock"), s_lockTimeout);
            }
            catch
            {
                _depth--;
                System.Threading.Monitor.Exit(_gate);
                throw;
            }
        }
        return new Releaser(this);
    }

    private readonly object _gate = new();
    private int _depth;
    private IDisposable? _fileLock;

    private sealed class Releaser : IDisposable
    {
        private HwSession? _session;

        public Releaser(HwSession session) => _session = session;

        public void Dispose()
        {
            HwSession? s = System.Threading.Interlocked.Exchange(ref _session, null);
            if (s is null)
                return;
            if (--s._depth == 0)
            {
                s._fileLock?.Dispose();
                s._fileLock = null;
            }
            System.Threading.Monitor.Exit(s._gate);
        }
    }

    /// <summary>
    /// Starts a change: takes the state lock, checks that the journal can record it, so no change is ever
    /// made that the journal cannot witness, and reconciles an intent left without its outcome. Dispose to end the change.
    /// </summary>
    internal IDisposable BeginChange()
    {
        if (Planning)
            return new PlanScope(); // a plan writes nothing: no lock, no lock file, no change scope
        IDisposable held = LockState();
        try
        {
            Journal.EnsureAppendable();
            // One read of the directory for the whole change where the adapter can hold it (the local folder).
            IDisposable change = Directory is IChangeScopedDirectory scoped ? new ChangeEnd(scoped.BeginChange(), held) : held;
            try
            {
                // An intent a stopped process left without its outcome is closed against the directory first
                // (docs/decisions/0150-write-ahead-intent.md).
                WriteAheadIntent.ReconcileTail(this);
            }
            catch
            {
                change.Dispose();
                throw;
            }
            return change;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private sealed class PlanScope : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private sealed class ChangeEnd : IDisposable
    {
        private readonly IDisposable _directory;
        private readonly IDisposable _state;

        public ChangeEnd(IDisposable directory, IDisposable state)
        {
            _directory = directory;
            _state = state;
        }

        public void Dispose()
        {
            try { _directory.Dispose(); }
            finally { _state.Dispose(); }
        }
    }

    /// <summary>Appends one entry to the journal: the actor, the policy version and now are this session's. A change
    /// recorded whose head (or head mirror) could not be written is done: its warning is kept for the cmdlet.</summary>
    internal JournalEntry Record(string action, string? account, string? user, string reason,
        System.Text.Json.Nodes.JsonObject? before, System.Text.Json.Nodes.JsonObject? after)
    {
        if (Planning)
            throw new PlannedWriteException("write a journal entry");
        JournalEntry entry = Journal.Append(new JournalRecord(Actor, action, account, user, reason, Policy.Version, before, after));
        if (entry.Warning is { } warning)
            _warnings.Enqueue(warning);
        return entry;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    /// <summary>The warnings of changes made since the last call (done, but something after the entry could not be written), oldest first.</summary>
    public System.Collections.Generic.IReadOnlyList<string> TakeWarnings()
    {
        var taken = new System.Collections.Generic.List<string>();
        while (_warnings.TryDequeue(out string? w))
            taken.Add(w);
        return taken;
    }

    /// <summary>
    /// Repair-HwAuditLog: under the state lock, removes a torn final line from the journal and records its bytes and
    /// hash in a <c>JournalRepaired</c> entry; null when there is none. Any other damage is <c>JournalCorrupt</c>.
    /// </summary>
    internal JournalEntry? RepairJournal(string reason)
    {
        if (Planning)
        {
            // RepairTornTail writes through the journal's own store: a plan only reads (Verify) and says what it found.
            JournalVerification verification = Journal.Verify();
            if (verification.IsValid)
                return null;
            throw new PlannedWriteException($"remove the damaged final line if it is torn (the journal fails at entry {verification.FirstBadSequence}: {verification.Problem}); other damage is refused");
        }
        using IDisposable held = LockState();
        JournalEntry? entry = Journal.RepairTornTail(new JournalRecord(Actor, JournalActions.JournalRepaired, null, null, reason, Policy.Version, null, null));
        if (entry?.Warning is { } warning)
            _warnings.Enqueue(warning);
        return entry;
    }
}
