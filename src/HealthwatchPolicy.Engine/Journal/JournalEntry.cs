using System;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>The well-known journal actions.</summary>
public static class JournalActions
{
    public const string AccountCreated = "AccountCreated";
    public const string AccountUpdated = "AccountUpdated";
    public const string AccountRetired = "AccountRetired";
    public const string PostingAccessGranted = "PostingAccessGranted";
    public const string PostingAccessRevoked = "PostingAccessRevoked";
    public const string PolicyAcknowledged = "PolicyAcknowledged";
    public const string AccessReviewStarted = "AccessReviewStarted";
    public const string AccessReviewMailSent = "AccessReviewMailSent";
    public const string AccessReviewDecided = "AccessReviewDecided";
    public const string AccessReviewEscalated = "AccessReviewEscalated";
    public const string AccessReviewClosed = "AccessReviewClosed";
}

/// <summary>What a caller journals: who did what to which account or user, why, under which policy version.</summary>
public sealed class JournalRecord
{
    public JournalRecord(string actor, string action, string? account, string? user, string reason, string policyVersion,
        JsonObject? before, JsonObject? after)
    {
        Actor = actor;
        Action = action;
        Account = account;
        User = user;
        Reason = reason;
        PolicyVersion = policyVersion;
        Before = before;
        After = after;
    }

    public string Actor { get; }
    public string Action { get; }
    public string? Account { get; }
    public string? User { get; }
    public string Reason { get; }
    public string PolicyVersion { get; }
    public JsonObject? Before { get; }
    public JsonObject? After { get; }
}

/// <summary>One journal entry as stored: the record, its place in the chain, and the hashes that seal it.</summary>
public sealed class JournalEntry
{
    internal JournalEntry(long sequence, DateTimeOffset time, JournalRecord record, string previousHash, string hash, int line)
    {
        Sequence = sequence;
        Time = time;
        Actor = record.Actor;
        Action = record.Action;
        Account = record.Account;
        User = record.User;
        Reason = record.Reason;
        PolicyVersion = record.PolicyVersion;
        Before = record.Before?.ToJsonString();
        After = record.After?.ToJsonString();
        PreviousHash = previousHash;
        Hash = hash;
        Line = line;
    }

    public long Sequence { get; }
    public DateTimeOffset Time { get; }
    public string Actor { get; }
    public string Action { get; }
    public string? Account { get; }
    public string? User { get; }
    public string Reason { get; }
    public string PolicyVersion { get; }
    /// <summary>The state before the change, as compact JSON (null for a creation).</summary>
    public string? Before { get; }
    /// <summary>The state after the change, as compact JSON (null for a removal).</summary>
    public string? After { get; }
    public string PreviousHash { get; }
    public string Hash { get; }
    /// <summary>The 1-based line of the journal file the entry stands on.</summary>
    public int Line { get; }
}

/// <summary>The outcome of checking the journal's hash chain.</summary>
public sealed class JournalVerification
{
    internal JournalVerification(string path, int entryCount, long? firstBadSequence, int? firstBadLine, string? problem)
    {
        Path = path;
        EntryCount = entryCount;
        FirstBadSequence = firstBadSequence;
        FirstBadLine = firstBadLine;
        Problem = problem;
    }

    public string Path { get; }
    public bool IsValid => Problem is null;
    public int EntryCount { get; }
    public long? FirstBadSequence { get; }
    public int? FirstBadLine { get; }
    public string? Problem { get; }
}
