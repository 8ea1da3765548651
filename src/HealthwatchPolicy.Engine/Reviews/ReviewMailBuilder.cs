using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Storage;
using MimeKit;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>The review's messages: accessible HTML with a plain-text alternative, built with MimeKit.</summary>
public static class ReviewMailBuilder
{
    public static MimeMessage ForReviewer(AccessReview review, PolicyDocument policy, string reviewerName, IReadOnlyList<AccessReviewItem> items,
        bool reminder, MailboxAddress from, IReadOnlyList<MailboxAddress> to)
    {
        string subject = $"{(reminder ? "Reminder: " : "")}Social media access review {review.Period}: {items.Count} decision{(items.Count == 1 ? "" : "s")} due {EnglishDate.Long(review.DueAt.UtcDateTime)}";
        string intro = reminder
            ? $"This is a reminder: the decisions below are still needed for the {review.Period} social media access review."
            : $"Please confirm who still needs to post to the official social media accounts below, for the {review.Period} access review.";
        var text = new StringBuilder();
        text.AppendLine($"Dear {reviewerName},").AppendLine().AppendLine(intro);
        text.AppendLine($"Please decide by {EnglishDate.Long(review.DueAt.UtcDateTime)}. Policy: {policy.Title}, version {policy.Version}, clause SMP-3.2 (access strictly limited).").AppendLine();
        foreach (AccessReviewItem i in items)
            text.AppendLine($"- {i.Account}: {i.DisplayName ?? i.User} ({i.User}), {i.EmployeeType ?? "no employee type"}, policy acknowledged: {i.AcknowledgedVersion ?? "never"}"
                            + (i.OpenFindings.Count > 0 ? $", open findings: {string.Join(", ", i.OpenFindings)}" : ""));
        text.AppendLine().AppendLine(HowToDecide(review));

        var rows = new StringBuilder();
        foreach (AccessReviewItem i in items)
            rows.Append($"<tr><td>{H(i.Account)}</td><td>{H(i.DisplayName ?? i.User)}<br><span class=\"upn\">{H(i.User)}</span></td><td>{H(i.EmployeeType ?? "none")}</td>"
                        + $"<td>{H(i.AcknowledgedVersion ?? "never")}</td><td>{H(i.OpenFindings.Count > 0 ? string.Join(", ", i.OpenFindings) : "none")}</td></tr>\n");
        string html = Page(subject, $@"<p>Dear {H(reviewerName)},</p>
<p>{H(intro)}</p>
<p>Please decide by <strong>{H(EnglishDate.Long(review.DueAt.UtcDateTime))}</strong>. Policy: {H(policy.Title)}, version {H(policy.Version)}, clause SMP-3.2 (access strictly limited).</p>
<table>
<caption>People who can post, for your decision</caption>
<thead><tr><th scope=""col"">Account</th><th scope=""col"">Person</th><th scope=""col"">Employee type</th><th scope=""col"">Policy acknowledged</th><th scope=""col"">Open findings</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<h2>How to record your decisions</h2>
<p>{H(HowToDecide(review))}</p>");
        return Message(subject, from, to, text.ToString(), html);
    }

    public static MimeMessage ForEscalation(AccessReview review, PolicyDocument policy, IReadOnlyList<AccessReviewItem> overdue,
        MailboxAddress from, IReadOnlyList<MailboxAddress> to)
    {
        string subject = $"Overdue: social media access review {review.Period} has {overdue.Count} undecided item{(overdue.Count == 1 ? "" : "s")}";
        string action = review.UndecidedAction == "Revoke"
            ? $"If no decision is recorded by {EnglishDate.Long(review.GraceEndsAt.UtcDateTime)}, the access will be revoked."
            : $"If no decision is recorded by {EnglishDate.Long(review.GraceEndsAt.UtcDateTime)}, the access will be flagged in the compliance report.";
        var text = new StringBuilder();
        text.AppendLine($"The {review.Period} access review was due on {EnglishDate.Long(review.DueAt.UtcDateTime)}. These decisions are still missing:").AppendLine();
        foreach (AccessReviewItem i in overdue)
            text.AppendLine($"- {i.Account}: {i.User} (reviewer {i.ReviewerDisplayName ?? i.Reviewer})");
        text.AppendLine().AppendLine(action).AppendLine(HowToDecide(review));
        var items = string.Concat(overdue.Select(i => $"<li>{H(i.Account)}: {H(i.DisplayName ?? i.User)} ({H(i.User)}), reviewer {H(i.ReviewerDisplayName ?? i.Reviewer)}</li>\n"));
        string html = Page(subject, $@"<p>The {H(review.Period)} social media access review was due on <strong>{H(EnglishDate.Long(review.DueAt.UtcDateTime))}</strong>. These decisions are still missing:</p>
<ul>
{items}</ul>
<p>{H(action)}</p>
<h2>How to record decisions</h2>
<p>{H(HowToDecide(review))}</p>");
        return Message(subject, from, to, text.ToString(), html);
    }

    private static string HowToDecide(AccessReview review) =>
        $"Reply to this message with Keep or Remove and a reason for each person, or ask your IT administrator to run: "
        + $"Complete-HwAccessReview -Period {review.Period} -Account <account> -User <person> -Decision Keep|Remove -Justification <reason>.";

    private static MimeMessage Message(string subject, MailboxAddress from, IReadOnlyList<MailboxAddress> to, string text, string html)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(from);
        message.To.AddRange(to);
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string H(string s) => WebUtility.HtmlEncode(s);

    private static string Page(string title, string content) => $@"<!DOCTYPE html>
<html lang=""en-GB"">
<head>
<meta charset=""utf-8"">
<meta name=""viewport"" content=""width=device-width, initial-scale=1"">
<title>{H(title)}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; background: #ffffff; line-height: 1.5; max-width: 44rem; margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }}
h1 {{ font-size: 1.4rem; color: #002d55; }} h2 {{ font-size: 1.15rem; color: #002d55; }}
table {{ border-collapse: collapse; width: 100%; }} caption {{ text-align: left; font-weight: bold; padding: .3rem 0; }}
th, td {{ border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }}
.upn {{ font-size: .9em; color: #333333; }}
</style>
</head>
<body>
<main>
<h1>{H(title)}</h1>
{content}
</main>
</body>
</html>
";
}
