using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Mail;
using Json.Schema;

namespace HealthwatchPolicy.Engine.Tests.Compliance;

/// <summary>Issue 16: saved reports carry their provenance, validate against the shipped schema, and compare by key.</summary>
public sealed class SavedReportTests : IDisposable
{
    private const string Facebook = "facebook-healthwatchsefton";
    private const string Jason = "jason.turner@hwsefton.example";
    private static readonly JsonSchema s_schema = JsonSchema.FromFile(Path.Combine(Repo.Root, "policy", "schema", "compliance-report.schema.json"));
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "hw-saved-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly TestClock _clock = new();
    private readonly HwServices _session;

    public SavedReportTests() =>
        _session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null, _clock);

    private SavedComplianceReport Save(SavedComplianceReport? previous = null) =>
        SavedComplianceReport.Parse(SavedComplianceReport.From(_session.Compliance.BuildReport(), previous).ToJson(), "test");

    private static void AssertValid(string json)
    {
        EvaluationResults r = s_schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(r.IsValid, string.Join("; ", (r.Details ?? new System.Collections.Generic.List<EvaluationResults>()).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    /// <summary>Moves a poster into a posting group behind the module's back (as the admin centre would).</summary>
    private void AddMemberInTheDirectory(string account, string upn)
    {
        string path = Path.Combine(_copy, "directory.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        string id = (string)doc["users"]!.AsArray().Single(u => (string?)u!["userPrincipalName"] == upn)!["id"]!;
        doc["groups"]!.AsArray().Single(g => (string?)g!["displayName"] == "HW-Posting-" + account)!["members"]!.AsArray().Add(id);
        File.WriteAllText(path, doc.ToJsonString());
    }

    [Fact]
    public void The_json_report_carries_its_provenance_and_validates_against_the_shipped_schema()
    {
        _session.Exceptions.New("HW-LIM-001", "instagram-healthwatchsefton", null, "Campaign month", "sarah.whitfield@hwsefton.example", _clock.UtcNow.AddMonths(2));
        ComplianceReport report = _session.Compliance.BuildReport();
        string json = SavedComplianceReport.From(report).ToJson();
        AssertValid(json);
        JsonElement run = JsonDocument.Parse(json).RootElement.GetProperty("run");
        Assert.Equal(_session.Connection.Actor, run.GetProperty("actor").GetString());
        Assert.Equal(_session.Journal.ReadAll().Last().Actor, run.GetProperty("actor").GetString()); // the journal's own actor string
        Assert.Equal("0.1.0", run.GetProperty("moduleVersion").GetString());
        Assert.Equal(("Healthwatch Sefton Social Media Policy", "2018.10"), (run.GetProperty("policyTitle").GetString(), run.GetProperty("policyVersion").GetString()));
        Assert.Equal(_session.Connection.Directory, run.GetProperty("directory").GetString());
        Assert.Equal(_clock.UtcNow, run.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(report.Witness, run.GetProperty("witness").GetString());
        SavedComplianceReport saved = SavedComplianceReport.Parse(json, "r.json");
        Assert.Equal(report.Findings.Select(f => f.Key), saved.Findings.Select(f => f.Key));
        Assert.Contains("HW-ELG-001|facebook-healthwatchsefton|jason.turner@hwsefton.example", saved.Findings.Select(f => f.Key));
        Assert.Equal("Campaign month", saved.Findings.Single(f => f.Status == "Suppressed").Exception!.Justification);

        // The schema refuses what the module would not write.
        AssertInvalid(json.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2"));
        AssertInvalid(json.Replace("\"status\": \"Suppressed\"", "\"status\": \"Hidden\""));
        string html = ComplianceReportRenderer.ToHtml(report).Replace("<wbr>", ""), md = ComplianceReportRenderer.ToMarkdown(report);
        foreach (string shown in new[] { _session.Connection.Actor, "HealthwatchPolicy 0.1.0", "a local copy of the directory", report.Witness! })
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(shown), html);
            Assert.Contains(shown, md);
        }
        Assert.DoesNotContain(_copy, html);
        Assert.DoesNotContain(_copy, md);
        Assert.Contains("<h2 id=\"provenance\">About this report</h2>", html);
        Assert.Contains("## About this report", md);
    }

    private static void AssertInvalid(string json) =>
        Assert.False(s_schema.Evaluate(JsonDocument.Parse(json).RootElement).IsValid);

    [Fact]
    public void Two_saved_reports_around_a_grant_and_a_revoke_compare_to_the_right_new_and_fixed_findings()
    {
        SavedComplianceReport before = Save();
        AddMemberInTheDirectory("youtube-healthwatchsefton", "nadia.khan@hwsefton.example"); // granted outside the module
        _session.Access.Revoke(Facebook, Jason, "Left in October"); // the disabled leaver's access revoked
        _clock.UtcNow = _clock.UtcNow.AddDays(30);
        SavedComplianceReport after = Save(before);

        var changes = ComplianceReportComparer.Compare(before, after);
        Assert.Equal(new[] { "HW-AUT-001|youtube-healthwatchsefton|nadia.khan@hwsefton.example" },
            changes.Where(c => c.Change == "New").Select(c => c.Key));
        Assert.Equal(new[] { $"HW-ELG-001|{Facebook}|{Jason}" }, changes.Where(c => c.Change == "Fixed").Select(c => c.Key));
        Assert.Equal(before.Findings.Count - 1, changes.Count(c => c.Change == "StillOpen"));
        Assert.DoesNotContain(changes, c => c.Change is "Reopened" or "Suppressed" or "ExceptionExpired");

        // Back again a month later: it was found before and fixed, so it is Reopened, not New.
        AddMemberInTheDirectory(Facebook, Jason);
        _clock.UtcNow = _clock.UtcNow.AddDays(30);
        SavedComplianceReport third = Save(after);
        ComplianceChange back = Assert.Single(ComplianceReportComparer.Compare(after, third), c => c.Key == $"HW-ELG-001|{Facebook}|{Jason}");
        Assert.Equal("Reopened", back.Change);
        AssertValid(third.ToJson());
    }

    [Fact]
    public void Suppressed_and_expired_exceptions_have_their_own_changes()
    {
        SavedComplianceReport before = Save();
        ComplianceException e = _session.Exceptions.New("HW-LIM-001", "instagram-healthwatchsefton", null, "Campaign month", "sarah.whitfield@hwsefton.example", _clock.UtcNow.AddMonths(1));
        SavedComplianceReport during = Save(before);
        Assert.Equal("Suppressed", ComplianceReportComparer.Compare(before, during).Single(c => c.RuleId == "HW-LIM-001").Change);
        _clock.UtcNow = e.Expires.AddDays(1);
        var changes = ComplianceReportComparer.Compare(during, Save(during));
        Assert.Equal("ExceptionExpired", changes.Single(c => c.RuleId == "HW-LIM-001").Change);
        Assert.Equal("ExceptionExpired", changes.Single(c => c.RuleId == "HW-EXC-001").Change);
    }

    [Fact]
    public void The_monthly_mail_says_what_changed_since_the_last_report_it_saved()
    {
        string outbox = Path.Combine(_copy, "outbox");
        _session.Compliance.SendComplianceReport(new OutboxMailer(outbox), "reports@hwsefton.example", null);
        Assert.DoesNotContain("Since the last report", File.ReadAllText(Directory.GetFiles(outbox).Single()));
        string latest = Path.Combine(_session.Connection.StatePath, "reports", "latest.json");
        AssertValid(File.ReadAllText(latest));
        Assert.True(File.Exists(Path.Combine(_session.Connection.StatePath, "reports", "2026-11.json")));

        _session.Access.Revoke(Facebook, Jason, "Left in October");
        _clock.UtcNow = _clock.UtcNow.AddMonths(1);
        _session.Compliance.SendComplianceReport(new OutboxMailer(outbox), "reports@hwsefton.example", null);
        string second = File.ReadAllText(Directory.GetFiles(outbox).OrderBy(f => File.GetLastWriteTimeUtc(f)).ThenBy(f => f).Last(f => File.ReadAllText(f).Contains("Since the last report")));
        Assert.Contains("Since the last report", second);
        Assert.True(File.Exists(Path.Combine(_session.Connection.StatePath, "reports", "2026-12.json")));
        SavedComplianceReport now = SavedComplianceReport.Parse(File.ReadAllText(latest), latest);
        Assert.DoesNotContain($"HW-ELG-001|{Facebook}|{Jason}", now.Findings.Select(f => f.Key));
        Assert.Contains($"HW-ELG-001|{Facebook}|{Jason}", now.SeenKeys);
    }

    [Fact]
    public void Json_that_is_not_a_valid_saved_report_is_ReportInvalid_naming_the_file_as_the_schema_says()
    {
        string valid = Save().ToJson();
        Assert.True(SavedComplianceReport.Parse(valid, "r.json").Findings.Count > 1);
        JsonObject Doc() => JsonNode.Parse(valid)!.AsObject();
        JsonObject First(JsonObject d) => d["findings"]!.AsArray()[0]!.AsObject();
        var cases = new List<(string Json, string Says)>
        {
            ("{\"a\":1}", "'a'"),
            (With(Doc(), d => d.Remove("kind")), "kind"),
            (With(Doc(), d => d["findings"] = null), "findings is null"),
            (With(Doc(), d => d.Remove("seenKeys")), "seenKeys is missing"),
            (With(Doc(), d => First(d)["severity"] = "Urgent"), "severity 'Urgent'"),
            (With(Doc(), d => First(d)["status"] = "Closed"), "status 'Closed'"),
            (With(Doc(), d => First(d)["status"] = "Suppressed"), "names no exception"),
            (With(Doc(), d => d["findings"]!.AsArray().Add(First(d).DeepClone())), "repeats the key"),
            (With(Doc(), d => d["summary"]!["result"] = "Maybe"), "summary.result"),
        };
        foreach ((string json, string says) in cases)
        {
            if (says != "repeats the key") // JSON Schema cannot say "no two findings share a key"; the reader does
                AssertInvalid(json); // the shipped schema agrees
            HwException e = Assert.Throws<HwException>(() => SavedComplianceReport.Parse(json, "march.json"));
            Assert.Equal(ErrorIds.ReportInvalid, e.ErrorId);
            Assert.Contains("'march.json'", e.Message);
            Assert.Contains(says, e.Message);
        }
        // a property twice (JSON allows it to be written; a saved report never has it)
        string twice = valid.Replace("\"kind\":", "\"kind\": \"HealthwatchComplianceReport\", \"kind\":");
        Assert.Contains("'kind' twice", Assert.Throws<HwException>(() => SavedComplianceReport.Parse(twice, "march.json")).Message);
    }

    private static string With(JsonObject doc, Action<JsonObject> change)
    {
        change(doc);
        return doc.ToJsonString();
    }

    [Fact]
    public void A_file_that_is_not_a_saved_report_is_refused()
    {
        Assert.Equal(ErrorIds.ReportInvalid, Assert.Throws<HwException>(() => SavedComplianceReport.Parse("{\"kind\":\"Other\"}", "x")).ErrorId);
        Assert.Equal(ErrorIds.ReportInvalid, Assert.Throws<HwException>(() => SavedComplianceReport.Parse("not json", "x")).ErrorId);
    }

    public void Dispose()
    {
        try { Directory.Delete(_copy, true); } catch (IOException) { }
    }
}
