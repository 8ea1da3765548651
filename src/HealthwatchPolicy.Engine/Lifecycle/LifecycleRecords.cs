using System;
using System.Collections.Generic;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Lifecycle;

/// <summary>When one poster's time-bound access to one account ends (Grant-HwPostingAccess -Until/-For), as the state
/// store keeps it in <c>lifecycle/expiries.json</c> (a group membership carries no data; docs/decisions/0171).</summary>
public sealed class PostingExpiry
{
    internal PostingExpiry(string account, string userId, string user, DateTimeOffset until, DateTimeOffset setAt, string setBy)
    {
        Account = account;
        UserId = userId;
        User = user;
        Until = until;
        SetAt = setAt;
        SetBy = setBy;
    }

    /// <summary>The register name of the account.</summary>
    public string Account { get; }
    /// <summary>The poster's object id.</summary>
    public string UserId { get; }
    /// <summary>The poster's user principal name when the expiry was set.</summary>
    public string User { get; }
    /// <summary>When the access ends (UTC).</summary>
    public DateTimeOffset Until { get; }
    /// <summary>When this expiry was recorded (UTC).</summary>
    public DateTimeOffset SetAt { get; }
    /// <summary>Who recorded it.</summary>
    public string SetBy { get; }
}

/// <summary>A person a pause took off an account (Suspend-HwPosting): object id and user principal name.</summary>
public sealed class PausedPoster
{
    internal PausedPoster(string id, string user)
    {
        Id = id;
        User = user;
    }

    /// <summary>The object id.</summary>
    public string Id { get; }
    /// <summary>The user principal name (the id when the user was not in the directory).</summary>
    public string User { get; }
}

/// <summary>One account whose posting is paused, as <c>lifecycle/pauses.json</c> keeps it (docs/decisions/0172).</summary>
public sealed class PostingPause
{
    internal PostingPause(string account, string groupId, string reason, DateTimeOffset since, string by, string state, IReadOnlyList<PausedPoster> removed)
    {
        Account = account;
        GroupId = groupId;
        Reason = reason;
        Since = since;
        By = by;
        State = state;
        Removed = removed;
    }

    /// <summary>The register name of the paused account.</summary>
    public string Account { get; }
    /// <summary>Its posting group's object id.</summary>
    public string GroupId { get; }
    /// <summary>Why posting was paused.</summary>
    public string Reason { get; }
    /// <summary>When the pause began (UTC).</summary>
    public DateTimeOffset Since { get; }
    /// <summary>Who paused it.</summary>
    public string By { get; }
    /// <summary><c>Suspending</c> (removal begun, not finished), <c>Paused</c>, or <c>Resuming</c> (restoring begun, not finished).</summary>
    public string State { get; }
    /// <summary>Exactly who the pause took off the account (each to be re-checked and restored by Resume-HwPosting).</summary>
    public IReadOnlyList<PausedPoster> Removed { get; }
}

/// <summary>The lifecycle state the checks read: every time-bound expiry and every pause.</summary>
public sealed class LifecycleState
{
    internal LifecycleState(IReadOnlyList<PostingExpiry> expiries, IReadOnlyList<PostingPause> pauses)
    {
        Expiries = expiries;
        Pauses = pauses;
    }

    /// <summary>Nothing recorded.</summary>
    public static LifecycleState Empty { get; } = new(Array.Empty<PostingExpiry>(), Array.Empty<PostingPause>());
    /// <summary>Every recorded expiry.</summary>
    public IReadOnlyList<PostingExpiry> Expiries { get; }
    /// <summary>Every paused account.</summary>
    public IReadOnlyList<PostingPause> Pauses { get; }

    /// <summary>The expiry of <paramref name="userId"/> on <paramref name="account"/>, or null.</summary>
    public PostingExpiry? ExpiryOf(string account, string userId)
    {
        foreach (PostingExpiry e in Expiries)
            if (string.Equals(e.Account, account, StringComparison.OrdinalIgnoreCase) && string.Equals(e.UserId, userId, StringComparison.OrdinalIgnoreCase))
                return e;
        return null;
    }

