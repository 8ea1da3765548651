using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// SMP-3.2 over time: the monthly access review happens, and access nobody confirmed does not linger (once reviews
/// exist). The review judged is the one due at the report's now (the latest not dated after it), never simply the
/// latest stored: a review dated in the future (a wrong clock, a hand-made file) is a finding of its own and cannot
/// stand in for, or hide, the one that is due.
/// </summary>
internal sealed class AccessReviewCheck : PolicyCheck
{
    public const string CheckName = "AccessReview";
    internal static readonly ComplianceRule AccessReviewOverdue = new("HW-REV-001", CheckName, Severity.Medium, "The monthly access review is overdue", "Remind the reviewers to make their decisions, or ask IT support to start this month's review.");
    internal static readonly ComplianceRule AccessNotConfirmed = new("HW-REV-002", CheckName, Severity.Medium, "Access was not confirmed in the last access review", "Decide whether this person should keep posting, and tell IT support so the access is kept or removed.");
    internal static readonly ComplianceRule ReviewDatedInFuture = new("HW-REV-003", CheckName, Severity.High, "An access review is dated in the future", "Ask IT support to check that computer's clock and to set this review aside.");

    public override string Name => CheckName;
    public override int Order => 90;
    internal static readonly ComplianceRule ReviewPeriodInvalid = new("HW-REV-004", CheckName, Severity.High, "A stored access review's period is not a calendar month", "Ask IT support to look at this stored review and to set it aside.");

    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { AccessReviewOverdue, AccessNotConfirmed, ReviewDatedInFuture, ReviewPeriodInvalid };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (AccessReview odd in s.Reviews.Where(r => !r.HasCalendarPeriod))
            yield return Finding(s, ReviewPeriodInvalid, null, $"Access review {SafeText.Neutralise(odd.Period)}",
                $"A stored access review is for the period '{SafeText.Neutralise(odd.Period)}', which is not a month from 2000-01 to 2099-12: it was written by hand or by an older version. It is not taken as the current review.",
                $"Look at it in the state folder (reviews/) and the journal (Get-HwAuditLog -Action AccessReviewStarted); then move it out of the state folder, keeping it with a note of why.");

        foreach (AccessReview future in s.Reviews.Where(r => r.HasCalendarPeriod && r.IsDatedAfter(s.Now)))
            yield return Finding(s, ReviewDatedInFuture, null, $"Access review {future.Period}",
                $"The access review {future.Period} was started on {EnglishDate.Long(future.StartedAt.UtcDateTime)} by {future.StartedBy}, after today ({EnglishDate.Long(s.Now.UtcDateTime)}): "
                + "it was made under a wrong clock or written by hand. It is not taken as the current review.",
                $"Check the clock of the computer that started it and the journal (Get-HwAuditLog -Action AccessReviewStarted); then move reviews/{future.Period}.json out of the state folder, keeping it with a note of why.");

        if (s.Reviews.LastOrDefault(r => !r.IsSetAside(s.Now)) is not AccessReview r)
            yield break;
        int interval = s.Policy.Parameters.AccessReview.IntervalMonths;
        DateTime periodStart = DateTime.ParseExact(r.Period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        DateTime nextDue = periodStart.AddMonths(interval).AddDays(s.Policy.Parameters.AccessReview.DueDays);
        if (r.ClosedAt is null && r.Undecided > 0 && s.Now > r.DueAt)
            yield return Finding(s, AccessReviewOverdue, null, $"Access review {r.Period}",
                $"The {r.Period} access review was due on {EnglishDate.Long(r.DueAt.UtcDateTime)} and {Text.EnglishCount.Of(r.Undecided, "decision")} {(r.Undecided == 1 ? "is" : "are")} still missing.",
                "Ask the reviewers to decide (Get-HwAccessReview -Pending), or record decisions with Complete-HwAccessReview.");
        else if (s.Now.UtcDateTime > nextDue)
            yield return Finding(s, AccessReviewOverdue, null, "Access review",
                $"The last access review was for {r.Period}; the next was due to start within {Text.EnglishCount.Of(interval, "month")} and finish by {EnglishDate.Long(nextDue)}.",
                "Start this month's review: Start-HwAccessReview, then Send-HwAccessReview.");
        if (r.ClosedAt is null)
            yield break;
        var current = new HashSet<(string, string)>(s.Register.Accounts.SelectMany(a => a.PosterIds.Select(id => (a.Name.ToLowerInvariant(), id.ToLowerInvariant()))));
        foreach (AccessReviewItem i in r.Items.Where(i => i.Outcome == "Flagged" && current.Contains((i.Account.ToLowerInvariant(), i.UserId.ToLowerInvariant()))))
            yield return Finding(s, AccessNotConfirmed, i.Account, i.User,
                $"Nobody confirmed {i.User}'s access to '{i.Account}' in the {r.Period} review (reviewer {i.Reviewer}); the policy flags undecided access.",
                $"Decide in the next review, or revoke it now: Revoke-HwPostingAccess -Account {i.Account} -User {i.User}.");
    }
}
