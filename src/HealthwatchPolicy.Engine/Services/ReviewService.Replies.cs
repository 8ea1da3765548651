using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Mail;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Text;
using MimeKit;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// Decisions by mail (docs/decisions/0200): the review mail's Keep and Remove links carry a signed token; replies
/// arrive in the review mailbox's inbox, and each is applied exactly as <see cref="Decide"/> would, only when the
/// token verifies, the message is authenticated (inside the organisation, or DMARC pass for its From domain, as
/// Exchange Online records it), its sender is the assigned reviewer (or the Manager once the review was escalated),
/// the review is open and the item undecided (the same decision again is a no-op).
/// </summary>
public sealed partial class ReviewService
{
    /// <summary>The folder processed decision mail is moved to (Graph: a top-level mail folder of the review mailbox).</summary>
    public const string ProcessedFolder = "HealthwatchPolicy processed";

    private DecisionTokens? _tokens;
    private DecisionTokens Tokens => _tokens ??= new DecisionTokens(_session.State);

    /// <summary>
    /// The inbox of the review mailbox <paramref name="mailbox"/>: Graph's on a Graph connection
    /// (<c>GET /users/{mailbox}/mailFolders/inbox/messages</c>), else the state folder's <c>mailbox/inbox</c> of <c>.eml</c> files.
    /// </summary>
    public IReviewInbox OpenInbox(string mailbox) =>
        _session.Directory is IInboxCapableDirectory graph
            ? graph.OpenInbox(mailbox)
            : new LocalInbox(System.IO.Path.Combine(_session.Connection.StatePath, "mailbox"));

    /// <summary>The review mail's Keep and Remove links: <c>mailto:</c> the review mailbox <paramref name="mailbox"/>, the signed token in the subject.</summary>
    private Func<AccessReviewItem, string, string> DecisionLinks(AccessReview review, string mailbox) =>
        (item, decision) => DecisionReplyBuilder.Mailto(mailbox, item, decision, TokenFor(review, item, decision));

    /// <summary>The escalation mail's links: as <see cref="DecisionLinks"/>, but none for an item about <paramref name="manager"/> (decision 0201: nobody decides their own access).</summary>
    private Func<AccessReviewItem, string, string?> EscalationLinks(AccessReview review, string mailbox, DirectoryUser? manager)
    {
        Func<AccessReviewItem, string, string> links = DecisionLinks(review, mailbox);
        return (item, decision) => IsAbout(item, manager) ? null : links(item, decision);
    }

