using System;
using System.Collections.Generic;
using System.Globalization;
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
/// <see cref="Verify"/> walks the whole chain.
/// </summary>
internal sealed class FileJournal : IJournal
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    // A writer that loses a sequence re-reads the tail and tries the next one; on a shared store appends take no lock,
    // so with N writers one can lose up to N-1 times in a row (docs/decisions/0140).
    private const int ConflictRetries = 32;
    private readonly IStateJournal _entries;
    private readonly TimeProvider _clock;

    /// <summary>The journal in a state folder (the local state store).</summary>
    public FileJournal(string stateFolder, TimeProvider clock)
        : this(new LocalStateStore(stateFolder).Journal("journal"), clock)
    {
    }

    /// <summary>The journal over any state store's journal.</summary>
    public FileJournal(IStateJournal entries, TimeProvider clock)
    {
        _entries = entries;
        _clock = clock;
    }

    /// <summary>Where the journal lives (locally the path of journal.jsonl).</summary>
    public string Path => _entries.Location;

    public JournalEntry Append(JournalRecord record)
    {
        for (int attempt = 1; ; attempt++)
        {
            (long lastSeq, string lastHash) = FindTail();
            long seq = lastSeq + 1;
            DateTimeOffset time = _clock.UtcNow.ToUniversalTime();
            string canonical = Canonical(seq, time, record, lastHash);
            string hash = Hash(lastHash, canonical);
            // The stored line is the canonical text with the hash added as the last member.
            string line = canonical.Substring(0, canonical.Length - 1) + ",\"hash\":\"" + hash + "\"}";
            try
            {
                _entries.Append(seq, line, hash);
                return new JournalEntry(seq, time, record, lastHash, hash, (int)seq);
            }
            catch (StateConflictException) when (attempt < ConflictRetries)
            {
                // another writer took the sequence: chain onto its entry instead
            }
        }
    }

    public void EnsureAppendable() => FindTail();

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

    /// <summary>
    /// Walks the whole chain and names the first bad entry: a broken chain (edited, inserted, deleted, reordered,
    /// cut short) or a time that goes the wrong way. Entries are appended in order under the state lock, so an
    /// entry dated earlier than the one before it, or later than now, by more than
    /// <see cref="TimeProviderExtensions.ClockSkew"/> (five minutes, for clocks on different admins' machines) means a
    /// clock was wrong when it was written, or the entry was forged with a recomputed chain: the journal then
    /// fails verification, as a chain break does (docs/decisions/0070-time-that-goes-the-wrong-way.md).
    /// </summary>
    public JournalVerification Verify()
    {
        DateTimeOffset now = _clock.UtcNow;
        DateTimeOffset? previousTime = null;
        string previous = Genesis;
        long expected = 1;
        int lineNo = 0, count = 0;
        JournalVerification Bad(long seq, int line, string problem) => new(Path, count, seq, line, problem);

        foreach (string line in _entries.Read(1))
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
            if (entry.PreviousHash != previous)
                return Bad(entry.Sequence, lineNo, "The entry does not follow from the one before it (inserted, reordered or edited).");
            if (Hash(previous, Canonical(entry)) != entry.Hash)
                return Bad(entry.Sequence, lineNo, "The entry's content does not match its hash (edited).");
            if (previousTime is { } before && entry.Time < before - TimeProviderExtensions.ClockSkew)
                return Bad(entry.Sequence, lineNo,
                    $"Time goes backwards: entry {entry.Sequence} is dated {Stamp(entry.Time)}, {Span(before - entry.Time)} before entry {entry.Sequence - 1} ({Stamp(before)}); "
                    + "entries are written in order, so a clock was wrong or the entry was forged.");
            if (entry.Time > now + TimeProviderExtensions.ClockSkew)
                return Bad(entry.Sequence, lineNo,
                    $"Entry {entry.Sequence} is dated in the future: {Stamp(entry.Time)}, {Span(entry.Time - now)} after now ({Stamp(now)}); a clock was wrong or the entry was forged.");
            previousTime = entry.Time;
            previous = entry.Hash;
            expected++;
            count++;
        }

        StateJournalHead head = _entries.ReadHead();
        if (head.Sequence > count)
            return new JournalVerification(Path, count, count + 1, lineNo + 1,
                $"The journal ends at entry {count} but its head records entry {head.Sequence} (entries were removed from the end).");
        if (head.Sequence > 0 && head.Sequence == count && head.Seal != previous)
            return new JournalVerification(Path, count, count, lineNo, "The last entry does not match the journal head (edited).");
        return new JournalVerification(Path, count, null, null, null);
    }

    /// <summary>
    /// The last sequence and hash, from the head and the last entry only: they must agree (the same entry, or the
    /// head one behind when its write was lost after the append). Without a head, or with one further behind, the
    /// whole journal is read once, as before heads were trusted.
    /// </summary>
    private (long Seq, string Hash) FindTail()
    {
        StateJournalHead head = _entries.ReadHead();
        JournalEntry? last = head.LastEntry is null ? null
            : Parse(head.LastEntry, 0) ?? throw Corrupt($"The last entry of the journal '{Path}' is damaged; nothing was changed. Run Test-HwAuditLog.");
        long seq = last?.Sequence ?? 0;
        string hash = last?.Hash ?? Genesis;
        if (!head.Recorded)
            return ScanTail(head);
        if (head.Sequence > seq)
            throw Corrupt($"The journal '{Path}' ends at entry {seq} but its head records {head.Sequence}; nothing was changed. Run Test-HwAuditLog.");
        if (head.Sequence == seq)
            return seq == 0 || head.Seal == hash ? (seq, hash)
                : throw Corrupt($"The last entry of the journal '{Path}' does not match its head (edited); nothing was changed. Run Test-HwAuditLog.");
        if (seq == head.Sequence + 1 && last!.PreviousHash == head.Seal)
            return (seq, hash);
        return ScanTail(head);
    }

    private (long Seq, string Hash) ScanTail(StateJournalHead head)
    {
        long seq = 0;
        string hash = Genesis;
        int lines = 0;
        foreach (string line in _entries.Read(1))
        {
            lines++;
            JournalEntry entry = Parse(line, lines)
                ?? throw Corrupt($"Journal line {lines} of '{Path}' is damaged; nothing was changed. Run Test-HwAuditLog.");
            seq = entry.Sequence;
            hash = entry.Hash;
        }
        if (head.Sequence > seq)
            throw Corrupt($"The journal '{Path}' ends at entry {seq} but its head records {head.Sequence}; nothing was changed. Run Test-HwAuditLog.");
        return (seq, hash);
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{Math.Floor(span.TotalDays).ToString(CultureInfo.InvariantCulture)} day(s)"
        : span.TotalHours >= 1 ? $"{Math.Floor(span.TotalHours).ToString(CultureInfo.InvariantCulture)} hour(s)"
        : $"{Math.Floor(span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minute(s)";

    private HwException Corrupt(string message) => new(ErrorIds.JournalCorrupt, message, Path);

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
