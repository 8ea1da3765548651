using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The state-store port: where the module keeps its own state (reviews, the journal, and later exceptions and
/// lifecycle records). Two shapes: small JSON documents written with optimistic concurrency, and append-only
/// journals. Names are relative paths with '/' (<c>reviews/2026-11.json</c>). Adapters: <c>Local.LocalStateStore</c>
/// (files under the state folder); a shared store (a SharePoint library through Graph) can sit behind the same seam.
/// A write that loses a race throws <see cref="StateConflictException"/>; nothing is half-written.
/// </summary>
public interface IStateStore
{
    /// <summary>Where the state lives, for people: a folder path or a library.</summary>
    string Description { get; }

    /// <summary>Where a named document or journal lives, for people and error messages (a path or a URL).</summary>
    string Locate(string name);

    /// <summary>The document and its version tag; null when there is none.</summary>
    StateDocument? Read(string name);

    /// <summary>The names of the documents directly inside <paramref name="folder"/>, in ordinal order.</summary>
    IReadOnlyList<string> List(string folder);

    /// <summary>Creates the document if it is absent and returns its version tag; a conflict if it exists.</summary>
    string Create(string name, string content);

    /// <summary>Replaces the document only if it is still at <paramref name="expectedVersion"/>; returns the new tag.
    /// A conflict if it changed or went away since it was read.</summary>
    string Replace(string name, string content, string expectedVersion);

    /// <summary>The append-only journal of this name (created by its first append).</summary>
    IStateJournal Journal(string name);
}

/// <summary>A document as read: its text and a version tag that changes whenever the text does.</summary>
public sealed class StateDocument
{
    /// <summary>A document <paramref name="name"/> with its <paramref name="content"/> and <paramref name="version"/> tag.</summary>
    public StateDocument(string name, string content, string version)
    {
        Name = name;
        Content = content;
        Version = version;
    }

    /// <summary>The document's '/'-separated name (for example <c>reviews/2026-11.json</c>).</summary>
    public string Name { get; }
    /// <summary>The document's text.</summary>
    public string Content { get; }
    /// <summary>Opaque: compare for equality only (the local adapter uses a SHA-256 of the content; Graph an eTag).</summary>
    public string Version { get; }
}

/// <summary>
/// An append-only sequence of one-line entries, numbered from 1, with a head: the last sequence and a seal the
/// writer chose for it (the journal's hash), kept apart from the entries so a cut tail is caught. Appending and
/// reading the head cost the same however long the journal is.
/// </summary>
public interface IStateJournal
{
    /// <summary>Where the journal lives, for people.</summary>
    string Location { get; }

    /// <summary>The head and the text of the last stored entry, read without reading the entries before it.</summary>
    StateJournalHead ReadHead();

    /// <summary>Appends <paramref name="entry"/> (one line) as <paramref name="sequence"/> and records the head
    /// (<paramref name="sequence"/>, <paramref name="seal"/>); a conflict when that sequence is already taken.</summary>
    void Append(long sequence, string entry, string seal);

    /// <summary>The entries from <paramref name="fromSequence"/> (1 = all) to the end, oldest first, as stored.</summary>
    IEnumerable<string> Read(long fromSequence);
}

/// <summary>What the head of a journal says, and the last entry as stored.</summary>
public sealed class StateJournalHead
{
    /// <summary>A journal head: whether one was <paramref name="recorded"/>, its <paramref name="sequence"/> and <paramref name="seal"/>, and the last entry stored.</summary>
    public StateJournalHead(bool recorded, long sequence, string? seal, string? lastEntry)
    {
        Recorded = recorded;
        Sequence = sequence;
        Seal = seal;
        LastEntry = lastEntry;
    }

    /// <summary>False when no head was ever written (an empty journal, or one written before heads existed).</summary>
    public bool Recorded { get; }
    /// <summary>The last sequence the head records (0 for none; <see cref="long.MaxValue"/> when the head is unreadable).</summary>
    public long Sequence { get; }
    /// <summary>The seal stored with the head (the journal's chain hash of its last entry), or null.</summary>
    public string? Seal { get; }
    /// <summary>The last entry stored, or null when the journal has none.</summary>
    public string? LastEntry { get; }
}

/// <summary>
/// A journal whose appends take no lock (each entry an item created only if absent, the head moved after it): while
/// writers append, its head may trail its last entry by more than one, so a trailing head is not by itself evidence
/// of a rollback there. Rollbacks on such a store are caught by the head mirror and by witnesses
/// (docs/decisions/0140, 0130).
/// </summary>
public interface ILockFreeStateJournal : IStateJournal
{
}
