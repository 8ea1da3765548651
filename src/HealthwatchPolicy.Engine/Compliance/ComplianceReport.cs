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

    public string Role { get; }
    public string? Holder { get; }
    public string? DisplayName { get; }
    public string Status { get; }
}

/// <summary>Everything an exported report shows: the findings, their summary, and the context a reader needs.</summary>
public sealed class ComplianceReport
{
    internal ComplianceReport(IReadOnlyList<ComplianceFinding> findings, ComplianceSummary summary, PolicyDocument policy,
        IReadOnlyList<ReportContact> contacts)
    {
        Findings = findings;
        Summary = summary;
        Organisation = policy.Organisation;
        PolicyTitle = policy.Title;
        PolicyVersion = policy.Version;
        PolicyNextReviewDue = policy.NextReviewDue;
        Contacts = contacts;
    }

    public IReadOnlyList<ComplianceFinding> Findings { get; }
    public ComplianceSummary Summary { get; }
    public string Organisation { get; }
    public string PolicyTitle { get; }
    public string PolicyVersion { get; }
    public DateTime PolicyNextReviewDue { get; }
    public IReadOnlyList<ReportContact> Contacts { get; }

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
