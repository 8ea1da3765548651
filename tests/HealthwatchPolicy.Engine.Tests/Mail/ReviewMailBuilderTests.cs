using System;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Reviews;
using MimeKit;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Services;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>
/// The review messages' content (their accessibility in a browser is in BrowserTests/ReviewMailAccessibilityTests).
/// This project runs globalization-invariant, so every date here was written without a named culture.
/// </summary>
public sealed class ReviewMailBuilderTests
{
    private const string Due = "Tuesday 17 November 2026";
    private const string Grace = "Tuesday 24 November 2026";

    [Fact]
    public void Reviewer_subject_says_the_period_the_number_of_decisions_and_the_due_date()
    {
        Assert.Equal($"Social media access review November 2026: 4 decisions needed by {Due}", ReviewMailSample.ReviewerMessage().Subject);
        AccessReview one = ReviewMailSample.Review();
        one.Items.RemoveRange(1, 3);
        Assert.Equal($"Reminder: social media access review November 2026: 1 decision still needed by {Due}",
            ReviewMailSample.ReviewerMessage(one, reminder: true).Subject);
    }

    [Fact]
    public void Reviewer_message_is_html_with_a_plain_text_alternative_in_that_order()
    {
        MimeMessage m = ReviewMailSample.ReviewerMessage();
        var alternative = Assert.IsType<MultipartAlternative>(m.Body);
        Assert.Equal(new[] { "text/plain", "text/html" }, alternative.Select(p => p.ContentType.MimeType).ToArray());
        Assert.All(alternative.OfType<TextPart>(), p =>
        {
            Assert.Equal("utf-8", p.ContentType.Charset, ignoreCase: true);
            Assert.Equal(ContentEncoding.QuotedPrintable, p.ContentTransferEncoding);
        });
        Assert.Equal("en-GB", m.Body.Headers[HeaderId.ContentLanguage]);
        Assert.All(alternative, p => Assert.Equal("en-GB", p.Headers[HeaderId.ContentLanguage]));
        Assert.Equal("auto-generated", m.Headers["Auto-Submitted"]);
        Assert.Equal(ReviewMailSample.From, m.From.Mailboxes.Single().Address);
        Assert.Equal(TestOrg.Staff1, m.To.Mailboxes.Single().Address);
    }

