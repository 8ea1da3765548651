using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Lifecycle;

/// <summary>
/// The lifecycle documents in the state store: <c>lifecycle/expiries.json</c> (time-bound access) and
/// <c>lifecycle/pauses.json</c> (paused accounts). Each change reads the document, changes it and writes it with
/// <see cref="IStateStore.Replace"/> (only if unchanged since read) or <see cref="IStateStore.Create"/>; a lost race is
/// read again and reapplied, a few times, then <c>StateConflict</c> (docs/decisions/0171).
/// </summary>
internal sealed class LifecycleStore
{
    internal const string ExpiriesName = "lifecycle/expiries.json";
    internal const string PausesName = "lifecycle/pauses.json";
    private const int Attempts = 5;
    private readonly IStateStore _store;

    public LifecycleStore(IStateStore store) => _store = store;

    public LifecycleState Read() => new(ReadExpiries(), ReadPauses());

    public IReadOnlyList<PostingExpiry> ReadExpiries() =>
        Items(_store.Read(ExpiriesName), "expiries").Select(ToExpiry).ToList();

    public IReadOnlyList<PostingPause> ReadPauses() =>
        Items(_store.Read(PausesName), "pauses").Select(ToPause).ToList();

    /// <summary>Records (or replaces) the expiry of one poster on one account.</summary>
    public void SetExpiry(PostingExpiry expiry) => Change(ExpiriesName, "expiries", items =>
    {
        RemoveWhere(items, o => Same(o, expiry.Account, expiry.UserId));
        items.Add(new JsonObject
        {
            ["account"] = expiry.Account,
            ["userId"] = expiry.UserId,
            ["user"] = expiry.User,
            ["until"] = Iso(expiry.Until),
            ["setAt"] = Iso(expiry.SetAt),
            ["setBy"] = expiry.SetBy,
        });
        return true;
    });

    /// <summary>Forgets the expiry of one poster on one account (after they were revoked); false when there was none.</summary>
    public bool RemoveExpiry(string account, string userId)
    {
        bool removed = false;
        Change(ExpiriesName, "expiries", items => removed = RemoveWhere(items, o => Same(o, account, userId)) > 0);
        return removed;
    }

    /// <summary>Writes (creates or replaces) one account's pause.</summary>
    public void SetPause(PostingPause pause) => Change(PausesName, "pauses", items =>
    {
        RemoveWhere(items, o => string.Equals((string?)o["account"], pause.Account, StringComparison.OrdinalIgnoreCase));
        items.Add(new JsonObject
        {
            ["account"] = pause.Account,
            ["groupId"] = pause.GroupId,
            ["reason"] = pause.Reason,
            ["since"] = Iso(pause.Since),
            ["by"] = pause.By,
            ["state"] = pause.State,
            ["removed"] = new JsonArray(pause.Removed.Select(r => (JsonNode?)new JsonObject { ["id"] = r.Id, ["user"] = r.User }).ToArray()),
        });
        return true;
    });

    /// <summary>Ends one account's pause (removes its record).</summary>
    public void RemovePause(string account) => Change(PausesName, "pauses", items =>
        RemoveWhere(items, o => string.Equals((string?)o["account"], account, StringComparison.OrdinalIgnoreCase)) > 0);

    /// <summary>Throws <c>AccountPaused</c>, naming the pause (since when, by whom, why), when posting to <paramref name="account"/> is paused.</summary>
    public static void RefuseIfPaused(LifecycleStore store, string account)
    {
        PostingPause? pause = store.ReadPauses().FirstOrDefault(p => string.Equals(p.Account, account, StringComparison.OrdinalIgnoreCase));
        if (pause is not null)
            throw new HwException(ErrorIds.AccountPaused,
                $"Posting to '{account}' is paused since {LifecycleRules.Day(pause.Since)} by {pause.By} (\"{pause.Reason}\"): no access is granted until Resume-HwPosting ends the pause; nothing was changed.",
                account);
    }

    private void Change(string name, string key, Func<JsonArray, bool> change)
    {
        for (int attempt = 1; ; attempt++)
        {
            StateDocument? doc = _store.Read(name);
            JsonObject root = Parse(doc);
            if (root[key] is not JsonArray items)
                root[key] = items = new JsonArray();
            if (!change(items))
                return;
            string content = root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
            try
            {
                if (doc is null)
                    _store.Create(name, content);
                else
                    _store.Replace(name, content, doc.Version);
                return;
            }
            catch (StateConflictException) when (attempt < Attempts)
            {
                // another writer changed it since we read it: read again and reapply
            }
        }
    }

    private static JsonObject Parse(StateDocument? doc)
    {
        if (doc is null)
            return new JsonObject();
        try
        {
            return JsonNode.Parse(doc.Content) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new HwException(ErrorIds.LifecycleStateInvalid, $"The lifecycle document '{doc.Name}' is not valid JSON ({e.Message}); nothing was changed.", doc.Name, e);
        }
    }

    private static IEnumerable<JsonObject> Items(StateDocument? doc, string key) =>
        Parse(doc)[key] is JsonArray a ? a.OfType<JsonObject>() : Enumerable.Empty<JsonObject>();

    private static int RemoveWhere(JsonArray items, Func<JsonObject, bool> match)
    {
        var gone = items.OfType<JsonObject>().Where(match).ToList();
        foreach (JsonObject o in gone)
            items.Remove(o);
        return gone.Count;
    }

    private static bool Same(JsonObject o, string account, string userId) =>
        string.Equals((string?)o["account"], account, StringComparison.OrdinalIgnoreCase)
        && string.Equals((string?)o["userId"], userId, StringComparison.OrdinalIgnoreCase);

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(JsonNode? n) =>
        DateTimeOffset.TryParse((string?)n, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t)
            ? t : DateTimeOffset.MinValue;

    private static PostingExpiry ToExpiry(JsonObject o) => new(
        (string?)o["account"] ?? "", (string?)o["userId"] ?? "", (string?)o["user"] ?? (string?)o["userId"] ?? "",
        Time(o["until"]), Time(o["setAt"]), (string?)o["setBy"] ?? "");

    private static PostingPause ToPause(JsonObject o) => new(
        (string?)o["account"] ?? "", (string?)o["groupId"] ?? "", (string?)o["reason"] ?? "", Time(o["since"]), (string?)o["by"] ?? "",
        (string?)o["state"] ?? "Paused",
        (o["removed"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Select(r => new PausedPoster((string?)r["id"] ?? "", (string?)r["user"] ?? (string?)r["id"] ?? "")).ToList());
}
