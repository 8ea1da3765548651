using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// Runs every rule against the connected directory and journal: one bulk read of the register (groups, then
/// the users behind them and the policy's role holders, batched together), one read of the journal. Pure
/// evaluation after that.
/// </summary>
public sealed class ComplianceService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;
    private readonly ReviewStore _reviews;

    internal ComplianceService(HwSession session, RegisterService register)
    {
        _session = session;
        _register = register;
        _reviews = new ReviewStore(() => session.State);
        _exceptions = new ExceptionStore(session.State);
    }

    private readonly ExceptionStore _exceptions;

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
        // A damaged journal does not stop the report: its readable entries are used and the damage is a finding (HW-AUD-001).
        JournalVerification integrity = _session.Journal.Verify();
        IReadOnlyList<JournalEntry> journal = _session.Journal.ReadReadable();
        // issue 15 (h15): the lifecycle documents and the posters' facts; a facet Graph refuses (403) comes back "not evaluated".
        var lifecycle = new Lifecycle.LifecycleStore(_session.State).Read();
        var posters = register.Accounts.Where(a => a.IsActive).SelectMany(a => a.PosterIds).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        PosterFacts? facts = posters.Count == 0 ? null
            : _session.Directory is IPosterFactsDirectory d ? d.ReadPosterFacts(posters, PosterFactKinds.All) : null;
        return Evaluate(p, register, journal, roleHolders, _session.Clock.UtcNow, _reviews.All(), integrity, _exceptions.All(), lifecycle, facts);
    }

    /// <summary>The findings (all of them, or those given) with their summary and the context a reader needs.</summary>
    public ComplianceReport BuildReport(IReadOnlyList<ComplianceFinding>? findings = null, PolicyDocument? policy = null)
    {
        DateTimeOffset started = _session.Clock.UtcNow;
        ComplianceReport report = BuildReportCore(findings, policy);
        report.Actor = _session.Actor;
        report.StartedAt = started;
        report.FinishedAt = _session.Clock.UtcNow;
        return report;
    }

    /// <summary>BuildReport, with what changed since <paramref name="previous"/> (a saved report) when given.</summary>
    public ComplianceReport BuildReportSince(SavedComplianceReport? previous, IReadOnlyList<ComplianceFinding>? findings = null, PolicyDocument? policy = null)
    {
        ComplianceReport report = BuildReport(findings, policy);
        if (previous is not null)
        {
            report.Changes = ComplianceReportComparer.Compare(previous, SavedComplianceReport.From(report, previous));
            report.PreviousRun = previous.Run;
        }
        return report;
    }

    private ComplianceReport BuildReportCore(IReadOnlyList<ComplianceFinding>? findings, PolicyDocument? policy)
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
            ComplianceReport.ContactsFor(p, upn => holders.Values.FirstOrDefault(u => u is not null && string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase))),
            Witness());
    }

    /// <summary>The journal's latest entry as a witness (<c>&lt;sequence&gt;:&lt;hash&gt;</c>), or null for an empty journal; reads the tail only.</summary>
    internal string? Witness() => _session.Journal.LatestWitness();

    private RegisterSnapshot ReadWithRoleHolders(PolicyDocument policy) => _register.ReadRegister(userPrincipalNames: RoleNames(policy));

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

    /// <summary>The counts by severity and rule for <paramref name="findings"/> and the pass/fail result, against the connected policy or <paramref name="policy"/>,
    /// with the journal's latest witness. Reads only the journal's tail.</summary>
    public ComplianceSummary Summarise(IReadOnlyList<ComplianceFinding> findings, PolicyDocument? policy = null) =>
        new((policy ?? _session.Policy).Version, _session.Connection.Directory, _session.Clock.UtcNow, findings,
            ComplianceRules.All.Select(r => new ComplianceRuleCount(r, findings.Count(f => f.RuleId == r.Id && f.ExceptionId is null),
                findings.Count(f => f.RuleId == r.Id && f.ExceptionId is not null))).ToList()) { Witness = Witness() };

    /// <summary>Every check's findings over one snapshot, most severe first.</summary>
    internal static List<ComplianceFinding> Evaluate(PolicyDocument policy, RegisterSnapshot register, IReadOnlyList<JournalEntry> journal,
        IReadOnlyDictionary<string, DirectoryUser?> roleHolders, DateTimeOffset now, IReadOnlyList<Reviews.AccessReview>? reviews = null,
        JournalVerification? integrity = null, IReadOnlyList<ComplianceException>? exceptions = null, Lifecycle.LifecycleState? lifecycle = null, PosterFacts? facts = null)
    {
        var snapshot = new CheckSnapshot(policy, register, journal, roleHolders, now, reviews ?? Array.Empty<Reviews.AccessReview>(), integrity, exceptions)
        {
            Lifecycle = lifecycle ?? Lifecycle.LifecycleState.Empty,
            Facts = facts,
        };
        List<ComplianceFinding> found = PolicyChecks.All.SelectMany(c => c.Find(snapshot)).ToList();
        // Exceptions judge the other checks' findings, so they are applied after them (decision 0180).
        foreach (ComplianceExceptionsCheck c in PolicyChecks.All.OfType<ComplianceExceptionsCheck>())
            c.Apply(found, snapshot);
        return found
            .OrderBy(f => f.Severity).ThenBy(f => f.Account is null ? 1 : 0).ThenBy(f => f.Account, StringComparer.Ordinal).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Builds the report (<see cref="BuildReport"/>) and mails it through <paramref name="mailer"/>: HTML with a
    /// Markdown text alternative, from <paramref name="from"/> to the policy's Manager or to <paramref name="to"/>;
    /// with a "Since the last report" section when the state store holds the last report mailed
    /// (<c>reports/latest.json</c>), and this one saved there (and as <c>reports/&lt;yyyy-MM&gt;.json</c>) once sent.
    /// The recipient (<paramref name="to"/>) is
    /// (a user principal name or object id). Throws <c>RecipientNotFound</c> when the recipient is not in the
    /// directory and <c>RecipientHasNoMailbox</c> when they have no mail address; what the mailer throws otherwise.
    /// </summary>
    /// <returns>The mail as sent: period (yyyy-MM, now in UTC), kind <c>ComplianceReport</c>, recipient, subject, finding count, transport.</returns>
    public ReviewMailRecord SendComplianceReport(IMailer mailer, string from, string? to)
    {
        // The last report mailed is kept in the state store: this mail says what changed since it (issue 16).
        var archive = new ReportArchive(_session.State);
        SavedComplianceReport? previous = archive.ReadLatest();
        ComplianceReport report = BuildReportSince(previous);
        PolicyDocument policy = _session.Policy;
        DirectoryUser? recipient = _session.Directory.FindUser(to ?? policy.FindRole("Manager")?.User ?? "")
            ?? throw new HwException(ErrorIds.RecipientNotFound,
                to is null ? "The policy's Manager role names nobody in the directory: name the recipient." : $"There is no user '{to}' in the directory.", to, input: "to");
        string address = recipient.Mail ?? throw new HwException(ErrorIds.RecipientHasNoMailbox,
            $"'{recipient.UserPrincipalName}' has no mailbox: name a recipient who has one.", recipient.UserPrincipalName, input: "to");
        var message = new MimeKit.MimeMessage { Subject = $"Social media policy compliance: {report.Summary.Result} ({report.Summary.Total} findings)" };
        message.From.Add(new MimeKit.MailboxAddress(policy.Organisation, from));
        message.To.Add(new MimeKit.MailboxAddress(ReviewMailBuilder.SafeDisplayName(recipient.DisplayName), address));
        message.Body = new MimeKit.BodyBuilder
        {
            HtmlBody = ComplianceReportRenderer.ToHtml(report),
            TextBody = ComplianceReportRenderer.ToMarkdown(report),
        }.ToMessageBody();
        mailer.Send(message);
        archive.Save(SavedComplianceReport.From(report, previous));
        return new ReviewMailRecord
        {
            Period = _session.Clock.UtcNow.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), Kind = "ComplianceReport",
            Recipient = recipient.UserPrincipalName, To = new() { address }, Subject = message.Subject ?? "", Items = report.Findings.Count,
            SentAt = _session.Clock.UtcNow, Transport = mailer.Description,
        };
    }
}
