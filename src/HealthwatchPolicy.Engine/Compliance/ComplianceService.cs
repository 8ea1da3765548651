using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// Runs every rule against the connected directory and journal: one bulk read of the register (groups, then
/// the users behind them), one read of the journal, a lookup per policy role. Pure evaluation after that.
/// </summary>
public sealed class ComplianceService
{
    private readonly HwSession _session;

    internal ComplianceService(HwSession session) => _session = session;

    /// <summary>Every finding, against the connected policy or <paramref name="policy"/> (another version).</summary>
    public IReadOnlyList<ComplianceFinding> Run(PolicyDocument? policy = null)
    {
        PolicyDocument p = policy ?? _session.Policy;
        return Run(p, RoleHolders(p));
    }

    /// <summary>The findings for a register already read (the access review's snapshot reads it once for both).</summary>
    internal IReadOnlyList<ComplianceFinding> Run(RegisterSnapshot register) => Run(_session.Policy, RoleHolders(_session.Policy), register);

    private IReadOnlyList<ComplianceFinding> Run(PolicyDocument p, IReadOnlyDictionary<string, DirectoryUser?> roleHolders,
        RegisterSnapshot? register = null)
    {
        register ??= _session.Register.ReadRegister();
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadAll();
        return Evaluate(p, register, journal, roleHolders, _session.Clock.UtcNow, _session.Reviews.All());
    }

    /// <summary>The findings (all of them, or those given) with their summary and the context a reader needs.</summary>
    public ComplianceReport BuildReport(IReadOnlyList<ComplianceFinding>? findings = null, PolicyDocument? policy = null)
    {
        PolicyDocument p = policy ?? _session.Policy;
        IReadOnlyDictionary<string, DirectoryUser?> holders = RoleHolders(p); // looked up once, for the rules and the contacts
        IReadOnlyList<ComplianceFinding> f = findings ?? Run(p, holders);
        return new ComplianceReport(f, Summarise(f, p), p,
            ComplianceReport.ContactsFor(p, upn => holders.Values.FirstOrDefault(u => u is not null && string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>The people the policy's roles name.</summary>
    private IReadOnlyDictionary<string, DirectoryUser?> RoleHolders(PolicyDocument policy) =>
        policy.Roles.Where(r => r.User is not null).ToDictionary(r => r.Id, r => _session.Directory.FindUser(r.User!));

    public ComplianceSummary Summarise(IReadOnlyList<ComplianceFinding> findings, PolicyDocument? policy = null) =>
        new((policy ?? _session.Policy).Version, _session.Connection.Directory, _session.Clock.UtcNow, findings,
            ComplianceRules.All.Select(r => new ComplianceRuleCount(r, findings.Count(f => f.RuleId == r.Id))).ToList());

    /// <summary>Every check's findings over one snapshot, most severe first.</summary>
    internal static List<ComplianceFinding> Evaluate(PolicyDocument policy, RegisterSnapshot register, IReadOnlyList<JournalEntry> journal,
        IReadOnlyDictionary<string, DirectoryUser?> roleHolders, DateTimeOffset now, IReadOnlyList<Reviews.AccessReview>? reviews = null)
    {
        var snapshot = new CheckSnapshot(policy, register, journal, roleHolders, now, reviews ?? Array.Empty<Reviews.AccessReview>());
        return CheckCatalog.Checks.SelectMany(c => c.Find(snapshot))
            .OrderBy(f => f.Severity).ThenBy(f => f.Account, StringComparer.Ordinal).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }
}