    /// <summary>Whether <paramref name="item"/> is about <paramref name="person"/>'s own access (by object id or sign-in name).</summary>
    private static bool IsAbout(AccessReviewItem item, DirectoryUser? person) => person is not null
        && (string.Equals(item.UserId, person.Id, StringComparison.OrdinalIgnoreCase)
            || string.Equals(item.User, person.UserPrincipalName, StringComparison.OrdinalIgnoreCase)
            || (person.Mail is { Length: > 0 } mail && string.Equals(item.User, mail, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The decision token for <paramref name="decision"/> on <paramref name="item"/> (for the mail's links and the tests).</summary>
    internal string TokenFor(AccessReview review, AccessReviewItem item, string decision) =>
        Tokens.For(review, review.Items.IndexOf(item), decision);

    /// <summary>
    /// Reads <paramref name="inbox"/> and handles every message that carries a decision token, oldest first: each is
    /// judged, then (when <paramref name="shouldApply"/> says yes: -WhatIf says no) applied or refused, journaled
    /// (<c>AccessReviewDecisionReceived</c> / <c>AccessReviewDecisionRefused</c>, with why), answered through
    /// <paramref name="mailer"/> from <paramref name="from"/> (never to a sender that failed authentication) and moved
    /// to <see cref="ProcessedFolder"/>. Messages without a token in the subject are left where they are.
    /// </summary>
    /// <exception cref="HwException">StateLocked or StateNotWritable, JournalWriteFailed, what the inbox throws (MailboxNotFound, GraphAccessDenied, FileWriteFailed) or the mailer (MailNotSent).</exception>
    public IReadOnlyList<ReviewDecisionReceipt> ReceiveDecisions(IReviewInbox inbox, IMailer mailer, string from,
        Func<ReviewDecisionReceipt, bool>? shouldApply = null)
    {
        using IDisposable _ = _session.BeginChange();
        var receipts = new List<ReviewDecisionReceipt>();
        foreach (InboxMessage message in inbox.List())
        {
            // The subject only: a reply to the review mail quotes every person's links in its body, and the first of
            // them must not be taken for the reviewer's decision.
            // Decision 0201: more than one distinct token that verifies is ambiguous; text that starts like a token but
            // does not parse (a code edited in length or form) is an attempt, refused as TokenInvalid, not ignored.
            IReadOnlyList<ParsedToken> tokens = DecisionTokens.FindAll(message.Subject);
            string? attempt = DecisionTokens.FindAttempt(message.Subject);
            if (tokens.Count == 0 && attempt is null)
                continue;
            List<ParsedToken> valid = tokens.Where(Verifies).ToList();
            ParsedToken? token = valid.Count > 0 ? valid[valid.Count - 1] : tokens.LastOrDefault();
            string presented = token?.Text ?? attempt!;
            (ReviewDecisionReceipt receipt, bool authenticated) = Judge(message, token, ambiguous: valid.Count > 1);
            if (shouldApply is not null && !shouldApply(receipt))
            {
                receipt.Outcome = receipt.RefusedBecause is null ? "WouldApply" : "WouldRefuse";
                receipts.Add(receipt);
                continue;
            }
            if (receipt.RefusedBecause is null && receipt.Outcome != "Unchanged")
            {
                try
                {
                    Decide(receipt.Period, receipt.Account!, receipt.User!, receipt.Decision!, receipt.Justification!, decidedBy: message.From);
                    receipt.Outcome = "Applied";
                    receipt.Detail = receipt.Decision == ReviewDecisions.Remove
                        ? $"Recorded: Remove. {receipt.User}'s access to post on {receipt.Account} has been removed."
                        : $"Recorded: Keep. {receipt.User} keeps their access to post on {receipt.Account}.";
                }
                catch (HwException e)
                {
                    Refuse(receipt, "DecisionFailed", "The decision could not be recorded: " + e.Message);
                }
            }
            bool accepted = receipt.RefusedBecause is null;
            _session.Record(accepted ? JournalActions.AccessReviewDecisionReceived : JournalActions.AccessReviewDecisionRefused,
                receipt.Account, receipt.User, accepted ? receipt.Detail : $"Decision mail refused ({receipt.RefusedBecause}): {receipt.Detail}", null,
                new()
                {
                    ["period"] = receipt.Period, ["decision"] = receipt.Decision, ["outcome"] = receipt.Outcome,
                    ["refusedBecause"] = receipt.RefusedBecause, ["from"] = SafeText.Neutralise(message.From ?? "(none)"),
                    ["messageId"] = SafeText.Neutralise(Header(message, "Message-Id")?.Trim() ?? message.Id), ["authenticated"] = authenticated,
                    ["token"] = SafeText.Neutralise(presented),
                });
            if (authenticated && message.From is { } replyTo && receipt.RefusedBecause != "AutoReply")
            {
                mailer.Send(DecisionReplyBuilder.Reply(receipt, Policy, new MailboxAddress(Policy.Organisation, from), new MailboxAddress("", replyTo)));
                receipt.Replied = true;
            }
            inbox.Move(message, ProcessedFolder);
            receipts.Add(receipt);
        }
        return receipts;
    }

    /// <summary>Every condition, in order; the first that fails is the refusal. No side effect.</summary>
    private (ReviewDecisionReceipt Receipt, bool Authenticated) Judge(InboxMessage m, ParsedToken? token, bool ambiguous)
    {
        var r = new ReviewDecisionReceipt
        {
            From = SafeText.Neutralise(m.From), Subject = SafeText.Neutralise(m.Subject), MessageId = SafeText.Neutralise(m.Id) ?? "", Received = m.Received, Outcome = "Accepted",
        };
        (bool authenticated, string how) = Authentication(m);

        if (IsAutoReply(m))
            return (Refuse(r, "AutoReply", "An automatic reply (Auto-Submitted) is never taken as a decision."), authenticated);

        if (ambiguous)
            return (Refuse(r, "TokenAmbiguous", "The subject carries more than one decision code, so it is not clear which decision you meant. "
                        + "Please use one Keep or Remove link in the review email per decision, without editing the subject."), authenticated);
        AccessReview? review = token is not null && AccessReview.IsCalendarPeriod(token.Period) ? _store.Find(token.Period) : null;
        if (token is null || review is null || !Tokens.Verify(review, token))
            return (Refuse(r, "TokenInvalid", "The decision code in the subject does not match any decision this review asked for "
                        + "(it was changed, or belongs to another review). Please use the Keep or Remove link in the review email without editing the subject."), authenticated);
        AccessReviewItem item = review.Items[token.Index];
        (r.Period, r.Account, r.User, r.Decision) = (review.Period, item.Account, item.User, token.Decision);

        if (!authenticated)
            return (Refuse(r, "NotAuthenticated", $"The message did not come from inside the organisation and did not pass DMARC for its From domain ({how}); it may be forged."), false);

        bool IsAddress(DirectoryUser? u, string address) => u is not null
            && (string.Equals(u.Mail, address, StringComparison.OrdinalIgnoreCase) || string.Equals(u.UserPrincipalName, address, StringComparison.OrdinalIgnoreCase));
        // Decision 0201: nobody decides their own access, whoever's link they hold (a forwarded one, or the Manager's after escalation).
        if (m.From is { } sender && (string.Equals(item.User, sender, StringComparison.OrdinalIgnoreCase) || IsAddress(_session.Directory.FindUser(item.User), sender)))
            return (Refuse(r, "SelfReview", $"This decision is about your own access to post on {item.Account}, and nobody decides their own access; "
                        + $"{item.ReviewerDisplayName ?? item.Reviewer}, who was asked to review it, or the Manager will decide it."), true);

        DirectoryUser? reviewer = _session.Directory.FindUser(item.Reviewer);
        DirectoryUser? manager = review.EscalatedAt is not null ? RoleHolder("Manager") : null;
        bool IsUser(DirectoryUser? u, string address) => u is not null
            && (string.Equals(u.Mail, address, StringComparison.OrdinalIgnoreCase) || string.Equals(u.UserPrincipalName, address, StringComparison.OrdinalIgnoreCase));
        if (m.From is null || m.Sender is not null || !(IsUser(reviewer, m.From) || IsUser(manager, m.From)))
            return (Refuse(r, "NotReviewer", m.Sender is not null
                ? $"The message was sent by {SafeText.Neutralise(m.Sender)} on behalf of {SafeText.Neutralise(m.From)}; only the reviewer's own mail is taken as their decision."
                : $"Only {item.ReviewerDisplayName ?? item.Reviewer}, who was asked to review this access{(review.EscalatedAt is not null ? ", or the Manager" : "")}, can decide it by mail; "
                  + $"this message came from {SafeText.Neutralise(m.From ?? "(no single sender)")}. A forwarded link does not pass the decision on."), true);

        if (review.ClosedAt is not null || review.IsSetAside(Now))
            return (Refuse(r, ErrorIds.ReviewClosed, $"The {review.Period} access review is closed, so decisions on it can no longer be recorded."), true);

        if (item.Decision == token.Decision)
        {
            r.Outcome = "Unchanged";
            r.Detail = $"Already recorded: {item.Decision} for {item.User} on {item.Account}. Nothing was changed.";
            return (r, true);
        }
        if (item.Decision is not null)
            return (Refuse(r, "DecidedOtherWay", $"{item.Decision} was already recorded for {item.User} on {item.Account}"
                        + $"{(item.DecidedBy is { } by ? " by " + by : "")}{(item.DecidedAt is { } at ? " on " + Storage.EnglishDate.Long(at.UtcDateTime) : "")}; "
                        + $"your {token.Decision} was not applied. If the decision should change, contact the person who runs the review."), true);

        string? reason = ReasonOf(m.Body);
        if (reason is null)
            return (Refuse(r, "ReasonMissing", "The message gave no reason. Please use the link again and write a short reason after \"Reason:\" before sending "
                        + "(a signature such as \"Sent from my iPhone\" or a word or two without \"Reason:\" is not taken as one)."), true);
        r.Justification = reason;
        r.Detail = $"{token.Decision} for {item.User} on {item.Account}: {reason}";
        return (r, true);
    }

    /// <summary>Whether <paramref name="token"/> verifies against its period's stored review (no side effect).</summary>
    private bool Verifies(ParsedToken token) =>
        AccessReview.IsCalendarPeriod(token.Period) && _store.Find(token.Period) is { } review && Tokens.Verify(review, token);

    private static ReviewDecisionReceipt Refuse(ReviewDecisionReceipt r, string because, string detail)
    {
        r.Outcome = "Refused";
        r.RefusedBecause = because;
        r.Detail = detail;
        return r;
    }

    private static string? Header(InboxMessage m, string name) =>
        m.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    private static bool IsAutoReply(InboxMessage m) =>
        Header(m, "Auto-Submitted") is { } a && !a.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether Exchange Online recorded the message as from inside the organisation
    /// (<c>X-MS-Exchange-Organization-AuthAs: Internal</c>, a header Exchange strips from untrusted inbound mail) or as
    /// passing DMARC for the From domain (the topmost <c>Authentication-Results</c>: <c>dmarc=pass</c> with
    /// <c>header.from</c> equal to the From address's domain). Lower (older) Authentication-Results headers are not
    /// read: anyone can write one into a message before it reaches Exchange.
    /// </summary>
    internal static (bool Ok, string How) Authentication(InboxMessage m)
    {
        if (Header(m, "X-MS-Exchange-Organization-AuthAs") is { } authAs && string.Equals(authAs.Trim(), "Internal", StringComparison.OrdinalIgnoreCase))
            return (true, "X-MS-Exchange-Organization-AuthAs: Internal");
        string? domain = m.From is { } f && f.LastIndexOf('@') is int at and > 0 ? f.Substring(at + 1) : null;
        string? results = Header(m, "Authentication-Results");
        if (results is null)
            return (false, "no Authentication-Results header");
        Match dmarc = Regex.Match(results, @"\bdmarc=([a-z]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        Match headerFrom = Regex.Match(results, @"\bdmarc=[a-z]+[^;]*?\bheader\.from=([^\s;()]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!dmarc.Success)
            return (false, "no DMARC result");
        if (!string.Equals(dmarc.Groups[1].Value, "pass", StringComparison.OrdinalIgnoreCase))
            return (false, "dmarc=" + dmarc.Groups[1].Value.ToLowerInvariant());
        if (domain is null || !headerFrom.Success || !string.Equals(headerFrom.Groups[1].Value.TrimEnd('.'), domain, StringComparison.OrdinalIgnoreCase))
            return (false, "DMARC passed for another domain than the From address's");
        return (true, "dmarc=pass header.from=" + domain);
    }

    /// <summary>Lines a mail client adds on its own (a signature with nothing of the reviewer's): never a reason (decision 0201).</summary>
    private static readonly Regex s_signatureLine = new(
        @"^(Sent from (my )?(iPhone|iPad|phone|mobile|Android|Samsung|Galaxy|BlackBerry|Windows Phone|Outlook|Mail)\b.*"
        + @"|Sent (from|with) (Outlook|Mail|Gmail|Yahoo Mail|Proton ?Mail|AOL)\b.*"
        + @"|Get Outlook for (iOS|Android|Mac|Windows)\b.*"
        + @"|Sent from Mail for Windows\b.*|Sent from Yahoo Mail\b.*|Sent via .*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Fewest words a reason without a <c>Reason:</c> line must have (decision 0201).</summary>
    internal const int MinimumFreeReasonWords = 3;

    /// <summary>
    /// The reviewer's reason (decision 0201), on one line, at most 500 characters, or null: the text after
    /// <c>Reason:</c> (the line the link's body provides) up to the quoted mail or signature; where there is no
    /// <c>Reason:</c> line, the body above the quoted mail or signature without the link's prompt, and then only when
    /// it has at least <see cref="MinimumFreeReasonWords"/> words. A line a mail client adds on its own ("Sent from
    /// my iPhone", "Get Outlook for Android") starts the signature and is never part of a reason.
    /// </summary>
    internal static string? ReasonOf(string? body)
    {
        if (body is null)
            return null;
        var lines = body.Replace("\r\n", "\n").Split('\n');
        var kept = new List<string>();
        int start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("Reason:", StringComparison.OrdinalIgnoreCase));
        for (int i = Math.Max(start, 0); i < lines.Length; i++)
        {
            string line = lines[i];
            string t = line.Trim();
            if (i == start)
                t = t.Substring(t.IndexOf(':') + 1).Trim();
            if (t.StartsWith(">", StringComparison.Ordinal) || t == "--" || line.StartsWith("-- ", StringComparison.Ordinal)
                || Regex.IsMatch(t, @"^(From|Sent|De|Von):\s", RegexOptions.CultureInvariant) || Regex.IsMatch(t, @"^On .* wrote:$", RegexOptions.CultureInvariant)
                || t.StartsWith("-----Original Message", StringComparison.OrdinalIgnoreCase) || s_signatureLine.IsMatch(t))
                break;
            if (start < 0 && t.StartsWith(DecisionReplyBuilder.PromptStart, StringComparison.Ordinal))
                continue;
            kept.Add(t);
        }
        string reason = Regex.Replace(string.Join(" ", kept), @"\s+", " ").Trim();
        reason = SafeText.Neutralise(reason) ?? "";
        if (reason.Length == 0)
            return null;
        if (start < 0 && reason.Split(' ').Count(w => w.Any(char.IsLetterOrDigit)) < MinimumFreeReasonWords)
            return null;
        return reason.Length > 500 ? reason.Substring(0, 500) : reason;
    }
}
