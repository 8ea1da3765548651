using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// The report as one self-contained file a person reads: HTML (summary at a glance, an inline SVG chart by rule
/// with a table twin, findings grouped by account; nothing fetched from the network) or Markdown for wikis and Teams.
/// </summary>
public static class ComplianceReportRenderer
{
    private static readonly Severity[] s_severities = { Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info };

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
    private static string AccountHeading(string? account) => account ?? "Organisation-wide";

    /// <summary>
    /// The directory in words for a person: which kind of directory, never a folder path or an app id (a report is
    /// mailed and printed, and the machine's folders mean nothing to its reader).
    /// </summary>
    internal static string DirectoryInWords(string? directory) =>
        directory is null ? "the directory"
        : directory.StartsWith("graph:", StringComparison.OrdinalIgnoreCase) ? "the organisation's Microsoft 365 directory"
        : directory.StartsWith("local:", StringComparison.OrdinalIgnoreCase) ? "a local copy of the directory (files, not Microsoft 365)"
        : "the directory";

    /// <summary>The open findings (suppressed ones have their own section) in the order a reader acts on them: severity
    /// (Critical first), then account (organisation-wide last), then rule.</summary>
    internal static System.Collections.Generic.IEnumerable<ComplianceFinding> ReadingOrder(ComplianceReport report) =>
        Open(report).OrderBy(f => f.Severity).ThenBy(f => f.Account is null ? 1 : 0).ThenBy(f => f.Account, StringComparer.Ordinal)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal).ThenBy(f => f.Subject, StringComparer.Ordinal);

    /// <summary>The report as one self-contained HTML page (UTF-8, inline CSS): a summary, a bar chart by rule labelled in words,
    /// and the findings by severity (Critical first), each with the manager's next step beside the administrator's command. Pure: touches no file.</summary>
    public static string ToHtml(ComplianceReport report)
    {
        ComplianceSummary s = report.Summary;
        var html = new StringBuilder();
        html.Append($@"<!DOCTYPE html>
<html lang=""en-GB"">
<head>
<meta charset=""utf-8"">
<meta name=""viewport"" content=""width=device-width, initial-scale=1"">
<title>Social media policy compliance: {H(s.Result)} ({H(report.Organisation)}, {H(When(s.GeneratedAt))})</title>
<style>{Css}{SectionsCss}</style>
</head>
<body>
<header>
<p class=""org"">{H(report.Organisation)}</p>
<h1>Social media policy compliance report</h1>
<p>Generated {H(When(s.GeneratedAt))} from {H(DirectoryInWords(s.Directory))}, against {H(report.PolicyTitle)} version {H(report.PolicyVersion)}.</p>
</header>
<main id=""content"">
<section aria-labelledby=""glance"">
<h2 id=""glance"">At a glance</h2>
<p class=""result result-{(s.Passed ? "pass" : "fail")}""><strong>Result: {ResultWords(s)}</strong> &ndash; {s.Total} finding{(s.Total == 1 ? "" : "s")}.</p>
<table class=""counts"">
<caption>Findings by severity</caption>
<thead><tr><th scope=""col"">Severity</th><th scope=""col"">Findings</th></tr></thead>
<tbody>
{string.Concat(s_severities.Select(v => $"<tr><th scope=\"row\"><span class=\"sev sev-{v.ToString().ToLowerInvariant()}\">{v}</span></th><td>{Count(s, v)}</td></tr>\n"))}</tbody>
</table>
");
        AppendChart(html, s);
        html.Append($@"</section>
<section aria-labelledby=""context"">
<h2 id=""context"">Policy and contacts</h2>
<ul>
<li>Policy: {H(report.PolicyTitle)}, version {H(report.PolicyVersion)}; next review due {H(EnglishDate.Long(report.PolicyNextReviewDue))}{(report.PolicyNextReviewDue < s.GeneratedAt.UtcDateTime ? " <strong>(overdue)</strong>" : "")}.</li>
{string.Concat(report.Contacts.Select(c => $"<li>{H(c.Role)}: {(c.Holder is null ? "<strong>not assigned</strong>" : H(c.DisplayName is null ? c.Holder : $"{c.DisplayName} ({c.Holder})"))} &ndash; {H(c.Status)}</li>\n"))}</ul>
</section>
<section aria-labelledby=""findings"">
<h2 id=""findings"">Findings, most serious first</h2>
");
        if (report.Findings.Count == 0)
            html.Append("<p>No findings: every enforced clause of the policy is met.</p>\n");
        foreach (var group in ReadingOrder(report).GroupBy(f => f.Severity))
        {
            html.Append($"<h3 id=\"sev-{group.Key.ToString().ToLowerInvariant()}\">{group.Key} ({group.Count()})</h3>\n<ul class=\"findings\">\n");
            foreach (ComplianceFinding f in group)
                html.Append($@"<li class=""finding sev-{f.Severity.ToString().ToLowerInvariant()}"">
<p class=""title""><span class=""sev"">{f.Severity}</span> {H(f.Title)} <span class=""rule"">{H(f.RuleId)}</span></p>
<dl>
<dt>Account</dt><dd>{H(AccountHeading(f.Account))}</dd>
<dt>Who or what</dt><dd>{H(f.Subject)}</dd>
<dt>Evidence</dt><dd>{H(f.Evidence)}</dd>
<dt>What to do</dt><dd>{H(f.NextStep)}</dd>
<dt>How (for IT support)</dt><dd>{H(f.Remediation)}</dd>
<dt>Policy clause</dt><dd>{(f.ClauseId is null ? "(none)" : $"{H(f.ClauseId)}: &ldquo;{H(f.ClauseText)}&rdquo;")}</dd>
</dl>
</li>
");
            html.Append("</ul>\n");
        }
        html.Append("</section>\n");
        AppendSuppressedHtml(html, report);
        AppendChangesHtml(html, report);
        AppendProvenanceHtml(html, report);
        html.Append($@"</main>
<footer>
<p>HealthwatchPolicy compliance report. Rule ids are stable: scripts and follow-up notes can refer to them. Policy version {H(report.PolicyVersion)}.</p>
<p>Journal witness: <code>{H(report.Witness ?? "none (the journal is empty)")}</code>. Keep this report: <code>Test-HwAuditLog -Witness</code> checks that the journal still passes through it.</p>
</footer>
</body>
</html>
");
        // Ids kept whole, long names breakable between their parts; no control from directory data reaches the reader.
        return Text.SafeText.Neutralise(Text.ReadableBreaks.Apply(html.ToString()), keepLineFeeds: true)!;
    }

    /// <summary>
    /// A bar per rule that found something, made of HTML so it reads without the table and at any width: each bar is
    /// labelled in words (the rule's title, its severity written out, its id) and carries its count as text; the colour
    /// repeats the severity written beside it, so nothing depends on telling colours apart (no legend needed).
    /// </summary>
    private static void AppendChart(StringBuilder html, ComplianceSummary s)
    {
        var rows = s.Rules.Where(r => r.Count > 0).OrderBy(r => r.Severity).ThenByDescending(r => r.Count).ToList();
        if (rows.Count == 0)
            return;
        int max = rows.Max(r => r.Count);
        html.Append(@"<figure class=""chart"" aria-labelledby=""chart-title"">
<figcaption id=""chart-title"">Findings by rule, most serious first (bar length is the number of findings)</figcaption>
<ul class=""bars"">
");
        foreach (ComplianceRuleCount r in rows)
        {
            int percent = Math.Max(3, r.Count * 70 / max); // the longest bar takes 70% of the row, leaving room for its count
            string sev = r.Severity.ToString().ToLowerInvariant();
            html.Append($@"<li><span class=""bar-label"">{H(r.Title)} <span class=""bar-meta"">({r.Severity}, {H(r.RuleId)})</span></span>
<span class=""bar-row""><span class=""bar bar-{sev}"" style=""width:{percent.ToString(CultureInfo.InvariantCulture)}%""></span><span class=""bar-count"">{r.Count} finding{(r.Count == 1 ? "" : "s")}</span></span></li>
");
        }
        html.Append("</ul>\n</figure>\n");
    }

    /// <summary>The report as Markdown (GitHub flavour): the summary, the per-rule counts and the findings as tables. Pure: touches no file.</summary>
    public static string ToMarkdown(ComplianceReport report)
    {
        ComplianceSummary s = report.Summary;
        var md = new StringBuilder();
        md.AppendLine("# Social media policy compliance report").AppendLine();
        md.AppendLine($"{Esc(report.Organisation)}. Generated {When(s.GeneratedAt)} from {Esc(DirectoryInWords(s.Directory))}, against {Esc(report.PolicyTitle)} version {Esc(report.PolicyVersion)}.").AppendLine();
        md.AppendLine("## At a glance").AppendLine();
        md.AppendLine($"**Result: {ResultWords(s)}** ({s.Total} finding{(s.Total == 1 ? "" : "s")}).").AppendLine();
        md.AppendLine("| " + string.Join(" | ", s_severities) + " |");
        md.AppendLine("|" + string.Concat(s_severities.Select(_ => " --- |")));
        md.AppendLine("| " + string.Join(" | ", s_severities.Select(v => Count(s, v))) + " |").AppendLine();
        var rows = s.Rules.Where(r => r.Count > 0).OrderBy(r => r.Severity).ToList();
        if (rows.Count > 0)
        {
            md.AppendLine("| Rule | What it checks | Severity | Findings |").AppendLine("| --- | --- | --- | --- |");
            foreach (ComplianceRuleCount r in rows)
                md.AppendLine($"| {r.RuleId} | {Esc(r.Title)} | {r.Severity} | {r.Count} |");
            md.AppendLine();
        }
        md.AppendLine("## Policy and contacts").AppendLine();
        md.AppendLine($"- Policy: {Esc(report.PolicyTitle)}, version {Esc(report.PolicyVersion)}; next review due {EnglishDate.Long(report.PolicyNextReviewDue)}.");
        md.AppendLine($"- Journal witness: `{report.Witness ?? "none (the journal is empty)"}` (keep this report: `Test-HwAuditLog -Witness` checks that the journal still passes through it).");
        foreach (ReportContact c in report.Contacts)
            md.AppendLine($"- {Esc(c.Role)}: {Esc(c.Holder is null ? "not assigned" : c.DisplayName is null ? c.Holder : $"{c.DisplayName} ({c.Holder})")} ({Esc(c.Status)})");
        md.AppendLine().AppendLine("## Findings, most serious first").AppendLine();
        if (report.Findings.Count == 0)
            md.AppendLine("No findings: every enforced clause of the policy is met.");
        foreach (var group in ReadingOrder(report).GroupBy(f => f.Severity))
        {
            md.AppendLine($"### {group.Key} ({group.Count()})").AppendLine();
            md.AppendLine("| Rule | Account | Who or what | Evidence | What to do | How (for IT support) | Clause |").AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (ComplianceFinding f in group)
                md.AppendLine($"| {f.RuleId} {Esc(f.Title)} | {Esc(AccountHeading(f.Account))} | {Esc(f.Subject)} | {Esc(f.Evidence)} | {Esc(f.NextStep)} | {Esc(f.Remediation)} | {Esc(f.ClauseId ?? "")} |");
            md.AppendLine();
        }
        AppendSuppressedMarkdown(md, report);
        AppendChangesMarkdown(md, report);
        AppendProvenanceMarkdown(md, report);
        return Text.SafeText.Neutralise(md.ToString(), keepLineFeeds: true)!;
    }

    // ---- Compliance exceptions (issue 16): a section of its own, after the open findings. ----

    /// <summary>The result in words: a report that passes only because exceptions suppress findings says so (never a plain pass).</summary>
    private static string ResultWords(ComplianceSummary s) => !s.Passed ? "Fail" : s.Suppressed > 0 ? $"Pass with exceptions ({s.Suppressed} suppressed)" : "Pass";

    /// <summary>The findings no exception suppresses (the ones the "Findings by account" section lists).</summary>
    private static System.Collections.Generic.IEnumerable<ComplianceFinding> Open(ComplianceReport report) => report.Findings.Where(f => f.ExceptionId is null);

    private static System.Collections.Generic.List<ComplianceFinding> SuppressedOf(ComplianceReport report) =>
        report.Findings.Where(f => f.ExceptionId is not null).ToList();

    /// <summary>"Suppressed by exception": every suppressed finding with its exception's justification, approver and expiry.</summary>
    private static void AppendSuppressedHtml(StringBuilder html, ComplianceReport report)
    {
        var suppressed = SuppressedOf(report);
        if (suppressed.Count == 0)
            return;
        html.Append($@"<section aria-labelledby=""suppressed"">
<h2 id=""suppressed"">Suppressed by exception</h2>
<p>{suppressed.Count} finding{(suppressed.Count == 1 ? " is" : "s are")} still found but accepted until the date shown. They are not a pass: each is checked again at every run and is back when its exception ends.</p>
<table class=""suppressed"">
<caption>Findings suppressed by a compliance exception</caption>
<thead><tr><th scope=""col"">Finding</th><th scope=""col"">Justification</th><th scope=""col"">Approved by</th><th scope=""col"">Expires</th></tr></thead>
<tbody>
");
        foreach (ComplianceFinding f in suppressed)
            html.Append($"<tr><td>{f.Severity} <span class=\"rule\">{H(f.RuleId)}</span> {H(f.Title)}: {H(AccountHeading(f.Account))}, {H(f.Subject)} ({H(f.ExceptionId)})</td>"
                + $"<td>{H(f.Justification)}</td><td>{H(f.ApprovedBy)}</td><td>{H(f.ExceptionExpires is { } e ? When(e) : "")}</td></tr>\n");
        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void AppendSuppressedMarkdown(StringBuilder md, ComplianceReport report)
    {
        var suppressed = SuppressedOf(report);
        if (suppressed.Count == 0)
            return;
        md.AppendLine("## Suppressed by exception").AppendLine();
        md.AppendLine($"{suppressed.Count} finding{(suppressed.Count == 1 ? " is" : "s are")} still found but accepted until the date shown. They are not a pass: each is checked again at every run and is back when its exception ends.").AppendLine();
        md.AppendLine("| Severity | Rule | Account | Who or what | Exception | Justification | Approved by | Expires |").AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (ComplianceFinding f in suppressed)
            md.AppendLine($"| {f.Severity} | {f.RuleId} | {Esc(AccountHeading(f.Account))} | {Esc(f.Subject)} | {f.ExceptionId} | {Esc(f.Justification ?? "")} | {Esc(f.ApprovedBy ?? "")} | {(f.ExceptionExpires is { } e ? When(e) : "")} |");
        md.AppendLine();
    }

    // ---- Since the last report, and the run's provenance (issue 16): sections of their own, after the findings. ----

    private static readonly string[] s_changeKinds = { "New", "Reopened", "ExceptionExpired", "Fixed", "Suppressed", "StillOpen" };

    private static string ChangeWords(string change) => change switch
    {
        "New" => "New",
        "Reopened" => "Reopened (fixed before, back now)",
        "ExceptionExpired" => "Exception ended",
        "Fixed" => "Fixed",
        "Suppressed" => "Suppressed by exception",
        _ => "Still open",
    };

    private static void AppendChangesHtml(StringBuilder html, ComplianceReport report)
    {
        if (report.Changes is not { } changes)
            return;
        html.Append($@"<section aria-labelledby=""since"">
<h2 id=""since"">Since the last report</h2>
<p>Compared with the report of {H(report.PreviousRun is { } p ? When(p.FinishedAt) : "(unknown)")}.</p>
<table class=""changes"">
<caption>Findings by change since the last report</caption>
<thead><tr>{string.Concat(s_changeKinds.Select(k => $"<th scope=\"col\">{H(ChangeWords(k))}</th>"))}</tr></thead>
<tbody><tr>{string.Concat(s_changeKinds.Select(k => $"<td>{changes.Count(c => c.Change == k)}</td>"))}</tr></tbody>
</table>
");
        var listed = changes.Where(c => c.Change != "StillOpen").ToList();
        if (listed.Count > 0)
        {
            html.Append("<ul class=\"changes\">\n");
            foreach (ComplianceChange c in listed)
                html.Append($"<li><strong>{H(ChangeWords(c.Change))}</strong>: {H(c.Severity)} <span class=\"rule\">{H(c.RuleId)}</span> {H(c.Title)} &ndash; {H(AccountHeading(c.Account))}, {H(c.Subject)}</li>\n");
            html.Append("</ul>\n");
        }
        html.Append("</section>\n");
    }

    private static void AppendChangesMarkdown(StringBuilder md, ComplianceReport report)
    {
        if (report.Changes is not { } changes)
            return;
        md.AppendLine("## Since the last report").AppendLine();
        md.AppendLine($"Compared with the report of {(report.PreviousRun is { } p ? When(p.FinishedAt) : "(unknown)")}.").AppendLine();
        md.AppendLine("| " + string.Join(" | ", s_changeKinds.Select(ChangeWords)) + " |");
        md.AppendLine("|" + string.Concat(s_changeKinds.Select(_ => " --- |")));
        md.AppendLine("| " + string.Join(" | ", s_changeKinds.Select(k => changes.Count(c => c.Change == k))) + " |").AppendLine();
        var listed = changes.Where(c => c.Change != "StillOpen").ToList();
        if (listed.Count > 0)
        {
            md.AppendLine("| Change | Severity | Rule | Account | Who or what |").AppendLine("| --- | --- | --- | --- | --- |");
            foreach (ComplianceChange c in listed)
                md.AppendLine($"| {ChangeWords(c.Change)} | {c.Severity} | {c.RuleId} | {Esc(AccountHeading(c.Account))} | {Esc(c.Subject)} |");
            md.AppendLine();
        }
    }

    /// <summary>Who ran it, with what, against what, when: the same fields the saved JSON report's <c>run</c> carries.</summary>
    private static (string Label, string Value)[] Provenance(ComplianceReport r) => new[]
    {
        ("Run by", r.Actor),
        ("Module", $"HealthwatchPolicy {r.ModuleVersion}"),
        ("Policy", $"{r.PolicyTitle}, version {r.PolicyVersion}"),
        ("Directory", DirectoryInWords(r.Summary.Directory)), // no machine folder in a document for people (issue 14); the JSON keeps it
        ("Started", When(r.StartedAt)),
        ("Finished", When(r.FinishedAt)),
        ("Journal witness", r.Witness ?? "none (the journal is empty)"),
    };

    private static void AppendProvenanceHtml(StringBuilder html, ComplianceReport report)
    {
        html.Append("<section aria-labelledby=\"provenance\">\n<h2 id=\"provenance\">About this report</h2>\n<dl class=\"provenance\">\n");
        foreach ((string label, string value) in Provenance(report))
            html.Append($"<dt>{H(label)}</dt><dd>{H(value)}</dd>\n");
        html.Append("</dl>\n</section>\n");
    }

    private static void AppendProvenanceMarkdown(StringBuilder md, ComplianceReport report)
    {
        md.AppendLine("## About this report").AppendLine();
        foreach ((string label, string value) in Provenance(report))
            md.AppendLine($"- {label}: {Esc(value)}");
        md.AppendLine();
    }

    private static int Count(ComplianceSummary s, Severity v) => v switch
    {
        Severity.Critical => s.Critical,
        Severity.High => s.High,
        Severity.Medium => s.Medium,
        Severity.Low => s.Low,
        _ => s.Info,
    };

    /// <summary>Outside text for one line or table cell: a CR or LF (alone or paired) cannot end the row, and controls become visible.</summary>
    private static string Esc(string s) => Text.SafeText.Neutralise(Policy.PolicyRenderer.Escape(s.Replace("\r\n", " ").Replace('\n', ' ')))!;

    /// <summary>The styles of issue 16's sections (suppressed, since the last report, about this report): long
    /// unbroken values (hashes, keys, addresses) wrap, and the wide tables fit a phone.</summary>
    private const string SectionsCss = @"
dl.provenance dd, table.suppressed td, table.changes td, ul.changes li { overflow-wrap: break-word; min-width: 0; }
table.suppressed, table.changes { table-layout: fixed; width: 100%; }
table.changes th { overflow-wrap: break-word; hyphens: auto; font-size: .9em; }";

    // Words break only where a reader expects (decision 0165): overflow-wrap: break-word breaks a word only when it
    // cannot fit a line of its own, and ReadableBreaks keeps ids whole and lets long names break between their parts.
    // Print: A4 with margins set here (the browser's own header and footer are a print option, off in the test's PDF).
    private const string Css = @"
:root { color-scheme: light; }
body { margin: 0 auto; padding: 1rem 1.25rem; max-width: 60rem; font-family: Arial, Helvetica, sans-serif; color: #1b1b1b;
       background: #ffffff; line-height: 1.5; overflow-wrap: break-word; }
header .org { font-weight: bold; color: #004b87; margin: 0; }
h1, h2, h3 { color: #002d55; line-height: 1.25; }
h3 { border-bottom: 2px solid #002d55; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .35rem .6rem; text-align: left; vertical-align: top; }
.counts td { text-align: right; min-width: 4rem; }
.result { font-size: 1.25rem; padding: .5rem .75rem; border-left: .5rem solid; }
.result-pass { border-color: #1e6b30; background: #eef7ef; }
.result-fail { border-color: #8b0000; background: #fbeeee; }
ul.findings { list-style: none; padding: 0; }
li.finding { border: 1px solid #6b6b6b; border-left-width: .5rem; padding: .5rem .75rem; margin: 0 0 .75rem; break-inside: avoid; }
li.sev-critical { border-left-color: #8b0000; } li.sev-high { border-left-color: #b33c00; }
li.sev-medium { border-left-color: #7a5c00; } li.sev-low { border-left-color: #2f5d8a; }
.finding .title { margin: 0 0 .4rem; font-weight: bold; }
.sev { display: inline-block; padding: 0 .4rem; border: 1px solid #1b1b1b; white-space: nowrap; }
.rule { font-family: Consolas, 'Courier New', monospace; font-weight: normal; white-space: nowrap; }
dl { margin: 0; display: grid; grid-template-columns: 11rem 1fr; gap: .2rem .75rem; }
dt { font-weight: bold; } dd { margin: 0; }
figure { margin: .5rem 0 1rem; }
figcaption { font-weight: bold; padding: .3rem 0; }
ul.bars { list-style: none; padding: 0; margin: 0; max-width: 40rem; }
ul.bars li { margin: 0 0 .6rem; }
.bar-label { display: block; }
.bar-meta { color: #333333; white-space: nowrap; }
.bar-row { display: flex; align-items: center; gap: .5rem; }
.bar { display: inline-block; height: 1.1rem; min-width: .5rem; flex: 0 0 auto;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar-critical { background: #8b0000; } .bar-high { background: #b33c00; } .bar-medium { background: #7a5c00; }
.bar-low { background: #2f5d8a; } .bar-info { background: #555555; }
.bar-count { white-space: nowrap; }
footer { border-top: 1px solid #6b6b6b; margin-top: 2rem; font-size: .95em; color: #333333; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .3rem; } body { padding: .75rem; } }
@page { size: A4; margin: 15mm 15mm 18mm; }
@media print { body { max-width: none; font-size: 11pt; padding: 0; } figure { break-inside: avoid; } h3 { break-after: avoid; } }";
}
