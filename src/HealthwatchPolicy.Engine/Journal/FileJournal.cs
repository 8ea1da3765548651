using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>
/// <c>journal.jsonl</c> in the state folder: one JSON entry per line, each sealed with
/// SHA-256(previous hash + canonical entry). <c>journal.head</c> holds the last sequence and hash, so a
/// truncated tail is detected too. Appends are one write() of a whole line under a cross-process lock.
/// </summary>
public sealed class FileJournal : IJournal
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(60);
    private readonly IClock _clock;

    public FileJournal(string stateFolder, IClock clock)
    {
        _clock = clock;
        Path = System.IO.Path.Combine(stateFolder, "journal.jsonl");
        HeadPath = System.IO.Path.Combine(stateFolder, "journal.head");
        LockPath = System.IO.Path.Combine(stateFolder, "journal.lock");
    }

    public string Path { get; }
    public string HeadPath { get; }
    private string LockPath { get; }

    public JournalEntry Append(JournalRecord record)
    {
        using FileLock _ = FileLock.Acquire(LockPath, s_lockTimeout);
        (long lastSeq, string lastHash, int lines) = ReadTail();
        long seq = lastSeq + 1;
        DateTimeOffset time = _clock.UtcNow.ToUniversalTime();
        string canonical = Canonical(seq, time, record, lastHash);
        string hash = Hash(lastHash, canonical);
        // The stored line is the canonical text with the hash added as the last member.
        string line = canonical.Substring(0, canonical.Length - 1) + ",\"hash\":\"" + hash + "\"}\n";
        try
        {
            using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.WriteThrough))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.JournalWriteFailed,
                $"Cannot append to the journal '{Path}': {ex.Message}", Path, ex);
        }
        AtomicFile.WriteAllText(HeadPath, $"{{\"sequence\":{seq.ToString(CultureInfo.InvariantCulture)},\"hash\":\"{hash}\"}}\n");
        return new JournalEntry(seq, time, record, lastHash, hash, lines + 1);
    }

    public void EnsureAppendable()
    {
        using FileLock _ = FileLock.Acquire(LockPath, s_lockTimeout);
        ReadTail();
    }

    public IReadOnlyList<JournalEntry> ReadAll()
    {
        var entries = new List<JournalEntry>();
        int lineNo = 0;
        foreach (string line in ReadLines())
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

    public JournalVerification Verify()
    {
        string previous = Genesis;
        long expected = 1;
        int lineNo = 0, count = 0;
        JournalVerification Bad(long seq, int line, string problem) => new(Path, count, seq, line, problem);

        foreach (string line in ReadLines())
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
            previous = entry.Hash;
            expected++;
            count++;
        }

        (long headSeq, string? headHash) = ReadHead();
        if (headSeq > count)
            return new JournalVerification(Path, count, count + 1, lineNo + 1,
                $"The journal ends at entry {count} but its head records entry {headSeq} (entries were removed from the end).");
        if (headSeq > 0 && headSeq == count && headHash != previous)
            return new JournalVerification(Path, count, count, lineNo, "The last entry does not match the journal head (edited).");
        return new JournalVerification(Path, count, null, null, null);
    }

    private IEnumerable<string> ReadLines()
    {
        if (!File.Exists(Path))
            yield break;
        string text;
        using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
            text = reader.ReadToEnd();
        string[] lines = text.Split('\n');
        int last = lines.Length;
        if (last > 0 && lines[last - 1].Length == 0)
            last--; // the final newline
        for (int i = 0; i < last; i++)
            yield return lines[i].TrimEnd('\r');
    }

    private (long Seq, string Hash, int Lines) ReadTail()
    {
        long seq = 0;
        string hash = Genesis;
        int lines = 0;
        foreach (string line in ReadLines())
        {
            lines++;
            JournalEntry entry = Parse(line, lines) ?? throw new HwException(ErrorIds.JournalCorrupt,
                $"Journal line {lines} of '{Path}' is damaged; nothing was changed. Run Test-HwAuditLog.", Path);
            seq = entry.Sequence;
            hash = entry.Hash;
        }
        (long headSeq, _) = ReadHead();
        if (headSeq > seq)
            throw new HwException(ErrorIds.JournalCorrupt,
                $"The journal '{Path}' ends at entry {seq} but its head records {headSeq}; nothing was changed. Run Test-HwAuditLog.", Path);
        return (seq, hash, lines);
    }

    private (long Seq, string? Hash) ReadHead()
    {
        if (!File.Exists(HeadPath))
            return (0, null);
        try
        {
            JsonNode? head = JsonNode.Parse(File.ReadAllText(HeadPath));
            return ((long?)head?["sequence"] ?? 0, (string?)head?["hash"]);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (long.MaxValue, null); // an unreadable head can only mean tampering: report it as such
        }
    }

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
