using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>
/// Write-ahead intent for directory changes (issue 13, deliverable 4; docs/decisions/0150-write-ahead-intent.md):
/// a <see cref="JournalActions.ChangeIntended"/> entry before the directory call, its outcome after it, and, at the
/// start of the next change, reconciliation of an intent a killed process left without an outcome, against the
/// directory. Every call runs inside a change (under the state lock).
/// </summary>
internal static class WriteAheadIntent
{
    /// <summary>
    /// Adds (<paramref name="member"/> true) or removes <paramref name="userId"/> in <paramref name="groupId"/> with an
    /// intent before and the outcome after: <paramref name="outcomeAction"/> (PostingAccessGranted / Revoked, the shape
    /// HW-AUT-001/003 and Get-HwAuditLog read, plus <c>after.intent</c>) when the directory changed, or
    /// <see cref="JournalActions.IntentAbandoned"/> when nothing needed changing or the call failed and the directory
    /// shows it was not made. A failed call whose effect cannot be read back leaves the intent open for the next
    /// change to reconcile; the call's error is rethrown either way. Returns whether the directory changed.
    /// <paramref name="outcome"/>: further properties of the outcome's <c>after</c> (for example <c>until</c> of a
    /// time-bound grant, <c>syncReason</c>, <c>paused</c>); the intent carries them too, so a reconciled outcome has them.
    /// </summary>
    internal static bool ChangeMembership(HwSession session, string outcomeAction, string account, string userName,
        string groupId, string userId, bool member, string reason, JsonObject? outcome = null)
    {
        string id = RecordIntent(session, outcomeAction, account, userName, groupId, userId, memberBefore: !member, member, reason, outcome);
        bool changed;
        try
        {
            changed = member ? session.Directory.AddMember(groupId, userId) : session.Directory.RemoveMember(groupId, userId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The call may have reached the directory before it failed (a timeout after Graph applied it): read it back.
            bool? applied = null;
            try { applied = IsMember(session.Directory, groupId, userId) is { } now ? now == member : null; }
            catch (Exception) { /* unknown: the next change reconciles */ }
            try
            {
                if (applied == true)
                    RecordOutcome(session, outcomeAction, account, userName, reason, member, id, null, outcome);
                else if (applied == false)
                    session.Record(JournalActions.IntentAbandoned, account, userName, reason, null,
                        new JsonObject { ["intent"] = id, ["applied"] = false, ["note"] = "The directory call failed; the directory shows the change was not made." });
            }
            catch (HwException) { /* the intent stays open; the next change reconciles it */ }
            throw;
        }
        if (changed)
            RecordOutcome(session, outcomeAction, account, userName, reason, member, id, null, outcome);
        else
            session.Record(JournalActions.IntentAbandoned, account, userName, reason, null,
                new JsonObject { ["intent"] = id, ["applied"] = false, ["note"] = member ? "Already a member: nothing was changed." : "Not a member: nothing was changed." });
        return changed;
    }

    /// <summary>
    /// A membership decision that needs no directory call (the membership is already as decided, for example a
    /// revocation of someone a pause took off the account: docs/decisions/0177) journaled like every other: its intent,
    /// then its outcome naming it, so the chain's rule that every outcome has its intent (docs/decisions/0153) holds.
    /// A process stopped between the two leaves an intent the next change reconciles against the directory.
    /// </summary>
    internal static void RecordDecision(HwSession session, string outcomeAction, string account, string userName,
        string groupId, string userId, bool member, string reason, JsonObject? outcome = null)
    {
        string id = RecordIntent(session, outcomeAction, account, userName, groupId, userId, memberBefore: member, member, reason, outcome);
        RecordOutcome(session, outcomeAction, account, userName, reason, member, id, null, outcome);
    }

    /// <summary>Writes the <see cref="JournalActions.ChangeIntended"/> entry (its <c>after</c>: a new intent id, the outcome's
    /// action, group, user, membership, and the outcome's further properties) and returns the intent id.</summary>
    private static string RecordIntent(HwSession session, string outcomeAction, string account, string userName, string groupId, string userId,
        bool memberBefore, bool member, string reason, JsonObject? outcome)
    {
        string id = Guid.NewGuid().ToString("N");
        var intentAfter = new JsonObject { ["member"] = member, ["intent"] = id, ["change"] = outcomeAction, ["groupId"] = groupId, ["userId"] = userId };
        if (outcome is { Count: > 0 })
            intentAfter["outcome"] = outcome.DeepClone();
        session.Record(JournalActions.ChangeIntended, account, userName, reason, new JsonObject { ["member"] = memberBefore }, intentAfter);
        return id;
    }

    private static JournalEntry RecordOutcome(HwSession session, string action, string? account, string? user, string reason, bool member, string id, JournalEntry? reconciledFrom, JsonObject? extra)
    {
        var after = new JsonObject { ["member"] = member, ["intent"] = id };
        // The outcome's further properties travel in the intent (ChangeMembership's outcome), so a reconciled one has them too.
        if (extra is not null)
            foreach (KeyValuePair<string, JsonNode?> p in extra)
                if (!after.ContainsKey(p.Key))
                    after[p.Key] = p.Value?.DeepClone();
        if (reconciledFrom is not null)
        {
            after["reconciled"] = true;
            after["intendedBy"] = reconciledFrom.Actor;
            after["intendedAt"] = reconciledFrom.Sequence;
        }
        return session.Record(action, account, user, reason, new JsonObject { ["member"] = !member }, after);
    }

    /// <summary>
    /// At the start of a change: an intent the journal ends in (or, after a <c>JournalRepaired</c> entry, any intent
    /// without an outcome) was left by a process that stopped between the intent and its outcome. Each is compared
    /// with the directory and closed: applied, with its change's own entry (<c>after.reconciled</c>); not applied, with
    /// <see cref="JournalActions.IntentReconciled"/>. Changes run one at a time under the state lock and each begins
    /// here, so an open intent can only be the last entry (or stand before a repair); the whole journal is read only
    /// in that second case. Returns the entries written.
    /// </summary>
    internal static IReadOnlyList<JournalEntry> ReconcileTail(HwSession session)
    {
        JournalEntry? latest = session.Journal.Latest();
        if (latest is null)
            return Array.Empty<JournalEntry>();
        IReadOnlyList<JournalEntry> open = latest.Action switch
        {
            JournalActions.ChangeIntended when JournalIntents.IntentId(latest) is not null => new[] { latest },
            JournalActions.JournalRepaired => JournalIntents.Read(session.Journal.ReadAll()).Open,
            _ => Array.Empty<JournalEntry>(),
        };
        var written = new List<JournalEntry>();
        foreach (JournalEntry intent in open)
            if (Reconcile(session, intent) is { } entry)
                written.Add(entry);
        return written;
    }

    /// <summary>What the directory says of an open intent: true applied, false not, null when it cannot tell (not a
    /// membership intent).</summary>
    internal static bool? IsApplied(IDirectory directory, JournalEntry intent)
    {
        string? groupId = JournalIntents.Field(intent.After, "groupId");
        string? userId = JournalIntents.Field(intent.After, "userId");
        bool? member = JournalIntents.Flag(intent.After, "member");
        if (groupId is null || userId is null || member is null)
            return null;
        return IsMember(directory, groupId, userId) is { } now ? now == member : (member == false ? true : false);
    }

    private static JournalEntry? Reconcile(HwSession session, JournalEntry intent)
    {
        string id = JournalIntents.IntentId(intent)!;
        string change = JournalIntents.Field(intent.After, "change") ?? "";
        bool member = JournalIntents.Flag(intent.After, "member") ?? false;
        bool? applied = IsApplied(session.Directory, intent);
        if (applied == true && change is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked)
        {
            return RecordOutcome(session, change, intent.Account, intent.User, intent.Reason, member, id, intent, (intent.After is null ? null : JsonNode.Parse(intent.After) as JsonObject)?["outcome"] as JsonObject);
        }
        return session.Record(JournalActions.IntentReconciled, intent.Account, intent.User,
            $"Reconciled at the next change: entry {intent.Sequence} ({intent.Actor}) started a change whose outcome was not recorded.",
            null, new JsonObject
            {
                ["intent"] = id,
                ["change"] = change,
                ["applied"] = applied,
                ["intendedAt"] = intent.Sequence,
                ["note"] = applied is null ? "The directory could not say whether the change was made." : "The directory shows the change was not made.",
            });
    }

    /// <summary>Whether the user is a direct member of the group; null when the group is gone.</summary>
    private static bool? IsMember(IDirectory directory, string groupId, string userId) =>
        directory.GetGroup(groupId) is { } group
            ? group.DirectMemberIds.Contains(userId, StringComparer.OrdinalIgnoreCase)
            : null;
}
