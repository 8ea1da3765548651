using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>Keep or Remove: what a reviewer decided about one person's access to one account.</summary>
internal static class ReviewDecisions
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
    /// <summary>The review's period, <c>yyyy-MM</c>.</summary>
    public string Period { get; set; } = "";
    /// <summary>When the review was started.</summary>
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>Who started it (the journal's actor).</summary>
    public string StartedBy { get; set; } = "";
    /// <summary>When decisions are due (start plus the policy's due days).</summary>
    public DateTimeOffset DueAt { get; set; }
    /// <summary>When undecided items are closed with the policy's undecided action (due plus grace days).</summary>
    public DateTimeOffset GraceEndsAt { get; set; }
    /// <summary>The policy version the review was started under.</summary>
    public string PolicyVersion { get; set; } = "";
    /// <summary>Flag or Revoke: what the policy said happens to undecided access after the grace period.</summary>
    public string UndecidedAction { get; set; } = "Flag";
    /// <summary>One item per poster of each active account when the review started.</summary>
    public List<AccessReviewItem> Items { get => _items; set => _items = value as Text.TextList<AccessReviewItem> ?? Text.TextList.Of(value); }
    private Text.TextList<AccessReviewItem> _items = new();
    /// <summary>Every message the review sent, in order.</summary>
    public List<ReviewMailRecord> Mail { get => _mail; set => _mail = value as Text.TextList<ReviewMailRecord> ?? Text.TextList.Of(value); }
    private Text.TextList<ReviewMailRecord> _mail = new();
    /// <summary>When the escalation to the Manager was sent, or null.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    /// <summary>When the review was closed, or null while open.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>
    /// The review is for a month after <paramref name="now"/>'s, or was started after <paramref name="now"/> (beyond
    /// <see cref="TimeProviderExtensions.ClockSkew"/>): it was made under a wrong clock or written by hand, so it is
    /// not the current review and is itself a finding (HW-REV-003).
    /// </summary>
    public bool IsDatedAfter(DateTimeOffset now) =>
        string.CompareOrdinal(Period, PeriodOf(now)) > 0 || StartedAt > now + TimeProviderExtensions.ClockSkew;

    /// <summary>
    /// Whether <see cref="Period"/> is a month the module starts reviews for: yyyy-MM in ASCII digits, 2000-01 to 2099-12.
    /// A stored review with any other period (written by hand, or by a version that took 0000-01) is set aside.
    /// </summary>
    public bool HasCalendarPeriod => IsCalendarPeriod(Period);

    /// <summary>Whether <paramref name="period"/> is yyyy-MM in ASCII digits from 2000-01 to 2099-12: the one rule for review periods (decision 0121).</summary>
    public static bool IsCalendarPeriod(string? period) => period is not null && s_calendarPeriod.IsMatch(period);

    /// <summary>Whether this review is left out of the current reviews: dated in the future, or its period is not a calendar month (<see cref="HasCalendarPeriod"/>).</summary>
    public bool IsSetAside(DateTimeOffset now) => !HasCalendarPeriod || IsDatedAfter(now);

    private static readonly System.Text.RegularExpressions.Regex s_calendarPeriod =
        new(@"\A20[0-9]{2}-(0[1-9]|1[0-2])\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The review period (yyyy-MM, UTC) that <paramref name="time"/> falls in.</summary>
    public static string PeriodOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>How many items have no decision yet.</summary>
    public int Undecided => Items.Count(i => i.Decision is null);
    /// <summary>The distinct reviewers, by user principal name.</summary>
    public IEnumerable<string> Reviewers => Text.TextList.Of(Items.Select(i => i.Reviewer).Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>Open, Overdue, InGrace... as of <paramref name="now"/> (DatedInFuture: see <see cref="IsDatedAfter"/>; NotACalendarMonth: see <see cref="HasCalendarPeriod"/>).</summary>
    public string StatusAt(DateTimeOffset now) =>
        !HasCalendarPeriod ? "NotACalendarMonth"
        : IsDatedAfter(now) ? "DatedInFuture"
        : ClosedAt is not null ? "Closed"
        : Undecided == 0 ? "Decided"
        : now > GraceEndsAt ? "PastGrace"
        : now > DueAt ? "Overdue"
        : "Open";
}

/// <summary>One person's access to one account, as the review saw it, and the decision on it.</summary>
public sealed class AccessReviewItem
{
    /// <summary>The review's period, <c>yyyy-MM</c>.</summary>
    public string Period { get; set; } = "";
    /// <summary>The register name of the account.</summary>
    public string Account { get; set; } = "";
    /// <summary>The account's platform.</summary>
    public string Platform { get; set; } = "";
    /// <summary>The poster's user principal name.</summary>
    public string User { get; set; } = "";
    /// <summary>The poster's object id.</summary>
    public string UserId { get; set; } = "";
    /// <summary>The poster's display name, or null when not in the directory.</summary>
    public string? DisplayName { get; set; }
    /// <summary>The poster's <c>employeeType</c>, or null.</summary>
    public string? EmployeeType { get; set; }
    /// <summary>Whether the poster's sign-in was enabled at the start, or null when not in the directory.</summary>
    public bool? Enabled { get; set; }
    /// <summary>The policy version the poster had acknowledged at the start, or null.</summary>
    public string? AcknowledgedVersion { get; set; }
    /// <summary>Open compliance findings about this access when the review started (rule ids).</summary>
    public List<string> OpenFindings { get => _openFindings; set => _openFindings = value as Text.TextList<string> ?? Text.TextList.Of(value); }
    private Text.TextList<string> _openFindings = new();
    /// <summary>Issue 15: when the poster's time-bound access ends (UTC), as recorded when the review started; null when it does not end.</summary>
    public DateTimeOffset? Expires { get; set; }
    /// <summary>The reviewer's user principal name.</summary>
    public string Reviewer { get; set; } = "";
    /// <summary>The reviewer's display name, or null.</summary>
    public string? ReviewerDisplayName { get; set; }
    /// <summary>Why this person reviews it: the account's owner, or the Manager where the owner is gone or would review their own access.</summary>
    public string ReviewerRole { get; set; } = "";
    /// <summary><c>Keep</c> or <c>Remove</c>, or null while undecided.</summary>
    public string? Decision { get; set; }
    /// <summary>Why, in the reviewer's words, or null.</summary>
    public string? Justification { get; set; }
    /// <summary>Who recorded the decision, or null.</summary>
    public string? DecidedBy { get; set; }
    /// <summary>When the decision was recorded, or null.</summary>
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>Kept, Revoked, AlreadyRemoved, Flagged (undecided after grace, policy says flag) or RevokedUndecided.</summary>
    public string? Outcome { get; set; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): account, user and decision.</summary>
    public override string ToString() => $"{Account}: {User} ({Decision ?? "undecided"})";
    /// <summary>When the outcome was applied to the posting group, or null.</summary>
    public DateTimeOffset? AppliedAt { get; set; }
}

/// <summary>A message the review sent.</summary>
public sealed class ReviewMailRecord
{
    /// <summary>The review's period (<c>yyyy-MM</c>), or the month a compliance report was mailed in.</summary>
    public string Period { get; set; } = "";
    /// <summary>Initial, Reminder or Escalation.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The user principal name the message was addressed to.</summary>
    public string Recipient { get; set; } = "";
    /// <summary>The mail addresses it was sent to.</summary>
    public List<string> To { get => _to; set => _to = value as Text.TextList<string> ?? Text.TextList.Of(value); }
    private Text.TextList<string> _to = new();
    /// <summary>The subject line.</summary>
    public string Subject { get; set; } = "";
    /// <summary>How many items (or findings) the message listed.</summary>
    public int Items { get; set; }
    /// <summary>When it was sent.</summary>
    public DateTimeOffset SentAt { get; set; }
    /// <summary>How it left: the mailer's description (SMTP server, Graph mailbox or outbox folder).</summary>
    public string Transport { get; set; } = "";
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): kind and recipient.</summary>
    public override string ToString() => $"{Kind} to {Recipient}";
}
