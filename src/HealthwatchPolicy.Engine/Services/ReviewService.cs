using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Storage;
using MimeKit;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// The monthly access review (SMP-3.2, "access ... strictly limited", kept true over time): start (snapshot and
/// reviewers), send (one mail per reviewer), decide (Remove revokes through the same path as Revoke-HwPostingAccess),
/// remind, escalate to the Manager and Communications Officer, and close (undecided access flagged or revoked).
/// </summary>
public sealed partial class ReviewService
{
    private readonly HwSession _session;
    private readonly ReviewStore _store;

    private readonly RegisterService _register;
    private readonly AccessService _access;
    private readonly ComplianceService _compliance;

    internal ReviewService(HwSession session, RegisterService register, AccessService access, ComplianceService compliance)
    {
        _session = session;
        _register = register;
        _access = access;
        _compliance = compliance;
        _store = new ReviewStore(() => session.State);
    }

    private PolicyDocument Policy => _session.Policy;
    private DateTimeOffset Now => _session.Clock.UtcNow;

    /// <summary>Every stored review, oldest period first (for compliance, which picks the one due now).</summary>
    internal IReadOnlyList<AccessReview> All() => _store.All();

    /// <summary>This month as a review period, <c>yyyy-MM</c> (the session clock, UTC).</summary>
    public string CurrentPeriod => AccessReview.PeriodOf(Now);

    /// <summary>
    /// Starts the period's review (default: this month); a second start in the same period opens nothing new. Reads
    /// the register once (with the compliance findings over it), writes <c>reviews/&lt;yyyy-MM&gt;.json</c> through the
    /// state store and journals <c>AccessReviewStarted</c>. A period after the current month (by the session's clock)
    /// is refused (<see cref="ErrorIds.PeriodInFuture"/>): a review from the future would stand in for the one due now.
    /// </summary>
    /// <exception cref="HwException">PeriodInvalid or PeriodInFuture (input <c>period</c>), StateLocked or StateNotWritable, JournalWriteFailed, StateConflict (the review document changed under us), or a directory error of the adapter.</exception>
    public (AccessReview Review, bool Created) Start(string? period)
    {
        string p = CheckNotFuture(CheckPeriod(Identifiers.Normalise(period ?? CurrentPeriod)));
        using IDisposable _ = _session.BeginChange();
        if (_store.Find(p) is { } existing)
            return (existing, false);

        RegisterSnapshot register = _register.ReadRegister();
        ILookup<(string?, string), string> findings = _compliance.Run(register)
            .Where(f => f.Account is not null)
            .ToLookup(f => (f.Account, f.Subject.ToLowerInvariant()), f => f.RuleId);
        DirectoryUser? manager = RoleHolder("Manager");
        DirectoryUser? comms = RoleHolder("CommunicationsOfficer");
        AccessReviewParameters rp = Policy.Parameters.AccessReview;
        var review = new AccessReview
        {
            Period = p,
            StartedAt = Now,
            StartedBy = _session.Actor,
            DueAt = Now.AddDays(rp.DueDays),
            GraceEndsAt = Now.AddDays(rp.DueDays + rp.GraceDays),
            PolicyVersion = Policy.Version,
            UndecidedAction = rp.UndecidedAction,
        };
        var lifecycle = new Lifecycle.LifecycleStore(_session.State).Read(); // issue 15 (h15): time-bound access in the review
        foreach (OfficialAccount account in register.Accounts.Where(a => a.IsActive))
        {
            register.Users.TryGetValue(account.OwnerId, out DirectoryUser? owner);
            foreach (string id in account.PosterIds)
            {
                register.Users.TryGetValue(id, out DirectoryUser? poster);
                (DirectoryUser? reviewer, string role) = ChooseReviewer(owner, id, manager, comms);
                string upn = poster?.UserPrincipalName ?? id;
                review.Items.Add(new AccessReviewItem
                {
                    Period = p,
                    Account = account.Name,
                    Platform = account.Platform,
                    User = upn,
                    UserId = id,
                    DisplayName = poster?.DisplayName,
                    EmployeeType = poster?.EmployeeType,
                    Enabled = poster?.AccountEnabled,
                    AcknowledgedVersion = AcknowledgementRecord.Read(poster?.Extension).Latest?.Version,
                    OpenFindings = findings[(account.Name, upn.ToLowerInvariant())].Distinct().ToTextList(),
                    Expires = lifecycle.ExpiryOf(account.Name, id)?.Until,
                    Reviewer = reviewer?.UserPrincipalName ?? "(no reviewer: assign the Manager role in the policy)",
                    ReviewerDisplayName = reviewer?.DisplayName,
                    ReviewerRole = role,
                });
            }
        }
        _store.Save(review);
        _session.Record(JournalActions.AccessReviewStarted, null, null, $"Monthly access review {p}", null,
            new() { ["period"] = p, ["items"] = review.Items.Count, ["reviewers"] = review.Reviewers.Count(), ["due"] = review.DueAt.ToString("o", CultureInfo.InvariantCulture) });
        return (review, true);
    }

