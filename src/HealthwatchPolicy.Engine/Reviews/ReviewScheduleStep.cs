using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>What one step of the schedule was.</summary>
public enum ReviewStepKind
{
    /// <summary>This period's review was started.</summary>
    ReviewStarted,
    /// <summary>A review's first mail went to its reviewers.</summary>
    ReviewMailSent,
    /// <summary>The reminder went to reviewers with undecided items (after halfway to the due date).</summary>
    ReminderSent,
    /// <summary>The escalation went to the Manager (after the due date, items undecided).</summary>
    EscalationSent,
    /// <summary>A review was closed (after the grace period, or after the due date with every item decided).</summary>
    ReviewClosed,
    /// <summary>The compliance report was mailed to the Manager (on the 1st, or the first run in a state folder).</summary>
    ComplianceReportMailed,
    /// <summary>Decision mail in the review mailbox was applied or refused before any reminder (docs/decisions/0200).</summary>
    DecisionsReceived,
    /// <summary>The review mailbox could not be read; the rest of the schedule went on (docs/decisions/0200).</summary>
    DecisionMailUnread,
}

/// <summary>One thing <c>ReviewService.Advance</c> did: its kind, the review period (or month), when, and the mail it sent.</summary>
public sealed class ReviewScheduleStep
{
    internal ReviewScheduleStep(ReviewStepKind kind, string period, DateTimeOffset at, string summary, IReadOnlyList<ReviewMailRecord>? mail)
    {
        Kind = kind;
        Period = period;
        At = at;
        Summary = summary;
        Mail = Text.TextList.Of(mail);
    }

    /// <summary>What the step was.</summary>
    public ReviewStepKind Kind { get; }
    /// <summary>The review's period (yyyy-MM); for the compliance report, the month it was mailed in.</summary>
    public string Period { get; }
    /// <summary>When it was done (the session clock).</summary>
    public DateTimeOffset At { get; }
    /// <summary>What was done, in words (one line per message for mail steps): what the unattended job logs.</summary>
    public string Summary { get; }
    /// <summary>The messages the step sent (empty for a start or a close).</summary>
    public IReadOnlyList<ReviewMailRecord> Mail { get; }

    /// <summary><see cref="Summary"/>.</summary>
    public override string ToString() => Summary;
}
