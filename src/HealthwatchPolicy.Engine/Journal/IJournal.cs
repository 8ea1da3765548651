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

    /// <summary>Checks the chain; names the first bad entry.</summary>
    JournalVerification Verify();
}
