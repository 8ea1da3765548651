using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Reviews;

/// <summary>
/// Decisions by mail (issue 17, docs/decisions/0200), written once and run on each adapter: replies are made from the
/// Keep and Remove links of the mail the module sent (its mailto: links parsed back), put in the review mailbox's inbox,
/// and read by ReceiveDecisions. Every attack of the issue is one test.
/// </summary>
public abstract class DecisionMailContract : IDisposable
{
    protected const string ReviewMailbox = "social-media-review@hwsefton.example";
    private protected readonly TestOrg Org = new();
    private protected readonly TestClock Clock = new() { UtcNow = new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero) };
    private HwServices? _session;
    private readonly string _policy;

    protected DecisionMailContract()
    {
        _policy = Path.Combine(Org.Folder, "policy.yaml");
        File.WriteAllText(_policy, File.ReadAllText(Repo.PolicyPath).Replace("nextReviewDue: 2019-10-01", "nextReviewDue: 2030-10-01"));
    }

    protected abstract IDirectory CreateDirectory(string organisationFolder);
    protected abstract IMailer Mailer(HwServices session);
    protected abstract IReadOnlyList<MimeMessage> Delivered();
    /// <summary>Puts <paramref name="message"/> in the review mailbox's inbox (a .eml file, or the fake Graph's inbox).</summary>
    protected abstract void Arrive(MimeMessage message);
    /// <summary>How many messages are in the inbox, and how many in the processed folder.</summary>
    protected abstract (int Inbox, int Processed) Folders();

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

    /// <summary>Starts the review and sends the first mail; returns the mail each reviewer got.</summary>
    private protected Dictionary<string, MimeMessage> StartAndMail()
    {
        Organisation();
        Session.Reviews.Start(null);
        Session.Reviews.Send(null, Mailer(Session), ReviewMailbox, reminder: false);
        return Delivered().ToDictionary(m => m.To.Mailboxes.Single().Address, m => m, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The mailto: link in <paramref name="mail"/>'s HTML part for <paramref name="decision"/> on <paramref name="person"/> (its link text).</summary>
    private protected static string Link(MimeMessage mail, string decision, string person)
    {
        var links = Regex.Matches(mail.HtmlBody!, "<a href=\"(mailto:[^\"]+)\"[^>]*>([^<]+)</a>").Select(m => (Href: System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), Text: m.Groups[2].Value)).ToList();
        string href = links.Single(l => l.Text == $"{decision} {person}").Href;
        Assert.Contains(href, mail.TextBody);                                                   // the text part carries the same link
        return href;
    }

    /// <summary>What a mail client makes of a mailto: link: to, subject and body as the link says, the reason typed after "Reason: ".</summary>
    private protected static MimeMessage ReplyFrom(string mailto, string from, string reason, bool internalMail = true)
    {
        var uri = new Uri(mailto);
        Assert.Equal("mailto", uri.Scheme);
        string to = mailto.Substring("mailto:".Length, mailto.IndexOf('?') - "mailto:".Length);
        var query = mailto.Substring(mailto.IndexOf('?') + 1).Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        var m = new MimeMessage { Subject = query["subject"], Date = DateTimeOffset.UtcNow };
        m.From.Add(new MailboxAddress("", from));
        m.To.Add(new MailboxAddress("", to));
        m.Body = new TextPart("plain") { Text = query["body"] + reason + "\r\n\r\n-- \r\nSent from my phone\r\n" };
        if (internalMail)
            m.Headers.Add("X-MS-Exchange-Organization-AuthAs", "Internal");
        return m;
    }

    private List<JournalEntry> Journal(string action) => Session.Journal.ReadAll().Where(e => e.Action == action).ToList();

    private AccessReviewItem Item(string user) => Session.Reviews.Get("2026-11").Single().Items.Single(i => i.User == user);

    private IReadOnlyList<ReviewDecisionReceipt> Receive() =>
        Session.Reviews.ReceiveDecisions(Session.Reviews.OpenInbox(ReviewMailbox), Mailer(Session), ReviewMailbox);

    [Fact]
    public void Keep_and_Remove_replies_made_from_the_links_are_applied_journaled_and_confirmed()
    {
        var mail = StartAndMail();
        MimeMessage toComms = mail[TestOrg.Comms];
        Arrive(ReplyFrom(Link(toComms, "Keep", "Emma Clarke"), TestOrg.Comms, "Runs the events page"));
        Arrive(ReplyFrom(Link(toComms, "Remove", "Aisha Khan"), TestOrg.Comms, "Moved to the finance team"));
        int sentBefore = Delivered().Count;

        IReadOnlyList<ReviewDecisionReceipt> receipts = Receive();

        Assert.Equal(new[] { "Applied", "Applied" }, receipts.Select(r => r.Outcome));
        Assert.Equal("Kept", Item(TestOrg.Staff1).Outcome);
        Assert.Equal("Runs the events page", Item(TestOrg.Staff1).Justification);
        Assert.Equal(TestOrg.Comms, Item(TestOrg.Staff1).DecidedBy);
        Assert.Equal("Revoked", Item(TestOrg.Staff2).Outcome);
        Assert.DoesNotContain(TestOrg.Staff2, Session.Access.Get("facebook-hw", null).Select(a => a.User));
        Assert.Equal("Access review 2026-11: Moved to the finance team", Journal(JournalActions.PostingAccessRevoked).Last().Reason);
        Assert.Equal(2, Journal(JournalActions.AccessReviewDecided).Count);
        Assert.Equal(2, Journal(JournalActions.AccessReviewDecisionReceived).Count);
        var confirmations = Delivered().Skip(sentBefore).ToList();
        Assert.Equal(2, confirmations.Count);
        Assert.All(confirmations, c => Assert.Equal(TestOrg.Comms, c.To.Mailboxes.Single().Address));
        Assert.All(confirmations, c => Assert.StartsWith("Recorded: ", c.Subject));
        Assert.All(confirmations, c => Assert.DoesNotMatch(@"HW-20\d\d-\d\d-[KR]-", c.TextBody + c.HtmlBody)); // no token: an auto-reply to it decides nothing
        Assert.Equal((0, 2), Folders());                                                        // both moved out of the inbox

        // The same mail again (a second copy) changes nothing and says so.
        Arrive(ReplyFrom(Link(toComms, "Keep", "Emma Clarke"), TestOrg.Comms, "Runs the events page"));
        Assert.Equal("Unchanged", Assert.Single(Receive()).Outcome);
        Assert.Equal(2, Journal(JournalActions.AccessReviewDecided).Count);
        Assert.Equal(3, Journal(JournalActions.AccessReviewDecisionReceived).Count);
        Assert.True(Session.Journal.Verify().IsValid);
        // The key never appears in the mail or the journal.
        string key = (string)System.Text.Json.Nodes.JsonNode.Parse(Session.Session.State.Read("secrets/review-decision-key.json")!.Content)!["key"]!;
        Assert.DoesNotContain(Delivered(), m => (m.TextBody + m.HtmlBody).Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(Session.Journal.ReadAll(), e => System.Text.Json.JsonSerializer.Serialize(e).Contains(key, StringComparison.Ordinal));
    }

    private ReviewDecisionReceipt Refused(MimeMessage reply, string because)
    {
        Arrive(reply);
        int decided = Journal(JournalActions.AccessReviewDecided).Count;
        ReviewDecisionReceipt r = Assert.Single(Receive());
        Assert.Equal("Refused", r.Outcome);
        Assert.Equal(because, r.RefusedBecause);
        Assert.Equal(decided, Journal(JournalActions.AccessReviewDecided).Count);
        JournalEntry refused = Journal(JournalActions.AccessReviewDecisionRefused).Last();
        Assert.Contains(because, refused.Reason);
        Assert.Equal((0, Folders().Processed), (Folders().Inbox, Folders().Processed));
        return r;
    }

    /// <summary>The mailto: links in <paramref name="mail"/>'s HTML part, by link text.</summary>
    private protected static List<string> LinkTexts(MimeMessage mail) =>
        Regex.Matches(mail.HtmlBody!, "<a href=\"(mailto:[^\"]+)\"[^>]*>([^<]+)</a>").Select(m => m.Groups[2].Value).ToList();

    [Fact]
    public void Nobody_decides_their_own_access_by_mail_not_even_the_Manager_after_escalation()
    {
        // Decision 0201 (issue 17 review): Sarah Whitfield (the Manager) can post on Instagram; Ben Taylor (its owner) reviews her.
        Organisation();
        Session.Access.Grant("instagram-hw", TestOrg.Manager, "r");
        IMailer mailer = Mailer(Session);
        Session.Reviews.Start(null);
        Session.Reviews.Send(null, mailer, ReviewMailbox, reminder: false);
        var mail = Delivered().ToDictionary(m => m.To.Mailboxes.Single().Address, m => m, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(TestOrg.Staff3, Item(TestOrg.Manager).Reviewer);
        Clock.UtcNow = Session.Reviews.Get("2026-11").Single().DueAt.AddDays(1);
        Assert.Single(Session.Reviews.Escalate(null, mailer, ReviewMailbox));
        MimeMessage escalation = Delivered().Last(m => m.Subject!.StartsWith("Overdue", StringComparison.Ordinal));
        Assert.Contains(escalation.To.Mailboxes, b => b.Address == TestOrg.Manager);
        Assert.Contains("Sarah Whitfield", escalation.TextBody);                                 // still listed as missing
        List<string> texts = LinkTexts(escalation);
        Assert.Contains("Keep Emma Clarke", texts);                                              // other people keep their links
        Assert.DoesNotContain(texts, t => t.Contains("Sarah Whitfield", StringComparison.Ordinal)); // none for her own access
        string sarahToken = Regex.Match(Link(mail[TestOrg.Staff3], "Keep", "Sarah Whitfield"), @"HW-\d{4}-\d{2}-K-\d+-").Value;
        Assert.DoesNotContain(sarahToken, escalation.TextBody + escalation.HtmlBody);

        // Ben's link for her, forwarded to her and sent by her (the Manager, after escalation): refused, told why.
        int sent = Delivered().Count;
        ReviewDecisionReceipt r = Refused(ReplyFrom(Link(mail[TestOrg.Staff3], "Keep", "Sarah Whitfield"), TestOrg.Manager, "I still post"), "SelfReview");
        Assert.True(r.Replied);
        MimeMessage told = Delivered().Skip(sent).Single();
        Assert.Equal(TestOrg.Manager, told.To.Mailboxes.Single().Address);
        Assert.StartsWith("Not recorded", told.Subject);
        Assert.Contains("your own access", told.TextBody);
        Assert.Null(Item(TestOrg.Manager).Decision);
        // The same for Daniel with the Manager's link for his own access.
        Refused(ReplyFrom(Link(mail[TestOrg.Manager], "Keep", "Daniel Okafor"), TestOrg.Comms, "Mine"), "SelfReview");
        Assert.Null(Item(TestOrg.Comms).Decision);

        // The assigned reviewer still decides it.
        Arrive(ReplyFrom(Link(mail[TestOrg.Staff3], "Keep", "Sarah Whitfield"), TestOrg.Staff3, "Runs the campaign posts"));
        Assert.Equal("Applied", Assert.Single(Receive()).Outcome);
        Assert.Equal(TestOrg.Staff3, Item(TestOrg.Manager).DecidedBy);
        Assert.Equal(2, Journal(JournalActions.AccessReviewDecisionRefused).Count(e => e.Reason!.Contains("SelfReview", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_forwarded_link_sent_by_someone_else_is_refused_and_they_are_told_why()
    {
        var mail = StartAndMail();
        int sent = Delivered().Count;
        ReviewDecisionReceipt r = Refused(ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Aisha Khan"), TestOrg.Staff1, "I think so"), "NotReviewer");
        Assert.Null(Item(TestOrg.Staff2).Decision);
        Assert.True(r.Replied);
        MimeMessage told = Delivered().Skip(sent).Single();
        Assert.Equal(TestOrg.Staff1, told.To.Mailboxes.Single().Address);
        Assert.StartsWith("Not recorded", told.Subject);
    }

    [Fact]
    public void Sent_on_behalf_of_the_reviewer_by_someone_else_is_refused()
    {
        var mail = StartAndMail();
        MimeMessage reply = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Yes");
        reply.Sender = new MailboxAddress("", TestOrg.Staff2);
        Refused(reply, "NotReviewer");
    }

    [Fact]
    public void An_altered_token_is_refused()
    {
        var mail = StartAndMail();
        MimeMessage reply = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Yes");
        string token = Regex.Match(reply.Subject!, @"HW-[^\]]+").Value;
        string flipped = token.Substring(0, token.Length - 1) + (token[^1] == 'A' ? 'B' : 'A');
        reply.Subject = reply.Subject!.Replace(token, flipped);
        Refused(reply, "TokenInvalid");
        // Keep turned into Remove on the same item: the MAC binds the decision.
        MimeMessage turned = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Yes");
        turned.Subject = Regex.Replace(turned.Subject!, @"(HW-\d{4}-\d{2}-)K-", "$1R-");
        Refused(turned, "TokenInvalid");
        Assert.Null(Item(TestOrg.Staff1).Decision);
    }

    [Fact]
    public void A_subject_with_two_different_valid_tokens_is_refused_as_ambiguous()
    {
        var mail = StartAndMail();
        string keepEmma = Regex.Match(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), @"HW-[A-Za-z0-9_-]+").Value;
        MimeMessage reply = ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Aisha Khan"), TestOrg.Comms, "Moved teams");
        reply.Subject += " " + keepEmma;                                                         // the last one is a valid Keep for Emma
        int sent = Delivered().Count;
        ReviewDecisionReceipt r = Refused(reply, "TokenAmbiguous");
        Assert.True(r.Replied);
        Assert.Contains("more than one decision code", Delivered().Skip(sent).Single().TextBody);
        Assert.Null(Item(TestOrg.Staff1).Decision);
        Assert.Null(Item(TestOrg.Staff2).Decision);
        // The same token twice is one token, not ambiguous.
        MimeMessage twice = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Runs the events page");
        twice.Subject += " " + keepEmma;
        Arrive(twice);
        Assert.Equal("Applied", Assert.Single(Receive()).Outcome);
    }

    [Theory]
    [InlineData("append")]
    [InlineData("drop")]
    [InlineData("leading-zero")]
    [InlineData("lower-case")]
    public void A_token_changed_in_length_or_form_is_refused_and_journaled_not_ignored(string change)
    {
        var mail = StartAndMail();
        MimeMessage reply = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Yes");
        string token = Regex.Match(reply.Subject!, @"HW-[A-Za-z0-9_-]+").Value;
        string changed = change switch
        {
            "append" => token + "Q",
            "drop" => token.Substring(0, token.Length - 1),
            "leading-zero" => Regex.Replace(token, @"^(HW-\d{4}-\d{2}-K-)", "${1}0"),
            _ => token.ToLowerInvariant(),
        };
        Assert.NotEqual(token, changed);
        reply.Subject = reply.Subject!.Replace(token, changed);
        reply.MessageId = "changed-token@client.example";
        Refused(reply, "TokenInvalid");
        JournalEntry refused = Journal(JournalActions.AccessReviewDecisionRefused).Last();
        string data = System.Text.Json.JsonSerializer.Serialize(refused);
        Assert.Contains(changed, data);                                                          // the code as presented
        Assert.Contains("changed-token@client.example", data);                                  // the Message-Id, not a file name
        Assert.DoesNotContain(".eml", data);
        Assert.Null(Item(TestOrg.Staff1).Decision);
    }

    /// <summary>A reply made from <paramref name="mailto"/> whose whole body is <paramref name="body"/> (the link's prompt replaced).</summary>
    private static MimeMessage WithBody(string mailto, string from, string body)
    {
        MimeMessage m = ReplyFrom(mailto, from, "");
        m.Body = new TextPart("plain") { Text = body };
        return m;
    }

    [Theory]
    [InlineData("Sent from my iPhone")]
    [InlineData("\r\nSent from my iPhone\r\n")]
    [InlineData("Reason: \r\nSent from my iPhone")]
    [InlineData("Yes\r\n\r\nGet Outlook for Android")]
    [InlineData("Reason:\r\n\r\n-- \r\nDaniel Okafor\r\nCommunications Officer")]
    public void A_reply_whose_only_text_is_a_signature_or_a_word_or_two_is_refused_as_ReasonMissing(string body)
    {
        var mail = StartAndMail();
        int sent = Delivered().Count;
        ReviewDecisionReceipt r = Refused(WithBody(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, body), "ReasonMissing");
        Assert.True(r.Replied);
        Assert.Contains("Reason:", Delivered().Skip(sent).Single().TextBody);
        Assert.Null(Item(TestOrg.Staff1).Decision);
    }

    [Theory]
    [InlineData("Reason: Yes\r\nSent from my iPhone", "Yes")]                                              // the Reason: line: any reason
    [InlineData("Please write your reason for keeping it.\r\n\r\nReason: Runs the events page\r\n\r\nSent from my iPhone", "Runs the events page")]
    [InlineData("She still runs the events page\r\n\r\nSent from my iPhone\r\n> quoted", "She still runs the events page")] // no Reason: line: the text above the signature
    public void The_reason_is_the_Reason_line_or_enough_words_above_the_signature(string body, string reason)
    {
        var mail = StartAndMail();
        Arrive(WithBody(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, body));
        Assert.Equal("Applied", Assert.Single(Receive()).Outcome);
        Assert.Equal(reason, Item(TestOrg.Staff1).Justification);
    }

    [Fact]
    public void A_token_replayed_into_another_account_or_period_is_refused()
    {
        var mail = StartAndMail();
        // Ben Taylor's valid token for Liam Murphy on Instagram, pointed at another item (Aisha Khan on Facebook).
        MimeMessage other = ReplyFrom(Link(mail[TestOrg.Staff3], "Remove", "Liam Murphy"), TestOrg.Staff3, "Placement ended");
        int aisha = Session.Reviews.Get("2026-11").Single().Items.FindIndex(i => i.User == TestOrg.Staff2) + 1;
        other.Subject = Regex.Replace(other.Subject!, @"(HW-\d{4}-\d{2}-R-)\d+-", $"${{1}}{aisha}-");
        Refused(other, "TokenInvalid");
        Assert.Null(Item(TestOrg.Staff2).Decision);

        // The same token carried into another period: November's review closes, December's starts with the same items.
        Clock.UtcNow = new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);
        Session.Reviews.Close("2026-11");
        Session.Reviews.Start(null);
        MimeMessage replayed = ReplyFrom(Link(mail[TestOrg.Staff3], "Remove", "Liam Murphy"), TestOrg.Staff3, "Placement ended");
        replayed.Subject = replayed.Subject!.Replace("HW-2026-11-", "HW-2026-12-");
        Refused(replayed, "TokenInvalid");
        Assert.Null(Session.Reviews.Get("2026-12").Single().Items.Single(i => i.User == TestOrg.Volunteer).Decision);
    }

    [Fact]
    public void A_decision_after_the_close_is_refused()
    {
        var mail = StartAndMail();
        Clock.UtcNow = Clock.UtcNow.AddDays(22);
        Session.Reviews.Close(null);
        Refused(ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Late but yes"), "ReviewClosed");
        Assert.Equal("Flagged", Item(TestOrg.Staff1).Outcome);
    }

    [Fact]
    public void A_decision_for_an_item_already_decided_the_other_way_is_reported_to_the_reviewer_not_applied()
    {
        var mail = StartAndMail();
        Session.Reviews.Decide(null, "facebook-hw", TestOrg.Staff1, ReviewDecisions.Keep, "Recorded by the administrator");
        int sent = Delivered().Count;
        ReviewDecisionReceipt r = Refused(ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Emma Clarke"), TestOrg.Comms, "Changed my mind"), "DecidedOtherWay");
        Assert.Equal("Kept", Item(TestOrg.Staff1).Outcome);
        Assert.Contains(TestOrg.Staff1, Session.Access.Get("facebook-hw", null).Select(a => a.User));
        MimeMessage told = Delivered().Skip(sent).Single();
        Assert.Equal(TestOrg.Comms, told.To.Mailboxes.Single().Address);
        Assert.Contains("Keep was already recorded", told.TextBody);
        Assert.True(r.Replied);
    }

    [Fact]
    public void A_spoofed_From_that_failed_authentication_is_refused_and_not_answered()
    {
        var mail = StartAndMail();
        int sent = Delivered().Count;
        MimeMessage spoof = ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Emma Clarke"), TestOrg.Comms, "Remove her", internalMail: false);
        spoof.Headers.Add("Authentication-Results", "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=hwsefton.example; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=hwsefton.example;compauth=fail reason=000");
        spoof.Headers.Add("Authentication-Results", "mx.attacker.example; dmarc=pass header.from=hwsefton.example"); // written by the sender: below Exchange's, not read
        ReviewDecisionReceipt r = Refused(spoof, "NotAuthenticated");
        Assert.False(r.Replied);
        Assert.Equal(sent, Delivered().Count);                                                  // no backscatter to a forged address
        Assert.Null(Item(TestOrg.Staff1).Decision);

        // With no authentication record at all (not through Exchange Online), also refused.
        Refused(ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Emma Clarke"), TestOrg.Comms, "Remove her", internalMail: false), "NotAuthenticated");
    }

    [Fact]
    public void Mail_from_outside_that_passed_DMARC_for_the_reviewers_domain_is_accepted()
    {
        var mail = StartAndMail();
        MimeMessage reply = ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Still needed", internalMail: false);
        reply.Headers.Add("Authentication-Results", "spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=hwsefton.example; dkim=pass (signature was verified) header.d=hwsefton.example;dmarc=pass action=none header.from=hwsefton.example;compauth=pass reason=100");
        Arrive(reply);
        Assert.Equal("Applied", Assert.Single(Receive()).Outcome);
    }

    [Fact]
    public void A_free_text_reply_quoting_the_review_mail_and_its_links_is_left_for_a_person()
    {
        var mail = StartAndMail();
        MimeMessage original = mail[TestOrg.Comms];
        var reply = new MimeMessage { Subject = "RE: " + original.Subject, Date = DateTimeOffset.UtcNow };
        reply.From.Add(new MailboxAddress("", TestOrg.Comms));
        reply.To.Add(new MailboxAddress("", ReviewMailbox));
        reply.Headers.Add("X-MS-Exchange-Organization-AuthAs", "Internal");
        reply.Body = new TextPart("plain") { Text = "Keep them all, thanks.\r\n\r\n> " + original.TextBody!.Replace("\n", "\n> ") };
        Assert.Matches(@"HW-\d{4}-\d{2}-K-", reply.TextBody);                                    // the quoted links are in the body
        Arrive(reply);
        Assert.Empty(Receive());
        Assert.Equal((1, 0), Folders());                                                        // left in the inbox
        Assert.All(Session.Reviews.Get("2026-11").Single().Items, i => Assert.Null(i.Decision));
    }

    [Fact]
    public void WhatIf_lists_what_would_be_applied_and_refused_and_changes_nothing()
    {
        var mail = StartAndMail();
        Arrive(ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Yes"));
        Arrive(ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Aisha Khan"), TestOrg.Staff1, "Yes"));
        int journal = Session.Journal.ReadAll().Count, sent = Delivered().Count;
        var receipts = Session.Reviews.ReceiveDecisions(Session.Reviews.OpenInbox(ReviewMailbox), Mailer(Session), ReviewMailbox, _ => false);
        Assert.Equal(new[] { "WouldApply", "WouldRefuse" }, receipts.Select(r => r.Outcome));
        Assert.Equal(journal, Session.Journal.ReadAll().Count);
        Assert.Equal(sent, Delivered().Count);
        Assert.Equal((2, 0), Folders());
        Assert.Null(Item(TestOrg.Staff1).Decision);
    }

    [Fact]
    public void A_month_with_decisions_by_reply_reminds_only_the_undecided_escalates_and_closes()
    {
        Organisation();
        IMailer mailer = Mailer(Session);
        var kinds = new List<ReviewStepKind>();
        kinds.AddRange(Session.Reviews.Advance(mailer, ReviewMailbox).Select(s => s.Kind));     // 2 Nov: start, mail, report
        var mail = Delivered().Where(m => m.Subject!.StartsWith("Social media access review", StringComparison.Ordinal))
            .ToDictionary(m => m.To.Mailboxes.Single().Address, m => m, StringComparer.OrdinalIgnoreCase);

        // 4 Nov: Daniel decides both his people by reply; Ben decides nothing.
        Clock.UtcNow = Clock.UtcNow.AddDays(2);
        Arrive(ReplyFrom(Link(mail[TestOrg.Comms], "Keep", "Emma Clarke"), TestOrg.Comms, "Runs the events page"));
        Arrive(ReplyFrom(Link(mail[TestOrg.Comms], "Remove", "Aisha Khan"), TestOrg.Comms, "Moved teams"));
        kinds.AddRange(Session.Reviews.Advance(mailer, ReviewMailbox).Select(s => s.Kind));

        // 10 Nov: the Manager replies for Daniel's own access in the same run that would remind: decided first, so not reminded.
        Clock.UtcNow = new DateTimeOffset(2026, 11, 10, 7, 0, 0, TimeSpan.Zero);
        Arrive(ReplyFrom(Link(mail[TestOrg.Manager], "Keep", "Daniel Okafor"), TestOrg.Manager, "Communications Officer"));
        int before = Delivered().Count;
        kinds.AddRange(Session.Reviews.Advance(mailer, ReviewMailbox).Select(s => s.Kind));
        var reminders = Delivered().Skip(before).Where(m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { TestOrg.Staff3 }, reminders.Select(m => m.To.Mailboxes.Single().Address));   // only Ben is chased
        Assert.Contains("Liam Murphy", reminders.Single().TextBody);

        // 17 Nov: overdue: one escalation, for Liam only; then the Manager decides from the escalation mail's link.
        Clock.UtcNow = new DateTimeOffset(2026, 11, 17, 7, 0, 0, TimeSpan.Zero);
        kinds.AddRange(Session.Reviews.Advance(mailer, ReviewMailbox).Select(s => s.Kind));
        MimeMessage escalation = Delivered().Last(m => m.Subject!.StartsWith("Overdue", StringComparison.Ordinal) && m.To.Mailboxes.Any(b => b.Address == TestOrg.Manager));
        Assert.DoesNotContain("Emma Clarke", escalation.TextBody);
        Clock.UtcNow = Clock.UtcNow.AddDays(1);
        Arrive(ReplyFrom(Link(escalation, "Remove", "Liam Murphy"), TestOrg.Manager, "Placement ended"));
        kinds.AddRange(Session.Reviews.Advance(mailer, ReviewMailbox).Select(s => s.Kind));   // the last decision, then the close

        Assert.Equal(new[]
        {
            ReviewStepKind.ReviewStarted, ReviewStepKind.ReviewMailSent, ReviewStepKind.ComplianceReportMailed,
            ReviewStepKind.DecisionsReceived,
            ReviewStepKind.DecisionsReceived, ReviewStepKind.ReminderSent,
            ReviewStepKind.EscalationSent,
            ReviewStepKind.DecisionsReceived, ReviewStepKind.ReviewClosed,
        }, kinds);
        AccessReview closed = Session.Reviews.Get("2026-11").Single();
        Assert.NotNull(closed.ClosedAt);
        Assert.Equal(new[] { "Kept", "Revoked", "Kept", "Revoked" }, closed.Items.Select(i => i.Outcome));
        Assert.Equal(TestOrg.Manager, closed.Items.Single(i => i.User == TestOrg.Volunteer).DecidedBy);
        Assert.Equal(4, Journal(JournalActions.AccessReviewDecisionReceived).Count);
        Assert.True(Session.Journal.Verify().IsValid);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalDecisionMailTests : DecisionMailContract
{
    private string Outbox => Path.Combine(Org.Folder, "outbox");
    private string Mailbox => Path.Combine(Org.StateFolder, "mailbox");
    private int _arrived;

    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);

    protected override IMailer Mailer(HwServices session) => session.Mail.Create(null, null, 0, null, Outbox);

    protected override IReadOnlyList<MimeMessage> Delivered() =>
        Directory.Exists(Outbox)
            ? Directory.GetFiles(Outbox, "*.eml").OrderBy(f => f, StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : new List<MimeMessage>();

    protected override void Arrive(MimeMessage message)
    {
        Directory.CreateDirectory(Path.Combine(Mailbox, "inbox"));
        message.Date = Clock.UtcNow.AddSeconds(++_arrived);
        message.WriteTo(Path.Combine(Mailbox, "inbox", $"{_arrived:D4}.eml"));
    }

    protected override (int Inbox, int Processed) Folders() =>
        (Count(Path.Combine(Mailbox, "inbox")), Count(Path.Combine(Mailbox, "HealthwatchPolicy processed")));

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_signing_key_file_is_readable_by_its_owner_only()
    {
        // Decision 0201: secrets/review-decision-key.json is made 0600 (this suite runs on Linux; on Windows the
        // file takes the state folder's inherited profile ACLs).
        var mail = StartAndMail();
        Assert.NotEmpty(mail);
        string key = Session.Session.State.Locate("secrets/review-decision-key.json");
        Assert.True(File.Exists(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    private static int Count(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Length : 0;
}

public sealed class GraphDecisionMailTests : DecisionMailContract
{
    private HealthwatchPolicy.Engine.Tests.Adapters.GraphTestHost? _host;
    private int _arrived;

    protected override IDirectory CreateDirectory(string organisationFolder)
    {
        _host = HealthwatchPolicy.Engine.Tests.Adapters.GraphTestHost.Start(organisationFolder);
        _host.Fake.AddUser(ReviewMailbox, "Social media review");
        return _host.Directory;
    }

    protected override IMailer Mailer(HwServices session) => session.Mail.Create(ReviewMailbox, null, 0, null, null);

    protected override IReadOnlyList<MimeMessage> Delivered() =>
        _host!.Fake.SentMail.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Mime!)))).ToList();

    protected override void Arrive(MimeMessage message) => _host!.Fake.DeliverToInbox(ReviewMailbox, message, Clock.UtcNow.AddSeconds(++_arrived));

    protected override (int Inbox, int Processed) Folders() =>
        (_host!.Fake.MailFolderCount(ReviewMailbox, "Inbox"), _host.Fake.MailFolderCount(ReviewMailbox, "HealthwatchPolicy processed"));

    [Fact]
    public void The_inbox_is_read_page_by_page_with_its_headers_and_oldest_first()
    {
        _ = Session;
        for (int i = 0; i < 23; i++)
        {
            var m = new MimeMessage { Subject = $"Message {i:D2}" };
            m.From.Add(new MailboxAddress("", TestOrg.Comms));
            m.Headers.Add("X-MS-Exchange-Organization-AuthAs", "Internal");
            m.Body = new TextPart("plain") { Text = "Reason: x" };
            Arrive(m);
        }
        IReviewInbox inbox = Session.Reviews.OpenInbox(ReviewMailbox);
        IReadOnlyList<InboxMessage> all = inbox.List();
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"Message {i:D2}"), all.Select(m => m.Subject));   // every page (50 a page, default 10)
        Assert.All(all, m => Assert.Contains(m.Headers, h => h.Key == "X-MS-Exchange-Organization-AuthAs" && h.Value == "Internal"));
        Assert.All(all, m => Assert.Equal("Reason: x", m.Body!.Trim()));                                 // asked for as text
        inbox.Move(all[0], "HealthwatchPolicy processed");
        inbox.Move(all[1], "HealthwatchPolicy processed");                                                  // folder made once, then found
        Assert.Equal((21, 2), Folders());
    }

    [Fact]
    public void Without_Mail_ReadWrite_on_the_mailbox_the_schedule_says_so_and_still_runs()
    {
        _ = Session;
        Session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        Session.Access.Grant("facebook-hw", TestOrg.Staff1, "r");
        _host!.Fake.Faults.MailboxReadDenied = true;
        var e = Assert.ThrowsAny<HealthwatchPolicy.Engine.Errors.HwException>(() => Session.Reviews.OpenInbox(ReviewMailbox).List());
        Assert.Equal("GraphAccessDenied", e.ErrorId);
        Assert.Contains("Mail.ReadWrite", e.Message);
        var steps = Session.Reviews.Advance(Mailer(Session), ReviewMailbox);
        Assert.Contains(steps, s => s.Kind == ReviewStepKind.DecisionMailUnread && s.Summary.Contains("GraphAccessDenied"));
        Assert.Contains(steps, s => s.Kind == ReviewStepKind.ReviewMailSent);
    }

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
