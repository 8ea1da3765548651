using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>
/// Write-ahead intents read back from the journal (docs/decisions/0150-write-ahead-intent.md): every directory change
/// is preceded by a <see cref="JournalActions.ChangeIntended"/> entry whose <c>after.intent</c> is a fresh id, and is
/// closed by exactly one outcome entry that carries the same id in its <c>after.intent</c> (the change's own entry,
/// <see cref="JournalActions.IntentAbandoned"/> or <see cref="JournalActions.IntentReconciled"/>). The first outcome
/// counts; a later one for the same id (two writers reconciling the same intent on the lock-free shared store) is a
/// duplicate and is ignored by every reader of the journal's last word.
/// </summary>
public sealed class JournalIntents
{
    private readonly Dictionary<string, JournalEntry> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
    private readonly HashSet<long> _duplicates = new();
    private readonly List<JournalEntry> _openOrder = new();

    private JournalIntents()
    {
    }

    /// <summary>Reads the intents and their outcomes from <paramref name="entries"/> (oldest first).</summary>
    public static JournalIntents Read(IEnumerable<JournalEntry> entries)
    {
        var intents = new JournalIntents();
        foreach (JournalEntry e in entries)
        {
            if (IntentId(e) is not { } id)
                continue;
            if (e.Action == JournalActions.ChangeIntended)
            {
                if (!intents._open.ContainsKey(id) && !intents._closed.Contains(id))
                {
                    intents._open[id] = e;
                    intents._openOrder.Add(e);
                }
            }
            else if (intents._closed.Contains(id))
                intents._duplicates.Add(e.Sequence);
            else
            {
                intents._closed.Add(id);
                intents._open.Remove(id);
            }
        }
        intents._openOrder.RemoveAll(e => !intents._open.ContainsKey(IntentId(e)!));
        return intents;
    }

    /// <summary>The intents with no outcome on record, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Open => _openOrder;

    /// <summary>True for an outcome entry whose intent already had one (it does not count).</summary>
    public bool IsDuplicate(JournalEntry entry) => _duplicates.Contains(entry.Sequence);

    /// <summary>True when <paramref name="entry"/> is an intent whose outcome is on record.</summary>
    public bool IsClosedIntent(JournalEntry entry) =>
        entry.Action == JournalActions.ChangeIntended && IntentId(entry) is { } id && _closed.Contains(id);

    /// <summary>The intent id an entry carries in <c>after.intent</c>, or null.</summary>
    public static string? IntentId(JournalEntry entry) => Field(entry.After, "intent");

    /// <summary>A string member of an entry's <c>after</c> JSON, or null.</summary>
    internal static string? Field(string? json, string name)
    {
        if (json is null || json.IndexOf("\"" + name + "\"", StringComparison.Ordinal) < 0)
            return null;
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A boolean member of an entry's <c>after</c> JSON, or null.</summary>
    internal static bool? Flag(string? json, string name)
    {
        if (json is null)
            return null;
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o[name] is JsonValue v && v.TryGetValue(out bool b) ? b : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
