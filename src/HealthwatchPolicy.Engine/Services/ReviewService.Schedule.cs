using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>The monthly schedule: what is due at the session clock's now, done once.</summary>
public sealed partial class ReviewService
{
    private const string ScheduleFolder = "schedule";

    /// <summary>
    /// Does whatever the month's schedule says is due now (the session's <see cref="TimeProvider"/>) and returns
    /// what it did, in order; an empty list when nothing was due. Each step happens once however often this runs:
    /// <list type="number">
    /// <item>start this month's review, if it has not started;</item>
    /// <item>for each open review: mail its reviewers (once), remind those with undecided items once it is past
    /// halfway to the due date (once), escalate to the Manager and Communications Officer once it is overdue
    /// (once), and close it after the grace period (or once it is past due with every item decided);</item>
    /// <item>mail the compliance report to the Manager on the 1st of the month, or on the first run in this state
    /// (once per month: recorded as the state document <c>schedule/compliance-report-&lt;yyyy-MM&gt;.json</c>).</item>
    /// </list>
    /// Runs under the state lock, so two schedulers cannot both do a step. A failing step throws after the
    /// steps before it were done and recorded; the next run carries on from there.
    /// </summary>
    public IReadOnlyList<ReviewScheduleStep> Advance(IMailer mailer, string from)
    {
        using IDisposable _ = _session.BeginChange();
        var steps = new List<ReviewScheduleStep>();
        DateTimeOffset now = Now;

        (AccessReview started, bool created) = Start(null);
        if (created)
            steps.Add(new ReviewScheduleStep(ReviewStepKind.ReviewStarted, started.Period, now,
                $"Started access review {started.Period} ({started.Items.Count} item(s))", null));

        // Decisions by mail first, so a reviewer who decided by reply is not reminded or escalated (docs/decisions/0200).
        ReceiveDecisionMail(steps, mailer, from, now);

        // A review dated in the future (made under a wrong clock) is not advanced: HW-REV-003 reports it.
        foreach (AccessReview review in _store.All().Where(r => r.ClosedAt is null && !r.IsSetAside(now)).ToList())
        {
            string p = review.Period;
            if (!review.Mail.Any(m => m.Kind == "Initial") && review.Items.Count > 0)
                Add(steps, ReviewStepKind.ReviewMailSent, p, now, Send(p, mailer, from, reminder: false),
                    r => $"Sent to {r.Recipient}: {r.Subject}");

            AccessReview current = _store.Find(p)!;
            DateTimeOffset halfway = current.StartedAt + TimeSpan.FromTicks((current.DueAt - current.StartedAt).Ticks / 2);
            if (now > halfway && current.Undecided > 0 && !current.Mail.Any(m => m.Kind == "Reminder"))
                Add(steps, ReviewStepKind.ReminderSent, p, now, Send(p, mailer, from, reminder: true), r => $"Reminded {r.Recipient}");

            Add(steps, ReviewStepKind.EscalationSent, p, now, Escalate(p, mailer, from), r => $"Escalated to {r.Recipient}");

            current = _store.Find(p)!;
            if (now > current.GraceEndsAt || (current.Undecided == 0 && now > current.DueAt))
            {
                Close(p);
                steps.Add(new ReviewScheduleStep(ReviewStepKind.ReviewClosed, p, now, $"Closed review {p}", null));
            }
        }

        string month = now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        string record = ScheduleFolder + "/compliance-report-" + month + ".json";
        bool firstRun = !_session.State.List(ScheduleFolder).Any(n => n.StartsWith(ScheduleFolder + "/compliance-report-", StringComparison.Ordinal));
        if ((now.UtcDateTime.Day == 1 || firstRun) && _session.State.Read(record) is null)
        {
            ReviewMailRecord sent = _compliance.SendComplianceReport(mailer, from, null);
            _session.State.Create(record, new JsonObject
            {
                ["period"] = month,
                ["sentAt"] = sent.SentAt.ToString("o", CultureInfo.InvariantCulture),
                ["recipient"] = sent.Recipient,
            }.ToJsonString() + "\n");
            steps.Add(new ReviewScheduleStep(ReviewStepKind.ComplianceReportMailed, month, now,
                $"Compliance report mailed to {sent.Recipient}", new[] { sent }));
        }
        return steps;
    }

    private void ReceiveDecisionMail(List<ReviewScheduleStep> steps, IMailer mailer, string from, DateTimeOffset now)
    {
        IReadOnlyList<ReviewDecisionReceipt> receipts;
        try
        {
            receipts = ReceiveDecisions(OpenInbox(from), mailer, from);
        }
        catch (HealthwatchPolicy.Engine.Errors.HwException e) when (e.ErrorId is not (HealthwatchPolicy.Engine.Errors.ErrorIds.JournalCorrupt
                                                                        or HealthwatchPolicy.Engine.Errors.ErrorIds.JournalWriteFailed))
        {
            // Reminders, escalation and the close are due whatever the mailbox says: record why it was not read and go on.
            steps.Add(new ReviewScheduleStep(ReviewStepKind.DecisionMailUnread, CurrentPeriod, now,
                $"The review mailbox {from} could not be read for decisions ({e.ErrorId}): {e.Message}", null));
            return;
        }
        if (receipts.Count > 0)
            steps.Add(new ReviewScheduleStep(ReviewStepKind.DecisionsReceived, receipts[0].Period ?? CurrentPeriod, now,
                string.Join(Environment.NewLine, receipts.Select(r => r.RefusedBecause is null
                    ? $"{r.Outcome}: {r.Decision} for {r.User} on {r.Account} (from {r.From})"
                    : $"Refused ({r.RefusedBecause}): mail from {Text.SafeText.Neutralise(r.From ?? "(none)")}")), null));
    }

    private static void Add(List<ReviewScheduleStep> steps, ReviewStepKind kind, string period, DateTimeOffset at,
        IReadOnlyList<ReviewMailRecord> mail, Func<ReviewMailRecord, string> line)
    {
        if (mail.Count > 0)
            steps.Add(new ReviewScheduleStep(kind, period, at, string.Join(Environment.NewLine, mail.Select(line)), mail));
    }
}
