using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// A journal in the shared store: entry <c>n</c> is the file <c>&lt;name&gt;/&lt;n, 12 digits&gt;.json</c>, created only if
/// absent, so two writers that pick the same sequence cannot both succeed (the loser gets a conflict, re-reads the head
/// and retries at the next sequence: <c>FileJournal</c>). The head <c>&lt;name&gt;.head</c>
/// (<c>{"sequence":N,"hash":"…"}</c>) is replaced over the eTag it was read at and never moves back. Finding the tail
/// reads the head and the entries after it, not the journal.
/// </summary>
internal sealed class GraphJournal : ILockFreeStateJournal
{
    private const int HeadRetries = 8;
    private readonly GraphStateStore _store;
    private readonly string _name;

    public GraphJournal(GraphStateStore store, string name)
    {
        _store = store;
        _name = name;
        Location = store.Locate(name);
    }

    public string Location { get; }

    private string HeadName => _name + ".head";

    internal static string EntryName(string journal, long sequence) =>
        journal + "/" + sequence.ToString(new string('0', GraphStateStore.SequenceDigits), CultureInfo.InvariantCulture) + ".json";

    public StateJournalHead ReadHead()
    {
        StateDocument? head = _store.Read(HeadName);
        (bool recorded, long sequence, string? seal) = Parse(head);
        if (!recorded || sequence == long.MaxValue)
            return new StateJournalHead(recorded, sequence, seal, LastByListing());
        // The entry the head names and any written after it (a writer that died before moving the head).
        string? last = sequence > 0 ? Entry(sequence) : null;
        if (sequence > 0 && last is null)
            return new StateJournalHead(true, sequence, seal, LastByListing()); // a cut tail: report what is there
        for (long next = sequence + 1; ; next++)
        {
            string? after = Entry(next);
            if (after is null)
                break;
            last = after;
        }
        return new StateJournalHead(true, sequence, seal, last);
    }

    public void Append(long sequence, string entry, string seal)
    {
        if (entry.IndexOf('\n') >= 0)
            throw new ArgumentException("A journal entry is one line.", nameof(entry));
        if (sequence < 1)
            throw new ArgumentOutOfRangeException(nameof(sequence));
        try
        {
            _store.Create(EntryName(_name, sequence), entry);
        }
        catch (StateConflictException)
        {
            throw new StateConflictException(Location, $"Entry {sequence} of '{Location}' is already taken (another writer appended it first).");
        }
        MoveHead(sequence, seal);
    }

    /// <summary>Moves the head to <paramref name="sequence"/> unless another writer has already moved it as far.</summary>
    private void MoveHead(long sequence, string seal)
    {
        string text = $"{{\"sequence\":{sequence.ToString(CultureInfo.InvariantCulture)},\"hash\":\"{seal}\"}}\n";
        for (int attempt = 0; attempt < HeadRetries; attempt++)
        {
            StateDocument? head = _store.Read(HeadName);
            (bool recorded, long current, _) = Parse(head);
            if (recorded && current != long.MaxValue && current >= sequence)
                return;
            try
            {
                if (head is null)
                    _store.Create(HeadName, text);
                else
                    _store.Replace(HeadName, text, head.Version);
                return;
            }
            catch (StateConflictException)
            {
                // another writer moved it: read again
            }
        }
        // The entry is stored; the head catches up at the next append (FileJournal accepts a head one behind).
    }

    public IEnumerable<string> Read(long fromSequence)
    {
        foreach ((long sequence, _) in Entries().Where(e => e.Sequence >= Math.Max(1, fromSequence)))
            yield return Entry(sequence) ?? throw new StateConflictException(Location, $"Entry {sequence} of '{Location}' went away while it was being read.");
    }

    private List<(long Sequence, string Name)> Entries() =>
        _store.Run(ct => _store.ChildrenAsync(_store.JournalFolder(_name), ct), "list " + _name, Location)
            .Where(i => i.Folder is null && i.Name is not null)
            .Select(i => (Ok: TryParseSequence(i.Name!, out long s), Sequence: s, Name: i.Name!))
            .Where(x => x.Ok)
            .Select(x => (x.Sequence, x.Name))
            .OrderBy(x => x.Sequence)
            .ToList();

    private static bool TryParseSequence(string fileName, out long sequence)
    {
        sequence = 0;
        return fileName.Length == GraphStateStore.SequenceDigits + ".json".Length
               && fileName.EndsWith(".json", StringComparison.Ordinal)
               && long.TryParse(fileName.Substring(0, GraphStateStore.SequenceDigits), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private string? LastByListing()
    {
        List<(long Sequence, string Name)> entries = Entries();
        return entries.Count == 0 ? null : Entry(entries[entries.Count - 1].Sequence);
    }

    private string? Entry(long sequence) =>
        _store.Run(ct => _store.DownloadByPathAsync(EntryName(_name, sequence), ct), "read entry " + sequence.ToString(CultureInfo.InvariantCulture), Location)
            ?.TrimEnd('\n', '\r');

    private static (bool Recorded, long Sequence, string? Seal) Parse(StateDocument? head)
    {
        if (head is null)
            return (false, 0, null);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(head.Content);
            long sequence = doc.RootElement.GetProperty("sequence").GetInt64();
            string? seal = doc.RootElement.TryGetProperty("hash", out JsonElement h) ? h.GetString() : null;
            return (true, sequence, seal);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (true, long.MaxValue, null); // an unreadable head can only mean tampering: report it as such
        }
    }
}
