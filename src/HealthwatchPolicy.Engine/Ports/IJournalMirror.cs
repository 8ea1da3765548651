using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// A second home for a journal's head, outside the state store: the last point of the chain this machine (or
/// tenant) verified or wrote. Every change compares the store's head with it, so a journal rolled back, cut
/// short or rewritten consistently inside the store alone no longer verifies. Locally a small file outside the
/// state folder (<c>Local.LocalJournalMirror</c>); on Graph an open extension on a directory object the app owns
/// would do (docs/decisions/0130-witnesses-and-a-head-mirror.md).
/// </summary>
public interface IJournalMirror
{
    /// <summary>Where the mirror lives, for people (a path, or the directory object and extension name).</summary>
    string Location { get; }

    /// <summary>What the mirror holds, or null when it holds nothing (first run here, or never written).</summary>
    JournalMirrorState? Read();

    /// <summary>Replaces what the mirror holds.</summary>
    void Write(JournalMirrorState state);
}

/// <summary>
/// A head mirror that can read, change and write what it holds as one step (locally under a lock file), so a check that
/// moves the verified point on never drops the pending append a writer of the same account recorded meanwhile.
/// </summary>
public interface IUpdatableJournalMirror : IJournalMirror
{
    /// <summary>Reads what the mirror holds, passes it to <paramref name="change"/> and writes what that returns (nothing when it returns null), with no other write in between.</summary>
    void Update(Func<JournalMirrorState?, JournalMirrorState?> change);
}

/// <summary>What a head mirror holds: the last verified point, an append under way, and the store's fingerprint when verified.</summary>
public sealed class JournalMirrorState
{
    /// <summary>The <paramref name="verified"/> point (null: an empty journal), the <paramref name="pending"/> append, the store's <paramref name="fingerprint"/>.</summary>
    public JournalMirrorState(JournalMark? verified, JournalMark? pending, string? fingerprint)
    {
        Verified = verified;
        Pending = pending;
        Fingerprint = fingerprint;
    }

    /// <summary>The last point of the chain verified or written (null: the journal was empty).</summary>
    public JournalMark? Verified { get; }
    /// <summary>An append about to be made: until it is confirmed the journal may end at <see cref="Verified"/> or at this.</summary>
    public JournalMark? Pending { get; }
    /// <summary>The store's fingerprint of the journal when <see cref="Verified"/> was recorded (null: unknown).</summary>
    public string? Fingerprint { get; }
}

/// <summary>
/// A journal whose store can tell cheaply whether it changed (locally the file's length and write time; on
/// SharePoint an item's cTag): a change whose fingerprint is the one the head mirror recorded reads only the tail;
/// any other fingerprint means the whole chain after the verified point is walked, so an edit in the middle stops
/// changes too.
/// </summary>
public interface IFingerprintedStateJournal : IStateJournal
{
    /// <summary>A token that changes whenever the stored entries change; null when there are none.</summary>
    string? Fingerprint();
}

/// <summary>A point of the journal's chain: a sequence and the hash of the entry at it, written <c>&lt;sequence&gt;:&lt;hash&gt;</c> (a witness).</summary>
public sealed class JournalMark : IEquatable<JournalMark>
{
    private static readonly Regex s_form = new("^([0-9]{1,18}):([0-9a-f]{64})$", RegexOptions.CultureInvariant);

    /// <summary>The point at <paramref name="sequence"/> whose entry has <paramref name="hash"/>.</summary>
    public JournalMark(long sequence, string hash)
    {
        Sequence = sequence;
        Hash = hash;
    }

    /// <summary>The entry's sequence (1 for the first).</summary>
    public long Sequence { get; }
    /// <summary>The entry's chain hash, 64 lowercase hex digits.</summary>
    public string Hash { get; }

    /// <summary>Reads <c>&lt;sequence&gt;:&lt;hash&gt;</c> (the hash in lower or upper case); false for anything else.</summary>
    public static bool TryParse(string? text, out JournalMark? mark)
    {
        mark = null;
        Match m = s_form.Match((text ?? "").Trim().ToLowerInvariant());
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long seq) || seq < 1)
            return false;
        mark = new JournalMark(seq, m.Groups[2].Value);
        return true;
    }

    /// <summary><c>&lt;sequence&gt;:&lt;hash&gt;</c>.</summary>
    public override string ToString() => Sequence.ToString(CultureInfo.InvariantCulture) + ":" + Hash;

    /// <summary>The same sequence and hash.</summary>
    public bool Equals(JournalMark? other) => other is not null && other.Sequence == Sequence && other.Hash == Hash;

    /// <summary>The same sequence and hash.</summary>
    public override bool Equals(object? obj) => Equals(obj as JournalMark);

    /// <summary>From the sequence and hash.</summary>
    public override int GetHashCode() => Sequence.GetHashCode() ^ StringComparer.Ordinal.GetHashCode(Hash);
}

/// <summary>
/// A journal that can remove a torn final line (a last line that is not a whole entry: a write cut short by a
/// crash or a full disk). Optional: only <c>Repair-HwAuditLog</c> uses it, and it never touches a whole entry.
/// </summary>
public interface IRepairableStateJournal : IStateJournal
{
    /// <summary>Removes the final line if it is exactly <paramref name="expectedLastLine"/> as stored (what
    /// <see cref="IStateJournal.ReadHead"/> returned) and returns its bytes; a conflict when the end changed.</summary>
    byte[] RemoveLastLine(string expectedLastLine);
}

/// <summary>
/// The entry was stored but the journal's head could not be updated afterwards (a full disk, a lost connection):
/// the change and its entry stand, and the next append or verification sees the head one behind, which is the
/// benign case. Callers report the change as done, with a warning.
/// </summary>
public sealed class StateJournalHeadNotWrittenException : Exception
{
    /// <summary>The head of <paramref name="location"/> was not written for the entry at <paramref name="sequence"/>.</summary>
    public StateJournalHeadNotWrittenException(string location, long sequence, Exception inner)
        : base($"Entry {sequence.ToString(CultureInfo.InvariantCulture)} was written to '{location}', but its head could not be updated: {inner.Message}", inner)
    {
        Location = location;
        Sequence = sequence;
    }

    /// <summary>The journal.</summary>
    public string Location { get; }
    /// <summary>The entry that was written.</summary>
    public long Sequence { get; }
}
