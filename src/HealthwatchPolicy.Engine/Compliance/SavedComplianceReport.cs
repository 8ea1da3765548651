using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// A compliance report as saved (<c>Export-HwComplianceReport -Format Json</c>): version 1 of the document the schema
/// <c>policy/schema/compliance-report.schema.json</c> describes, with the run's provenance and every finding by its
/// stable key. <c>Compare-HwComplianceReport</c> reads two of them.
/// </summary>
public sealed class SavedComplianceReport
{
    /// <summary>The document kind, always <c>HealthwatchComplianceReport</c>.</summary>
    public const string DocumentKind = "HealthwatchComplianceReport";
    /// <summary>The document version this module writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Always <see cref="DocumentKind"/>.</summary>
    public string Kind { get; set; } = DocumentKind;
    /// <summary>The document version (1).</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>Who ran it, with what, against what, and when.</summary>
    public ReportRun Run { get; set; } = new();
    /// <summary>The counts and the result.</summary>
    public SavedSummary Summary { get; set; } = new();
    /// <summary>Every finding of the run, open and suppressed.</summary>
    public List<SavedFinding> Findings { get; set; } = new();
    /// <summary>
    /// The keys of every finding found in this report or in any report saved before it in the same chain (each report
    /// made with a previous one carries the previous one's keys on): what makes a finding <c>Reopened</c> rather than <c>New</c>.
    /// </summary>
    public List<string> SeenKeys { get; set; } = new();

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The report as saved: its findings, run metadata and the keys seen so far (<paramref name="previous"/>'s carried on).</summary>
    public static SavedComplianceReport From(ComplianceReport report, SavedComplianceReport? previous = null)
    {
        ComplianceSummary s = report.Summary;
        var saved = new SavedComplianceReport
        {
            Run = new ReportRun
            {
                Actor = report.Actor, ModuleVersion = report.ModuleVersion, Organisation = report.Organisation, PolicyTitle = report.PolicyTitle,
                PolicyVersion = report.PolicyVersion, Directory = s.Directory, StartedAt = report.StartedAt, FinishedAt = report.FinishedAt,
                Witness = report.Witness,
            },
            Summary = new SavedSummary
            {
                Result = s.Result, Passed = s.Passed, Total = s.Total, Suppressed = s.Suppressed, Critical = s.Critical, High = s.High,
                Medium = s.Medium, Low = s.Low, Info = s.Info,
            },
            Findings = report.Findings.Select(f => new SavedFinding
            {
                Key = f.Key, RuleId = f.RuleId, Title = f.Title, Check = f.Check, Severity = f.Severity.ToString(), Status = f.Status,
                ClauseId = f.ClauseId, Account = f.Account, Subject = f.Subject, Evidence = f.Evidence, Remediation = f.Remediation,
                Exception = f.ExceptionId is null ? null : new SavedException
                {
                    Id = f.ExceptionId, Justification = f.Justification ?? "", ApprovedBy = f.ApprovedBy ?? "", Expires = f.ExceptionExpires ?? default,
                },
            }).ToList(),
        };
        saved.SeenKeys = (previous?.SeenKeys ?? new List<string>()).Concat(previous?.Findings.Select(f => f.Key) ?? Enumerable.Empty<string>())
            .Concat(saved.Findings.Select(f => f.Key)).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToList();
        return saved;
    }

    /// <summary>The document as indented UTF-8 JSON text (camelCase names; absent values left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The largest saved report read, in bytes (a report of thousands of findings is a few MB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Reads the saved report at <paramref name="path"/> (a regular file of at most <see cref="MaxFileBytes"/>, UTF-8).
    /// A missing, unreadable or oversized file, or one that does not parse, is <c>ReportInvalid</c> (input <c>path</c>).</summary>
    public static SavedComplianceReport Load(string path)
    {
        string text;
        try
        {
            var info = new System.IO.FileInfo(path);
            if (!info.Exists)
                throw new HwException(ErrorIds.ReportInvalid, $"There is no saved report at '{path}'.", path, input: "path");
            if (info.Length > MaxFileBytes)
                throw new HwException(ErrorIds.ReportInvalid, $"'{path}' is {info.Length:N0} bytes; a saved report is at most {MaxFileBytes:N0}.", path, input: "path");
            text = System.IO.File.ReadAllText(path, new System.Text.UTF8Encoding(false, true));
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
        {
            throw new HwException(ErrorIds.ReportInvalid, $"'{path}' cannot be read as a saved report: {ex.Message}", path, ex, input: "path");
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Reads a saved report; <paramref name="source"/> names it in errors. Throws <c>ReportInvalid</c> for text that is not
    /// JSON, not this kind of document, a version this module does not read, or a finding without its key parts.
    /// </summary>
    public static SavedComplianceReport Parse(string text, string source)
    {
        SavedComplianceReport? r;
        try
        {
            // The shape first (decision 0186): defaults must not stand in for what the file lacks, and a hand-edited
            // severity, status or repeated finding is not a report.
            using (JsonDocument doc = JsonDocument.Parse(text))
                if (SavedReportShape.Problem(doc.RootElement) is { } problem)
                    throw new HwException(ErrorIds.ReportInvalid,
                        $"'{source}' is not a valid saved compliance report: {problem}. Save one with Export-HwComplianceReport -Format Json.", source, input: "path");
            r = JsonSerializer.Deserialize<SavedComplianceReport>(text, s_json);
        }
        catch (JsonException ex)
        {
            throw new HwException(ErrorIds.ReportInvalid, $"'{source}' is not a saved compliance report: {ex.Message}", source, ex, input: "path");
        }
        if (r is null || r.Kind != DocumentKind)
            throw new HwException(ErrorIds.ReportInvalid, $"'{source}' is not a saved compliance report (its kind is not '{DocumentKind}'); save one with Export-HwComplianceReport -Format Json.", source, input: "path");
        if (r.SchemaVersion != CurrentSchemaVersion)
            throw new HwException(ErrorIds.ReportInvalid, $"'{source}' is a version {r.SchemaVersion} report; this module reads version {CurrentSchemaVersion}.", source, input: "path");
        if (r.Findings.Any(f => f is null || string.IsNullOrEmpty(f.RuleId) || f.Subject is null || f.Key != ComplianceFinding.KeyOf(f.RuleId, f.Account, f.Subject)))
            throw new HwException(ErrorIds.ReportInvalid, $"'{source}' has a finding whose key does not match its rule, account and subject.", source, input: "path");
        r.SeenKeys ??= new List<string>();
        return r;
    }
}

/// <summary>Who ran a report, with which module, against which policy and directory, when, and the journal's witness then.</summary>
public sealed class ReportRun
{
    /// <summary>Who ran it: the same actor string the journal records.</summary>
    public string Actor { get; set; } = "";
    /// <summary>The module version that made it.</summary>
    public string ModuleVersion { get; set; } = "";
    /// <summary>The organisation the policy names.</summary>
    public string Organisation { get; set; } = "";
    /// <summary>The policy's title.</summary>
    public string PolicyTitle { get; set; } = "";
    /// <summary>The policy's version.</summary>
    public string PolicyVersion { get; set; } = "";
    /// <summary>The directory it ran over.</summary>
    public string Directory { get; set; } = "";
    /// <summary>When the run started (the session clock, UTC).</summary>
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>When it finished.</summary>
    public DateTimeOffset FinishedAt { get; set; }
    /// <summary>The journal's latest entry, <c>&lt;sequence&gt;:&lt;hash&gt;</c>, for <c>Test-HwAuditLog -Witness</c>; null for an empty journal.</summary>
    public string? Witness { get; set; }
}

/// <summary>A saved report's counts.</summary>
public sealed class SavedSummary
{
    /// <summary><c>Pass</c>, <c>PassWithExceptions</c> or <c>Fail</c>.</summary>
    public string Result { get; set; } = "";
    /// <summary>No open finding above Info.</summary>
    public bool Passed { get; set; }
    /// <summary>Open findings.</summary>
    public int Total { get; set; }
    /// <summary>Suppressed findings.</summary>
    public int Suppressed { get; set; }
    /// <summary>Open Critical findings.</summary>
    public int Critical { get; set; }
    /// <summary>Open High findings.</summary>
    public int High { get; set; }
    /// <summary>Open Medium findings.</summary>
    public int Medium { get; set; }
    /// <summary>Open Low findings.</summary>
    public int Low { get; set; }
    /// <summary>Open Info findings.</summary>
    public int Info { get; set; }
}

/// <summary>A finding as saved: its stable key and what the report said about it.</summary>
public sealed class SavedFinding
{
    /// <summary><c>&lt;rule&gt;|&lt;account&gt;|&lt;subject&gt;</c> (see <see cref="ComplianceFinding.Key"/>).</summary>
    public string Key { get; set; } = "";
    /// <summary>The rule id.</summary>
    public string RuleId { get; set; } = "";
    /// <summary>The rule's title.</summary>
    public string Title { get; set; } = "";
    /// <summary>The check that found it.</summary>
    public string Check { get; set; } = "";
    /// <summary>Critical, High, Medium, Low or Info.</summary>
    public string Severity { get; set; } = "";
    /// <summary><c>Open</c> or <c>Suppressed</c>.</summary>
    public string Status { get; set; } = "Open";
    /// <summary>The clause it quotes, or null.</summary>
    public string? ClauseId { get; set; }
    /// <summary>The official account, or null for organisation-wide findings.</summary>
    public string? Account { get; set; }
    /// <summary>Who or what it is about.</summary>
    public string Subject { get; set; } = "";
    /// <summary>What was found.</summary>
    public string Evidence { get; set; } = "";
    /// <summary>What to do.</summary>
    public string Remediation { get; set; } = "";
    /// <summary>The exception that suppressed it, or null.</summary>
    public SavedException? Exception { get; set; }
}

/// <summary>The exception a saved finding was suppressed by.</summary>
public sealed class SavedException
{
    /// <summary>Its id (<c>EXC-0001</c>).</summary>
    public string Id { get; set; } = "";
    /// <summary>Its justification.</summary>
    public string Justification { get; set; } = "";
    /// <summary>Its approver.</summary>
    public string ApprovedBy { get; set; } = "";
    /// <summary>When it ends.</summary>
    public DateTimeOffset Expires { get; set; }
}

/// <summary>One finding's change between two reports (<c>Compare-HwComplianceReport</c>).</summary>
public sealed class ComplianceChange
{
    internal ComplianceChange(string change, SavedFinding finding, string? referenceStatus, string? differenceStatus)
    {
        Change = change;
        Key = finding.Key;
        RuleId = finding.RuleId;
        Title = finding.Title;
        Severity = finding.Severity;
        Account = finding.Account;
        Subject = finding.Subject;
        Evidence = finding.Evidence;
        ExceptionId = finding.Exception?.Id;
        ReferenceStatus = referenceStatus;
        DifferenceStatus = differenceStatus;
    }

    /// <summary><c>New</c>, <c>Fixed</c>, <c>StillOpen</c>, <c>Reopened</c>, <c>Suppressed</c> or <c>ExceptionExpired</c>.</summary>
    public string Change { get; }
    /// <summary>The finding's stable key.</summary>
    public string Key { get; }
    /// <summary>The rule id.</summary>
    public string RuleId { get; }
    /// <summary>The rule's title.</summary>
    public string Title { get; }
    /// <summary>The rule's severity.</summary>
    public string Severity { get; }
    /// <summary>The official account, or null.</summary>
    public string? Account { get; }
    /// <summary>Who or what.</summary>
    public string Subject { get; }
    /// <summary>The evidence, from the later report when it has the finding, else from the earlier one.</summary>
    public string Evidence { get; }
    /// <summary>The suppressing exception's id in the later report, or null.</summary>
    public string? ExceptionId { get; }
    /// <summary><c>Open</c>, <c>Suppressed</c>, or null when the reference report did not have the finding.</summary>
    public string? ReferenceStatus { get; }
    /// <summary><c>Open</c>, <c>Suppressed</c>, or null when the later report does not have it.</summary>
    public string? DifferenceStatus { get; }
}

/// <summary>What changed between two saved reports, finding by finding (decision 0181).</summary>
public static class ComplianceReportComparer
{
    private static readonly string[] s_order = { "New", "Reopened", "ExceptionExpired", "StillOpen", "Suppressed", "Fixed" };

    /// <summary>
    /// One change per finding in either report: in the later one and suppressed, <c>Suppressed</c>; an expired-exception
    /// finding (HW-EXC-001), or an open finding the earlier report had suppressed, <c>ExceptionExpired</c>; open in both,
    /// <c>StillOpen</c>; open now and absent from the earlier report, <c>Reopened</c> when the earlier report's
    /// <see cref="SavedComplianceReport.SeenKeys"/> shows it was found before and fixed by then, else <c>New</c>; in the
    /// earlier report only, <c>Fixed</c>. Ordered New, Reopened, ExceptionExpired, StillOpen, Suppressed, Fixed, then by key.
    /// </summary>
    public static IReadOnlyList<ComplianceChange> Compare(SavedComplianceReport reference, SavedComplianceReport difference)
    {
        var before = reference.Findings.GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = difference.Findings.GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var seen = new HashSet<string>(reference.SeenKeys, StringComparer.Ordinal);
        var changes = new List<ComplianceChange>();
        foreach (SavedFinding d in after.Values)
        {
            before.TryGetValue(d.Key, out SavedFinding? r);
            string change =
                d.Status == "Suppressed" ? "Suppressed"
                : d.RuleId == "HW-EXC-001" || r?.Status == "Suppressed" ? "ExceptionExpired"
                : r is not null ? "StillOpen"
                : seen.Contains(d.Key) ? "Reopened"
                : "New";
            changes.Add(new ComplianceChange(change, d, r?.Status, d.Status));
        }
        foreach (SavedFinding r in before.Values.Where(r => !after.ContainsKey(r.Key)))
            changes.Add(new ComplianceChange("Fixed", r, r.Status, null));
        return changes.OrderBy(c => Array.IndexOf(s_order, c.Change)).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
    }
}
