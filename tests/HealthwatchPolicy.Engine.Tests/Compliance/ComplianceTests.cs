using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Tests.Compliance;

public sealed class SampleOrganisationComplianceTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "hw-sample-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    private static readonly string[] s_planted =
    {
        "HW-AUT-001 twitter-hw-sefton tom.gallagher@hwsefton.example",
        "HW-CON-001 whatsapp-hwseftonvolunteers whatsapp-hwseftonvolunteers",
        "HW-ELG-001 facebook-healthwatchsefton jason.turner@hwsefton.example",
        "HW-ELG-003 linkedin-healthwatch-sefton graham.pritchard@hwsefton.example",
        "HW-ELG-004 youtube-healthwatchsefton liam.hughes@hwsefton.example",
        "HW-LIF-001 whatsapp-hwseftonvolunteers patricia.walsh@hwsefton.example",
        "HW-LIM-001 instagram-healthwatchsefton instagram-healthwatchsefton",
        "HW-MFA-001 whatsapp-hwseftonvolunteers joanne.mckenna@hwsefton.example",
        "HW-POL-001  Healthwatch Sefton Social Media Policy v2018.10",
        "HW-SGN-001 instagram-healthwatchsefton dev.patel@hwsefton.example",
    };

    [Fact]
    public void Every_planted_breach_is_found_and_nothing_else()
    {
        HwServices session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null, new TestClock());
        var found = session.Compliance.Run().Select(f => $"{f.RuleId} {f.Account} {f.Subject}").OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(s_planted, found);
        ComplianceSummary s = session.Compliance.Summarise(session.Compliance.Run());
        Assert.Equal((10, 1, 5, 4), (s.Total, s.Critical, s.High, s.Medium));
    }

    /// <summary>Issue 15 item 4: the poster facts' planted cases (g) no MFA, (h) past the leave date, (i) no sign-in for 90 days, with their evidence.</summary>
    [Fact]
    public void The_poster_fact_cases_are_planted_and_say_why()
    {
        var clock = new TestClock();
        HwServices session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null, clock);
        var findings = session.Compliance.Run();
        ComplianceFinding mfa = findings.Single(f => f.RuleId == "HW-MFA-001");
        Assert.Equal(("joanne.mckenna@hwsefton.example", Severity.High), (mfa.Subject, mfa.Severity));
        Assert.Contains("no MFA method registered", mfa.Evidence, StringComparison.Ordinal);
        ComplianceFinding leaver = findings.Single(f => f.RuleId == "HW-LIF-001");
        Assert.Equal("patricia.walsh@hwsefton.example", leaver.Subject);
        // the leave date is 17 days before the sample's date, moved with the copy to the clock's today
        Assert.Contains($"left on {clock.UtcNow.UtcDateTime.Date.AddDays(-17):yyyy-MM-dd} 17:00 UTC", leaver.Evidence, StringComparison.Ordinal);
        Assert.Contains("lifecycle.leaveDate: Revoke", leaver.Evidence, StringComparison.Ordinal);
        ComplianceFinding idle = findings.Single(f => f.RuleId == "HW-SGN-001");
        Assert.Equal(("dev.patel@hwsefton.example", Severity.Medium), (idle.Subject, idle.Severity));
        Assert.Contains($"last signed in on {clock.UtcNow.UtcDateTime.Date.AddDays(-132):yyyy-MM-dd} 18:40 UTC", idle.Evidence, StringComparison.Ordinal);
        // nobody else: no MFA, sign-in or leave-date finding about any other poster
        Assert.Equal(3, findings.Count(f => f.RuleId is "HW-MFA-001" or "HW-MFA-002" or "HW-SGN-001" or "HW-SGN-002" or "HW-LIF-001" or "HW-LIF-005"));
    }

    /// <summary>Decision 0174: a copy opened on any day finds the same planted cases; the bundled file is not changed.</summary>
    [Theory]
    [InlineData("2026-11-30T09:00:00Z")]
    [InlineData("2028-05-01T23:30:00Z")]
    [InlineData("2026-11-15T06:00:00Z")]
    public void A_copy_opened_on_any_day_finds_exactly_the_planted_cases(string today)
    {
        string bundled = Path.Combine(Repo.Root, "policy", "sample-org", "directory.json");
        string before = File.ReadAllText(bundled);
        var clock = new TestClock { UtcNow = DateTimeOffset.Parse(today, System.Globalization.CultureInfo.InvariantCulture) };
        HwServices session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null, clock);
        var found = session.Compliance.Run().Select(f => $"{f.RuleId} {f.Account} {f.Subject}").OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.Equal(s_planted, found);
        Assert.Equal(before, File.ReadAllText(bundled));
        // the copy's dates moved by whole days: Patricia's leave date keeps its time of day
        var copy = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_copy, "directory.json")))!["users"]!.AsArray()
            .Single(u => (string?)u!["userPrincipalName"] == "patricia.walsh@hwsefton.example")!;
        Assert.Equal(clock.UtcNow.UtcDateTime.Date.AddDays(-17).AddHours(17), DateTimeOffset.Parse((string)copy["employeeLeaveDateTime"]!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
    }

    public void Dispose()
    {
        try { Directory.Delete(_copy, true); } catch (IOException) { }
    }
}

