using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// The shape of a saved report, checked before it is read: what <c>policy/schema/compliance-report.schema.json</c>
/// requires, written out (the engine does not ship a JSON Schema validator; decision 0186). Every object's properties
/// are known and appear once; <c>kind</c>, <c>schemaVersion</c>, <c>run</c>, <c>summary</c>, <c>findings</c> and
/// <c>seenKeys</c> are present with their types; each finding has its required text, a severity and status from their
/// lists, an exception exactly when suppressed, and a key no other finding has.
/// </summary>
internal static class SavedReportShape
{
    private static readonly HashSet<string> RootProps = new(StringComparer.Ordinal) { "kind", "schemaVersion", "run", "summary", "findings", "seenKeys" };
    private static readonly string[] RunText = { "actor", "moduleVersion", "organisation", "policyTitle", "policyVersion", "directory", "startedAt", "finishedAt" };
    private static readonly HashSet<string> RunProps = new(RunText, StringComparer.Ordinal) { "witness" };
    private static readonly string[] SummaryCounts = { "total", "suppressed", "critical", "high", "medium", "low", "info" };
    private static readonly HashSet<string> SummaryProps = new(SummaryCounts, StringComparer.Ordinal) { "result", "passed" };
    private static readonly string[] FindingText = { "key", "ruleId", "title", "check", "severity", "status", "subject", "evidence", "remediation" };
    private static readonly HashSet<string> FindingProps = new(FindingText, StringComparer.Ordinal) { "clauseId", "account", "exception" };
    private static readonly string[] ExceptionText = { "id", "justification", "approvedBy", "expires" };
    private static readonly HashSet<string> Severities = new(StringComparer.Ordinal) { "Critical", "High", "Medium", "Low", "Info" };
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal) { "Open", "Suppressed" };
    private static readonly HashSet<string> Results = new(StringComparer.Ordinal) { "Pass", "PassWithExceptions", "Fail" };
    private static readonly Regex RuleId = new("^HW-[A-Z]{3}-[0-9]{3}$", RegexOptions.CultureInvariant);

    /// <summary>The first way <paramref name="root"/> is not a saved report, in words (with where), or null when it is one.</summary>
    internal static string? Problem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return "it is not a JSON object";
        if (Properties(root, RootProps, "the document") is { } p)
            return p;
        if (!root.TryGetProperty("kind", out JsonElement kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != SavedComplianceReport.DocumentKind)
            return $"its kind is not '{SavedComplianceReport.DocumentKind}'";
        if (!root.TryGetProperty("schemaVersion", out JsonElement v) || v.ValueKind != JsonValueKind.Number)
            return "it has no schemaVersion";
        if (!v.TryGetInt32(out int version) || version != SavedComplianceReport.CurrentSchemaVersion)
            return $"it is a version {v.GetRawText()} report; this module reads version {SavedComplianceReport.CurrentSchemaVersion}";
        if (Need(root, "run", JsonValueKind.Object, "the document") is { } r)
            return r;
        JsonElement run = root.GetProperty("run");
        if (Properties(run, RunProps, "run") is { } rp)
            return rp;
        foreach (string name in RunText)
            if (Need(run, name, JsonValueKind.String, "run") is { } rn)
                return rn;
        if (Need(root, "summary", JsonValueKind.Object, "the document") is { } s)
            return s;
        JsonElement summary = root.GetProperty("summary");
        if (Properties(summary, SummaryProps, "summary") is { } sp)
            return sp;
        foreach (string name in SummaryCounts)
            if (Need(summary, name, JsonValueKind.Number, "summary") is { } sn)
                return sn;
        if (!summary.TryGetProperty("passed", out JsonElement passed) || passed.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return "summary.passed is missing or not true/false";
        if (Need(summary, "result", JsonValueKind.String, "summary") is { } sr)
            return sr;
        if (!Results.Contains(summary.GetProperty("result").GetString()!))
            return $"summary.result '{summary.GetProperty("result").GetString()}' is not Pass, PassWithExceptions or Fail";
        if (Need(root, "findings", JsonValueKind.Array, "the document") is { } f)
            return f;
        if (Need(root, "seenKeys", JsonValueKind.Array, "the document") is { } k)
            return k;
        int i = 0;
        foreach (JsonElement key in root.GetProperty("seenKeys").EnumerateArray())
        {
            if (key.ValueKind != JsonValueKind.String)
                return $"seenKeys[{i}] is not text";
            i++;
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        i = 0;
        foreach (JsonElement finding in root.GetProperty("findings").EnumerateArray())
        {
            string at = $"findings[{i++}]";
            if (Finding(finding, at) is { } fp)
                return fp;
            string fk = finding.GetProperty("key").GetString()!;
            if (!keys.Add(fk))
                return $"{at} repeats the key '{fk}' (each finding appears once)";
        }
        return null;
    }

    private static string? Finding(JsonElement finding, string at)
    {
        if (finding.ValueKind != JsonValueKind.Object)
            return $"{at} is not an object";
        if (Properties(finding, FindingProps, at) is { } p)
            return p;
        foreach (string name in FindingText)
            if (Need(finding, name, JsonValueKind.String, at) is { } n)
                return n;
        foreach (string name in new[] { "clauseId", "account" })
            if (finding.TryGetProperty(name, out JsonElement o) && o.ValueKind != JsonValueKind.String)
                return $"{at}.{name} is not text";
        string severity = finding.GetProperty("severity").GetString()!;
        if (!Severities.Contains(severity))
            return $"{at}.severity '{severity}' is not Critical, High, Medium, Low or Info";
        string status = finding.GetProperty("status").GetString()!;
        if (!Statuses.Contains(status))
            return $"{at}.status '{status}' is not Open or Suppressed";
        string rule = finding.GetProperty("ruleId").GetString()!;
        if (!RuleId.IsMatch(rule))
            return $"{at}.ruleId '{rule}' is not a rule id (HW-XXX-000)";
        bool hasException = finding.TryGetProperty("exception", out JsonElement ex);
        if (status == "Suppressed" != hasException)
            return status == "Suppressed" ? $"{at} is Suppressed but names no exception" : $"{at} is Open but names an exception";
        if (hasException)
        {
            if (ex.ValueKind != JsonValueKind.Object)
                return $"{at}.exception is not an object";
            if (Properties(ex, new HashSet<string>(ExceptionText, StringComparer.Ordinal), at + ".exception") is { } ep)
                return ep;
            foreach (string name in ExceptionText)
                if (Need(ex, name, JsonValueKind.String, at + ".exception") is { } en)
                    return en;
        }
        return null;
    }

    /// <summary>Each property of <paramref name="o"/> known and present once.</summary>
    private static string? Properties(JsonElement o, HashSet<string> known, string at)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty p in o.EnumerateObject())
        {
            if (!seen.Add(p.Name))
                return $"{at} has '{p.Name}' twice";
            if (!known.Contains(p.Name))
                return $"{at} has '{p.Name}', which a saved report does not have";
        }
        return null;
    }

    private static string? Need(JsonElement o, string name, JsonValueKind kind, string at)
    {
        string where = at == "the document" ? name : $"{at}.{name}";
        if (!o.TryGetProperty(name, out JsonElement v))
            return $"{where} is missing";
        if (v.ValueKind != kind)
            return $"{where} is {Describe(v.ValueKind)}, not {Describe(kind)}";
        return null;
    }

    private static string Describe(JsonValueKind k) => k switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "true/false",
    };
}
