using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// The action plan (<c>Export-HwComplianceReport -Format ActionPlan</c>): a CSV with one row per open finding and empty
/// <c>Owner</c>, <c>DueDate</c> and <c>Notes</c> columns for the people who fix things. Written by Export-Csv's rules
/// (a header row, every field in double quotes, a quote doubled), so <c>Import-Csv</c> reads it back with the finding's
/// <c>Key</c> unchanged.
/// </summary>
public static class ActionPlan
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = new[]
    {
        "Key", "RuleId", "Severity", "Account", "Subject", "Title", "Evidence", "Remediation", "ClauseId", "Owner", "DueDate", "Notes",
    };

    /// <summary>The CSV text: the open findings of <paramref name="report"/> (suppressed ones are not actions), most severe first.
    /// Pure: touches no file.</summary>
    public static string ToCsv(ComplianceReport report)
    {
        var csv = new StringBuilder();
        csv.Append(Row(Columns)).Append("\r\n");
        foreach (ComplianceFinding f in report.Findings.Where(f => f.ExceptionId is null))
            csv.Append(Row(new[]
            {
                Plain(f.Key), Plain(f.RuleId), f.Severity.ToString(), Cell(f.Account), Cell(f.Subject), Cell(f.Title), Cell(f.Evidence),
                Cell(f.Remediation), Cell(f.ClauseId), "", "", "",
            })).Append("\r\n");
        return csv.ToString();
    }

    private static string Row(IEnumerable<string> fields) => string.Join(",", fields.Select(v => "\"" + v.Replace("\"", "\"\"") + "\""));

    /// <summary>The key columns: controls made visible only (they start with <c>HW-</c>, never with a formula sign).</summary>
    private static string Plain(string value) => SafeText.Neutralise(value) ?? "";

    /// <summary>
    /// Directory text in a cell: controls and line breaks made visible, and a leading <c>=</c>, <c>+</c>, <c>-</c> or
    /// <c>@</c> prefixed with <c>'</c> so a spreadsheet shows it as text instead of running it as a formula.
    /// </summary>
    private static string Cell(string? value)
    {
        string v = SafeText.Neutralise(value) ?? "";
        return v.Length > 0 && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') ? "'" + v : v;
    }
}
