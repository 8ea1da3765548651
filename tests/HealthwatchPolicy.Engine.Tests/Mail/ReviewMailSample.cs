using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Services;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Reviews;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>A realistic review (two accounts, four people, some with open findings) and its two messages.</summary>
internal static class ReviewMailSample
{
    public const string From = TestOrg.Comms;
    private static readonly Lazy<PolicyDocument> s_policy = new(() => PolicyLoader.Load(Repo.PolicyPath).GetPolicyOrThrow());

    public static PolicyDocument Policy => s_policy.Value;

    public static AccessReview Review(string undecidedAction = "Flag")
    {
        var started = new DateTimeOffset(2026, 11, 3, 9, 15, 0, TimeSpan.Zero);
        var review = new AccessReview
        {
            Period = "2026-11",
            StartedAt = started,
            StartedBy = "admin@hwsefton.example",
            DueAt = started.AddDays(14),
            GraceEndsAt = started.AddDays(21),
            PolicyVersion = Policy.Version,
            UndecidedAction = undecidedAction,
        };
        review.Items.Add(Item("Healthwatch Sefton Facebook", "Facebook", TestOrg.Staff2, "u-aisha", "Aisha Khan", "Staff", Policy.Version));
        review.Items.Add(Item("Healthwatch Sefton Facebook", "Facebook", TestOrg.NotAcknowledged, "u-chloe", "Chloe Evans", "Staff", null, "HW-ELG-004"));
        review.Items.Add(Item("Healthwatch Sefton News", "X", TestOrg.Volunteer, "u-liam", "Liam Murphy", "Volunteer", "2017.03", "HW-ELG-003", "HW-ELG-004"));
        review.Items.Add(Item("Healthwatch Sefton News", "X", TestOrg.Leaver, "u-tom", "Tom Baker", "Staff", Policy.Version, "HW-ELG-001", "HW-AUT-001"));
        review.Items[3].Enabled = false;
        return review;
    }

    private static AccessReviewItem Item(string account, string platform, string upn, string id, string name, string type, string? ack, params string[] findings) => new()
    {
        Period = "2026-11",
        Account = account,
        Platform = platform,
        User = upn,
        UserId = id,
        DisplayName = name,
        EmployeeType = type,
        Enabled = true,
        AcknowledgedVersion = ack,
        OpenFindings = findings.ToList(),
        Reviewer = TestOrg.Staff1,
        ReviewerDisplayName = "Emma Clarke",
        ReviewerRole = "Owner",
    };

    public static MailboxAddress Sender => new(Policy.Organisation, From);

    public static MimeMessage ReviewerMessage(AccessReview? review = null, bool reminder = false)
    {
        review ??= Review();
        return ReviewMailBuilder.ForReviewer(review, Policy, "Emma Clarke", review.Items, reminder, Sender,
            new[] { new MailboxAddress("Emma Clarke", TestOrg.Staff1) });
    }

    public static MimeMessage EscalationMessage(AccessReview? review = null)
    {
        review ??= Review();
        return ReviewMailBuilder.ForEscalation(review, Policy, review.Items, Sender,
            new[] { new MailboxAddress("Sarah Whitfield", TestOrg.Manager), new MailboxAddress("Daniel Okafor", TestOrg.Comms) });
    }

    public static IEnumerable<string> People(AccessReview review) => review.Items.Select(i => i.DisplayName!);

    /// <summary>The HTML without the line-break hints ReadableBreaks adds (<c>&lt;wbr&gt;</c>, and the spans that keep
    /// ids whole or move addresses whole): the markup as a reader's text sees it.</summary>
    public static string WithoutBreakHints(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "<wbr>|<span style=\"(?:white-space:nowrap|display:inline-block)\">([^<]*(?:<wbr>[^<]*)*)</span>",
            m => m.Groups[1].Success ? m.Groups[1].Value.Replace("<wbr>", "") : "");
}
