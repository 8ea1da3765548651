using System;
using System.Linq;
using System.Net;
using System.Text;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Text;
using MimeKit;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// The mail side of decisions by mail (docs/decisions/0200): the <c>mailto:</c> links of the review mail, and the
/// confirmation or refusal sent back to the reviewer. The reply carries no token (an automatic answer to it can never
/// be taken as a decision) and is marked <c>Auto-Submitted: auto-replied</c>.
/// </summary>
internal static class DecisionReplyBuilder
{
    /// <summary>How the prompt in a link's body starts (the reason reader skips that line).</summary>
    public const string PromptStart = "Please write your reason";

    /// <summary>A <c>mailto:</c> link (RFC 6068) to <paramref name="mailbox"/> with the token in the subject and a body asking for the reason.</summary>
    public static string Mailto(string mailbox, AccessReviewItem item, string decision, string token)
    {
        string who = SafeText.Neutralise(item.DisplayName is { Length: > 0 } d ? d : item.User)!;
        string subject = $"{decision}: {who} on {SafeText.Neutralise(item.Account)} [{token}]";
        string body = $"{PromptStart} for {(decision == ReviewDecisions.Remove ? "removing" : "keeping")} {who}'s access to post on {SafeText.Neutralise(item.Account)} after \"Reason:\", then send this email.\r\n\r\nReason: ";
        return "mailto:" + mailbox + "?subject=" + Uri.EscapeDataString(subject) + "&body=" + Uri.EscapeDataString(body);
    }

    /// <summary>The confirmation (Applied, Unchanged) or the refusal and its reason, to <paramref name="to"/>.</summary>
    public static MimeMessage Reply(ReviewDecisionReceipt r, PolicyDocument policy, MailboxAddress from, MailboxAddress to)
    {
        bool ok = r.RefusedBecause is null;
        string what = r.Decision is null ? "your access review decision" : $"{r.Decision} for {r.User} on {r.Account}";
        string subject = ok ? $"Recorded: {what}" : $"Not recorded: {what}";
        string intro = ok
            ? "Thank you. Your decision from the social media access review has been recorded."
            : "Your email to the social media access review could not be recorded as a decision.";
        string next = ok
            ? "You do not need to do anything else for this person."
            : "Nothing was changed. If you think this is wrong, contact the person who runs the review.";
        var text = new StringBuilder();
        text.Append(intro).Append("\n\n").Append(SafeText.Neutralise(r.Detail)).Append("\n\n");
        if (ok && r.Justification is { } j)
            text.Append("Your reason: ").Append(j).Append("\n\n");
        text.Append(next).Append("\n\n-- \nSent for ").Append(policy.Organisation).Append(" by the HealthwatchPolicy module (access review ")
            .Append(r.Period ?? "unknown").Append(").\n");

        string H(string? s) => WebUtility.HtmlEncode(SafeText.Neutralise(s ?? "") ?? "");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en-GB\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(H(subject)).Append("</title>\n</head>\n<body style=\"margin:0;padding:0;background-color:#ffffff;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;\">\n")
            .Append("<main style=\"display:block;max-width:42rem;margin:0 auto;padding:12px;\">\n<h1 style=\"font-size:24px;color:#002d55;\">").Append(H(subject)).Append("</h1>\n")
            .Append("<p>").Append(H(intro)).Append("</p>\n<p>").Append(H(r.Detail)).Append("</p>\n");
        if (ok && r.Justification is { } jh)
            html.Append("<p><strong>Your reason:</strong> ").Append(H(jh)).Append("</p>\n");
        html.Append("<p>").Append(H(next)).Append("</p>\n</main>\n<footer style=\"display:block;max-width:42rem;margin:0 auto;padding:0 12px 16px 12px;font-size:14px;color:#3d3d3d;\"><p>Sent for ")
            .Append(H(policy.Organisation)).Append(" by the HealthwatchPolicy module.</p></footer>\n</body>\n</html>\n");

        var message = new MimeMessage { Subject = SafeText.Neutralise(subject) ?? subject };
        message.From.Add(from);
        message.To.Add(to);
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Body = new BodyBuilder { TextBody = SafeText.Neutralise(text.ToString(), keepLineFeeds: true), HtmlBody = html.ToString() }.ToMessageBody();
        foreach (TextPart part in message.BodyParts.OfType<TextPart>())
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return message;
    }
}
