using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// One enforced check, as an enforced clause's <c>checks</c> names it, with two faces: <see cref="Refuse"/> before a
/// change (typed refusals for a proposed grant, account, owner or consent) and <see cref="Find"/> over a register
/// snapshot (findings). <see cref="CheckCatalog"/> discovers every class that implements it.
/// </summary>
internal interface IPolicyCheck : INamedCheck
{
    /// <summary>The compliance rules the check's findings carry (stable ids).</summary>
    IReadOnlyList<ComplianceRule> Rules { get; }

    /// <summary>Every reason the policy refuses <paramref name="change"/> (empty when this check has nothing against it).</summary>
    IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context);

    /// <summary>Every finding over one read of the register, the journal and the latest review.</summary>
    IEnumerable<ComplianceFinding> Find(CheckSnapshot snapshot);
}

/// <summary>The convenience base of a check: no refusals and no findings unless it says otherwise; clause and finding helpers.</summary>
internal abstract class PolicyCheck : IPolicyCheck
{
    public abstract string Name { get; }
    public abstract int Order { get; }
    public abstract IReadOnlyList<ComplianceRule> Rules { get; }

    public virtual IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context) => Enumerable.Empty<PolicyRefusal>();

    public virtual IEnumerable<ComplianceFinding> Find(CheckSnapshot snapshot) => Enumerable.Empty<ComplianceFinding>();

    /// <summary>The first clause, in the policy's order, whose <c>checks</c> names this check.</summary>
    protected PolicyClause? ClauseFor(PolicyDocument policy) => policy.Clauses.FirstOrDefault(c => c.Checks.Contains(Name));

    protected PolicyRefusal Refusal(CheckContext context, RefusalReason reason, string? account, string? user, string explanation,
        string? parameter = null, object? value = null) =>
        new(reason, Name, ClauseFor(context.Policy), parameter, value, account, user, explanation);

    protected ComplianceFinding Finding(CheckSnapshot s, ComplianceRule rule, string? account, string subject, string evidence, string remediation)
    {
        PolicyClause? clause = ClauseFor(s.Policy);
        return new ComplianceFinding(rule, clause?.Id, clause?.Text, account, subject, evidence, remediation, s.Now, s.Policy.Version);
    }

    /// <summary>A rule of this check.</summary>
    protected ComplianceRule Rule(string id, Severity severity, string title, string nextStep) => new(id, Name, severity, title, nextStep);
}

/// <summary>What a check may consult before a change: the policy and a directory lookup.</summary>
internal sealed class CheckContext
{
    public CheckContext(PolicyDocument policy, Func<string, DirectoryUser?> findUser)
    {
        Policy = policy;
        FindUser = findUser;
    }

    public PolicyDocument Policy { get; }
    /// <summary>A user by object id or user principal name (null when absent).</summary>
    public Func<string, DirectoryUser?> FindUser { get; }
}

/// <summary>A change proposed to the register or to who may post; the checks judge it before it is made.</summary>
internal abstract class ProposedChange
{
    protected ProposedChange(string account) => Account = account;

    /// <summary>The register name of the account concerned.</summary>
    public string Account { get; }
}

/// <summary>Adding <see cref="User"/> as a poster to an account that has <see cref="CurrentPosters"/> posters.</summary>
internal sealed class ProposedGrant : ProposedChange
{
    public ProposedGrant(string account, DirectoryUser user, int currentPosters) : base(account)
    {
        User = user;
        CurrentPosters = currentPosters;
    }

    public DirectoryUser User { get; }
    public int CurrentPosters { get; }
}

/// <summary>An account owned by <see cref="Owner"/> with consent from <see cref="Consenter"/> (a new account, or consent recorded later).</summary>
internal sealed class ProposedConsent : ProposedChange
{
    public ProposedConsent(string account, DirectoryUser owner, DirectoryUser consenter) : base(account)
    {
        Owner = owner;
        Consenter = consenter;
    }

    public DirectoryUser Owner { get; }
    public DirectoryUser Consenter { get; }
}

/// <summary>Handing an existing account to <see cref="NewOwner"/>.</summary>
internal sealed class ProposedOwner : ProposedChange
{
    public ProposedOwner(string account, DirectoryUser newOwner) : base(account) => NewOwner = newOwner;

    public DirectoryUser NewOwner { get; }
}

/// <summary>What a check may consult after the fact: one read of the register, the journal, the policy's role holders, the access reviews.</summary>
internal sealed class CheckSnapshot
{
    public CheckSnapshot(PolicyDocument policy, RegisterSnapshot register, IReadOnlyList<JournalEntry> journal,
        IReadOnlyDictionary<string, DirectoryUser?> roleHolders, DateTimeOffset now, IReadOnlyList<AccessReview> reviews,
        JournalVerification? journalIntegrity = null, IReadOnlyList<ComplianceException>? exceptions = null)
    {
        Exceptions = exceptions ?? Array.Empty<ComplianceException>();
        JournalIntegrity = journalIntegrity;
        Policy = policy;
        Register = register;
        Journal = journal;
        RoleHolders = roleHolders;
        Now = now;
        Reviews = reviews;
    }

    public PolicyDocument Policy { get; }
    public RegisterSnapshot Register { get; }
    public IReadOnlyList<JournalEntry> Journal { get; }
    /// <summary>The journal's verification (null when the caller did not verify it).</summary>
    public JournalVerification? JournalIntegrity { get; }
    /// <summary>The users the policy's roles name, by role id (null when not in the directory).</summary>
    public IReadOnlyDictionary<string, DirectoryUser?> RoleHolders { get; }
    public DateTimeOffset Now { get; }
    /// <summary>Every stored access review, oldest period first (future-dated ones included: the check decides).</summary>
    public IReadOnlyList<AccessReview> Reviews { get; }
    /// <summary>The compliance exceptions in the state store (expired ones included: the exceptions check decides).</summary>
    public IReadOnlyList<ComplianceException> Exceptions { get; }

    /// <summary>Issue 15: time-bound expiries and pauses (state store <c>lifecycle/</c>); empty when not read.</summary>
    public Lifecycle.LifecycleState Lifecycle { get; set; } = HealthwatchPolicy.Engine.Lifecycle.LifecycleState.Empty;

    /// <summary>Issue 15: posters' leave dates, MFA methods and last sign-ins; null when not read (the checks then find nothing).</summary>
    public PosterFacts? Facts { get; set; }

    /// <summary>The active accounts (retired ones are not checked).</summary>
    public IEnumerable<OfficialAccount> ActiveAccounts => Register.Accounts.Where(a => a.IsActive);

    /// <summary>A user's principal name by object id, or the id when the user is not in the snapshot.</summary>
    public string Upn(string id) => Register.Users.TryGetValue(id, out DirectoryUser? u) ? u.UserPrincipalName : id;
}