/// <summary>Each rule on its own: a clean organisation has no findings; one breach gives exactly its rule.</summary>
public sealed class ComplianceRuleTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly string _policy;
    private readonly HwServices _session;
    private readonly OfficialAccount _account;

    public ComplianceRuleTests()
    {
        _policy = Path.Combine(_org.Folder, "policy.yaml");
        File.WriteAllText(_policy, File.ReadAllText(Repo.PolicyPath).Replace("nextReviewDue: 2019-10-01", "nextReviewDue: 2030-10-01"));
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, _policy, _clock);
        _account = _session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        _session.Access.Grant(_account.Name, TestOrg.Staff1, "r");
    }

    private string[] Rules() => _session.Compliance.Run().Select(f => f.RuleId).ToArray();

    private void EditDirectory(Action<JsonObject> edit)
    {
        string path = Path.Combine(_org.Folder, "directory.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(doc);
        File.WriteAllText(path, doc.ToJsonString());
    }

    private static JsonObject User(JsonObject doc, string upn) =>
        doc["users"]!.AsArray().Select(u => u!.AsObject()).Single(u => (string?)u["userPrincipalName"] == upn);

    private static JsonObject Group(JsonObject doc) => doc["groups"]!.AsArray()[0]!.AsObject();

    [Fact]
    public void A_clean_organisation_has_no_findings() => Assert.Empty(Rules());

    [Fact]
    public void Missing_consent() { EditDirectory(d => Group(d)["extension"]!["consentById"] = null); Assert.Equal(new[] { "HW-CON-001" }, Rules()); }

    [Fact]
    public void Consent_by_someone_else() { EditDirectory(d => Group(d)["extension"]!["consentById"] = "u-ben"); Assert.Equal(new[] { "HW-CON-002" }, Rules()); }

    [Fact]
    public void Owner_gone() { EditDirectory(d => Group(d)["extension"]!["ownerId"] = "u-nobody"); Assert.Equal(new[] { "HW-OWN-001" }, Rules()); }

    [Fact]
    public void Owner_disabled() // the owner is also the Communications Officer, so the escalation rule fires too
    {
        EditDirectory(d => User(d, TestOrg.Comms)["accountEnabled"] = false);
        Assert.Equal(new[] { "HW-ESC-002", "HW-OWN-002" }, Rules().OrderBy(x => x));
    }

    [Fact]
    public void Poster_disabled() { EditDirectory(d => User(d, TestOrg.Staff1)["accountEnabled"] = false); Assert.Equal(new[] { "HW-ELG-001" }, Rules()); }

    [Fact]
    public void Poster_became_a_guest() { EditDirectory(d => User(d, TestOrg.Staff1)["userType"] = "Guest"); Assert.Equal(new[] { "HW-ELG-002" }, Rules()); }

    [Fact]
    public void Poster_type_not_eligible() { EditDirectory(d => User(d, TestOrg.Staff1)["employeeType"] = "Trustee"); Assert.Equal(new[] { "HW-ELG-003" }, Rules()); }

    [Fact]
    public void Poster_not_acknowledged() { EditDirectory(d => User(d, TestOrg.Staff1).Remove("extension")); Assert.Equal(new[] { "HW-ELG-004" }, Rules()); }

    [Fact]
    public void Poster_added_outside_the_module()
    {
        EditDirectory(d => Group(d)["members"]!.AsArray().Add("u-aisha"));
        var f = Assert.Single(_session.Compliance.Run());
        Assert.Equal(("HW-AUT-001", TestOrg.Staff2, "SMP-3.2"), (f.RuleId, f.Subject, f.ClauseId));
    }

    [Fact]
    public void Over_the_poster_limit()
    {
        _session.Access.Grant(_account.Name, TestOrg.Staff2, "r");
        _session.Access.Grant(_account.Name, TestOrg.Staff3, "r");
        EditDirectory(d => Group(d)["members"]!.AsArray().Add("u-liam"));
        Assert.Equal(new[] { "HW-AUT-001", "HW-LIM-001" }, Rules().OrderBy(x => x));
    }

    [Fact]
    public void Unregistered_posting_group_and_vanished_registered_group()
    {
        EditDirectory(d =>
        {
            var g = Group(d);
            g["displayName"] = "Other-name";                       // the registered group disappears from the convention...
            d["groups"]!.AsArray().Add(new JsonObject { ["id"] = "g2", ["displayName"] = "HW-Posting-rogue", ["members"] = new JsonArray() });
        });
        Assert.Equal(new[] { "HW-REG-001", "HW-REG-002" }, Rules().OrderBy(x => x));
    }

    [Fact]
    public void Escalation_contact_disabled() { EditDirectory(d => User(d, TestOrg.Manager)["accountEnabled"] = false); Assert.Contains("HW-ESC-002", Rules()); }

    [Fact]
    public void Escalation_role_unassigned()
    {
        File.WriteAllText(_policy, File.ReadAllText(_policy).Replace("      user: daniel.okafor@hwsefton.example\n", ""));
        HwServices s = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, _policy, _clock);
        Assert.Equal(new[] { "HW-ESC-001" }, s.Compliance.Run().Select(f => f.RuleId));
    }

    [Fact]
    public void Policy_past_its_review_date()
    {
        _clock.UtcNow = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var f = Assert.Single(_session.Compliance.Run());
        Assert.Equal(("HW-POL-001", "SMP-7.4"), (f.RuleId, f.ClauseId));
    }

    [Fact]
    public void Summary_counts_by_severity_and_rule()
    {
        EditDirectory(d => User(d, TestOrg.Staff1)["accountEnabled"] = false);
        var findings = _session.Compliance.Run();
        ComplianceSummary s = _session.Compliance.Summarise(findings);
        Assert.False(s.Passed);
        Assert.Equal(1, s.Critical);
        Assert.Equal(1, s.Rules.Single(r => r.RuleId == "HW-ELG-001").Count);
        Assert.True(_session.Compliance.Summarise(Array.Empty<ComplianceFinding>()).Passed);
    }

    public void Dispose() => _org.Dispose();
}