    /// <summary>The owner reviews their account; the Manager where the owner is gone or the item is the owner's own access.</summary>
    private static (DirectoryUser? Reviewer, string Role) ChooseReviewer(DirectoryUser? owner, string posterId, DirectoryUser? manager, DirectoryUser? comms)
    {
        if (owner is { AccountEnabled: true } && owner.Id != posterId)
            return (owner, "Owner");
        string why = owner is null || !owner.AccountEnabled ? "owner gone" : "owner's own access";
        if (manager is { AccountEnabled: true } && manager.Id != posterId)
            return (manager, $"Manager ({why})");
        if (comms is { AccountEnabled: true } && comms.Id != posterId)
            return (comms, $"Communications Officer ({why}; the Manager cannot review it)");
        return (null, "Unassigned");
    }

    private DirectoryUser? RoleHolder(string roleId) =>
        Policy.FindRole(roleId) is { User: { } upn } ? _session.Directory.FindUser(upn) : null;

    /// <summary>The review of <paramref name="period"/> (<c>yyyy-MM</c>), or every review when null; reads <c>reviews/&lt;period&gt;.json</c> through the state store. Throws <c>PeriodInvalid</c> for a malformed period; reading a future period is allowed (it shows a review made under a wrong clock).</summary>
    public IReadOnlyList<AccessReview> Get(string? period) =>
        period is null ? _store.All() : (_store.Find(CheckPeriod(Identifiers.Normalise(period))) is { } r ? new[] { r } : Array.Empty<AccessReview>());

    /// <summary>The items of a review (default: every review not closed and not dated in the future), optionally only the undecided ones.</summary>
    public IEnumerable<AccessReviewItem> Items(string? period, bool pendingOnly) =>
        (period is null ? _store.All().Where(r => r.ClosedAt is null && !r.IsSetAside(Now)) : Get(period))
        .SelectMany(r => r.Items)
        .Where(i => !pendingOnly || i.Decision is null);

