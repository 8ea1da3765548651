using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>What one step of the schedule was.</summary>
public enum ReviewStepKind
{
    ReviewStarted,
    ReviewMailSent,
    ReminderSent,
    EscalationSent,
    ReviewClosed,
    ComplianceReportMailed,
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
        Mail = mail ?? Array.Empty<ReviewMailRecord>();
    }

    public ReviewStepKind Kind { get; }
    /// <summary>The review's period (yyyy-MM); for the compliance report, the month it was mailed in.</summary>
    public string Period { get; }
    public DateTimeOffset At { get; }
    /// <summary>What was done, in words (one line per message for mail steps): what the unattended job logs.</summary>
    public string Summary { get; }
    public IReadOnlyList<ReviewMailRecord> Mail { get; }

    public override string ToString() => Summary;
}
