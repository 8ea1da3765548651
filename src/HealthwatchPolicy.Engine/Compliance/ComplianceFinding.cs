using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>How much a finding matters (Maester's scale).</summary>
public enum Severity
{
    Critical,
    High,
    Medium,
    Low,
    Info,
}

/// <summary>One thing that breaks the policy: which rule, which clause, where, the evidence and what to do.</summary>
public sealed class ComplianceFinding
{
    internal ComplianceFinding(ComplianceRule rule, string? clauseId, string? clauseText, string? account, string subject,
        string evidence, string remediation, DateTimeOffset detectedAt, string policyVersion)
    {
        RuleId = rule.Id;
        Title = rule.Title;
        Check = rule.Check;
        Severity = rule.Severity;
        ClauseId = clauseId;
        ClauseText = clauseText;
        Account = account;
        Subject = subject;
        Evidence = evidence;
        Remediation = remediation;
        DetectedAt = detectedAt;
        PolicyVersion = policyVersion;
    }

    public string RuleId { get; }
    public string Title { get; }
    /// <summary>The policy check the rule implements (the name an enforced clause lists).</summary>
    public string Check { get; }
    public Severity Severity { get; }
    public string? ClauseId { get; }
    public string? ClauseText { get; }
    /// <summary>The official account concerned (null for organisation-wide findings).</summary>
    public string? Account { get; }
    /// <summary>Who or what the finding is about: a user principal name, an account, a group, a role or the policy.</summary>
    public string Subject { get; }
    public string Evidence { get; }
    public string Remediation { get; }
    public DateTimeOffset DetectedAt { get; }
    public string PolicyVersion { get; }
}

/// <summary>A compliance rule: a stable id, the check it implements, a severity and a title.</summary>
public sealed class ComplianceRule
{
    public ComplianceRule(string id, string check, Severity severity, string title)
    {
        Id = id;
        Check = check;
        Severity = severity;
        Title = title;
    }

    public string Id { get; }
    public string Check { get; }
    public Severity Severity { get; }
    public string Title { get; }
}

/// <summary>Counts for one rule, in a summary.</summary>
public sealed class ComplianceRuleCount
{
    internal ComplianceRuleCount(ComplianceRule rule, int count)
    {
        RuleId = rule.Id;
        Title = rule.Title;
        Severity = rule.Severity;
        Count = count;
    }

    public string RuleId { get; }
    public string Title { get; }
    public Severity Severity { get; }
    public int Count { get; }
}

/// <summary>The report at a glance: pass or fail, counts by severity and by rule.</summary>
public sealed class ComplianceSummary
{
    internal ComplianceSummary(string policyVersion, string directory, DateTimeOffset generatedAt, IReadOnlyList<ComplianceFinding> findings,
        IReadOnlyList<ComplianceRuleCount> rules)
    {
        PolicyVersion = policyVersion;
        Directory = directory;
        GeneratedAt = generatedAt;
        Total = findings.Count;
        foreach (ComplianceFinding f in findings)
        {
            switch (f.Severity)
            {
                case Severity.Critical: Critical++; break;
                case Severity.High: High++; break;
                case Severity.Medium: Medium++; break;
                case Severity.Low: Low++; break;
                default: Info++; break;
            }
        }
        Rules = rules;
    }

    /// <summary>True when nothing above Info was found.</summary>
    public bool Passed => Critical + High + Medium + Low == 0;
    public string Result => Passed ? "Pass" : "Fail";
    public int Total { get; }
    public int Critical { get; }
    public int High { get; }
    public int Medium { get; }
    public int Low { get; }
    public int Info { get; }
    public IReadOnlyList<ComplianceRuleCount> Rules { get; }
    public string PolicyVersion { get; }
    public string Directory { get; }
    public DateTimeOffset GeneratedAt { get; }
}