    /// <summary>The pause of <paramref name="account"/>, or null.</summary>
    public PostingPause? PauseOf(string account)
    {
        foreach (PostingPause p in Pauses)
            if (string.Equals(p.Account, account, StringComparison.OrdinalIgnoreCase))
                return p;
        return null;
    }
}

/// <summary>One line of Sync-HwPostingAccess's plan and what became of it: a poster who should no longer post, why,
/// what the policy says to do (<c>spec.parameters.lifecycle</c>) and the outcome.</summary>
public sealed class AccessSyncItem
{
    internal AccessSyncItem(string account, string groupId, string userId, string user, LifecycleReason reason, LifecycleAction action,
        string evidence, string outcome, bool throughNestedGroup)
    {
        Account = account;
        GroupId = groupId;
        UserId = userId;
        User = user;
        Reason = reason;
        Action = action;
        Evidence = evidence;
        Outcome = outcome;
        ThroughNestedGroup = throughNestedGroup;
    }

    /// <summary>The register name of the account.</summary>
    public string Account { get; }
    /// <summary>The posting group's object id.</summary>
    public string GroupId { get; }
    /// <summary>The poster's object id.</summary>
    public string UserId { get; }
    /// <summary>The poster's user principal name (the object id when they are no longer in the directory).</summary>
    public string User { get; }
    /// <summary>Why they should no longer post (the first reason that applies, in the order of <see cref="LifecycleReason"/>).</summary>
    public LifecycleReason Reason { get; }
    /// <summary>What the policy says to do for that reason.</summary>
    public LifecycleAction Action { get; }
    /// <summary>What the directory or the state store says, in words.</summary>
    public string Evidence { get; }
    /// <summary><c>Planned</c> (not yet applied), <c>Revoked</c>, <c>Flagged</c> (the policy flags only: pending), or
    /// <c>AlreadyRevoked</c> (someone else removed them first).</summary>
    public string Outcome { get; }
    /// <summary>True when they post only through a group nested in the posting group (no direct membership to remove: flagged).</summary>
    public bool ThroughNestedGroup { get; }

    internal AccessSyncItem With(string outcome) =>
        new(Account, GroupId, UserId, User, Reason, Action, Evidence, outcome, ThroughNestedGroup);
}

/// <summary>What Suspend-HwPosting or Resume-HwPosting did to one account.</summary>
public sealed class PostingPauseResult
{
    internal PostingPauseResult(string account, string state, string reason, DateTimeOffset since, IReadOnlyList<string> removed,
        IReadOnlyList<string> restored, IReadOnlyList<string> notRestored)
    {
        Account = account;
        State = state;
        Reason = reason;
        Since = since;
        Removed = Text.TextList.Of(removed);
        Restored = Text.TextList.Of(restored);
        NotRestored = Text.TextList.Of(notRestored);
    }

    /// <summary>The register name of the account.</summary>
    public string Account { get; }
    /// <summary><c>Paused</c> (after Suspend-HwPosting) or <c>Resumed</c> (after Resume-HwPosting).</summary>
    public string State { get; }
    /// <summary>The pause's reason.</summary>
    public string Reason { get; }
    /// <summary>When the pause began (UTC).</summary>
    public DateTimeOffset Since { get; }
    /// <summary>Exactly who the pause took off the account (user principal names); its text form (Export-Csv) is the
    /// names joined with "; " (a <see cref="Text.TextList{T}"/>, docs/decisions/0160).</summary>
    public IReadOnlyList<string> Removed { get; }
    /// <summary>Who Resume-HwPosting put back (empty after Suspend-HwPosting); text form joined with "; ".</summary>
    public IReadOnlyList<string> Restored { get; }
    /// <summary>Who was not put back, each with why ("user: reason"): they became ineligible during the pause; text form
    /// joined with "; ".</summary>
    public IReadOnlyList<string> NotRestored { get; }
}
