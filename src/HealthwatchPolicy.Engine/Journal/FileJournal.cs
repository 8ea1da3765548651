using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>
/// The journal's hash chain over the state store's append-only journal <c>journal</c> (locally
/// <c>journal.jsonl</c> and <c>journal.head</c> in the state folder): one JSON entry per line, each sealed with
/// SHA-256(previous hash + canonical entry), the head holding the last sequence and hash, so a truncated tail is
/// detected too. An append reads only the head and the last entry (its cost does not grow with the journal);
/// <see cref="Verify()"/> walks the whole chain.
/// </summary>
internal sealed class FileJournal : IJournal
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    // A writer that loses a sequence re-reads the tail and tries the next one; on a shared store appends take no lock,
    // so with N writers one can lose up to N-1 times in a row (docs/decisions/0140).
    private const int ConflictRetries = 32;
    private readonly IStateJournal _entries;
    private readonly TimeProvider _clock;

    private readonly IJournalMirror _mirror;

    /// <summary>The journal in a state folder (the local state store), without a head mirror.</summary>
    public FileJournal(string stateFolder, TimeProvider clock)
        : this(new LocalStateStore(stateFolder).Journal("journal"), clock)
    {
    }

    /// <summary>The journal over any state store's journal, its head mirrored in <paramref name="mirror"/>; without one
    /// the last verified point is kept in memory only (the first change walks the chain, later ones start from there).</summary>
    public FileJournal(IStateJournal entries, TimeProvider clock, IJournalMirror? mirror = null)
    {
        _entries = entries;
        _clock = clock;
        _mirror = mirror ?? new MemoryMirror();
    }

    /// <summary>The last verified point of this instance only (no second home: nothing outside the store survives it).</summary>
    private sealed class MemoryMirror : IJournalMirror
    {
        private JournalMirrorState? _state;
        public string Location => "(memory)";
        public JournalMirrorState? Read() => _state;
        public void Write(JournalMirrorState state) => _state = state;
    }

    /// <summary>Where the journal lives (locally the path of journal.jsonl).</summary>
    public string Path => _entries.Location;

    /// <summary>Where the head's mirror lives, or null without one.</summary>
    public string? MirrorLocation => _mirror is MemoryMirror ? null : _mirror.Location;

    public JournalEntry Append(JournalRecord record)
    {
        for (int attempt = 1; ; attempt++)
        {
            (long lastSeq, string lastHash) = CheckChain();
            long seq = lastSeq + 1;
            DateTimeOffset time = _clock.UtcNow.ToUniversalTime();
            string canonical = Canonical(seq, time, record, lastHash);
            string hash = Hash(lastHash, canonical);
            // The stored line is the canonical text with the hash added as the last member.
            string line = canonical.Substring(0, canonical.Length - 1) + ",\"hash\":\"" + hash + "\"}";
            var mark = new JournalMark(seq, hash);
            string? warning = Mirror(new JournalMirrorState(lastSeq == 0 ? null : new JournalMark(lastSeq, lastHash), mark, null));
            try
            {
                _entries.Append(seq, line, hash);
            }
            catch (StateConflictException) when (attempt < ConflictRetries)
            {
                continue; // another writer took the sequence: chain onto its entry instead
            }
            catch (StateJournalHeadNotWrittenException ex)
            {
                // The entry stands (and the change it records): the head one behind is the benign case.
                warning = ex.Message + " The change was made and recorded; the head catches up at the next change.";
            }
            warning = Mirror(new JournalMirrorState(mark, null, Fingerprint())) ?? warning;
            return new JournalEntry(seq, time, record, lastHash, hash, (int)seq) { Warning = warning };
        }
    }

    /// <summary>Checks the chain from the last verified point (see <see cref="CheckChain"/>).</summary>
    public void EnsureAppendable() => CheckChain();

    public IReadOnlyList<JournalEntry> ReadAll()
    {
        var entries = new List<JournalEntry>();
        int lineNo = 0;
        foreach (string line in _entries.Read(1))
        {
            lineNo++;
            if (line.Length == 0)
                continue;
            if (Parse(line, lineNo) is { } entry)
                entries.Add(entry);
            else
                throw new HwException(ErrorIds.JournalCorrupt,
                    $"Journal line {lineNo} of '{Path}' is not a journal entry; run Test-HwAuditLog.", Path);
        }
        return entries;
    }

    public IReadOnlyList<JournalEntry> ReadReadable()
    {
        var entries = new List<JournalEntry>();
        int lineNo = 0;
        foreach (string line in _entries.Read(1))
        {
            lineNo++;
            if (line.Length > 0 && Parse(line, lineNo) is { } entry)
                entries.Add(entry);
        }
        return entries;
    }

    public JournalVerification Verify() => Verify(Array.Empty<string>());

    public string? LatestWitness() => LastEntry()?.Witness;

    public JournalEntry? Latest() => LastEntry();

    /// <summary>
    /// Walks the whole chain and names the first bad entry: a broken chain (edited, inserted, deleted, reordered,
    /// cut short), a head that is missing, ahead, behind or not the last entry's, a chain that no longer passes
    /// through the head mirror's point or through one of <paramref name="witnesses"/> (<c>&lt;sequence&gt;:&lt;hash&gt;</c>
    /// printed earlier in a report or a mail), or a time that goes the wrong way. Entries are appended in order under
    /// the state lock, so an entry dated earlier than the one before it, or later than now, by more than
    /// <see cref="TimeProviderExtensions.ClockSkew"/> means a clock was wrong or the entry was forged
    /// (docs/decisions/0070-time-that-goes-the-wrong-way.md, 0130-witnesses-and-a-head-mirror.md).
    /// </summary>
    public JournalVerification Verify(IReadOnlyList<string> witnesses)
    {
        var marks = new List<JournalMark>();
        foreach (string w in witnesses)
            marks.Add(JournalMark.TryParse(w, out JournalMark? m) ? m! : throw new HwException(ErrorIds.WitnessInvalid,
                $"'{w}' is not a witness: a witness is '<sequence>:<hash>' (a sequence from 1 and 64 hex digits), as a compliance report or review mail prints it.",
                w, input: "witness"));
        Walk walk = WalkChain(null, checkTimes: true, marks);
        // A verification that passes is a point its owner has seen: the mirror moves on to it (never back), so a
        // journal later rolled back, cut short or rewritten before it is caught for someone who only checked
        // (decision 0152). A failing one records nothing.
        if (walk.Problem is null && walk.LastSequence > 0)
            Advance(new JournalMark(walk.LastSequence, walk.LastHash), walk.Fingerprint);
        var verification = new JournalVerification(Path, walk.Count, walk.BadSequence, walk.BadLine, walk.Problem)
        {
            Witness = walk.LastSequence > 0 ? new JournalMark(walk.LastSequence, walk.LastHash).ToString() : null,
            MirrorLocation = MirrorLocation,
        };
        return verification;
    }

    /// <summary>
    /// Repairs a torn final line only: the last line is not a whole entry (a write cut short), everything before it
    /// verifies and the head agrees with the last whole entry. The line's bytes (base64) and their SHA-256 are kept
    /// in a <c>JournalRepaired</c> entry appended to the chain; no whole entry is touched. Returns null when the
    /// journal has no torn line; <c>JournalCorrupt</c> when the damage is anything else (nothing is changed).
    /// </summary>
    public JournalEntry? RepairTornTail(JournalRecord record)
    {
        StateJournalHead head = _entries.ReadHead();
        if (head.LastEntry is null || Parse(head.LastEntry, 0) is not null)
        {
            CheckChain();
            return null;
        }
        if (_entries is not IRepairableStateJournal repairable)
            throw Corrupt(head.Sequence + 1, $"The journal '{Path}' ends in a torn line, and its store cannot remove one.");
        Walk before = WalkChain(null, checkTimes: false, Array.Empty<JournalMark>(), skipLastLine: true);
        if (before.Problem is not null)
            throw Corrupt(before.BadSequence ?? 0, $"The journal '{Path}' fails at entry {before.BadSequence} before its last line: {before.Problem} "
                + "Repair-HwAuditLog removes a torn final line only; nothing was changed.");
        byte[] removed = repairable.RemoveLastLine(head.LastEntry);
        using var sha = SHA256.Create();
        var after = new JsonObject
        {
            ["removedLine"] = before.LastSequence + 1,
            ["removedBytes"] = removed.Length,
            ["removedSha256"] = Hex(sha.ComputeHash(removed)),
            ["removedBase64"] = Convert.ToBase64String(removed),
        };
        return Append(new JournalRecord(record.Actor, JournalActions.JournalRepaired, null, null, record.Reason, record.PolicyVersion, null, after));
    }

    /// <summary>
    /// What every change checks first: the chain from the last verified point (the head mirror's) to the end.
    /// When the store's head, its last entry and the mirror all name the same entry and that entry's hash holds,
    /// nothing else is read (an append costs the same however long the journal is). Otherwise the entries after
    /// the mirror's point are walked (all of them without a mirror), the entry at the point must still have its
    /// hash, and the head must be the last entry's, or one behind it with the last entry chained onto it (the
    /// process died between the append and the head write). Anything else is <c>JournalCorrupt</c> naming the first
    /// bad sequence, and no change is made. Entries after the mirror's point are growth by another writer of the same
    /// state folder (each OS account keeps a mirror of its own) and are accepted once they chain onto the point; a
    /// journal that ends before the point, or whose entry at the point has another hash, was rolled back or rewritten.
    /// The walked point is then mirrored (the mirror moves on to the journal's end).
    /// </summary>
    private (long Seq, string Hash) CheckChain()
    {
        StateJournalHead head = _entries.ReadHead();
        JournalMirrorState? state = _mirror.Read();
        JournalEntry? last = head.LastEntry is null ? null : Parse(head.LastEntry, 0);
        if (head.LastEntry is not null && last is null)
            throw Corrupt(head.Recorded && head.Sequence != long.MaxValue ? head.Sequence + 1 : 0,
                $"The last line of the journal '{Path}' is not a whole entry (a write was cut short, or the line was edited); nothing was changed. "
                + "Run Test-HwAuditLog; Repair-HwAuditLog removes a torn final line.");
        JournalMark? mark = VerifiedPoint(state, last);
        if (last is not null && mark is not null && state!.Pending is null && (_entries is not IFingerprintedStateJournal || (state.Fingerprint is not null && state.Fingerprint == Fingerprint()))
            && head.Recorded && head.Sequence == mark.Sequence && head.Seal == mark.Hash
            && last.Sequence == mark.Sequence && last.Hash == mark.Hash && Hash(last.PreviousHash, Canonical(last)) == last.Hash)
            return (last.Sequence, last.Hash);
        // The store says the entries changed since the mirror's point was verified (not by an append of ours): walk
        // them all, the mirror's point compared on the way. A store without a fingerprint is walked from the point.
        bool changedBehind = _entries is IFingerprintedStateJournal && (state?.Fingerprint is null || state.Fingerprint != Fingerprint());
        Walk walk = WalkChain(changedBehind ? null : mark, checkTimes: false, Array.Empty<JournalMark>());
        if (walk.Problem is not null)
            throw Corrupt(walk.BadSequence ?? 0, $"The journal '{Path}' fails at entry {walk.BadSequence}: {walk.Problem} Nothing was changed. Run Test-HwAuditLog.");
        if (walk.LastSequence > 0)
            Mirror(new JournalMirrorState(new JournalMark(walk.LastSequence, walk.LastHash), null, Fingerprint()));
        return (walk.LastSequence, walk.LastHash);
    }

    /// <summary>
    /// The mirror's verified point. An append under way when the process stopped counts as written if the journal
    /// ends in it (the append happened) and is dropped if the journal still ends at the verified point.
    /// </summary>
    private static JournalMark? VerifiedPoint(JournalMirrorState? state, JournalEntry? last)
    {
        if (state?.Pending is { } pending && last is not null && last.Sequence == pending.Sequence && last.Hash == pending.Hash)
            return pending;
        return state?.Verified;
    }

    /// <summary>
    /// First use on this computer (or account): a journal with entries whose mirror holds nothing is verified whole,
    /// and, if it verifies, where it stands is recorded (trust on first use, decision 0152). Nothing is thrown: a
    /// journal that does not verify is reported by the next check or change.
    /// </summary>
    public void RecordFirstUse()
    {
        try
        {
            if (_mirror is MemoryMirror || _mirror.Read() is not null || _entries.ReadHead().LastEntry is null)
                return;
            Verify();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HwException)
        {
        }
    }

    /// <summary>
    /// Moves the mirror's verified point forward to <paramref name="point"/> (never back), keeping a writer's pending
    /// append past it; read, changed and written as one step where the mirror can lock (the local file), so a check
    /// running beside a writer of the same account never drops that writer's pending point. A mirror that cannot be
    /// written is left as it was: a check still reports what it found.
    /// </summary>
    private void Advance(JournalMark point, string? fingerprint)
    {
        JournalMirrorState? Next(JournalMirrorState? current)
        {
            if (current?.Verified is { } verified && verified.Sequence >= point.Sequence)
                return null;
            JournalMark? pending = current?.Pending is { } p && p.Sequence > point.Sequence ? p : null;
            return new JournalMirrorState(point, pending, pending is null ? fingerprint : null);
        }
        try
        {
            if (_mirror is IUpdatableJournalMirror updatable)
                updatable.Update(Next);
            else if (Next(_mirror.Read()) is { } next)
                _mirror.Write(next);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HwException)
        {
        }
    }

    private string? Fingerprint() => (_entries as IFingerprintedStateJournal)?.Fingerprint();

    private string? Mirror(JournalMirrorState state)
    {
        try
        {
            _mirror.Write(state);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HwException)
        {
            return $"The journal head's mirror '{_mirror.Location}' could not be updated ({ex.Message}); the change was made and recorded.";
        }
    }

    private sealed class Walk
    {
        public int Count;
        public long LastSequence;
        public string LastHash = Genesis;
        public string LastPrevious = Genesis;
        public long? BadSequence;
        public int? BadLine;
        public string? Problem;
        /// <summary>The store's fingerprint taken before the entries were read (a later change makes it stale, never wrong).</summary>
        public string? Fingerprint;
    }

    /// <summary>
    /// The chain from <paramref name="from"/> (the entry there must still have its hash) or from the start, with
    /// the head and the mirror compared at the end and each of <paramref name="witnesses"/> looked for.
    /// </summary>
    private Walk WalkChain(JournalMark? from, bool checkTimes, IReadOnlyList<JournalMark> witnesses, bool skipLastLine = false)
    {
        DateTimeOffset now = _clock.UtcNow;
        DateTimeOffset? previousTime = null;
        var walk = new Walk();
        JournalMirrorState? state = _mirror.Read();
        JournalMark? mark = from ?? VerifiedPoint(state, LastEntry());
        long start = from is { Sequence: > 0 } ? from.Sequence : 1;
        string previous = Genesis;
        long expected = start;
        int lineNo = (int)start - 1;
        var pending = new Dictionary<long, JournalMark>();
        foreach (JournalMark w in witnesses)
            pending[w.Sequence] = w;
        var intents = new IntentRule(partial: start > 1);
        Walk Bad(long seq, int line, string problem)
        {
            walk.BadSequence = seq;
            walk.BadLine = line;
            walk.Problem = problem;
            return walk;
        }

        // The head first, then the entries: writers append an entry before they move the head, so an honest journal
        // read in this order always reaches the head even while others append (a head past the entries is tampering).
        StateJournalHead head = _entries.ReadHead();
        walk.Fingerprint = Fingerprint();
        List<string> lines = _entries.Read(start).ToList();
        if (skipLastLine && lines.Count > 0)
            lines.RemoveAt(lines.Count - 1);
        foreach (string line in lines)
        {
            lineNo++;
            if (line.Length == 0)
                return Bad(expected, lineNo, "An empty line stands in the journal (an entry was removed or the file was edited).");
            JournalEntry? entry = Parse(line, lineNo);
            if (entry is null)
                return Bad(expected, lineNo, "The line is not a readable journal entry (edited or damaged).");
            if (entry.Sequence != expected)
                return Bad(expected, lineNo, entry.Sequence > expected
                    ? $"Entry {expected} is missing: line {lineNo} holds entry {entry.Sequence} (an entry was deleted)."
                    : $"Entry {entry.Sequence} stands where entry {expected} belongs (entries were inserted or reordered).");
            if (expected == start && start > 1)
                previous = entry.PreviousHash; // the walk starts at the verified point: its own hash is checked below
            if (entry.PreviousHash != previous)
                return Bad(entry.Sequence, lineNo, "The entry does not follow from the one before it (inserted, reordered or edited).");
            if (Hash(previous, Canonical(entry)) != entry.Hash)
                return Bad(entry.Sequence, lineNo, "The entry's content does not match its hash (edited).");
            if (mark is not null && entry.Sequence == mark.Sequence && entry.Hash != mark.Hash)
                return Bad(entry.Sequence, lineNo, $"Entry {entry.Sequence} is not the entry the head mirror '{_mirror.Location}' recorded (hash {Short(mark.Hash)}, now {Short(entry.Hash)}): the journal was rewritten.");
            if (pending.TryGetValue(entry.Sequence, out JournalMark? witness) && entry.Hash != witness.Hash)
                return Bad(entry.Sequence, lineNo, $"The chain no longer passes through the witness {witness}: entry {entry.Sequence} has hash {entry.Hash} (the journal was rewritten after the witness was printed).");
            pending.Remove(entry.Sequence);
            if (intents.Observe(entry) is { } forged)
                return Bad(entry.Sequence, lineNo, forged);
            if (checkTimes && previousTime is { } before && entry.Time < before - TimeProviderExtensions.ClockSkew)
                return Bad(entry.Sequence, lineNo,
                    $"Time goes backwards: entry {entry.Sequence} is dated {Stamp(entry.Time)}, {Span(before - entry.Time)} before entry {entry.Sequence - 1} ({Stamp(before)}); "
                    + "entries are written in order, so a clock was wrong or the entry was forged.");
            if (checkTimes && entry.Time > now + TimeProviderExtensions.ClockSkew)
                return Bad(entry.Sequence, lineNo,
                    $"Entry {entry.Sequence} is dated in the future: {Stamp(entry.Time)}, {Span(entry.Time - now)} after now ({Stamp(now)}); a clock was wrong or the entry was forged.");
            previousTime = entry.Time;
            walk.LastPrevious = entry.PreviousHash;
            previous = entry.Hash;
            walk.LastSequence = entry.Sequence;
            walk.LastHash = entry.Hash;
            expected++;
            walk.Count++;
        }
        if (start > 1 && walk.LastSequence < start)
            return Bad(start, lineNo + 1, $"The journal ends before entry {start}, which the head mirror '{_mirror.Location}' recorded (entries were removed from the end, or the journal replaced).");
        long lastSeq = walk.LastSequence;
        if (start > 1)
            walk.Count = (int)lastSeq; // the entries before the verified point were verified before
        if (mark is not null && mark.Sequence > lastSeq)
            return Bad(lastSeq + 1, lineNo + 1, lastSeq == 0
                ? $"The journal is empty or missing, but the head mirror '{_mirror.Location}' recorded entry {mark.Sequence} (the journal was deleted)."
                : $"The journal ends at entry {lastSeq}, but the head mirror '{_mirror.Location}' recorded entry {mark.Sequence} (entries were removed from the end).");
        // A walk from the mirror's point met an outcome whose intent stands before it: the intents are read from the start
        // (parsed only, their hashes were verified before), which happens only when a point falls between the two.
        if (intents.NeedsFullPass)
        {
            var whole = new IntentRule(partial: false);
            int n = 0;
            foreach (string line in _entries.Read(1))
            {
                n++;
                if (Parse(line, n) is not { } entry || entry.Sequence > lastSeq)
                    break;
                if (whole.Observe(entry) is { } forged)
                    return Bad(entry.Sequence, n, forged);
            }
        }
        foreach (JournalMark w in pending.Values.OrderBy(w => w.Sequence))
            return Bad(w.Sequence, lineNo + 1, $"The chain no longer passes through the witness {w}: the journal ends at entry {lastSeq} (entries were removed).");

        // On a store whose appends take no lock the head is written after its entry by each writer, so for a moment
        // entries stand with no head or a trailing one; there the head is a convenience and the mirror and witnesses
        // catch removals (docs/decisions/0140). Elsewhere a missing head is tampering.
        bool lockFree = _entries is ILockFreeStateJournal;
        (long Seq, int Line, string Text)? HeadProblem(StateJournalHead h, bool movedOn)
        {
            if (!h.Recorded && lastSeq > 0 && !lockFree)
                return (lastSeq, lineNo, $"The journal has {lastSeq} entries but no head (the head was deleted).");
            if (h.Sequence > lastSeq && !(movedOn && h.Sequence != long.MaxValue))
                return (lastSeq + 1, lineNo + 1, h.Sequence == long.MaxValue
                    ? "The journal's head is unreadable (edited)."
                    : $"The journal ends at entry {lastSeq} but its head records entry {h.Sequence} (entries were removed from the end).");
            if (h.Recorded && lastSeq > 0 && h.Sequence == lastSeq && h.Seal != walk.LastHash)
                return (lastSeq, lineNo, "The last entry does not match the journal head (edited).");
            // The head may be one behind its last entry (the head write was lost after the append), chained onto it.
            // More than one behind: a rolled-back head, except on a store whose appends take no lock (the shared store),
            // where a head trails while writers append; there the mirror and witnesses catch a rollback.
            if (h.Recorded && h.Sequence < lastSeq - 1 && !lockFree)
                return (h.Sequence + 1, lineNo, $"The journal's head records entry {h.Sequence}, {lastSeq - h.Sequence} behind its last entry {lastSeq} (the head was rolled back).");
            if (h.Recorded && h.Sequence == lastSeq - 1 && h.Seal != (h.Sequence == 0 ? null : walk.LastPrevious))
                return (h.Sequence, lineNo, $"The journal's head does not match entry {h.Sequence} (edited or rolled back).");
            return null;
        }
        if (HeadProblem(head, movedOn: false) is { } headProblem)
        {
            // The head was read before the entries; a writer appending meanwhile (entry first, then its head) leaves
            // entries beyond that head, which is not tampering. Read the head again: on the local folder appends are
            // serialised and bring a trailing head up first (decision 0155), so an honest head read after the entries
            // is at most one behind the last of them, or past them when more were appended since. A head that did
            // not move and is still wrong was rolled back, deleted or edited (decision 0151).
            StateJournalHead again = _entries.ReadHead();
            bool moved = again.Recorded != head.Recorded || again.Sequence != head.Sequence || !string.Equals(again.Seal, head.Seal, StringComparison.Ordinal);
            if (!moved || HeadProblem(again, movedOn: again.Sequence > head.Sequence) is not null)
                return Bad(headProblem.Seq, headProblem.Line, headProblem.Text);
        }
        // Entries after the mirror's point that chain onto it are growth by another writer of this state folder (another
        // admin, the scheduled job, each with a mirror of its own): accepted, and the caller moves the mirror on. A forged
        // entry appended with a correct hash looks the same to a mirror; witnesses printed earlier catch it when it stands
        // where entries they saw stood (docs/decisions/0130-witnesses-and-a-head-mirror.md).
        return walk;
    }

    /// <summary>
    /// Outcomes and their intents (decision 0153): once the journal holds its first <c>ChangeIntended</c> entry, every
    /// later <c>PostingAccessGranted</c>/<c>PostingAccessRevoked</c> must name in <c>after.intent</c> an earlier
    /// <c>ChangeIntended</c> for the same account, person and change that no other outcome (reconciled ones, abandoned
    /// ones included) has claimed. Anything else was forged or written outside the module: the module writes every
    /// posting-group change through <c>WriteAheadIntent</c>. Entries before the first intent (journals written before
    /// intents existed) are not held to it. Fed the entries in order; a walk that starts at the mirror's point cannot
    /// see intents before it and asks for a pass from the start instead of guessing (<see cref="NeedsFullPass"/>).
    /// </summary>
    private sealed class IntentRule
    {
        private readonly bool _partial;
        private bool _seenIntent;
        private readonly Dictionary<string, JournalEntry> _open = new(StringComparer.Ordinal);
        private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

        public IntentRule(bool partial) => _partial = partial;

        /// <summary>True when a walk from a point met an outcome it cannot judge without the entries before the point.</summary>
        public bool NeedsFullPass { get; private set; }

        /// <summary>The problem with <paramref name="e"/>, or null.</summary>
        public string? Observe(JournalEntry e)
        {
            string? id = e.After is null ? null : JournalIntents.IntentId(e);
            if (e.Action == JournalActions.ChangeIntended)
            {
                _seenIntent = true;
                if (id is not null && !_claimed.Contains(id))
                    _open[id] = _open.TryGetValue(id, out JournalEntry? first) ? first : e;
                return null;
            }
            if (e.Action is not (JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked))
            {
                if (id is not null && e.Action is JournalActions.IntentAbandoned or JournalActions.IntentReconciled && _open.Remove(id))
                    _claimed.Add(id);
                return null;
            }
            if (id is null && !_seenIntent)
            {
                NeedsFullPass |= _partial; // before the first intent, or an intent before the walk's start: only the start can tell
                return null;
            }
            if (id is not null && _open.TryGetValue(id, out JournalEntry? intent))
            {
                _open.Remove(id);
                _claimed.Add(id);
                if (string.Equals(intent.Account, e.Account, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(intent.User, e.User, StringComparison.OrdinalIgnoreCase)
                    && JournalIntents.Field(intent.After, "change") == e.Action)
                    return null;
                return Forged(e, $"it names the intent of entry {intent.Sequence}, which was for another change ({JournalIntents.Field(intent.After, "change")} for {intent.User} on {intent.Account}).");
            }
            if (_partial && id is not null && !_claimed.Contains(id))
            {
                NeedsFullPass = true;
                return null;
            }
            return Forged(e, id is null
                ? "it names no intent, and every posting-access change since the first intent in this journal has one."
                : $"the intent it names ({id}) is not an earlier ChangeIntended entry, or another outcome already closed it.");
        }

        private static string Forged(JournalEntry e, string why) =>
            $"Entry {e.Sequence} ({e.Action} for {e.User} on {e.Account}) is an outcome without its intent (forged or written outside the module): {why}";
    }

    private JournalEntry? LastEntry() => _entries.ReadHead().LastEntry is { } line ? Parse(line, 0) : null;

    private static string Short(string hash) => hash.Length > 12 ? hash.Substring(0, 12) + "…" : hash;

    private static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{Math.Floor(span.TotalDays).ToString(CultureInfo.InvariantCulture)} day(s)"
        : span.TotalHours >= 1 ? $"{Math.Floor(span.TotalHours).ToString(CultureInfo.InvariantCulture)} hour(s)"
        : $"{Math.Floor(span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minute(s)";

    private HwException Corrupt(long firstBadSequence, string message) =>
        new(ErrorIds.JournalCorrupt, message, Path) { Data = { ["FirstBadSequence"] = firstBadSequence } };

    private static JournalEntry? Parse(string line, int lineNo)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject o)
                return null;
            var record = new JournalRecord(
                Str(o, "actor")!, Str(o, "action")!, Str(o, "account"), Str(o, "user"), Str(o, "reason")!,
                Str(o, "policyVersion")!, o["before"] as JsonObject, o["after"] as JsonObject);
            if (record.Actor is null || record.Action is null || record.Reason is null || record.PolicyVersion is null)
                return null;
            var time = DateTimeOffset.Parse(Str(o, "time")!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            return new JournalEntry((long)o["seq"]!, time, record, Str(o, "prev")!, Str(o, "hash")!, lineNo);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            return null;
        }
    }

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string Canonical(JournalEntry e) =>
        Canonical(e.Sequence, e.Time, new JournalRecord(e.Actor, e.Action, e.Account, e.User, e.Reason, e.PolicyVersion,
            e.Before is null ? null : (JsonObject)JsonNode.Parse(e.Before)!, e.After is null ? null : (JsonObject)JsonNode.Parse(e.After)!), e.PreviousHash);

    /// <summary>The entry's fields in a fixed order, compact: what the hash seals.</summary>
    private static string Canonical(long seq, DateTimeOffset time, JournalRecord r, string previousHash)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", seq);
            w.WriteString("time", time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("actor", r.Actor);
            w.WriteString("action", r.Action);
            w.WriteString("account", r.Account);
            w.WriteString("user", r.User);
            w.WriteString("reason", r.Reason);
            w.WriteString("policyVersion", r.PolicyVersion);
            w.WritePropertyName("before");
            WriteNode(w, r.Before);
            w.WritePropertyName("after");
            WriteNode(w, r.After);
            w.WriteString("prev", previousHash);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter w, JsonObject? node)
    {
        if (node is null)
            w.WriteNullValue();
        else
            node.WriteTo(w);
    }

    private static string Hash(string previous, string canonical)
    {
        using var sha = SHA256.Create();
        byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(previous + "\n" + canonical));
        var sb = new StringBuilder(64);
        foreach (byte b in digest)
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
