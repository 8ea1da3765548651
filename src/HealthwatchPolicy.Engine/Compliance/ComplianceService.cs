using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// Runs every rule against the connected directory and journal: one bulk read of the register (groups, then
/// the users behind them and the policy's role holders, batched together), one read of the journal. Pure
/// evaluation after that.
/// </summary>
public sealed class ComplianceService
{
    private readonly HwSession _session;

    internal ComplianceService(HwSession session) => _session = session;

    /// <summary>Every finding, against the connected policy or <paramref name="policy"/> (another version).</summary>
    public IReadOnlyList<ComplianceFinding> Run(PolicyDocument? policy = null)
    {
        PolicyDocument p = policy ?? _session.Policy;
        RegisterSnapshot register = ReadWithRoleHolders(p);
        return Run(p, RoleHolders(p, register), register);
    }

    /// <summary>The findings for a register already read (the access review's snapshot reads it once for both).</summary>
    internal IReadOnlyList<ComplianceFinding> Run(RegisterSnapshot register) => Run(_session.Policy, RoleHolders(_session.Policy, register), register);

    private IReadOnlyList<ComplianceFinding> Run(PolicyDocument p, IReadOnlyDictionary<string, DirectoryUser?> roleHolders, RegisterSnapshot register)
    {
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadAll();
        return Evaluate(p, register, journal, roleHolders, _session.Clock.UtcNow, _session.Reviews.Latest());
    }