    // F11: a display name from the directory with CR LF, LF, U+202E or U+200B must not become a line, a row or a
    // reordered header in either body or in the To header.
    [Fact]
    public void Directory_names_with_line_breaks_or_bidi_overrides_stay_on_their_line_in_both_bodies_and_the_To_header()
    {
        AccessReview review = ReviewMailSample.Review();
        review.Items[0].DisplayName = "Aisha\r\nBcc: attacker@evil.example";
        review.Items[1].DisplayName = "Chloe\n| forged | row |";
        review.Items[2].DisplayName = "Liam\u202Egnp.exe";
        foreach (AccessReviewItem i in review.Items)
            i.ReviewerDisplayName = "Emma\r\nX-Forged: yes";
        MimeMessage m = ReviewMailBuilder.ForReviewer(review, ReviewMailSample.Policy, "Emma\r\nBcc: boss@evil.example", review.Items, false,
            ReviewMailSample.Sender, new[] { new MailboxAddress("Emma\u202E\u200BClarke\r\nBcc: x@evil.example", TestOrg.Staff1) });
        MimeMessage e = ReviewMailBuilder.ForEscalation(review, ReviewMailSample.Policy, review.Items, ReviewMailSample.Sender,
            new[] { new MailboxAddress("Sarah\u202EWhitfield", TestOrg.Manager) });

        foreach (MimeMessage message in new[] { m, e })
        {
            string[] textLines = message.TextBody!.Split('\n');
            Assert.DoesNotContain(textLines, l => l.TrimStart().StartsWith("Bcc:", StringComparison.Ordinal));
            Assert.DoesNotContain(textLines, l => l.TrimStart().StartsWith("X-Forged", StringComparison.Ordinal));
            Assert.DoesNotContain(textLines, l => l.TrimStart().StartsWith("| forged", StringComparison.Ordinal));
            Assert.DoesNotContain(textLines, l => l.Contains('\r'));
            Assert.DoesNotContain('\u202E', message.TextBody!);
            Assert.DoesNotContain('\u202E', message.HtmlBody!);
            Assert.DoesNotContain('\u200B', message.HtmlBody!);
            Assert.DoesNotContain("\n| forged", message.HtmlBody);
            Assert.DoesNotContain("\nBcc:", message.HtmlBody);
            Assert.All(message.To.Mailboxes, b => Assert.DoesNotContain(b.Name ?? "", c => c < ' ' || c == '\u202E' || c == '\u200B'));

            using var stream = new System.IO.MemoryStream();
            message.WriteTo(stream);
            string eml = System.Text.Encoding.UTF8.GetString(stream.ToArray());
            Assert.DoesNotContain(eml.Split('\n'), l => l.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("X-Forged", StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains("Aisha\u240D\u240ABcc: attacker@evil.example", m.TextBody);   // shown, as symbols, on its own line
        Assert.Contains("Chloe\u240A| forged | row |", m.TextBody);
        Assert.Equal("Emma\uFFFD\uFFFDClarke\u240D\u240ABcc: x@evil.example", m.To.Mailboxes.Single().Name);
        Assert.Equal(TestOrg.Staff1, m.To.Mailboxes.Single().Address);
    }

    [Fact]
    public void Html_stands_alone_with_inline_styles_only()
    {
        string html = ReviewMailSample.ReviewerMessage().HtmlBody!;
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<html lang=\"en-GB\"", html);
        Assert.Contains("<title>", html);
        Assert.Single(Regex.Matches(html, "<h1[ >]"));
        Assert.Contains("<main", html);
        foreach (string banned in new[] { "<img", "<link", "<style", "<script", "src=", "url(", "http://", "https://", "@import" })
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Each_account_has_a_data_table_with_caption_and_header_scopes()
    {
        string html = ReviewMailSample.ReviewerMessage().HtmlBody!;
        Assert.Equal(2, Regex.Matches(html, "<table[ >]").Count);
        Assert.Equal(2, Regex.Matches(html, "<caption[ >]").Count);
        Assert.Contains(">2 people who can post to Healthwatch Sefton Facebook</caption>", html);
        Assert.Equal(2 * 2, Regex.Matches(html, "<th scope=\"col\"").Count);
        Assert.Equal(4, Regex.Matches(html, "<th scope=\"row\"").Count);
        Assert.DoesNotContain("<th>", html);
    }

    [Fact]
    public void Findings_are_named_in_plain_words_with_their_rule_ids_in_both_parts()
    {
        MimeMessage m = ReviewMailSample.ReviewerMessage();
        foreach (string id in new[] { "HW-ELG-001", "HW-ELG-003", "HW-ELG-004", "HW-AUT-001" })
        {
            string expected = $"{ComplianceRules.Find(id)!.Title} ({id})";
            Assert.Contains(System.Net.WebUtility.HtmlEncode(expected), ReviewMailSample.WithoutBreakHints(m.HtmlBody!));
            Assert.Contains(expected, m.TextBody);
        }
        Assert.Contains("* Tom Baker (tom.baker@hwsefton.example)\n  Account disabled\n", m.TextBody!.Replace("\r\n", "\n"));
        Assert.Contains("Never", m.TextBody);
        Assert.Contains($"Version 2017.03 (not the current version, {ReviewMailSample.Policy.Version})", m.TextBody);
        Assert.Contains($"Version {ReviewMailSample.Policy.Version} (current)", m.TextBody);
    }

    [Fact]
    public void Text_part_carries_the_same_content_as_the_html()
    {
        MimeMessage m = ReviewMailSample.ReviewerMessage();
        string text = m.TextBody!;
        string html = System.Net.WebUtility.HtmlDecode(Regex.Replace(ReviewMailSample.WithoutBreakHints(m.HtmlBody!), "<[^>]+>", " "));
        string[] mustHave =
        {
            "Dear Emma Clarke,", Due, Grace, "SMP-3.2", "strictly limited", "Keep", "Remove",
            "Complete-HwAccessReview -Period 2026-11 -Account 'Healthwatch Sefton Facebook' -User 'aisha.khan@hwsefton.example'",
            "Import-Csv decisions.csv | Complete-HwAccessReview -Period 2026-11",
            "Account,User,Decision,Justification", "Healthwatch Sefton News,liam.murphy@hwsefton.example,,",
            "Healthwatch Sefton News (X)", "reported as not confirmed",
        };
        foreach (string s in mustHave.Concat(ReviewMailSample.People(ReviewMailSample.Review())).Concat(ReviewMailSample.Review().Items.Select(i => i.User)))
        {
            Assert.Contains(s, text);
            Assert.Contains(s, html);
        }
        Assert.DoesNotContain("**", text);
        Assert.DoesNotContain("<", text);
    }

    [Fact]
    public void Revoke_policy_says_access_is_removed_after_the_grace_period()
    {
        MimeMessage m = ReviewMailSample.ReviewerMessage(ReviewMailSample.Review("Revoke"));
        Assert.Contains($"If there is still no decision by {Grace}, the person's access to post is removed automatically", m.TextBody);
        Assert.DoesNotContain("not confirmed", m.TextBody);
    }

    [Fact]
    public void Escalation_goes_to_both_contacts_and_groups_the_missing_decisions_by_reviewer()
    {
        MimeMessage m = ReviewMailSample.EscalationMessage();
        Assert.Equal($"Overdue: social media access review November 2026: 4 decisions missing (due {Due})", m.Subject);
        Assert.Equal(new[] { TestOrg.Manager, TestOrg.Comms }, m.To.Mailboxes.Select(x => x.Address).ToArray());
        Assert.Equal(MessageImportance.High, m.Importance);
        Assert.Contains("Dear Sarah Whitfield and Daniel Okafor,", m.TextBody);
        Assert.Contains("Waiting for Emma Clarke (emma.clarke@hwsefton.example)", m.TextBody);
        Assert.Contains("Send-HwAccessReview -Period 2026-11 -Reminder", m.TextBody);
        Assert.Contains(Grace, m.TextBody);
        Assert.Equal(2, Regex.Matches(m.HtmlBody!, "<caption[ >]").Count);
        foreach (string person in ReviewMailSample.People(ReviewMailSample.Review()))
        {
            Assert.Contains(person, m.TextBody);
            Assert.Contains(person, ReviewMailSample.WithoutBreakHints(m.HtmlBody!));
        }
    }

    [Fact]
    public void Names_are_encoded_in_html_and_quoted_in_commands()
    {
        AccessReview review = ReviewMailSample.Review();
        review.Items[0].DisplayName = "Siobhan O'Neill <Comms & Events>";
        review.Items[0].Account = "Friends' Forum";
        MimeMessage m = ReviewMailSample.ReviewerMessage(review);
        Assert.Contains("Siobhan O&#39;Neill &lt;Comms &amp; Events&gt;", m.HtmlBody);
        Assert.DoesNotContain("<Comms", m.HtmlBody);
        Assert.Contains("-Account 'Friends'' Forum'", m.TextBody);
    }
}
