using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Lifecycle;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>Posting access: grant (with the policy's checks) and revoke, idempotent and journaled.</summary>
public sealed class AccessService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;

    internal AccessService(HwSession session, RegisterService register)
    {
        _session = session;
        _register = register;
    }

    /// <summary>
    /// Adds <paramref name="userReference"/> (principal name or object id) to the account's posting group if every check
    /// allows it, and journals the grant. A refused grant changes nothing and returns its <see cref="PolicyRefusal"/>s
    /// (PosterDisabled, PosterIsGuest, PosterTypeNotEligible, PolicyNotAcknowledged, PosterLimitReached); a poster who
    /// can already post is <c>AlreadyGranted</c> and changes nothing.
    /// </summary>
    /// <exception cref="HwException">AccountNotFound (no such active account), UserNotFound (input <c>user</c>),
    /// StateLocked or StateNotWritable (the state folder), JournalWriteFailed, or a directory error of the adapter.</exception>
    public AccessOutcome Grant(string accountName, string userReference, string reason) => Grant(accountName, userReference, reason, null);

    /// <summary>As <see cref="Grant(string, string, string)"/>; <paramref name="until"/> (time-bound access, recorded in the
    /// state store by <see cref="LifecycleService.Grant"/>) is written into the grant's journal entry. Also throws
    /// <c>AccountPaused</c> when posting to the account is paused (Suspend-HwPosting).</summary>
    internal AccessOutcome Grant(string accountName, string userReference, string reason, DateTimeOffset? until)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        OfficialAccount account = _register.GetAccount(accountName, includeRetired: false);
        DirectoryUser user = _register.ResolveUser(userReference, "user");
        // --- issue 15 (h15): a paused account takes no grant; the end of time-bound access travels in the entry ---
        LifecycleStore.RefuseIfPaused(new LifecycleStore(_session.State), account.Name);
        JsonObject granted = until is { } end
            ? new() { ["member"] = true, ["until"] = LifecycleRules.Day(end) }
            : new() { ["member"] = true };
        // --- end issue 15 ---
        RefuseUnmanageable(account);
        if (account.PosterIds.Contains(user.Id, StringComparer.OrdinalIgnoreCase))
        {
            // Already a poster: nothing to change, but say which checks their access fails now (the limit is the
            // account's finding, not theirs).
            IReadOnlyList<PolicyRefusal> failing = PolicyChecks.Refuse(new ProposedGrant(account.Name, user, Math.Max(0, account.PosterCount - 1)),
                    new CheckContext(_session.Policy, _session.Directory.FindUser))
                .Where(r => r.Reason != RefusalReason.PosterLimitReached).ToList();
            return new AccessOutcome(ToAccess(account, user, "AlreadyGranted"), false, Array.Empty<PolicyRefusal>(), failing);
        }

        IReadOnlyList<PolicyRefusal> refusals = PolicyChecks.Refuse(new ProposedGrant(account.Name, user, account.PosterCount), new CheckContext(_session.Policy, _session.Directory.FindUser));
        if (refusals.Count > 0)
            return new AccessOutcome(null, false, refusals);

        // Write-ahead: the intent, the directory call, the outcome (docs/decisions/0150-write-ahead-intent.md); the end of
        // time-bound access (issue 15) travels in the outcome.
        granted.Remove("member");
        bool changed = WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessGranted, account.Name, user.UserPrincipalName,
            account.GroupId, user.Id, member: true, reason, granted);
        return new AccessOutcome(ToAccess(account, user, changed ? "Granted" : "AlreadyGranted"), changed, Array.Empty<PolicyRefusal>());
    }

    /// <summary>Removes the user (<paramref name="userReference"/>: user principal name or object id) from the account's posting group and journals it with <paramref name="reason"/>; idempotent (nothing journaled when they were not a poster). Throws <c>AccountNotFound</c>, <c>UserNotFound</c>, <c>StateLocked</c>, <c>JournalCorrupt</c> or a directory error of the adapter. Graph: one <c>DELETE /groups/{id}/members/{id}/$ref</c>.</summary>
    public AccessOutcome Revoke(string accountName, string userReference, string reason)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        OfficialAccount account = _register.GetAccount(accountName, includeRetired: true);
        userReference = Identifiers.Normalise(userReference);
        DirectoryUser? user = _session.Directory.FindUser(userReference);
        // A poster who has since left the directory is still removable by object id.
        string? memberId = user?.Id ?? account.PosterIds.FirstOrDefault(id => string.Equals(id, userReference, StringComparison.OrdinalIgnoreCase));
        if (memberId is null)
            throw new HwException(ErrorIds.UserNotFound,
                $"There is no user '{userReference}' in the directory ({_session.Directory.Description}).", userReference, input: "user");
        string name = user?.UserPrincipalName ?? memberId;
        RefuseUnmanageable(account);
        RefuseNestedOnly(account, memberId, name);
        bool changed = account.PosterIds.Contains(memberId, StringComparer.OrdinalIgnoreCase)
                       && WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessRevoked, account.Name, name,
                           account.GroupId, memberId, member: false, reason);
        if (!changed)
            changed = RecordRevokedDuringPause(account, memberId, name, reason);
        PostingAccess access = user is null
            ? new PostingAccess(account.Name, account.Platform, name, null, null, null, null, null, changed ? "Revoked" : "NotGranted")
            : ToAccess(account, user, changed ? "Revoked" : "NotGranted");
        return new AccessOutcome(access, changed, Array.Empty<PolicyRefusal>());
    }

    /// <summary>
    /// A revocation while the account is paused, of someone the pause took off it: there is no membership to remove, but
    /// the decision is journaled (<c>PostingAccessRevoked</c> with <c>duringPause: true</c>) so Resume-HwPosting does not
    /// restore them (docs/decisions/0177). False (nothing journaled) when the account is not paused, the person was not
    /// removed by the pause, or their revocation is already the journal's last word.
    /// </summary>
    private bool RecordRevokedDuringPause(OfficialAccount account, string memberId, string name, string reason)
    {
        PostingPause? pause = new LifecycleStore(_session.State).Read().PauseOf(account.Name);
        if (pause is null || !pause.Removed.Any(r => string.Equals(r.Id, memberId, StringComparison.OrdinalIgnoreCase)))
            return false;
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadReadable();
        AuthorisedPostersCheck.LastAccessWords(journal, JournalIntents.Read(journal), skipPauseRemovals: true)
            .TryGetValue((account.Name.ToLowerInvariant(), name.ToLowerInvariant()), out JournalEntry? last);
        if (last is { Action: JournalActions.PostingAccessRevoked })
            return false;
        WriteAheadIntent.RecordDecision(_session, JournalActions.PostingAccessRevoked, account.Name, name, account.GroupId, memberId,
            member: false, reason, new() { ["duringPause"] = true, ["userId"] = memberId });
        return true;
    }

    /// <summary>Graph will not change a mail-enabled group's members: say so before asking it (docs/decisions/0090).</summary>
    private static void RefuseUnmanageable(OfficialAccount account)
    {
        GroupKind kind = account.Group.Kind;
        if (kind.MailEnabled && !kind.IsUnified)
            throw new HwException(ErrorIds.GroupNotManageable,
                $"The posting group '{account.GroupName}' of '{account.Name}' is a {kind.Describe()}: Microsoft Graph does not change its members, "
                + "so nothing was changed. Change them in Exchange Online, and move the account to a security group.",
                account.Name);
    }

    /// <summary>
    /// Someone who posts through a group nested in the posting group keeps that access whatever happens to a direct
    /// membership: refuse, naming the nested group(s), rather than report a revocation that did not take their access away.
    /// </summary>
    private static void RefuseNestedOnly(OfficialAccount account, string memberId, string name)
    {
        IReadOnlyList<NestedGroup> through = account.Group.NestedGroupsOf(memberId);
        if (through.Count == 0)
            return;
        string groups = string.Join(", ", through.Select(g => $"'{g.DisplayName}' ({g.Id})"));
        bool direct = account.Group.DirectMemberIds.Contains(memberId, StringComparer.OrdinalIgnoreCase);
        throw new HwException(ErrorIds.PosterThroughNestedGroup,
            (direct
                ? $"'{name}' can post to '{account.Name}' directly and also through the group(s) {groups} nested in '{account.GroupName}': removing the direct membership would leave them able to post, "
                : $"'{name}' can post to '{account.Name}' only through the group(s) {groups} nested in '{account.GroupName}': there is no direct membership to remove, ")
            + "so nothing was changed. Take that group out of the posting group (then grant the people who should post one by one), or remove them from it, and revoke again.",
            name, input: "user");
    }

    /// <summary>Who can post where: every poster of every (or the named) active account. Status <c>Current</c>, or
    /// <c>Expired</c> when their time-bound access has ended but the membership is still there (HW-LIF-002).</summary>
    public IEnumerable<PostingAccess> Get(string? accountPattern, string? userPattern)
    {
        accountPattern = Identifiers.NormaliseOptional(accountPattern);
        userPattern = Identifiers.NormaliseOptional(userPattern);
        RegisterSnapshot register = _register.ReadRegister();
        if (accountPattern is not null && accountPattern.IndexOfAny(new[] { '*', '?' }) < 0
            && !register.Accounts.Any(a => a.IsActive && (Wildcard.IsMatch(a.Name, accountPattern) || Wildcard.IsMatch(a.GroupName, accountPattern))))
            throw new HwException(ErrorIds.AccountNotFound,
                $"There is no active official account '{accountPattern}' in the register. Get-HwOfficialAccount lists them.", accountPattern);
        Dictionary<string, DirectoryUser> users = register.Users;
        LifecycleState lifecycle = new LifecycleStore(_session.State).Read(); // issue 15: Expires
        DateTimeOffset now = _session.Clock.GetUtcNow(); // an end that has passed: Expired, until Sync-HwPostingAccess removes it
        foreach (OfficialAccount account in register.Accounts.Where(a => a.IsActive))
        {
            if (accountPattern is not null && !Wildcard.IsMatch(account.Name, accountPattern) && !Wildcard.IsMatch(account.GroupName, accountPattern))
                continue;
            foreach (string id in account.PosterIds)
            {
                users.TryGetValue(id, out DirectoryUser? user);
                PostingAccess access = user is null
                    ? new PostingAccess(account.Name, account.Platform, id, null, null, null, null, null, "Current")
                    : ToAccess(account, user, "Current");
                if (lifecycle.ExpiryOf(account.Name, id) is { } expiry)
                    access = access.WithStatus(expiry.Until <= now ? "Expired" : access.Status, expiry.Until);
                if (userPattern is null || Wildcard.IsMatch(access.User, userPattern)
                    || (access.DisplayName is not null && Wildcard.IsMatch(access.DisplayName, userPattern))
                    || Wildcard.IsMatch(id, userPattern))
                    yield return access;
            }
        }
    }

    private static PostingAccess ToAccess(OfficialAccount account, DirectoryUser user, string status) =>
        new(account.Name, account.Platform, user.UserPrincipalName, user.DisplayName, user.EmployeeType, user.UserType,
            user.AccountEnabled, AcknowledgementRecord.Read(user.Extension).Latest?.Version, status);
}
