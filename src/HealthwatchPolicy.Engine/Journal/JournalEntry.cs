using System;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>The well-known journal actions.</summary>
public static class JournalActions
{
    /// <summary>A register entry was created with its posting group (New-HwOfficialAccount).</summary>
    public const string AccountCreated = "AccountCreated";
    /// <summary>A register entry changed (Set-HwOfficialAccount).</summary>
    public const string AccountUpdated = "AccountUpdated";
    /// <summary>An account was retired and its posters removed (Remove-HwOfficialAccount).</summary>
    public const string AccountRetired = "AccountRetired";
    /// <summary>A poster was added to a posting group (Grant-HwPostingAccess).</summary>
    public const string PostingAccessGranted = "PostingAccessGranted";
    /// <summary>A poster was removed from a posting group (Revoke-HwPostingAccess, or a review decision).</summary>
    public const string PostingAccessRevoked = "PostingAccessRevoked";
    /// <summary>A person's acknowledgement of a policy version was recorded.</summary>
    public const string PolicyAcknowledged = "PolicyAcknowledged";
    /// <summary>An access review was started for a period.</summary>
    public const string AccessReviewStarted = "AccessReviewStarted";
    /// <summary>Review mail (first mail, reminder or escalation) was sent.</summary>
    public const string AccessReviewMailSent = "AccessReviewMailSent";
    /// <summary>A reviewer's decision was recorded.</summary>
    public const string AccessReviewDecided = "AccessReviewDecided";
    /// <summary>An undecided review was escalated to the Manager.</summary>
    public const string AccessReviewEscalated = "AccessReviewEscalated";
    /// <summary>An access review was closed.</summary>
    public const string AccessReviewClosed = "AccessReviewClosed";
    /// <summary>Time-bound access of an existing poster was set anew (Grant-HwPostingAccess -Until/-For to someone who can already post).</summary>
    public const string PostingAccessExtended = "PostingAccessExtended";
    /// <summary>Posting to an account was paused (Suspend-HwPosting): who was removed is in the entry's <c>after</c>.</summary>
    public const string PostingPaused = "PostingPaused";
    /// <summary>Posting to an account was resumed (Resume-HwPosting): who was restored and who was not, in the entry's <c>after</c>.</summary>
    public const string PostingResumed = "PostingResumed";
    /// <summary>A decision mail from the review mailbox was accepted (applied, or the same decision again); docs/decisions/0200.</summary>
    public const string AccessReviewDecisionReceived = "AccessReviewDecisionReceived";
    /// <summary>A decision mail from the review mailbox was refused, with why (token, authentication, sender, state of the review or item).</summary>
    public const string AccessReviewDecisionRefused = "AccessReviewDecisionRefused";
    /// <summary>Repair-HwAuditLog removed a torn final line; the entry keeps its bytes (base64) and SHA-256.</summary>
    public const string JournalRepaired = "JournalRepaired";
    /// <summary>Write-ahead intent: a directory change is about to be made. <c>after</c> holds <c>intent</c> (its id),
    /// <c>change</c> (the action its outcome will carry), <c>groupId</c>, <c>userId</c> and <c>member</c>
    /// (docs/decisions/0150-write-ahead-intent.md).</summary>
    public const string ChangeIntended = "ChangeIntended";
    /// <summary>An intent's change was not made in the same run (the directory call failed, or nothing needed changing);
    /// <c>after.intent</c> names it.</summary>
    public const string IntentAbandoned = "IntentAbandoned";
    /// <summary>A later run found an intent without an outcome and the directory without its change; <c>after.intent</c>
    /// names it, <c>after.applied</c> is false. (An intent found applied gets its change's own entry, with
    /// <c>after.reconciled</c> true.)</summary>
    public const string IntentReconciled = "IntentReconciled";
    /// <summary>A compliance exception was granted (New-HwComplianceException).</summary>
    public const string ComplianceExceptionCreated = "ComplianceExceptionCreated";
    /// <summary>A compliance exception was withdrawn (Remove-HwComplianceException).</summary>
    public const string ComplianceExceptionRemoved = "ComplianceExceptionRemoved";
}

