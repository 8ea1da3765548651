using System;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.Compliance;

/// <summary>Issue 16's acceptance on the sample organisation: exceptions suppress exactly their finding, are refused past
/// the policy's term or without the approving role, and expire as the session clock moves.</summary>
public sealed class ComplianceExceptionTests : IDisposable
{
    private const string Manager = "sarah.whitfield@hwsefton.example";
    private const string Comms = "daniel.okafor@hwsefton.example";
    private const string Instagram = "instagram-healthwatchsefton";
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "hw-exc-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly TestClock _clock = new();
    private readonly HwServices _session;

    public ComplianceExceptionTests() =>
        _session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null, _clock);

    private ComplianceException Grant(int months = 6, string approver = Manager, string? subject = Instagram) =>
        _session.Exceptions.New("HW-LIM-001", Instagram, subject, "Campaign month: four posters agreed by the board", approver, _clock.UtcNow.AddMonths(months));

    [Fact]
    public void An_exception_suppresses_exactly_its_finding_and_the_report_lists_it_with_its_justification()
    {
        int before = _session.Compliance.Run().Count;
        ComplianceException e = Grant();
        Assert.Equal("EXC-0001", e.Id);
        var findings = _session.Compliance.Run();
        Assert.Equal(before, findings.Count); // still found: nothing hidden
        ComplianceFinding suppressed = Assert.Single(findings, f => f.Status == "Suppressed");
        Assert.Equal(("HW-LIM-001", Instagram, "EXC-0001", Manager), (suppressed.RuleId, suppressed.Account, suppressed.ExceptionId, suppressed.ApprovedBy));
        Assert.Equal("Campaign month: four posters agreed by the board", suppressed.Justification);
        Assert.All(findings.Where(f => f != suppressed), f => Assert.Equal("Open", f.Status));
        Assert.DoesNotContain(findings, f => f.RuleId.StartsWith("HW-EXC-", StringComparison.Ordinal));

        ComplianceReport report = _session.Compliance.BuildReport();
        Assert.Equal(1, report.Summary.Suppressed);
        Assert.Equal(before - 1, report.Summary.Total);
        Assert.Equal("Fail", report.Summary.Result); // the other findings still fail it
        Assert.Equal(1, report.Summary.Rules.Single(r => r.RuleId == "HW-LIM-001").Suppressed);
        Assert.Equal(0, report.Summary.Rules.Single(r => r.RuleId == "HW-LIM-001").Count);
        string html = ComplianceReportRenderer.ToHtml(report);
        int section = html.IndexOf("<h2 id=\"suppressed\">Suppressed by exception</h2>", StringComparison.Ordinal);
        Assert.True(section > 0);
        Assert.Contains("Campaign month: four posters agreed by the board", html.Substring(section));
        Assert.Contains(Manager, html.Substring(section).Replace("<wbr>", "")); // break hints (decision 0165) aside
        string md = ComplianceReportRenderer.ToMarkdown(report);
        Assert.Contains("## Suppressed by exception", md);
        Assert.Contains("| Medium | HW-LIM-001 | instagram-healthwatchsefton | instagram-healthwatchsefton | EXC-0001 | Campaign month: four posters agreed by the board |", md);
    }

    [Fact]
    public void A_report_whose_failures_are_all_suppressed_is_never_a_plain_pass()
    {
        foreach (string rule in _session.Compliance.Run().Select(f => f.RuleId).Distinct())
            _session.Exceptions.New(rule, null, null, "Accepted for the test", Manager, _clock.UtcNow.AddMonths(1));
        ComplianceReport report = _session.Compliance.BuildReport();
        Assert.Equal((0, 10, true, "PassWithExceptions"), (report.Summary.Total, report.Summary.Suppressed, report.Summary.Passed, report.Summary.Result));
        Assert.Contains("Result: Pass with exceptions (10 suppressed)", ComplianceReportRenderer.ToHtml(report));
        Assert.Contains("**Result: Pass with exceptions (10 suppressed)**", ComplianceReportRenderer.ToMarkdown(report));
        Assert.DoesNotContain("Result: Pass<", ComplianceReportRenderer.ToHtml(report));
    }

    [Fact]
    public void An_exception_cannot_run_past_the_policys_longest_term()
    {
        var ex = Assert.Throws<HwException>(() => Grant(months: 13));
        Assert.Equal((ErrorIds.ExceptionTermTooLong, "expires"), (ex.ErrorId, ex.Input));
        Assert.Contains("12 months", ex.Message);
        var past = Assert.Throws<HwException>(() => _session.Exceptions.New("HW-LIM-001", null, null, "j", Manager, _clock.UtcNow.AddDays(-1)));
        Assert.Equal((ErrorIds.ExceptionTermTooLong, "expires"), (past.ErrorId, past.Input));
        Grant(months: 12); // exactly the term is allowed
        Assert.Single(_session.Exceptions.Get());
    }

    [Fact]
    public void An_exception_needs_an_approver_who_holds_the_policys_role()
    {
        var ex = Assert.Throws<HwException>(() => Grant(approver: Comms));
        Assert.Equal((ErrorIds.ExceptionApproverNotInRole, "approvedBy"), (ex.ErrorId, ex.Input));
        Assert.Contains(Manager, ex.Message);
        var unknown = Assert.Throws<HwException>(() => _session.Exceptions.New("HW-NOPE-001", null, null, "j", Manager, _clock.UtcNow.AddMonths(1)));
        Assert.Equal((ErrorIds.ExceptionRuleUnknown, "ruleId"), (unknown.ErrorId, unknown.Input));
        Assert.Empty(_session.Exceptions.Get());
        Assert.DoesNotContain(_session.Journal.ReadAll(), e => e.Action == JournalActions.ComplianceExceptionCreated);
    }

    [Fact]
    public void After_its_expiry_the_finding_is_back_with_an_expired_exception_finding()
    {
        ComplianceException e = Grant(months: 3);
        Assert.Single(_session.Compliance.Run(), f => f.Status == "Suppressed");
        _clock.UtcNow = e.Expires.AddMinutes(-1);
        Assert.Single(_session.Compliance.Run(), f => f.Status == "Suppressed");
        _clock.UtcNow = e.Expires;
        var findings = _session.Compliance.Run();
        Assert.DoesNotContain(findings, f => f.Status == "Suppressed");
        Assert.Single(findings, f => f.RuleId == "HW-LIM-001" && f.Account == Instagram && f.Status == "Open");
        ComplianceFinding expired = Assert.Single(findings, f => f.RuleId == "HW-EXC-001");
        Assert.Equal((Instagram, "EXC-0001", Severity.Medium), (expired.Account, expired.Subject, expired.Severity));
        Assert.Contains("1 finding is open again", expired.Evidence);
    }

    [Fact]
    public void An_exception_that_matches_nothing_is_stale()
    {
        _session.Exceptions.New("HW-ELG-001", "facebook-healthwatchsefton", "someone.else@hwsefton.example", "Left in error", Manager, _clock.UtcNow.AddMonths(1));
        ComplianceFinding stale = Assert.Single(_session.Compliance.Run(), f => f.RuleId == "HW-EXC-002");
        Assert.Equal(("facebook-healthwatchsefton", "EXC-0001", Severity.Low), (stale.Account, stale.Subject, stale.Severity));
        Assert.DoesNotContain(_session.Compliance.Run(), f => f.Status == "Suppressed");
    }

    [Fact]
    public void Every_change_is_journaled_and_removal_brings_the_finding_back()
    {
        ComplianceException e = Grant();
        _session.Exceptions.Remove(e.Id, "The campaign ended early");
        Assert.Empty(_session.Exceptions.Get());
        Assert.DoesNotContain(_session.Compliance.Run(), f => f.Status == "Suppressed");
        var entries = _session.Journal.ReadAll().Where(j => j.Action.StartsWith("ComplianceException", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { JournalActions.ComplianceExceptionCreated, JournalActions.ComplianceExceptionRemoved }, entries.Select(j => j.Action));
        Assert.Equal(_session.Connection.Actor, entries[0].Actor);
        Assert.Equal("The campaign ended early", entries[1].Reason);
        Assert.Equal("EXC-0002", Grant().Id); // ids are never reused
        var missing = Assert.Throws<HwException>(() => _session.Exceptions.Remove("EXC-0009", "r"));
        Assert.Equal((ErrorIds.ExceptionNotFound, "id"), (missing.ErrorId, missing.Input));
    }

    [Fact]
    public void The_exceptions_document_is_replaced_only_over_the_version_read()
    {
        Grant();
        var store = new LocalStateStore(_session.Connection.StatePath);
        StateDocument read = store.Read("exceptions.json")!;
        store.Replace("exceptions.json", read.Content.Replace("board", "trustees"), read.Version); // someone else writes meanwhile
        Assert.Throws<StateConflictException>(() => store.Replace("exceptions.json", read.Content, read.Version));
        Assert.Equal("Campaign month: four posters agreed by the trustees", Assert.Single(_session.Exceptions.Get()).Justification);
    }

    public void Dispose()
    {
        try { Directory.Delete(_copy, true); } catch (IOException) { }
    }
}
