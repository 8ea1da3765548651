using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>How much a finding matters (Maester's scale).</summary>
public enum Severity
{
    /// <summary>The most serious: the report fails.</summary>
    Critical,
    /// <summary>Serious: the report fails.</summary>
    High,
    /// <summary>Moderate: the report fails.</summary>
    Medium,
    /// <summary>Minor: the report still fails.</summary>
    Low,
    /// <summary>For information only: the only severity a passing report may have.</summary>
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
        NextStep = rule.NextStep;
        DetectedAt = detectedAt;
        PolicyVersion = policyVersion;
    }

    /// <summary>The stable id of the rule found (for example <c>HW-ELG-001</c>).</summary>
    public string RuleId { get; }
    /// <summary>The rule's title, one line.</summary>
    public string Title { get; }
    /// <summary>The policy check the rule implements (the name an enforced clause lists).</summary>
    public string Check { get; }
    /// <summary>The rule's severity.</summary>
    public Severity Severity { get; }
    /// <summary>The enforced clause the rule backs (<c>spec.clauses[].id</c>), or null when no clause names the check.</summary>
    public string? ClauseId { get; }
    /// <summary>That clause's exact text, or null.</summary>
    public string? ClauseText { get; }
    /// <summary>The official account concerned (null for organisation-wide findings).</summary>
    public string? Account { get; }
    /// <summary>Who or what the finding is about: a user principal name, an account, a group, a role or the policy.</summary>
    public string Subject { get; }
    /// <summary>What was found, with the names and values that show it.</summary>
    public string Evidence { get; }
    /// <summary>What to do about it, naming the cmdlet that fixes it where there is one (for the administrator).</summary>
    public string Remediation { get; }
    /// <summary>The next step in plain language for the manager who reads the report (the rule's <see cref="ComplianceRule.NextStep"/>).</summary>
    public string NextStep { get; }
    /// <summary>When the report was run (the session clock's now).</summary>
    public DateTimeOffset DetectedAt { get; }
    /// <summary>The policy version the finding was judged against.</summary>
    public string PolicyVersion { get; }

    /// <summary>
    /// The finding's stable key, <c>&lt;rule&gt;|&lt;account&gt;|&lt;subject&gt;</c> (account empty for organisation-wide
    /// findings): the same deviation has the same key in every run, so saved reports compare by it and an action plan
    /// keeps it.
    /// </summary>
    public string Key => KeyOf(RuleId, Account, Subject);

    /// <summary><c>Open</c>, or <c>Suppressed</c> when a current compliance exception covers it (still found, still
    /// listed; never a pass).</summary>
    public string Status => ExceptionId is null ? "Open" : "Suppressed";
    /// <summary>The exception that suppresses it (<c>EXC-0001</c>), or null.</summary>
    public string? ExceptionId { get; private set; }
    /// <summary>That exception's justification, or null.</summary>
    public string? Justification { get; private set; }
    /// <summary>Who approved that exception (user principal name), or null.</summary>
    public string? ApprovedBy { get; private set; }
    /// <summary>When that exception ends (UTC), or null.</summary>
    public DateTimeOffset? ExceptionExpires { get; private set; }

    /// <summary>The key of a finding of <paramref name="ruleId"/> on <paramref name="account"/> about <paramref name="subject"/> (see <see cref="Key"/>).</summary>
    public static string KeyOf(string ruleId, string? account, string subject) => $"{ruleId}|{account}|{subject}";

    internal void Suppress(ComplianceException exception)
    {
        ExceptionId = exception.Id;
        Justification = exception.Justification;
        ApprovedBy = exception.ApprovedBy;
        ExceptionExpires = exception.Expires;
    }
}

/// <summary>A compliance rule: a stable id, the check it implements, a severity and a title.</summary>
public sealed class ComplianceRule
{
    /// <summary>A rule of the check named <paramref name="check"/>: stable <paramref name="id"/>, <paramref name="severity"/>,
    /// one-line <paramref name="title"/> and <paramref name="nextStep"/>, the plain-language step for the manager.</summary>
    public ComplianceRule(string id, string check, Severity severity, string title, string nextStep)
    {
        NextStep = nextStep;
        Id = id;
        Check = check;
        Severity = severity;
        Title = title;
    }

