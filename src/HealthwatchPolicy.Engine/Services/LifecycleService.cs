using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// Issue 15: leavers and movers unattended (Sync-HwPostingAccess), time-bound access (Grant-HwPostingAccess
/// -Until/-For) and pausing all posting (Suspend-HwPosting, Resume-HwPosting). Expiries and pauses live in the state
/// store (<see cref="LifecycleStore"/>); every removal and restoration is journaled once (docs/decisions/0170-0172).
/// </summary>
public sealed class LifecycleService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;
    private readonly AccessService _access;

    internal LifecycleService(HwSession session, RegisterService register, AccessService access)
    {
        _session = session;
        _register = register;
        _access = access;
    }

    private LifecycleStore Store => new(_session.State);
    private DateTimeOffset Now => _session.Clock.GetUtcNow();

    /// <summary>Every recorded expiry and pause (state store <c>lifecycle/</c>).</summary>
    public LifecycleState ReadState() => Store.Read();

    /// <summary>The directory's facts of <paramref name="kinds"/> about these users; "not evaluated" facets when the adapter cannot tell.</summary>
    internal PosterFacts ReadFacts(IReadOnlyCollection<string> userIds, PosterFactKinds kinds) =>
        _session.Directory is IPosterFactsDirectory d
            ? d.ReadPosterFacts(userIds, kinds)
            : PosterFacts.NotEvaluated($"the {_session.Connection.Kind} directory does not tell");

    // ------------------------------------------------------------------------------------------------ sync

    /// <summary>
    /// Sync-HwPostingAccess's plan: every poster of every active account who should no longer post (disabled, deleted,
    /// past <c>employeeLeaveDateTime</c>, time-bound access ended, guest, ineligible employee type), with what the policy's
    /// <c>lifecycle</c> says to do. Reads only; each item's <see cref="AccessSyncItem.Outcome"/> is <c>Planned</c> (to
    /// revoke) or <c>Flagged</c>. On Graph, when leave dates cannot be read (403: no <c>User-LifeCycleInfo.Read.All</c>),
    /// <paramref name="leaveDatesNotEvaluated"/> says why and no item has that reason.
    /// </summary>
    public IReadOnlyList<AccessSyncItem> PlanSync(out string? leaveDatesNotEvaluated) => PlanSync(null, out leaveDatesNotEvaluated);

    /// <summary>As <see cref="PlanSync(out string?)"/>, for the accounts named (register or group names, wildcards allowed;
    /// all when null or empty). A name without wildcards that matches no active account is <c>AccountNotFound</c>.</summary>
    public IReadOnlyList<AccessSyncItem> PlanSync(IReadOnlyCollection<string>? accountNames, out string? leaveDatesNotEvaluated)
    {
        RegisterSnapshot register = _register.ReadRegister();
        var chosen = new HashSet<string>(Targets(register, accountNames).Select(a => a.Name), StringComparer.OrdinalIgnoreCase);
        LifecycleState state = Store.Read();
        var posterIds = register.Accounts.Where(a => a.IsActive).SelectMany(a => a.PosterIds).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        PosterFacts facts = posterIds.Count == 0 ? PosterFacts.NotEvaluated("no posters") : ReadFacts(posterIds, PosterFactKinds.LeaveDate);
        leaveDatesNotEvaluated = posterIds.Count == 0 ? null : facts.LeaveDatesNotEvaluated;
        var plan = new List<AccessSyncItem>();
        foreach (OfficialAccount a in register.Accounts.Where(a => a.IsActive && chosen.Contains(a.Name)))
            foreach (string id in a.PosterIds)
            {
                register.Users.TryGetValue(id, out DirectoryUser? user);
                DateTimeOffset? leave = facts.LeaveDates.TryGetValue(id, out DateTimeOffset l) ? l : null;
                if (LifecycleRules.Evaluate(_session.Policy, a.Name, id, user, leave, state.ExpiryOf(a.Name, id), Now) is not { } why)
                    continue;
                bool nested = !a.Group.DirectMemberIds.Contains(id, StringComparer.OrdinalIgnoreCase);
                LifecycleAction action = _session.Policy.Parameters.Lifecycle.ActionFor(why.Reason);
                string evidence = nested ? why.Evidence + " They post through a nested group: remove them from it." : why.Evidence;
                plan.Add(new AccessSyncItem(a.Name, a.GroupId, id, user?.UserPrincipalName ?? id, why.Reason, action, evidence,
                    action == LifecycleAction.Revoke && !nested ? "Planned" : "Flagged", nested));
            }
        return plan;
    }

    /// <summary>
    /// Applies one planned revocation: removes the poster from the posting group (only when they are still a direct member)
    /// and journals it once, with its reason (<c>PostingAccessRevoked</c>, reason "Sync-HwPostingAccess: ..."), then forgets
    /// their expiry. An item that is not <c>Planned</c> is returned as it is. Idempotent: a second call finds them gone and
    /// journals nothing (<c>AlreadyRevoked</c>).
    /// </summary>
    public AccessSyncItem ApplySync(AccessSyncItem item)
    {
        if (item.Outcome != "Planned")
            return item;
        using IDisposable _ = _session.BeginChange();
        DirectoryGroup? group = _session.Directory.GetGroup(item.GroupId);
        // Write-ahead intent like every membership change (docs/decisions/0150).
        bool changed = group is not null && group.DirectMemberIds.Contains(item.UserId, StringComparer.OrdinalIgnoreCase)
                       && WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessRevoked, item.Account, item.User,
                           item.GroupId, item.UserId, member: false, $"Sync-HwPostingAccess ({LifecycleParameters.KeyOf(item.Reason)}): {item.Evidence}",
                           new() { ["syncReason"] = item.Reason.ToString() });
        Store.RemoveExpiry(item.Account, item.UserId);
        return item.With(changed ? "Revoked" : "AlreadyRevoked");
    }

    /// <summary>The daily job's sync: the plan, each planned revocation applied. Returns every item with its outcome.</summary>
    public IReadOnlyList<AccessSyncItem> Sync() => PlanSync(out _).Select(ApplySync).ToList();

    // ------------------------------------------------------------------------------------------------ time-bound access

    /// <summary>
    /// Grant-HwPostingAccess with an end: <paramref name="until"/> (UTC), or null for the policy's default (employee types
    /// in <c>lifecycle.timeBoundEmployeeTypes</c> end after <c>maxAccessDays</c>; others are not time-bound). The expiry is
    /// written to the state store before the membership (so a failure between leaves an expiry without access, never access
    /// without its end), and travels in the grant's journal entry. To someone who can already post, a new end is recorded
    /// and journaled (<c>PostingAccessExtended</c>, status <c>Extended</c>): extending is a new grant with a reason.
    /// Throws <c>AccessExpiryInvalid</c> for an end in the past or beyond <c>maxAccessDays</c>, <c>AccountPaused</c>, and
    /// what <see cref="AccessService.Grant(string, string, string)"/> throws.
    /// </summary>
    public AccessOutcome Grant(string accountName, string userReference, string reason, DateTimeOffset? until)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        LifecycleParameters p = _session.Policy.Parameters.Lifecycle;
        OfficialAccount account = _register.GetAccount(accountName, includeRetired: false);
        DirectoryUser user = _register.ResolveUser(userReference, "user");
        DateTimeOffset now = Now;
        if (until is null && p.TimeBoundEmployeeTypes.Contains(user.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase))
            until = now.AddDays(p.MaxAccessDays);
        if (until is { } u)
        {
            if (u <= now)
                throw new HwException(ErrorIds.AccessExpiryInvalid,
                    $"Access for '{user.UserPrincipalName}' to '{account.Name}' would end on {LifecycleRules.Day(u)}, which is not in the future; nothing was changed.", user.UserPrincipalName, input: "until");
            if (u > now.AddDays(p.MaxAccessDays))
                throw new HwException(ErrorIds.AccessExpiryInvalid,
                    $"Access for '{user.UserPrincipalName}' to '{account.Name}' would end on {LifecycleRules.Day(u)}, later than the policy allows (lifecycle.maxAccessDays: {p.MaxAccessDays} days, so {LifecycleRules.Day(now.AddDays(p.MaxAccessDays))} at the latest); nothing was changed.",
                    user.UserPrincipalName, input: "until");
        }
        if (until is null)
            return _access.Grant(accountName, userReference, reason);

        LifecycleStore store = Store;
        PostingExpiry? before = store.ReadExpiries().FirstOrDefault(e =>
            string.Equals(e.Account, account.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(e.UserId, user.Id, StringComparison.OrdinalIgnoreCase));
        var expiry = new PostingExpiry(account.Name, user.Id, user.UserPrincipalName, until.Value.ToUniversalTime(), now, _session.Actor);
        if (account.PosterIds.Contains(user.Id, StringComparer.OrdinalIgnoreCase))
        {
            LifecycleStore.RefuseIfPaused(store, account.Name);
            store.SetExpiry(expiry);
            _session.Record(JournalActions.PostingAccessExtended, account.Name, user.UserPrincipalName, reason,
                new() { ["until"] = before is null ? null : LifecycleRules.Day(before.Until) }, new() { ["until"] = LifecycleRules.Day(expiry.Until) });
            AccessOutcome current = _access.Grant(accountName, userReference, reason); // AlreadyGranted: reads, changes nothing
            PostingAccess? shown = current.Access;
            if (shown is not null)
                shown = shown.WithStatus("Extended", expiry.Until);
            return new AccessOutcome(shown, true, Array.Empty<PolicyRefusal>());
        }

        // The checks before the first write, so a refusal is a refusal and -WhatIf (plan mode, decision 0161) reports it.
        LifecycleStore.RefuseIfPaused(store, account.Name);
        IReadOnlyList<PolicyRefusal> refusals = PolicyChecks.Refuse(new ProposedGrant(account.Name, user, account.PosterCount),
            new CheckContext(_session.Policy, _session.Directory.FindUser));
        if (refusals.Count > 0)
            return new AccessOutcome(null, false, refusals);
        store.SetExpiry(expiry); // write-ahead: the end is known before the access exists
        AccessOutcome outcome;
        try
        {
            outcome = _access.Grant(accountName, userReference, reason, expiry.Until);
        }
        catch
        {
            Restore(store, before, account.Name, user.Id);
            throw;
        }
        if (!outcome.Changed && outcome.Refusals.Count > 0)
            Restore(store, before, account.Name, user.Id);
        return outcome.Access is null ? outcome : new AccessOutcome(outcome.Access.WithStatus(outcome.Access.Status, expiry.Until), outcome.Changed, outcome.Refusals);
    }

    /// <summary>When a grant to <paramref name="userReference"/> without an end would end by the policy: now plus
    /// <c>lifecycle.maxAccessDays</c> for an employee type in <c>lifecycle.timeBoundEmployeeTypes</c>, else null (also for
    /// an unknown user, whose grant is refused anyway). Reads only; Grant-HwPostingAccess -WhatIf says it.</summary>
    public DateTimeOffset? DefaultEnd(string userReference)
    {
        LifecycleParameters p = _session.Policy.Parameters.Lifecycle;
        DirectoryUser? user = _session.Directory.FindUser(Identifiers.Normalise(userReference));
        return user is not null && p.TimeBoundEmployeeTypes.Contains(user.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase)
            ? Now.AddDays(p.MaxAccessDays)
            : null;
    }

    /// <summary>As <see cref="Grant"/>, ending <paramref name="duration"/> from now (the session clock); Grant-HwPostingAccess -For.
    /// A duration so long that its end is beyond the calendar (<see cref="TimeSpan.MaxValue"/>) is <c>AccessExpiryInvalid</c>
    /// like any end beyond <c>lifecycle.maxAccessDays</c>.</summary>
    public AccessOutcome GrantFor(string accountName, string userReference, string reason, TimeSpan duration)
    {
        DateTimeOffset now = Now;
        if (duration > DateTimeOffset.MaxValue - now)
        {
            int max = _session.Policy.Parameters.Lifecycle.MaxAccessDays;
            throw new HwException(ErrorIds.AccessExpiryInvalid,
                $"Access for '{Identifiers.Normalise(userReference)}' to '{Identifiers.Normalise(accountName)}' for {duration.TotalDays:0} days would end beyond the calendar, later than the policy allows (lifecycle.maxAccessDays: {max} days, so {LifecycleRules.Day(now.AddDays(max))} at the latest); nothing was changed.",
                Identifiers.Normalise(userReference), input: "for");
        }
        return Grant(accountName, userReference, reason, now.Add(duration < TimeSpan.Zero ? TimeSpan.Zero : duration));
    }

    private static void Restore(LifecycleStore store, PostingExpiry? before, string account, string userId)
    {
        if (before is null)
            store.RemoveExpiry(account, userId);
        else
            store.SetExpiry(before);
    }

    // ------------------------------------------------------------------------------------------------ pause

    /// <summary>
    /// Suspend-HwPosting: for every active account (or those named), records the pause (state <c>Suspending</c>, and exactly
    /// which direct posters it will remove) before removing anyone, removes them one by one (each removal journaled once,
    /// <c>PostingAccessRevoked</c> with the pause's reason), then marks it <c>Paused</c> and journals <c>PostingPaused</c>.
    /// Run again after an interruption it finishes the removals it recorded; an account already paused is returned as it is.
    /// Posters through a nested group cannot be removed by the module and are not part of the pause (remove the nested group).
    /// </summary>
    public IReadOnlyList<PostingPauseResult> Suspend(IReadOnlyCollection<string>? accountNames, string reason)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        LifecycleStore store = Store;
        RegisterSnapshot register = _register.ReadRegister();
        var results = new List<PostingPauseResult>();
        foreach (OfficialAccount a in Targets(register, accountNames))
        {
            PostingPause? pause = store.ReadPauses().FirstOrDefault(x => string.Equals(x.Account, a.Name, StringComparison.OrdinalIgnoreCase));
            if (pause is { State: "Paused" or "Resuming" })
            {
                results.Add(new PostingPauseResult(a.Name, pause.State, pause.Reason, pause.Since, pause.Removed.Select(r => r.User).ToList(), Array.Empty<string>(), Array.Empty<string>()));
                continue;
            }
            if (pause is null)
            {
                var removed = a.Group.DirectMemberIds
                    .Select(id => new PausedPoster(id, register.Users.TryGetValue(id, out DirectoryUser? u) ? u.UserPrincipalName : id)).ToList();
                pause = new PostingPause(a.Name, a.GroupId, reason, Now, _session.Actor, "Suspending", removed);
                store.SetPause(pause); // write-ahead: who will be removed, before anyone is
            }
            foreach (PausedPoster p in pause.Removed)
                if (a.Group.DirectMemberIds.Contains(p.Id, StringComparer.OrdinalIgnoreCase))
                    WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessRevoked, a.Name, p.User, a.GroupId, p.Id,
                        member: false, $"Suspend-HwPosting: {pause.Reason}", new() { ["paused"] = true });
            var done = new PostingPause(pause.Account, pause.GroupId, pause.Reason, pause.Since, pause.By, "Paused", pause.Removed);
            store.SetPause(done);
            _session.Record(JournalActions.PostingPaused, a.Name, null, pause.Reason, null,
                new() { ["removed"] = new JsonArray(pause.Removed.Select(r => (JsonNode?)r.User).ToArray()) });
            results.Add(new PostingPauseResult(a.Name, "Paused", pause.Reason, pause.Since, pause.Removed.Select(r => r.User).ToList(), Array.Empty<string>(), Array.Empty<string>()));
        }
        return results;
    }

    /// <summary>
    /// Resume-HwPosting: for every paused account (or those named), marks the pause <c>Resuming</c>, re-checks each person it
    /// removed against the policy (the grant's checks, their leave date, their time-bound access) and restores those who pass
    /// (each journaled once, <c>PostingAccessGranted</c>); those who fail are not restored and are reported with why. Then the
    /// pause is removed and <c>PostingResumed</c> journaled. Run again after an interruption it finishes. A name without
    /// wildcards is <c>AccountNotFound</c> when no active account has it and <c>AccountNotPaused</c> when it is not paused.
    /// </summary>
    public IReadOnlyList<PostingPauseResult> Resume(IReadOnlyCollection<string>? accountNames, string reason)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        LifecycleStore store = Store;
        var wanted = accountNames?.Select(Identifiers.Normalise).ToList();
        List<PostingPause> pauses = store.ReadPauses()
            .Where(p => wanted is null || wanted.Any(w => Wildcard.IsMatch(p.Account, w))).ToList();
        if (wanted is not null)
            foreach (string w in wanted.Where(w => w.IndexOfAny(new[] { '*', '?' }) < 0 && !pauses.Any(p => Wildcard.IsMatch(p.Account, w))))
            {
                Targets(_register.ReadRegister(), new[] { w }).ToList(); // an account that does not exist: AccountNotFound
                throw new HwException(ErrorIds.AccountNotPaused, $"Posting to '{w}' is not paused (no pause is recorded for it); nothing was changed. Get-HwPostingAccess shows who can post to it.", w);
            }
        var results = new List<PostingPauseResult>();
        if (pauses.Count == 0)
            return results;
        LifecycleState state = store.Read();
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadReadable();
        // What was on record for each person before the pause (the pause's own removals do not count), as HW-AUT-001 decides it.
        Dictionary<(string Account, string User), JournalEntry> onRecord = AuthorisedPostersCheck.LastAccessWords(journal, JournalIntents.Read(journal), skipPauseRemovals: true);
        PosterFacts facts = ReadFacts(pauses.SelectMany(p => p.Removed.Select(r => r.Id)).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), PosterFactKinds.LeaveDate);
        foreach (PostingPause pause in pauses)
        {
            if (pause.State != "Resuming")
                store.SetPause(new PostingPause(pause.Account, pause.GroupId, pause.Reason, pause.Since, pause.By, "Resuming", pause.Removed));
            var restored = new List<string>();
            var notRestored = new List<string>();
            DirectoryGroup? group = _session.Directory.GetGroup(pause.GroupId);
            int posters = group?.MemberIds.Count ?? 0;
            foreach (PausedPoster p in pause.Removed)
            {
                DirectoryUser? user = _session.Directory.FindUser(p.Id);
                DateTimeOffset? leave = facts.LeaveDates.TryGetValue(p.Id, out DateTimeOffset l) ? l : null;
                bool already = group?.DirectMemberIds.Contains(p.Id, StringComparer.OrdinalIgnoreCase) == true;
                string? why = null;
                if (!already)
                {
                    onRecord.TryGetValue((pause.Account.ToLowerInvariant(), p.User.ToLowerInvariant()), out JournalEntry? last);
                    if (last is null)
                        why = $"no grant on record: they were put on '{pause.Account}' outside the module (HW-AUT-001 before the pause), so the pause does not give them access back. If they should post, Grant-HwPostingAccess -Account {pause.Account} -User {p.User} with a reason.";
                    else if (last.Action == JournalActions.PostingAccessRevoked)
                        why = $"their access was revoked on {LifecycleRules.Day(last.Time)} by {last.Actor} ({last.Reason}), so it is not restored.";
                    else if (LifecycleRules.Evaluate(_session.Policy, pause.Account, p.Id, user, leave, state.ExpiryOf(pause.Account, p.Id), Now, removedByPause: true) is { } no)
                        why = no.Evidence;
                    else
                    {
                        IReadOnlyList<PolicyRefusal> refusals = PolicyChecks.Refuse(new ProposedGrant(pause.Account, user!, posters),
                            new CheckContext(_session.Policy, _session.Directory.FindUser));
                        if (refusals.Count > 0)
                            why = string.Join(" ", refusals.Select(r => r.Explanation));
                    }
                }
                if (why is not null)
                {
                    notRestored.Add($"{p.User}: {why}");
                    continue;
                }
                if (!already && WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessGranted, pause.Account, p.User,
                        pause.GroupId, p.Id, member: true, $"Resume-HwPosting: {reason}", new() { ["resumed"] = true }))
                    posters++;
                restored.Add(p.User);
            }
            _session.Record(JournalActions.PostingResumed, pause.Account, null, reason,
                new() { ["pausedSince"] = LifecycleRules.Day(pause.Since), ["pauseReason"] = pause.Reason },
                new() { ["restored"] = new JsonArray(restored.Select(r => (JsonNode?)r).ToArray()), ["notRestored"] = new JsonArray(notRestored.Select(r => (JsonNode?)r).ToArray()) });
            store.RemovePause(pause.Account);
            results.Add(new PostingPauseResult(pause.Account, "Resumed", pause.Reason, pause.Since, pause.Removed.Select(r => r.User).ToList(), restored, notRestored));
        }
        return results;
    }

    private static IEnumerable<OfficialAccount> Targets(RegisterSnapshot register, IReadOnlyCollection<string>? names)
    {
        List<OfficialAccount> active = register.Accounts.Where(a => a.IsActive).ToList();
        if (names is null || names.Count == 0)
            return active;
        var chosen = new List<OfficialAccount>();
        foreach (string raw in names)
        {
            string n = Identifiers.Normalise(raw);
            var match = active.Where(a => Wildcard.IsMatch(a.Name, n) || Wildcard.IsMatch(a.GroupName, n)).ToList();
            if (match.Count == 0 && n.IndexOfAny(new[] { '*', '?' }) < 0)
                throw new HwException(ErrorIds.AccountNotFound, $"There is no active official account '{n}' in the register. Get-HwOfficialAccount lists them.", n);
            chosen.AddRange(match.Where(m => !chosen.Contains(m)));
        }
        return chosen;
    }
}