    /// <summary>One mail per reviewer (Reminder: only reviewers with undecided items, listing those), through <paramref name="mailer"/> from <paramref name="from"/>; each recorded in the review and journaled (<c>AccessReviewMailSent</c>).</summary>
    /// <exception cref="HwException">PeriodInvalid, ReviewNotFound, ReviewClosed, StateLocked or StateNotWritable, JournalWriteFailed, StateConflict (the review document changed under us), or what the mailer throws (MailNotSent, MailboxNotFound, ...).</exception>
    public IReadOnlyList<ReviewMailRecord> Send(string? period, IMailer mailer, string from, bool reminder)
    {
        using IDisposable _ = _session.BeginChange();
        AccessReview review = Open(period);
        var sent = new List<ReviewMailRecord>();
        foreach (IGrouping<string, AccessReviewItem> group in review.Items
                     .Where(i => !reminder || i.Decision is null)
                     .GroupBy(i => i.Reviewer, StringComparer.OrdinalIgnoreCase))
        {
            DirectoryUser? reviewer = _session.Directory.FindUser(group.Key);
            List<MailboxAddress> to = MailboxesFor(reviewer);
            if (to.Count == 0)
            {
                // Nobody to mail (no mailbox for the reviewer, their manager or the Manager): say so, do not skip silently.
                sent.Add(new ReviewMailRecord
                {
                    Period = review.Period, Kind = "NoMailbox", Recipient = group.Key, Subject = "(not sent: no mailbox)",
                    Items = group.Count(), SentAt = Now, Transport = mailer.Description,
                });
                continue;
            }
            // Where the reviewer has no mailbox, the mail goes to their line manager or the Manager: greet who reads it.
            string greeting = reviewer?.Mail is { Length: > 0 } ? reviewer.DisplayName : to[0].Name ?? group.Key;
            MimeMessage message = ReviewMailBuilder.ForReviewer(review, Policy, greeting, group.ToList(),
                reminder, new MailboxAddress(Policy.Organisation, from), to, _compliance.Witness(),
                // decisions by mail (decision 0200): links only for the reviewer's own mailbox; whoever reads it for them cannot use them
                reviewer?.Mail is { Length: > 0 } && to[0].Address == reviewer.Mail ? DecisionLinks(review, from) : null);
            sent.Add(Deliver(review, mailer, message, reminder ? "Reminder" : "Initial", group.Key, to, group.Count()));
        }
        _store.Save(review);
        return sent;
    }

    /// <summary>Past the due date with undecided items: one mail to the Manager and Communications Officer (once per review; <c>AccessReviewEscalated</c>).</summary>
    /// <exception cref="HwException">PeriodInvalid, ReviewNotFound, ReviewClosed, EscalationContactsMissing, StateLocked or StateNotWritable, JournalWriteFailed, StateConflict (the review document changed under us), or what the mailer throws.</exception>
    public IReadOnlyList<ReviewMailRecord> Escalate(string? period, IMailer mailer, string from)
    {
        using IDisposable _ = _session.BeginChange();
        AccessReview review = Open(period);
        if (review.EscalatedAt is not null || Now <= review.DueAt || review.Undecided == 0)
            return Array.Empty<ReviewMailRecord>();
        var recipients = new[] { RoleHolder("Manager"), RoleHolder("CommunicationsOfficer") }
            .Where(u => u is { AccountEnabled: true }).SelectMany(u => MailboxesFor(u)).GroupBy(m => m.Address.ToLowerInvariant()).Select(g => g.First()).ToList();
        if (recipients.Count == 0)
            throw new HwException(ErrorIds.EscalationContactsMissing,
                "The review is overdue but neither the Manager nor the Communications Officer can be mailed: assign them in the policy's spec.roles.");
        var overdue = review.Items.Where(i => i.Decision is null).ToList();
        MimeMessage message = ReviewMailBuilder.ForEscalation(review, Policy, overdue, new MailboxAddress(Policy.Organisation, from), recipients, _compliance.Witness(),
            // decision 0201: the Manager decides overdue items by mail, but never their own access: no links for those
            EscalationLinks(review, from, RoleHolder("Manager")));
        ReviewMailRecord record = Deliver(review, mailer, message, "Escalation", string.Join(", ", recipients.Select(r => r.Address)), recipients, overdue.Count);
        review.EscalatedAt = Now;
        _store.Save(review);
        _session.Record(JournalActions.AccessReviewEscalated, null, null, $"Access review {review.Period} overdue: {overdue.Count} undecided", null,
            new() { ["period"] = review.Period, ["undecided"] = overdue.Count });
        return new[] { record };
    }

