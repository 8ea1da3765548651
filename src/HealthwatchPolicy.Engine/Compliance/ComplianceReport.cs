using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>An escalation contact as the report shows it.</summary>
public sealed class ReportContact
{
    internal ReportContact(string role, string? holder, string? displayName, string status)
    {
        Role = role;
        Holder = holder;
        DisplayName = displayName;
        Status = status;
    }

    /// <summary>The policy role's title (<c>spec.roles[].title</c>, for example <c>Manager</c>).</summary>
    public string Role { get; }
    /// <summary>The user principal name or group the policy names for the role, or null when the role is not assigned.</summary>
    public string? Holder { get; }
    /// <summary>The holder's display name in the directory; null for a group or a user not in the directory.</summary>
    public string? DisplayName { get; }
    /// <summary><c>Active</c>, <c>Disabled</c>, <c>Not in the directory</c>, <c>Group</c> or <c>Not assigned</c>: whether the report's reader can reach the holder.</summary>
    public string Status { get; }
}

/// <summary>Everything an exported report shows: the findings, their summary, and the context a reader needs.</summary>
public sealed class ComplianceReport
{
    internal ComplianceReport(IReadOnlyList<ComplianceFinding> findings, ComplianceSummary summary, PolicyDocument policy,
        IReadOnlyList<ReportContact> contacts, string? witness = null)
    {
        Witness = witness;
        Findings = findings;
        Summary = summary;
        Organisation = policy.Organisation;
        PolicyTitle = policy.Title;
        PolicyVersion = policy.Version;
        PolicyNextReviewDue = policy.NextReviewDue;
        Contacts = contacts;
    }

    /// <summary>The findings, by severity (most serious first), then account (organisation-wide findings last), then rule id.</summary>
    public IReadOnlyList<ComplianceFinding> Findings { get; }
    /// <summary>The counts by severity and rule, and the pass/fail result.</summary>
    public ComplianceSummary Summary { get; }
    /// <summary>The organisation the policy names (<c>metadata.organisation</c>).</summary>
    public string Organisation { get; }
    /// <summary>The policy's title.</summary>
    public string PolicyTitle { get; }
    /// <summary>The policy's version.</summary>
    public string PolicyVersion { get; }
    /// <summary>When the policy itself is next due for review (<c>metadata.nextReviewDue</c>, a date).</summary>
    public DateTime PolicyNextReviewDue { get; }
    /// <summary>Who to contact about the report: the policy's role holders.</summary>
    public IReadOnlyList<ReportContact> Contacts { get; }
    /// <summary>
    /// The journal's latest entry when the report was made, <c>&lt;sequence&gt;:&lt;hash&gt;</c> (null for an empty
    /// journal). Copies of the report keep it outside the state store; <c>Test-HwAuditLog -Witness</c> says whether
    /// the journal still passes through it (docs/audit-trail.md).
    /// </summary>
    public string? Witness { get; }

    /// <summary>Who ran the report: the same actor string the journal records for this session.</summary>
    public string Actor { get; internal set; } = "";
    /// <summary>The module (engine) version that made it, <c>major.minor.patch</c>.</summary>
    public string ModuleVersion { get; internal set; } = Version;
    /// <summary>When the run started (the session clock, UTC).</summary>
    public DateTimeOffset StartedAt { get; internal set; }
    /// <summary>When the run finished (the session clock, UTC).</summary>
    public DateTimeOffset FinishedAt { get; internal set; }
    /// <summary>What changed since a previous saved report (<c>Export-HwComplianceReport -Previous</c>, the monthly mail), or null.</summary>
    public IReadOnlyList<ComplianceChange>? Changes { get; internal set; }
    /// <summary>The previous report's run, when <see cref="Changes"/> is set.</summary>
    public ReportRun? PreviousRun { get; internal set; }

    /// <summary>This engine's version, <c>major.minor.patch</c> (Directory.Build.props stamps it in every assembly and the manifest).</summary>
    public static string Version { get; } = typeof(ComplianceReport).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    internal static IReadOnlyList<ReportContact> ContactsFor(PolicyDocument policy, Func<string, DirectoryUser?> find) =>
        policy.Roles.Select(r =>
        {
            if (r.Group is not null)
                return new ReportContact(r.Title, r.Group, null, "Group");
            if (r.User is null)
                return new ReportContact(r.Title, null, null, "Not assigned");
            DirectoryUser? u = find(r.User);
            return new ReportContact(r.Title, r.User, u?.DisplayName, u is null ? "Not in the directory" : u.AccountEnabled ? "Active" : "Disabled");
        }).ToList();
}
