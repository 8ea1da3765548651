using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>Keep or Remove: what a reviewer decided about one person's access to one account.</summary>
public static class ReviewDecisions
{
    public const string Keep = "Keep";
    public const string Remove = "Remove";

    /// <summary>Every decision, as spelt.</summary>
    public static readonly IReadOnlyList<string> All = new[] { Keep, Remove };
}

/// <summary>
/// One month's access review: a snapshot of every account's posters taken at the start, a reviewer per item,
/// the due date and grace period from the policy, and what happened to each item. Stored as
/// <c>reviews/&lt;period&gt;.json</c> in the state folder.
/// </summary>
public sealed class AccessReview
{
    public string Period { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public string StartedBy { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset GraceEndsAt { get; set; }
    public string PolicyVersion { get; set; } = "";
    /// <summary>Flag or Revoke: what the policy said happens to undecided access after the grace period.</summary>
    public string UndecidedAction { get; set; } = "Flag";
    public List<AccessReviewItem> Items { get; set; } = new();
    public List<ReviewMailRecord> Mail { get; set; } = new();
    public DateTimeOffset? EscalatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>
    /// The review is for a month after <paramref name="now"/>'s, or was started after <paramref name="now"/> (beyond
    /// <see cref="TimeProviderExtensions.ClockSkew"/>): it was made under a wrong clock or written by hand, so it is
    /// not the current review and is itself a finding (HW-REV-003).
    /// </summary>
    public bool IsDatedAfter(DateTimeOffset now) =>
        string.CompareOrdinal(Period, PeriodOf(now)) > 0 || StartedAt > now + TimeProviderExtensions.ClockSkew;

    /// <summary>The review period (yyyy-MM, UTC) that <paramref name="time"/> falls in.</summary>
    public static string PeriodOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public int Undecided => Items.Count(i => i.Decision is null);
    public IEnumerable<string> Reviewers => Items.Select(i => i.Reviewer).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Open, Overdue, InGrace... as of <paramref name="now"/> (DatedInFuture: see <see cref="IsDatedAfter"/>).</summary>
    public string StatusAt(DateTimeOffset now) =>
        IsDatedAfter(now) ? "DatedInFuture"
        : ClosedAt is not null ? "Closed"
        : Undecided == 0 ? "Decided"
        : now > GraceEndsAt ? "PastGrace"
        : now > DueAt ? "Overdue"
        : "Open";
}

/// <summary>One person's access to one account, as the review saw it, and the decision on it.</summary>
public sealed class AccessReviewItem
{
    public string Period { get; set; } = "";
    public string Account { get; set; } = "";
    public string Platform { get; set; } = "";
    public string User { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? EmployeeType { get; set; }
    public bool? Enabled { get; set; }
    public string? AcknowledgedVersion { get; set; }
    /// <summary>Open compliance findings about this access when the review started (rule ids).</summary>
    public List<string> OpenFindings { get; set; } = new();
    public string Reviewer { get; set; } = "";
    public string? ReviewerDisplayName { get; set; }
    /// <summary>Why this person reviews it: the account's owner, or the Manager where the owner is gone or would review their own access.</summary>
    public string ReviewerRole { get; set; } = "";
    public string? Decision { get; set; }
    public string? Justification { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>Kept, Revoked, AlreadyRemoved, Flagged (undecided after grace, policy says flag) or RevokedUndecided.</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
}

/// <summary>A message the review sent.</summary>
public sealed class ReviewMailRecord
{
    public string Period { get; set; } = "";
    /// <summary>Initial, Reminder or Escalation.</summary>
    public string Kind { get; set; } = "";
    public string Recipient { get; set; } = "";
    public List<string> To { get; set; } = new();
    public string Subject { get; set; } = "";
    public int Items { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public string Transport { get; set; } = "";
}
