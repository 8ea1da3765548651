using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Sessions;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Reviews;

/// <summary>A whole month of access review with an injected clock, written once and run on each adapter.</summary>
public abstract class ReviewMonthContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private protected readonly TestClock Clock = new() { UtcNow = new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero) };
    private HwServices? _session;
    private readonly string _policy;

    protected ReviewMonthContract()
    {
        _policy = Path.Combine(Org.Folder, "policy.yaml");
        File.WriteAllText(_policy, File.ReadAllText(Repo.PolicyPath).Replace("nextReviewDue: 2019-10-01", "nextReviewDue: 2030-10-01"));
    }

    protected abstract IDirectory CreateDirectory(string organisationFolder);
    /// <summary>The mailer the month uses, and every message it delivered so far.</summary>
    protected abstract IMailer Mailer(HwServices session);
    protected abstract IReadOnlyList<MimeMessage> Delivered();

    private protected HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, _policy, Clock);

    private void Organisation()
    {
        Session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        Session.Register.Create("Instagram", "hw", null, null, TestOrg.Staff3, TestOrg.Manager, null, "r");
        foreach (string u in new[] { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Comms })
            Session.Access.Grant("facebook-hw", u, "r");
        Session.Access.Grant("instagram-hw", TestOrg.Volunteer, "r");
    }

    private static string[] Recipients(IEnumerable<MimeMessage> messages) =>
        messages.SelectMany(m => m.To.Mailboxes.Select(b => b.Address)).OrderBy(a => a, StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_month_start_send_decide_remind_escalate_close_and_the_report_is_current()
    {
        Organisation();
        IMailer mailer = Mailer(Session);

        // Day 1: start (once) and mail each reviewer
        var (review, created) = Session.Reviews.Start(null);
        Assert.True(created);
        Assert.Equal("2026-11", review.Period);
        Assert.Equal(4, review.Items.Count);
        Assert.Equal(TestOrg.Manager, review.Items.Single(i => i.User == TestOrg.Comms).Reviewer);      // the owner's own access
        Assert.Equal(TestOrg.Comms, review.Items.Single(i => i.User == TestOrg.Staff1).Reviewer);
        Assert.Equal(TestOrg.Staff3, review.Items.Single(i => i.User == TestOrg.Volunteer).Reviewer);
        Assert.False(Session.Reviews.Start(null).Created);                                                // idempotent per period
        var sent = Session.Reviews.Send(null, mailer, "social-media-review@hwsefton.example", reminder: false);
        Assert.Equal(3, sent.Count);
        Assert.Equal(new[] { TestOrg.Staff3, TestOrg.Comms, TestOrg.Manager }.OrderBy(x => x, StringComparer.Ordinal), Recipients(Delivered()));
        MimeMessage toComms = Delivered().Single(m => m.To.Mailboxes.Any(b => b.Address == TestOrg.Comms));
        Assert.Contains("November 2026", toComms.Subject);
        Assert.Contains("2 ", toComms.Subject);
        Assert.Contains(TestOrg.Staff1, Mail.ReviewMailSample.WithoutBreakHints(toComms.HtmlBody!));
        Assert.Contains(TestOrg.Staff2, toComms.TextBody);
        Assert.Equal("social-media-review@hwsefton.example", toComms.From.Mailboxes.Single().Address);

        // Day 4: two decisions; Remove revokes through the access path, journaled
        Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "Runs the events page");
        Clock.UtcNow = Clock.UtcNow.AddDays(3);
        AccessReviewItem removed = Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff2, ReviewDecisions.Remove, "Moved to the finance team");
        Assert.Equal("Revoked", removed.Outcome);
        Assert.DoesNotContain(TestOrg.Staff2, Session.Access.Get("facebook-hw", null).Select(a => a.User));
        JournalEntry revoke = Session.Journal.ReadAll().Last(e => e.Action == JournalActions.PostingAccessRevoked);
        Assert.Equal("Access review 2026-11: Moved to the finance team", revoke.Reason);

        // Day 9: reminder only to the reviewers who still have undecided items
        Clock.UtcNow = Clock.UtcNow.AddDays(5);
        int before = Delivered().Count;
        var reminders = Session.Reviews.Send(null, mailer, "social-media-review@hwsefton.example", reminder: true);
        Assert.Equal(new[] { TestOrg.Staff3, TestOrg.Manager }.OrderBy(x => x, StringComparer.Ordinal), Recipients(Delivered().Skip(before)));
        Assert.All(reminders, r => Assert.Equal("Reminder", r.Kind));
        Assert.Empty(Session.Compliance.Run());                                                            // not yet overdue

        // Day 17: overdue: the report says so, and one escalation goes to the Manager and Communications Officer
        Clock.UtcNow = Clock.UtcNow.AddDays(8);
        Assert.Equal(new[] { "HW-REV-001" }, Session.Compliance.Run().Select(f => f.RuleId));
        before = Delivered().Count;
        var escalation = Assert.Single(Session.Reviews.Escalate(null, mailer, "social-media-review@hwsefton.example"));
        Assert.Equal(new[] { TestOrg.Comms, TestOrg.Manager }.OrderBy(x => x, StringComparer.Ordinal), Recipients(Delivered().Skip(before)));
        Assert.Contains("Overdue", Delivered().Last().Subject);
        Assert.Empty(Session.Reviews.Escalate(null, mailer, "social-media-review@hwsefton.example"));    // once

        // Day 18: the last decisions, apply, close: the report shows the review current
        Clock.UtcNow = Clock.UtcNow.AddDays(1);
        Session.Reviews.Decide(null, "facebook-hw", TestOrg.Comms, ReviewDecisions.Keep, "Communications Officer");
        Session.Reviews.Decide(null, "instagram-hw", TestOrg.Volunteer, ReviewDecisions.Remove, "Placement ended");
        AccessReview closed = Session.Reviews.Close(null);
        Assert.NotNull(closed.ClosedAt);
        Assert.Equal(0, closed.Undecided);
        Assert.Empty(Session.Compliance.Run());
        Assert.Equal(new[] { TestOrg.Comms, TestOrg.Staff1 }.OrderBy(x => x), Session.Access.Get(null, null).Select(a => a.User).OrderBy(x => x));
        Assert.True(Session.Journal.Verify().IsValid);
        var actions = Session.Journal.ReadAll().Select(e => e.Action).ToList();
        Assert.Equal(1, actions.Count(a => a == JournalActions.AccessReviewStarted));
        Assert.Equal(4, actions.Count(a => a == JournalActions.AccessReviewDecided));
        Assert.Equal(1, actions.Count(a => a == JournalActions.AccessReviewClosed));

        // Next month, until the new review starts, the report says the review is due
        Clock.UtcNow = new DateTimeOffset(2026, 12, 20, 7, 0, 0, TimeSpan.Zero);
        Assert.Equal(new[] { "HW-REV-001" }, Session.Compliance.Run().Select(f => f.RuleId));
        Session.Reviews.Start(null);
        Assert.Empty(Session.Compliance.Run());
    }

    [Fact]
    public void Advance_does_each_step_of_the_month_once_as_the_clock_moves()
    {
        Organisation();
        IMailer mailer = Mailer(Session);
        const string from = "social-media-review@hwsefton.example";
        var done = new List<(ReviewStepKind Kind, string Period, DateTimeOffset At)>();
        DateTimeOffset end = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);
        for (; Clock.UtcNow <= end; Clock.UtcNow = Clock.UtcNow.AddHours(6))
        {
            IReadOnlyList<ReviewScheduleStep> steps = Session.Reviews.Advance(mailer, from);
            done.AddRange(steps.Select(s => (s.Kind, s.Period, s.At)));
            Assert.All(steps, s => Assert.Equal(Clock.UtcNow, s.At));
            Assert.Empty(Session.Reviews.Advance(mailer, from));                                         // the same moment again: nothing
            if (Clock.UtcNow == new DateTimeOffset(2026, 11, 4, 7, 0, 0, TimeSpan.Zero))
                Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "Runs the events page");
        }

        DateTimeOffset At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);
        Assert.Equal(new (ReviewStepKind, string, DateTimeOffset)[]
        {
            (ReviewStepKind.ReviewStarted, "2026-11", At(11, 2, 7)),
            (ReviewStepKind.ReviewMailSent, "2026-11", At(11, 2, 7)),
            (ReviewStepKind.ComplianceReportMailed, "2026-11", At(11, 2, 7)),   // the first run in this state
            (ReviewStepKind.ReminderSent, "2026-11", At(11, 9, 13)),            // past halfway to the due date (9 Nov 07:00)
            (ReviewStepKind.EscalationSent, "2026-11", At(11, 16, 13)),         // past due (16 Nov 07:00), items undecided
            (ReviewStepKind.ReviewClosed, "2026-11", At(11, 23, 13)),           // past the grace period (23 Nov 07:00)
            (ReviewStepKind.ReviewStarted, "2026-12", At(12, 1, 1)),
            (ReviewStepKind.ReviewMailSent, "2026-12", At(12, 1, 1)),
            (ReviewStepKind.ComplianceReportMailed, "2026-12", At(12, 1, 1)),   // on the 1st
        }, done);

        AccessReview november = Session.Reviews.Get("2026-11").Single();
        Assert.Equal("Kept", november.Items.Single(i => i.User == TestOrg.Staff1).Outcome);
        Assert.All(november.Items.Where(i => i.User != TestOrg.Staff1), i => Assert.Equal("Flagged", i.Outcome));
        Assert.Equal(1, november.Mail.Count(m => m.Kind == "Escalation"));
        Assert.Equal(2, Delivered().Count(m => (m.Subject ?? "").StartsWith("Social media policy compliance", StringComparison.Ordinal)));
        Assert.Single(Delivered(), m => (m.Subject ?? "").Contains("Overdue"));                                    // one escalation message
        var actions = Session.Journal.ReadAll().Select(e => e.Action).ToList();
        Assert.Equal(2, actions.Count(a => a == JournalActions.AccessReviewStarted));
        Assert.Equal(1, actions.Count(a => a == JournalActions.AccessReviewEscalated));
        Assert.Equal(1, actions.Count(a => a == JournalActions.AccessReviewClosed));
        Assert.True(Session.Journal.Verify().IsValid);
    }

    [Fact]
    public void Undecided_access_after_the_grace_period_is_flagged_as_the_policy_says()
    {
        Organisation();
        Session.Reviews.Start(null);
        Clock.UtcNow = Clock.UtcNow.AddDays(10);
        Assert.Equal("ReviewNotDue", Assert.ThrowsAny<HwException>(() => Session.Reviews.Close(null)).ErrorId);
        Clock.UtcNow = Clock.UtcNow.AddDays(15);                                                          // past due (14) + grace (7)
        AccessReview closed = Session.Reviews.Close(null);
        Assert.All(closed.Items, i => Assert.Equal("Flagged", i.Outcome));
        Assert.Equal(4, Session.Compliance.Run().Count(f => f.RuleId == "HW-REV-002"));
        Assert.Equal(4, Session.Access.Get(null, null).Count());                                          // flagged, not revoked
        Assert.Equal("ReviewClosed", Assert.ThrowsAny<HwException>(() =>
            Session.Reviews.Decide("2026-11", "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "late")).ErrorId);
    }

    [Fact]
    public void Undecided_access_after_the_grace_period_is_revoked_when_the_policy_says_revoke()
    {
        File.WriteAllText(_policy, File.ReadAllText(_policy).Replace("undecidedAction: Flag", "undecidedAction: Revoke"));
        Organisation();
        Session.Reviews.Start(null);
        Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "On the rota");
        Clock.UtcNow = Clock.UtcNow.AddDays(22);
        AccessReview closed = Session.Reviews.Close(null);
        Assert.Equal(3, closed.Items.Count(i => i.Outcome == "RevokedUndecided"));
        Assert.Equal(new[] { TestOrg.Staff1 }, Session.Access.Get(null, null).Select(a => a.User));
        Assert.All(Session.Journal.ReadAll().Where(e => e.Action == JournalActions.PostingAccessRevoked),
            e => Assert.StartsWith("Access review 2026-11: no decision by", e.Reason));
        Assert.Empty(Session.Compliance.Run());
    }

    [Fact]
    public void Bad_decisions_are_named()
    {
        Organisation();
        Session.Reviews.Start(null);
        Assert.Equal("ReviewItemNotFound", Assert.ThrowsAny<HwException>(() =>
            Session.Reviews.Decide(null, "facebook-hw", TestOrg.Trustee, ReviewDecisions.Keep, "x")).ErrorId);
        Assert.Equal("DecisionInvalid", Assert.ThrowsAny<HwException>(() =>
            Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, "Maybe", "x")).ErrorId);
        Assert.Equal("PeriodInvalid", Assert.ThrowsAny<HwException>(() => Session.Reviews.Start("2026-13")).ErrorId);
    }

    [Fact]
    public void A_period_after_the_current_month_is_refused_by_every_entry_point_that_changes_a_review()
    {
        Organisation();
        IMailer mailer = Mailer(Session);
        int journaled = Session.Journal.ReadAll().Count;
        HwException e = Assert.ThrowsAny<HwException>(() => Session.Reviews.Start("2099-12"));
        Assert.Equal(ErrorIds.PeriodInFuture, e.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("2099-12", e.Target);
        Assert.StartsWith("The review period 2099-12 is after the current month (2026-11, by this session's clock)", e.Message);
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Start("2026-12")).ErrorId); // next month is the future too
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Send("2099-12", mailer, "social-media-review@hwsefton.example", false)).ErrorId);
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Escalate("2099-12", mailer, "social-media-review@hwsefton.example")).ErrorId);
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Decide("2099-12", "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "x")).ErrorId);
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Close("2099-12")).ErrorId);
        Assert.Empty(Session.Reviews.Get(null));                                  // nothing was started
        Assert.Empty(Session.Reviews.Get("2099-12"));                             // reading a future period is allowed: there is none
        Assert.Equal(journaled, Session.Journal.ReadAll().Count);                 // nor journaled

        Assert.True(Session.Reviews.Start("2026-11").Created);                    // this month (the last day of it included) ...
        Clock.UtcNow = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero);
        Assert.True(Session.Reviews.Start("2026-10").Created);                    // ... and an earlier one may be started
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Start("2026-12")).ErrorId);
    }

    [Fact]
    public void A_review_made_under_a_clock_in_2031_neither_becomes_current_nor_hides_the_overdue_one()
    {
        Organisation();
        IMailer mailer = Mailer(Session);
        Session.Reviews.Start(null);                                              // 2026-11, due 16 November
        Clock.UtcNow = new DateTimeOffset(2026, 11, 20, 7, 0, 0, TimeSpan.Zero);
        ComplianceFindingSnapshot before = Overdue();
        Assert.Equal("The 2026-11 access review was due on 16 November 2026 and 4 decisions are still missing.", before.Evidence);

        Clock.UtcNow = new DateTimeOffset(2031, 6, 10, 9, 0, 0, TimeSpan.Zero);   // one run under a wrong clock
        Assert.Equal("2031-06", Session.Reviews.Start(null).Review.Period);
        Clock.UtcNow = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);   // back on the real clock

        Assert.Equal(before.Evidence, Overdue().Evidence);                        // the missing decisions are still reported
        var future = Session.Compliance.Run().Single(f => f.RuleId == "HW-REV-003");
        Assert.Equal(HealthwatchPolicy.Engine.Compliance.Severity.High, future.Severity);
        Assert.Equal("Access review 2031-06", future.Subject);
        Assert.StartsWith("The access review 2031-06 was started on 10 June 2031", future.Evidence);
        Assert.Equal("DatedInFuture", Session.Reviews.Get("2031-06").Single().StatusAt(Clock.UtcNow));
        Assert.Equal(new[] { "2026-11", "2031-06" }, Session.Reviews.Get(null).Select(r => r.Period));       // listed, to be looked at ...
        Assert.All(Session.Reviews.Items(null, pendingOnly: true), i => Assert.Equal("2026-11", i.Period)); // ... but not pending work
        Assert.Equal(4, Session.Reviews.Items("2031-06", pendingOnly: true).Count());

        // Without -Period the changes act on the review due now, not the one from the future; the schedule leaves it alone.
        Assert.Equal("2026-11", Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "Still needed").Period);
        Assert.Equal(ErrorIds.PeriodInFuture, Assert.ThrowsAny<HwException>(() => Session.Reviews.Decide("2031-06", "facebook-hw", TestOrg.Staff2, ReviewDecisions.Keep, "x")).ErrorId);
        IReadOnlyList<ReviewScheduleStep> steps = Session.Reviews.Advance(mailer, "social-media-review@hwsefton.example");
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.Equal("2026-11", s.Period));
        Assert.Empty(Session.Reviews.Get("2031-06").Single().Mail);
        Assert.Equal("The 2026-11 access review was due on 16 November 2026 and 3 decisions are still missing.", Overdue().Evidence);
    }

    [Theory]
    [InlineData("0000-01")]
    [InlineData("0001-01")]
    [InlineData("1999-12")]
    [InlineData("\u0662\u0660\u0662\u0666-10")]   // Arabic-Indic digits match \d, never [0-9]
    [InlineData("2026-1O")]
    public void A_period_before_2000_or_not_in_ASCII_digits_is_refused_as_PeriodInvalid(string period)
    {
        Organisation();
        var ex = Assert.ThrowsAny<HwException>(() => Session.Reviews.Start(period));
        Assert.Equal(ErrorIds.PeriodInvalid, ex.ErrorId);
        Assert.Equal("period", ex.Input);
        Assert.Empty(Session.Reviews.Get(null));
        Assert.True(Session.Reviews.Start("2000-01").Created);                    // the first month allowed
    }

    [Fact]
    public void A_stored_review_with_period_0000_01_is_a_finding_and_never_breaks_the_report_or_the_schedule()
    {
        Organisation();
        Session.Reviews.Start(null);
        string reviews = Path.Combine(Org.StateFolder, "reviews");
        File.WriteAllText(Path.Combine(reviews, "0000-01.json"),
            File.ReadAllText(Path.Combine(reviews, "2026-11.json")).Replace("\"2026-11\"", "\"0000-01\""));
        File.Delete(Path.Combine(reviews, "2026-11.json"));
        Clock.UtcNow = new DateTimeOffset(2026, 11, 20, 7, 0, 0, TimeSpan.Zero);

        var odd = Session.Compliance.Run().Single(f => f.RuleId == "HW-REV-004");
        Assert.Equal("Access review 0000-01", odd.Subject);
        Assert.Equal(HealthwatchPolicy.Engine.Compliance.Severity.High, odd.Severity);
        Assert.Equal("NotACalendarMonth", Session.Reviews.Get(null).Single().StatusAt(Clock.UtcNow));
        Assert.Empty(Session.Reviews.Items(null, pendingOnly: true));
        IReadOnlyList<ReviewScheduleStep> steps = Session.Reviews.Advance(Mailer(Session), "social-media-review@hwsefton.example");
        Assert.All(steps, s => Assert.NotEqual("0000-01", s.Period));
    }

    private sealed record ComplianceFindingSnapshot(string Subject, string Evidence);

    private ComplianceFindingSnapshot Overdue()
    {
        var f = Session.Compliance.Run().Single(f => f.RuleId == "HW-REV-001");
        return new ComplianceFindingSnapshot(f.Subject, f.Evidence);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalReviewMonthTests : ReviewMonthContract
{
    private string Outbox => Path.Combine(Org.Folder, "outbox");

    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);

    protected override IMailer Mailer(HwServices session) => session.Mail.Create(null, null, 0, null, Outbox);

    protected override IReadOnlyList<MimeMessage> Delivered() =>
        Directory.Exists(Outbox)
            ? Directory.GetFiles(Outbox, "*.eml").OrderBy(f => f, StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : new List<MimeMessage>();
}

public sealed class GraphReviewMonthTests : ReviewMonthContract
{
    private HealthwatchPolicy.Engine.Tests.Adapters.GraphTestHost? _host;

    protected override IDirectory CreateDirectory(string organisationFolder)
    {
        _host = HealthwatchPolicy.Engine.Tests.Adapters.GraphTestHost.Start(organisationFolder);
        _host.Fake.AddUser("social-media-review@hwsefton.example", "Social media review"); // the sending mailbox
        return _host.Directory;
    }

    // Graph sendMail as the review mailbox; the fake records each message as sent (MIME), parsed back with MimeKit.
    protected override IMailer Mailer(HwServices session) => session.Mail.Create("social-media-review@hwsefton.example", null, 0, null, null);

    protected override IReadOnlyList<MimeMessage> Delivered() =>
        _host!.Fake.SentMail.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Mime!)))).ToList();

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