    /// <summary>The findings (all of them, or those given) with their summary and the context a reader needs.</summary>
    public ComplianceReport BuildReport(IReadOnlyList<ComplianceFinding>? findings = null, PolicyDocument? policy = null)
    {
        PolicyDocument p = policy ?? _session.Policy;
        // The role holders are read once, for the rules and the contacts: inside the register read when the report
        // is run here, else (findings given) in one read of their own.
        IReadOnlyDictionary<string, DirectoryUser?> holders;
        if (findings is null)
        {
            RegisterSnapshot register = ReadWithRoleHolders(p);
            holders = RoleHolders(p, register);
            findings = Run(p, holders, register);
        }
        else
            holders = RoleHolders(p, null);
        return new ComplianceReport(findings, Summarise(findings, p), p,
            ComplianceReport.ContactsFor(p, upn => holders.Values.FirstOrDefault(u => u is not null && string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase))));
    }

    private RegisterSnapshot ReadWithRoleHolders(PolicyDocument policy) => _session.Register.ReadRegister(userPrincipalNames: RoleNames(policy));

    private static List<string> RoleNames(PolicyDocument policy) => policy.Roles.Where(r => r.User is not null).Select(r => r.User!).ToList();

    /// <summary>
    /// The people the policy's roles name, by user principal name: from <paramref name="register"/> (read with them),
    /// or in one read of just them. A name that matched nobody (a mail address, someone not in the directory) is
    /// looked up as <see cref="IDirectory.FindUser"/> does, so it costs round trips only when the report will flag it.
    /// </summary>
    private IReadOnlyDictionary<string, DirectoryUser?> RoleHolders(PolicyDocument policy, RegisterSnapshot? register)
    {
        List<string> names = RoleNames(policy);
        IEnumerable<DirectoryUser> read = register is not null ? register.Users.Values
            : names.Count == 0 ? Enumerable.Empty<DirectoryUser>() : _session.Directory.GetUsers(Array.Empty<string>(), names);
        var byName = new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
        foreach (DirectoryUser u in read)
            byName[u.UserPrincipalName] = u;
        return policy.Roles.Where(r => r.User is not null).ToDictionary(r => r.Id,
            r => byName.TryGetValue(r.User!, out DirectoryUser? u) ? u : _session.Directory.FindUser(r.User!));
    }

    public ComplianceSummary Summarise(IReadOnlyList<ComplianceFinding> findings, PolicyDocument? policy = null) =>
        new((policy ?? _session.Policy).Version, _session.Connection.Directory, _session.Clock.UtcNow, findings,
            ComplianceRules.All.Select(r => new ComplianceRuleCount(r, findings.Count(f => f.RuleId == r.Id))).ToList());

    internal static List<ComplianceFinding> Evaluate(PolicyDocument policy, RegisterSnapshot register, IReadOnlyList<JournalEntry> journal,
        IReadOnlyDictionary<string, DirectoryUser?> roleHolders, DateTimeOffset now, Reviews.AccessReview? latestReview = null)
    {
        var findings = new List<ComplianceFinding>();
        void Add(ComplianceRule rule, string? account, string subject, string evidence, string remediation)
        {
            PolicyClause? clause = PolicyRefusalException.ClauseFor(policy, rule.Check);
            findings.Add(new ComplianceFinding(rule, clause?.Id, clause?.Text, account, subject, evidence, remediation, now, policy.Version));
        }
        string Upn(string id) => register.Users.TryGetValue(id, out DirectoryUser? u) ? u.UserPrincipalName : id;

        // Grants and revocations in the journal: the last word on each (account, user).
        var lastAccessEvent = new Dictionary<(string, string), string>();
        foreach (JournalEntry e in journal)
            if (e.Account is not null && e.User is not null && e.Action is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked)
                lastAccessEvent[(e.Account.ToLowerInvariant(), e.User.ToLowerInvariant())] = e.Action;

        foreach (OfficialAccount a in register.Accounts.Where(a => a.IsActive))
        {
            // SMP-3.1: consent from the owner's line manager (or a role the policy allows)
            register.Users.TryGetValue(a.OwnerId, out DirectoryUser? owner);
            if (a.ConsentById is null)
                Add(ComplianceRules.ConsentMissing, a.Name, a.Name,
                    $"The register records no consent for '{a.Name}' (owner {owner?.UserPrincipalName ?? a.OwnerId}).",
                    "Ask the owner's line manager to confirm the account and record it, or retire the account (Remove-HwOfficialAccount).");
            else if (owner is not null && !ConsentAllowed(policy, owner, a.ConsentById, register.Users))
                Add(ComplianceRules.ConsentNotManager, a.Name, Upn(a.ConsentById),
                    $"Consent for '{a.Name}' was given by {Upn(a.ConsentById)}; the owner {owner.UserPrincipalName}'s line manager is {(owner.ManagerId is null ? "not set" : Upn(owner.ManagerId))}.",
                    "Have the owner's line manager confirm the account, or change the owner.");

            if (owner is null)
                Add(ComplianceRules.OwnerMissing, a.Name, a.OwnerId, $"The owner of '{a.Name}' (object id {a.OwnerId}) is not in the directory.",
                    "Give the account a current owner: Set-HwOfficialAccount -Owner.");
            else if (!owner.AccountEnabled)
                Add(ComplianceRules.OwnerDisabled, a.Name, owner.UserPrincipalName, $"The owner of '{a.Name}', {owner.UserPrincipalName}, is disabled.",
                    "Give the account a current owner: Set-HwOfficialAccount -Owner.");

            // SMP-3.2: who can post
            if (a.PosterCount > policy.Parameters.MaxPostersPerAccount)
                Add(ComplianceRules.PosterLimit, a.Name, a.Name,
                    $"'{a.Name}' has {a.PosterCount} posters ({string.Join(", ", a.Posters)}); the policy allows {policy.Parameters.MaxPostersPerAccount}.",
                    "Revoke the access that is no longer needed (Revoke-HwPostingAccess).");
            foreach (string id in a.PosterIds)
            {
                if (!register.Users.TryGetValue(id, out DirectoryUser? poster))
                {
                    Add(ComplianceRules.PosterDisabled, a.Name, id, $"Object {id} is in '{a.GroupName}' but is not a user in the directory (deleted or not a person).",
                        $"Revoke-HwPostingAccess -Account {a.Name} -User {id}");
                    continue;
                }
                foreach (PolicyRefusalException refusal in Eligibility.Check(policy, poster, a.Name))
                    Add(ComplianceRules.ForRefusal(refusal.ErrorId), a.Name, poster.UserPrincipalName, Evidence(refusal.ErrorId, poster, policy, a),
                        refusal.ErrorId == "PolicyNotAcknowledged"
                            ? $"Ask {poster.DisplayName} to read policy version {policy.Version}, then Add-HwPolicyAcknowledgement; or revoke their access."
                            : $"Revoke-HwPostingAccess -Account {a.Name} -User {poster.UserPrincipalName}");
                lastAccessEvent.TryGetValue((a.Name.ToLowerInvariant(), poster.UserPrincipalName.ToLowerInvariant()), out string? last);
                if (last != JournalActions.PostingAccessGranted)
                    Add(ComplianceRules.PosterNotJournaled, a.Name, poster.UserPrincipalName,
                        last is null
                            ? $"{poster.UserPrincipalName} is in '{a.GroupName}' but the journal has no grant for them on '{a.Name}'."
                            : $"{poster.UserPrincipalName} is in '{a.GroupName}' but the journal's last word is that their access was revoked.",
                        $"If they should post, grant it through the policy (Revoke-HwPostingAccess, then Grant-HwPostingAccess with a reason); otherwise revoke it.");
            }
        }

        // The register and the groups: one home, two witnesses (the directory and the journal).
        foreach (DirectoryGroup g in register.UnregisteredGroups)
            Add(ComplianceRules.GroupNotInRegister, null, g.DisplayName,
                $"'{g.DisplayName}' follows the posting-group naming convention but has no register entry ({g.MemberIds.Count} member(s)).",
                "Register the account with New-HwOfficialAccount (with consent), or rename or remove the group.");
        var registered = new HashSet<string>(register.Accounts.Select(a => a.Name), StringComparer.OrdinalIgnoreCase);
        var created = new Dictionary<string, JournalEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (JournalEntry e in journal.Where(e => e.Account is not null))
        {
            if (e.Action == JournalActions.AccountCreated) created[e.Account!] = e;
            else if (e.Action == JournalActions.AccountRetired) created.Remove(e.Account!);
        }
        foreach (KeyValuePair<string, JournalEntry> c in created.Where(c => !registered.Contains(c.Key)))
            Add(ComplianceRules.RegisterGroupGone, c.Key, c.Key,
                $"The journal records '{c.Key}' as set up on {c.Value.Time:yyyy-MM-dd} and never retired, but its posting group is not in the directory.",
                "Find out who deleted the group (the directory's audit log); recreate the account or record its retirement.");

        // SMP-2.4, 3.8, 3.9: the people staff are told to go to
        foreach (string roleId in PolicyLoader.RequiredRoles)
        {
            PolicyRole? role = policy.FindRole(roleId);
            if (role is null || !role.IsAssigned)
                Add(ComplianceRules.RoleUnassigned, null, roleId, $"The policy's {role?.Title ?? roleId} role names nobody.",
                    $"Name the {role?.Title ?? roleId} in the policy file's spec.roles.");
            else if (role.User is not null && (!roleHolders.TryGetValue(role.Id, out DirectoryUser? holder) || holder is null || !holder.AccountEnabled))
                Add(ComplianceRules.RoleHolderUnavailable, null, role.User,
                    $"The {role.Title}, {role.User}, is {(roleHolders.TryGetValue(role.Id, out DirectoryUser? h) && h is not null ? "disabled" : "not in the directory")}.",
                    $"Name the current {role.Title} in the policy file's spec.roles.");
        }

        // SMP-3.2 over time: the monthly access review (once reviews exist)
        if (latestReview is not null)
        {
            Reviews.AccessReview r = latestReview;
            int interval = policy.Parameters.AccessReview.IntervalMonths;
            DateTime periodStart = DateTime.ParseExact(r.Period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            DateTime nextDue = periodStart.AddMonths(interval).AddDays(policy.Parameters.AccessReview.DueDays);
            if (r.ClosedAt is null && r.Undecided > 0 && now > r.DueAt)
                Add(ComplianceRules.AccessReviewOverdue, null, $"Access review {r.Period}",
                    $"The {r.Period} access review was due on {EnglishDate.Long(r.DueAt.UtcDateTime)} and {r.Undecided} decision(s) are still missing.",
                    "Ask the reviewers to decide (Get-HwAccessReview -Pending), or record decisions with Complete-HwAccessReview.");
            else if (now.UtcDateTime > nextDue)
                Add(ComplianceRules.AccessReviewOverdue, null, "Access review",
                    $"The last access review was for {r.Period}; the next was due to start within {interval} month(s) and finish by {EnglishDate.Long(nextDue)}.",
                    "Start this month's review: Start-HwAccessReview, then Send-HwAccessReview.");
            if (r.ClosedAt is not null)
            {
                var current = new HashSet<(string, string)>(register.Accounts.SelectMany(a => a.PosterIds.Select(id => (a.Name.ToLowerInvariant(), id.ToLowerInvariant()))));
                foreach (Reviews.AccessReviewItem i in r.Items.Where(i => i.Outcome == "Flagged" && current.Contains((i.Account.ToLowerInvariant(), i.UserId.ToLowerInvariant()))))
                    Add(ComplianceRules.AccessNotConfirmed, i.Account, i.User,
                        $"Nobody confirmed {i.User}'s access to '{i.Account}' in the {r.Period} review (reviewer {i.Reviewer}); the policy flags undecided access.",
                        $"Decide in the next review, or revoke it now: Revoke-HwPostingAccess -Account {i.Account} -User {i.User}.");
            }
        }

        // SMP-7.4: the policy itself
        if (policy.NextReviewDue < now.UtcDateTime)
            Add(ComplianceRules.PolicyReviewOverdue, null, $"{policy.Title} v{policy.Version}",
                $"The policy (version {policy.Version}, dated {Storage.EnglishDate.MonthYear(policy.Effective)}) was due for review on {Storage.EnglishDate.Long(policy.NextReviewDue)}.",
                "Review the policy, publish a new version (Compare-HwPolicy shows what changed), and ask staff to acknowledge it.");

        return findings.OrderBy(f => f.Severity).ThenBy(f => f.Account, StringComparer.Ordinal).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }

    private static bool ConsentAllowed(PolicyDocument policy, DirectoryUser owner, string consentById, IReadOnlyDictionary<string, DirectoryUser> users) =>
        policy.Parameters.AccountConsentFrom.Any(allowed =>
            (allowed == PolicyLoader.LineManager && string.Equals(owner.ManagerId, consentById, StringComparison.OrdinalIgnoreCase))
            || (policy.FindRole(allowed) is { User: { } roleUser } && users.TryGetValue(consentById, out DirectoryUser? c)
                && string.Equals(c.UserPrincipalName, roleUser, StringComparison.OrdinalIgnoreCase)));

    private static string Evidence(string errorId, DirectoryUser poster, PolicyDocument policy, OfficialAccount a) => errorId switch
    {
        "PosterDisabled" => $"{poster.UserPrincipalName} is disabled in the directory but can still post to '{a.Name}'.",
        "PosterIsGuest" => $"{poster.UserPrincipalName} is a guest account and can post to '{a.Name}'.",
        "PosterTypeNotEligible" => $"{poster.UserPrincipalName} has employee type '{poster.EmployeeType ?? "(none)"}', which may not post ({string.Join(", ", policy.Parameters.EligibleEmployeeTypes)} may); they can post to '{a.Name}'.",
        _ => $"{poster.UserPrincipalName} can post to '{a.Name}' but has not acknowledged policy version {policy.Version}.",
    };
}