    /// <summary>Records a decision (<c>Keep</c> or <c>Remove</c>, journaled <c>AccessReviewDecided</c>); Remove revokes the access at once, journaled like Revoke-HwPostingAccess. <c>decidedBy</c> is who decided when not the session's actor (the reviewer's address for a decision by mail).</summary>
    /// <exception cref="HwException">DecisionInvalid (input <c>decision</c>), PeriodInvalid, ReviewNotFound, ReviewClosed, ReviewItemNotFound,
    /// DecisionAlreadyApplied, StateLocked or StateNotWritable, JournalWriteFailed, StateConflict (the review document changed under us), or a directory error of the adapter.</exception>
    public AccessReviewItem Decide(string? period, string account, string user, string decision, string justification, string? decidedBy = null)
    {
        (account, user, decision) = (Identifiers.Normalise(account), Identifiers.Normalise(user), Identifiers.OneOf(decision, ReviewDecisions.All));
        if (decision != ReviewDecisions.Keep && decision != ReviewDecisions.Remove)
            throw new HwException(ErrorIds.DecisionInvalid, $"A decision is Keep or Remove; '{decision}' is neither.", decision, input: "decision");
        FieldLimits.CheckReason(justification, "justification");
        using IDisposable _ = _session.BeginChange();
        AccessReview review = Open(period);
        // A decisions.csv row comes back with the ' the mail put before a leading = + - @ (CSV injection guard): take it off.
        string csvUser = Text.SafeText.FromCsvField(user);
        AccessReviewItem item = review.Items.FirstOrDefault(i => string.Equals(i.Account, account, StringComparison.OrdinalIgnoreCase)
                                    && (string.Equals(i.User, user, StringComparison.OrdinalIgnoreCase) || string.Equals(i.UserId, user, StringComparison.OrdinalIgnoreCase)
                                        || string.Equals(i.User, csvUser, StringComparison.OrdinalIgnoreCase)))
            ?? throw new HwException(ErrorIds.ReviewItemNotFound,
                $"The access review {review.Period} has no item for '{user}' on '{account}'. Get-HwAccessReview -Pending lists them.", user);
        if (item.Decision == decision)
            return item; // the same decision again changes nothing
        if (item.Outcome is "Revoked")
            throw new HwException(ErrorIds.DecisionAlreadyApplied,
                $"'{item.User}' was already removed from '{item.Account}' in this review; grant access again with Grant-HwPostingAccess if they need it.", user);

        item.Decision = decision;
        item.Justification = justification;
        item.DecidedBy = decidedBy ?? _session.Actor;
        item.DecidedAt = Now;
        if (decision == ReviewDecisions.Remove)
        {
            AccessOutcome outcome = _access.Revoke(item.Account, item.UserId, $"Access review {review.Period}: {justification}");
            item.Outcome = outcome.Changed ? "Revoked" : "AlreadyRemoved";
        }
        else
            item.Outcome = "Kept";
        item.AppliedAt = Now;
        _store.Save(review);
        _session.Record(JournalActions.AccessReviewDecided, item.Account, item.User, justification, null,
            new() { ["period"] = review.Period, ["decision"] = decision, ["outcome"] = item.Outcome, ["decidedBy"] = item.DecidedBy });
        return item;
    }

    /// <summary>After the grace period: undecided access is flagged or revoked, as the policy says; the review closes (<c>AccessReviewClosed</c>).</summary>
    /// <exception cref="HwException">PeriodInvalid, ReviewNotFound, ReviewClosed, ReviewNotDue, StateLocked or StateNotWritable, JournalWriteFailed, StateConflict (the review document changed under us), or a directory error of the adapter.</exception>
    public AccessReview Close(string? period)
    {
        using IDisposable _ = _session.BeginChange();
        AccessReview review = Open(period);
        if (Now <= review.GraceEndsAt && review.Undecided > 0)
            throw new HwException(ErrorIds.ReviewNotDue,
                $"The access review {review.Period} has {review.Undecided} undecided item(s) and its grace period runs to {EnglishDate.Long(review.GraceEndsAt.UtcDateTime)}; it can close then.", review.Period);
        foreach (AccessReviewItem item in review.Items.Where(i => i.Decision is null))
        {
            if (review.UndecidedAction == "Revoke")
            {
                try
                {
                    AccessOutcome outcome = _access.Revoke(item.Account, item.UserId,
                        $"Access review {review.Period}: no decision by {EnglishDate.Long(review.GraceEndsAt.UtcDateTime)} (the policy revokes undecided access)");
                    item.Outcome = outcome.Changed ? "RevokedUndecided" : "AlreadyRemoved";
                }
                catch (HwException e) when (e.ErrorId is ErrorIds.PosterThroughNestedGroup or ErrorIds.GroupNotManageable)
                {
                    // Access the module cannot remove (a nested group, a mail-enabled group) is flagged, not reported as
                    // revoked, and the review still closes: HW-REV-002 keeps it in view (docs/decisions/0090).
                    item.Outcome = "Flagged";
                }
            }
            else
                item.Outcome = "Flagged";
            item.AppliedAt = Now;
        }
        review.ClosedAt = Now;
        _store.Save(review);
        _session.Record(JournalActions.AccessReviewClosed, null, null, $"Access review {review.Period} closed", null,
            new() { ["period"] = review.Period, ["undecided"] = review.Undecided, ["action"] = review.UndecidedAction });
        return review;
    }