    /// <summary>The stable rule id (<c>HW-&lt;area&gt;-&lt;nnn&gt;</c>); scripts and suppressions refer to it.</summary>
    public string Id { get; }
    /// <summary>The name of the check that defines the rule (a name a clause's <c>checks</c> lists).</summary>
    public string Check { get; }
    /// <summary>How serious a finding of this rule is.</summary>
    public Severity Severity { get; }
    /// <summary>One line that names what the rule requires.</summary>
    public string Title { get; }
    /// <summary>What the manager (or whoever reads the report) does next, in plain language with no command in it:
    /// the admin's command is the finding's <see cref="ComplianceFinding.Remediation"/>. docs/compliance-rules.md lists it per rule.</summary>
    public string NextStep { get; }
}

/// <summary>Counts for one rule, in a summary.</summary>
public sealed class ComplianceRuleCount
{
    internal ComplianceRuleCount(ComplianceRule rule, int count, int suppressed = 0)
    {
        Suppressed = suppressed;
        RuleId = rule.Id;
        Title = rule.Title;
        Severity = rule.Severity;
        Count = count;
    }

    /// <summary>The rule's stable id.</summary>
    public string RuleId { get; }
    /// <summary>The rule's title.</summary>
    public string Title { get; }
    /// <summary>The rule's severity.</summary>
    public Severity Severity { get; }
    /// <summary>How many open findings of this rule the report has (0 when it passed).</summary>
    public int Count { get; }
    /// <summary>How many findings of this rule a compliance exception suppresses (a rule with only these has not passed).</summary>
    public int Suppressed { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): rule id = count.</summary>
    public override string ToString() => $"{RuleId}={Count}";
}

/// <summary>The report at a glance: pass or fail, counts by severity and by rule.</summary>
public sealed class ComplianceSummary
{
    /// <summary>The journal's latest entry when the summary was made, <c>&lt;sequence&gt;:&lt;hash&gt;</c> (null for an empty
    /// journal): keep it, and check it later with <c>Test-HwAuditLog -Witness</c>.</summary>
    public string? Witness { get; internal set; }

    internal ComplianceSummary(string policyVersion, string directory, DateTimeOffset generatedAt, IReadOnlyList<ComplianceFinding> findings,
        IReadOnlyList<ComplianceRuleCount> rules)
    {
        PolicyVersion = policyVersion;
        Directory = directory;
        GeneratedAt = generatedAt;
        foreach (ComplianceFinding f in findings)
        {
            if (f.ExceptionId is not null)
            {
                Suppressed++;
                continue;
            }
            Total++;
            switch (f.Severity)
            {
                case Severity.Critical: Critical++; break;
                case Severity.High: High++; break;
                case Severity.Medium: Medium++; break;
                case Severity.Low: Low++; break;
                default: Info++; break;
            }
        }
        Rules = Text.TextList.Of(rules);
    }

    /// <summary>True when nothing above Info was found.</summary>
    public bool Passed => Critical + High + Medium + Low == 0;
    /// <summary><c>Pass</c> when every open finding is Info (or there are none) and none is suppressed;
    /// <c>PassWithExceptions</c> when that holds only because exceptions suppress findings (a suppressed finding is
    /// never a pass); else <c>Fail</c>.</summary>
    public string Result => !Passed ? "Fail" : Suppressed > 0 ? "PassWithExceptions" : "Pass";
    /// <summary>The number of open findings (suppressed ones are counted in <see cref="Suppressed"/>).</summary>
    public int Total { get; }
    /// <summary>The number of findings a current compliance exception suppresses (not in <see cref="Total"/> or the severity counts).</summary>
    public int Suppressed { get; }
    /// <summary>The number of Critical findings.</summary>
    public int Critical { get; }
    /// <summary>The number of High findings.</summary>
    public int High { get; }
    /// <summary>The number of Medium findings.</summary>
    public int Medium { get; }
    /// <summary>The number of Low findings.</summary>
    public int Low { get; }
    /// <summary>The number of Info findings.</summary>
    public int Info { get; }
    /// <summary>One count per rule, every rule listed (zeros included), in catalogue order.</summary>
    public IReadOnlyList<ComplianceRuleCount> Rules { get; }
    /// <summary>The policy version the findings were judged against.</summary>
    public string PolicyVersion { get; }
    /// <summary>The directory the report was run over (<see cref="Sessions.DirectoryConnection.Directory"/>).</summary>
    public string Directory { get; }
    /// <summary>When the report was run (the session clock's now).</summary>
    public DateTimeOffset GeneratedAt { get; }
}