/// <summary>What a caller journals: who did what to which account or user, why, under which policy version.</summary>
public sealed class JournalRecord
{
    /// <summary>One change to journal: who (<paramref name="actor"/>), what (<paramref name="action"/>, a <see cref="JournalActions"/> constant), on which account and user, why, under which policy version, and the state before and after (JSON objects, or null).</summary>
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

    /// <summary>Who made the change (<c>user@machine</c>, or the Graph app on a Graph connection).</summary>
    public string Actor { get; }
    /// <summary>What was done: a <see cref="JournalActions"/> constant.</summary>
    public string Action { get; }
    /// <summary>The register name of the account concerned, or null.</summary>
    public string? Account { get; }
    /// <summary>The user principal name of the person concerned, or null.</summary>
    public string? User { get; }
    /// <summary>Why, in the words of whoever made the change.</summary>
    public string Reason { get; }
    /// <summary>The policy version the change was made under.</summary>
    public string PolicyVersion { get; }
    /// <summary>The state before the change (register entry, membership), or null.</summary>
    public JsonObject? Before { get; }
    /// <summary>The state after the change, or null.</summary>
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

    /// <summary>The entry's position in the journal, from 1, without gaps.</summary>
    public long Sequence { get; }
    /// <summary>When the entry was appended (the session clock, UTC).</summary>
    public DateTimeOffset Time { get; }
    /// <summary>Who made the change.</summary>
    public string Actor { get; }
    /// <summary>What was done: a <see cref="JournalActions"/> constant.</summary>
    public string Action { get; }
    /// <summary>The register name of the account concerned, or null.</summary>
    public string? Account { get; }
    /// <summary>The user principal name of the person concerned, or null.</summary>
    public string? User { get; }
    /// <summary>Why the change was made.</summary>
    public string Reason { get; }
    /// <summary>The policy version the change was made under.</summary>
    public string PolicyVersion { get; }
    /// <summary>The state before the change, as compact JSON (null for a creation).</summary>
    public string? Before { get; }
    /// <summary>The state after the change, as compact JSON (null for a removal).</summary>
    public string? After { get; }
    /// <summary>The hash of the entry before (64 hex digits; 64 zeros for the first entry).</summary>
    public string PreviousHash { get; }
    /// <summary>SHA-256 over <see cref="PreviousHash"/> and this entry's canonical JSON, 64 lowercase hex digits.</summary>
    public string Hash { get; }
    /// <summary>The 1-based line of the journal file the entry stands on.</summary>
    public int Line { get; }
    /// <summary>
    /// Set when the entry was stored but something after it could not be written (the head, or its mirror): the
    /// change and its entry stand; the cmdlet reports it as done with this warning. Null otherwise.
    /// </summary>
    public string? Warning { get; internal set; }
    /// <summary>The entry as a witness, <c>&lt;sequence&gt;:&lt;hash&gt;</c>.</summary>
    public string Witness => Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + Hash;
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

    /// <summary>The journal file verified (<c>journal.jsonl</c> in the state folder).</summary>
    public string Path { get; }
    /// <summary>True when every entry chains onto the one before and the head agrees with the last.</summary>
    public bool IsValid => Problem is null;
    /// <summary>How many entries were read.</summary>
    public int EntryCount { get; }
    /// <summary>The sequence of the first entry that does not verify, or null.</summary>
    public long? FirstBadSequence { get; }
    /// <summary>The line (from 1) of <c>journal.jsonl</c> where the first problem is, or null.</summary>
    public int? FirstBadLine { get; }
    /// <summary>What is wrong, in a sentence, or null when <see cref="IsValid"/>.</summary>
    public string? Problem { get; }
    /// <summary>The last entry read, <c>&lt;sequence&gt;:&lt;hash&gt;</c>: keep it, and give it later to <c>Test-HwAuditLog -Witness</c>
    /// to learn whether the chain still passes through it. Null for an empty journal.</summary>
    public string? Witness { get; internal set; }
    /// <summary>Where the journal head's mirror lives (compared at every change), or null without one.</summary>
    public string? MirrorLocation { get; internal set; }
}