    /// <summary>
    /// The review a change acts on: the one for <paramref name="period"/> (never a future period), or else the latest
    /// open review that is not dated in the future (one made under a wrong clock is never picked for the current one).
    /// </summary>
    private AccessReview Open(string? period)
    {
        DateTimeOffset now = Now;
        AccessReview? review = period is null
            ? _store.All().LastOrDefault(r => r.ClosedAt is null && !r.IsSetAside(now))
            : _store.Find(CheckNotFuture(CheckPeriod(Identifiers.Normalise(period))));
        if (review is null)
            throw new HwException(ErrorIds.ReviewNotFound,
                period is null ? "There is no open access review: Start-HwAccessReview starts this month's." : $"There is no access review for {period}.", period);
        if (review.ClosedAt is not null)
            throw new HwException(ErrorIds.ReviewClosed, $"The access review {review.Period} is closed.", review.Period);
        return review;
    }

    /// <summary>Never assume a mailbox: the person's own, else their line manager's, else the Manager role's.</summary>
    private List<MailboxAddress> MailboxesFor(DirectoryUser? user)
    {
        DirectoryUser? manager = user?.ManagerId is null ? null : _session.Directory.FindUser(user.ManagerId);
        foreach (DirectoryUser? candidate in new[] { user, manager, RoleHolder("Manager") })
            if (candidate is { AccountEnabled: true, Mail: { Length: > 0 } mail })
                return new List<MailboxAddress> { new(candidate.DisplayName, mail) };
        return new List<MailboxAddress>();
    }

    private ReviewMailRecord Deliver(AccessReview review, IMailer mailer, MimeMessage message, string kind, string recipient, List<MailboxAddress> to, int items)
    {
        mailer.Send(message);
        var record = new ReviewMailRecord
        {
            Period = review.Period, Kind = kind, Recipient = recipient, To = Text.TextList.Of(to.Select(m => m.Address)),
            Subject = message.Subject ?? "", Items = items, SentAt = Now, Transport = mailer.Description,
        };
        review.Mail.Add(record);
        _store.Save(review); // each message recorded as it goes: a failure later in the run never causes a second send
        _session.Record(JournalActions.AccessReviewMailSent, null, recipient, $"{kind} mail for access review {review.Period}", null,
            new() { ["period"] = review.Period, ["kind"] = kind, ["items"] = items });
        return record;
    }

    private string CheckNotFuture(string period) =>
        string.CompareOrdinal(period, CurrentPeriod) <= 0 ? period
        : throw new HwException(ErrorIds.PeriodInFuture,
            $"The review period {period} is after the current month ({CurrentPeriod}, by this session's clock): a review is started, sent, decided or closed only for this month or an earlier one. Check the -Period value and the computer's clock.",
            period, input: "period");

    private static string CheckPeriod(string period) =>
        AccessReview.IsCalendarPeriod(period) ? period
        : throw new HwException(ErrorIds.PeriodInvalid, $"A review period is a month written yyyy-MM with ASCII digits, from 2000-01 to 2099-12 (the years a policy date may name; for example 2026-11); '{SafeText.Neutralise(period)}' is not.", period, input: "period");
}
