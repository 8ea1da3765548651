using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>The journal port: an append-only, hash-chained record of every change the module makes.</summary>
public interface IJournal
{
    /// <summary>Appends one entry; fills in sequence, time and hashes; returns the entry as stored.</summary>
    JournalEntry Append(JournalRecord record);

    /// <summary>Throws JournalCorrupt when the journal could not take another entry (damaged or cut short), so a
    /// change is refused before it is made rather than made without its record.</summary>
    void EnsureAppendable();

    /// <summary>Every entry, oldest first.</summary>
    IReadOnlyList<JournalEntry> ReadAll();

    /// <summary>Every entry that can be read, oldest first, skipping lines that are not entries (the compliance
    /// report runs on a damaged journal and reports the damage).</summary>
    IReadOnlyList<JournalEntry> ReadReadable();

    /// <summary>The last stored entry as a witness (<c>&lt;sequence&gt;:&lt;hash&gt;</c>), read without the entries before it;
    /// null for an empty journal or a last line that is not an entry.</summary>
    string? LatestWitness();

    /// <summary>The last stored entry, read without the entries before it; null for an empty journal or a last line
    /// that is not an entry (what a change looks at for an intent left without its outcome).</summary>
    JournalEntry? Latest();

    /// <summary>Checks the chain; names the first bad entry.</summary>
    JournalVerification Verify();

    /// <summary>Checks the chain and that it still passes through every one of <paramref name="witnesses"/>
    /// (<c>&lt;sequence&gt;:&lt;hash&gt;</c>); names the first bad entry.</summary>
    JournalVerification Verify(IReadOnlyList<string> witnesses);

    /// <summary>Removes a torn final line only, recording its bytes and hash in a new entry built from
    /// <paramref name="record"/> (its actor, reason and policy version); null when there is no torn line.</summary>
    JournalEntry? RepairTornTail(JournalRecord record);
}
