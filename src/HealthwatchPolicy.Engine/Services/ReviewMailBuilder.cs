using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Engine.Text;
using MimeKit;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// The review's messages, written for a busy manager who may use a screen reader: what is asked, by when and what
/// happens otherwise come first; then why (SMP-3.2); a data table per account (caption, row and column headers);
/// then how to answer. Each message is HTML (lang en-GB, inline styles only, no images, nothing fetched, reflows at
/// 320 CSS px) with a plain-text alternative carrying the same content: both are rendered from one list of blocks.
/// Dates come from <see cref="EnglishDate"/>, never from a named culture (the engine runs globalization-invariant).
/// </summary>
internal static class ReviewMailBuilder
{
    private const string ClauseId = "SMP-3.2";

    public static MimeMessage ForReviewer(AccessReview review, PolicyDocument policy, string reviewerName, IReadOnlyList<AccessReviewItem> items,
        bool reminder, MailboxAddress from, IReadOnlyList<MailboxAddress> to, string? witness = null,
        Func<AccessReviewItem, string, string?>? decisionLink = null)
    {
        string period = PeriodName(review.Period);
        string due = Day(review.DueAt);
        int n = items.Count;
        List<IGrouping<string, AccessReviewItem>> accounts = ByAccount(items);
        string decisions = Count(n, "decision", "decisions");
        string subject = reminder
            ? $"Reminder: social media access review {period}: {decisions} still needed by {due}"
            : $"Social media access review {period}: {decisions} needed by {due}";

        var doc = new List<Block>
        {
            new Heading(1, (reminder ? "Reminder: social media access review, " : "Social media access review, ") + period),
            new Para($"Dear {reviewerName},"),
            new Para(reminder
                ? $"We still need **{decisions}** from you for the {period} social media access review. Please make {(n == 1 ? "it" : "them")} by **{due}**."
                : $"Please tell us whether each person below still needs to post on {policy.Organisation}'s official social media accounts. "
                  + $"There {(n == 1 ? "is" : "are")} **{decisions}** to make, and we need {(n == 1 ? "it" : "them")} by **{due}**."),
            new Heading(2, "At a glance"),
            new Facts(
                ("What to decide", "Keep or Remove for each person, with a short reason"),
                ("Decisions needed", $"{n} (on {Count(accounts.Count, "account", "accounts")})"),
                ("Please decide by", due),
                ("If there is no decision", Consequence(review, brief: true))),
        };
        doc.AddRange(Why(policy, "Each month the person responsible for each official account confirms who still needs to post. "
                                 + "Removing access someone no longer needs keeps the accounts safe; it is not a judgement on the person."));

        doc.Add(new Heading(2, "People to review"));
        doc.Add(new Para("“Open findings” are problems the compliance check found with that person’s access when the review started, "
                         + "such as not having acknowledged the current policy. They may help your decision."));
        foreach (IGrouping<string, AccessReviewItem> account in accounts)
        {
            AccessReviewItem first = account.First();
            doc.Add(new Heading(3, AccountTitle(first)));
            doc.Add(new Para(WhyYou(account.Select(i => i.ReviewerRole))));
            doc.Add(PeopleTable(account.ToList(), policy, $"{Count(account.Count(), "person", "people")} who can post to {first.Account}", decisionLink));
        }

        doc.Add(new Heading(2, "What happens if there is no decision"));
        doc.Add(new Para(Consequence(review, brief: false)));
        doc.AddRange(HowToDecide(review, items, "your", decisionLink is not null ? from.Address : null));
        return Message(subject, from, to, doc, Footer(review, policy, witness), MessageImportance.Normal);
    }

    public static MimeMessage ForEscalation(AccessReview review, PolicyDocument policy, IReadOnlyList<AccessReviewItem> overdue,
        MailboxAddress from, IReadOnlyList<MailboxAddress> to, string? witness = null, Func<AccessReviewItem, string, string?>? decisionLink = null)
    {
        string period = PeriodName(review.Period);
        string due = Day(review.DueAt);
        int n = overdue.Count;
        var reviewers = overdue.GroupBy(i => i.Reviewer, StringComparer.OrdinalIgnoreCase).ToList();
        string missing = Count(n, "decision", "decisions");
        string subject = $"Overdue: social media access review {period}: {missing} missing (due {due})";
        string names = JoinAnd(to.Select(m => string.IsNullOrWhiteSpace(m.Name) ? m.Address : m.Name!).ToList());

        var doc = new List<Block>
        {
            new Heading(1, "Overdue: social media access review, " + period),
            new Para($"Dear {(names.Length > 0 ? names : "Manager and Communications Officer")},"),
            new Para($"The {period} social media access review was due on **{due}**. **{missing}** {(n == 1 ? "is" : "are")} still missing, "
                     + $"from {Count(reviewers.Count, "reviewer", "reviewers")}. You are receiving this because the policy names the Manager "
                     + "and the Communications Officer as the people to tell when the review is overdue."),
            new Heading(2, "At a glance"),
            new Facts(
                ("Decisions missing", $"{n} (from {Count(reviewers.Count, "reviewer", "reviewers")})"),
                ("Was due", due),
                ("Last day to decide", Day(review.GraceEndsAt)),
                ("If there is still no decision", Consequence(review, brief: true))),
        };
        doc.AddRange(Why(policy, "Until each person's access is confirmed or removed, we cannot show that access to our accounts is strictly limited."));

        doc.Add(new Heading(2, "Decisions still missing"));
        foreach (IGrouping<string, AccessReviewItem> reviewer in reviewers)
        {
            AccessReviewItem first = reviewer.First();
            string who = first.ReviewerDisplayName is { Length: > 0 } dn ? $"{dn} ({first.Reviewer})" : first.Reviewer;
            doc.Add(new Heading(3, $"Waiting for {who}"));
            foreach (IGrouping<string, AccessReviewItem> account in ByAccount(reviewer.ToList()))
                doc.Add(PeopleTable(account.ToList(), policy,
                    $"{AccountTitle(account.First())}: {Count(account.Count(), "person", "people")} waiting for {first.ReviewerDisplayName ?? first.Reviewer}", decisionLink));
        }

        doc.Add(new Heading(2, "What you can do"));
        doc.Add(new Bullets(ordered: true,
            $"Remind the {(reviewers.Count == 1 ? "reviewer" : "reviewers")}: ask your IT administrator to run Send-HwAccessReview -Period {review.Period} -Reminder, or contact them yourself.",
            "Or decide yourself, if you know whether each person still needs to post: record the decisions as described below."));
        doc.Add(new Heading(2, "What happens if there is still no decision"));
        doc.Add(new Para(Consequence(review, brief: false, escalated: true)));
        doc.AddRange(HowToDecide(review, overdue, "the", decisionLink is not null ? from.Address : null));
        return Message(subject, from, to, doc, Footer(review, policy, witness), MessageImportance.High);
    }

    // ---------------------------------------------------------------------------------------------- content

    private static IEnumerable<Block> Why(PolicyDocument policy, string purpose)
    {
        yield return new Heading(2, "Why we ask");
        string clause = policy.FindClause(ClauseId)?.Text
                        ?? "Only authorised staff may use the organisation's accounts to post online and access to the account should be strictly limited.";
        yield return new Para($"Our {policy.Title} (version {policy.Version}) says, in clause {ClauseId}:");
        yield return new Quote(clause, $"{policy.Title}, clause {ClauseId}");
        yield return new Para(purpose);
    }

    private static string Consequence(AccessReview review, bool brief, bool escalated = false)
    {
        string grace = Day(review.GraceEndsAt);
        bool revoke = string.Equals(review.UndecidedAction, "Revoke", StringComparison.OrdinalIgnoreCase);
        if (brief)
            return revoke
                ? $"after {grace} the person's access to post is removed automatically"
                : $"after {grace} the access is reported as not confirmed in the compliance report";
        return (escalated ? "" : $"After {Day(review.DueAt)}, the Manager and the Communications Officer are told which decisions are missing. ")
               + (revoke
                   ? $"If there is still no decision by {grace}, the person's access to post is removed automatically, as the policy says. They can be given access again later if they need it."
                   : $"If there is still no decision by {grace}, the person keeps their access, but it is reported as not confirmed (rule {ComplianceRules.AccessNotConfirmed.Id}) in the compliance report until someone decides.");
    }

    private static string WhyYou(IEnumerable<string> roles)
    {
        List<string> distinct = roles.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (distinct.Count == 0 || distinct.All(r => r == "Owner"))
            return "You are asked because you are responsible for this account.";
        return "You are asked as: " + JoinAnd(distinct.Select(r => r == "Owner" ? "the account's owner" : r).ToList()) + ".";
    }

    private static IEnumerable<Block> HowToDecide(AccessReview review, IReadOnlyList<AccessReviewItem> items, string whose, string? decisionMailbox = null)
    {
        yield return new Heading(2, $"How to record {whose} decisions");
        yield return new Para("For each person, choose **Keep** (they still need to post) or **Remove** (they do not), and give a short reason. "
                              + "Remove takes away their access to post straight away; nothing else about their Microsoft 365 account changes.");
        // ---- decisions by mail (docs/decisions/0200): one paragraph, added only when the links are in the mail
        if (decisionMailbox is not null)
            yield return new Para($"**Quickest:** use the Keep or Remove link under each person. It opens a new email to {decisionMailbox} with your decision "
                                  + "in the subject; write a short reason after “Reason:” and send it, without changing the subject. You will get an email confirming "
                                  + "the decision. Only the person asked to review can decide this way, from their own work mailbox.");
        AccessReviewItem? example = items.FirstOrDefault();
        string exampleName = example is null ? "Alex Smith" : example.DisplayName ?? example.User;
        string exampleAccount = example?.Account ?? "our Facebook page";
        yield return new Bullets(ordered: true,
            $"Reply to this email with your decisions, for example: “{exampleName} on {exampleAccount}: Keep, runs our event posts.” The person who runs the review records them for you.",
            "Or ask your IT administrator to record them with the HealthwatchPolicy PowerShell module, as shown below.");
        yield return new Heading(3, "For your IT administrator");
        yield return new Para("One decision at a time (-Decision is Keep or Remove), for example:");
        yield return new Code(T(PowerShellExample(review, example)));
        yield return new Para("Several at once: save the lines below as decisions.csv, fill in Decision (Keep or Remove) and Justification on each line, then run the command after it.");
        yield return new Code(Csv(items));
        yield return new Code($"Import-Csv decisions.csv | Complete-HwAccessReview -Period {review.Period}");
    }

    private static string PowerShellExample(AccessReview review, AccessReviewItem? item) =>
        $"Complete-HwAccessReview -Period {review.Period} -Account {Ps(item?.Account ?? "<account>")} -User {Ps(item?.User ?? "<person>")} "
        + "-Decision Keep -Justification 'Still runs our event posts'";

    private static string Csv(IReadOnlyList<AccessReviewItem> items)
    {
        var sb = new StringBuilder("Account,User,Decision,Justification");
        foreach (AccessReviewItem i in items)
            sb.Append('\n').Append(SafeText.CsvField(i.Account)).Append(',').Append(SafeText.CsvField(i.User)).Append(",,");
        return sb.ToString();
    }

    private static Table PeopleTable(IReadOnlyList<AccessReviewItem> items, PolicyDocument policy, string caption,
        Func<AccessReviewItem, string, string?>? decisionLink = null)
    {
        var rows = new List<Row>();
        foreach (AccessReviewItem i in items)
        {
            var notes = new List<string>();
            if (i.Enabled == false)
                notes.Add("Account disabled");
            if (i.Decision is { } d)
                notes.Add($"Decision recorded: {d}");
            if (i.Expires is { } ends) // issue 15: time-bound access
                notes.Add($"Time-bound access: ends {EnglishDate.Long(ends.UtcDateTime)}");
            bool named = i.DisplayName is { Length: > 0 } && !string.Equals(i.DisplayName, i.User, StringComparison.OrdinalIgnoreCase);
            rows.Add(new Row(named ? i.DisplayName! : i.User, named ? i.User : null, notes, new[]
            {
                new[] { string.IsNullOrWhiteSpace(i.EmployeeType) ? "Not recorded" : i.EmployeeType! },
                new[] { Acknowledged(i.AcknowledgedVersion, policy.Version) },
                Findings(i.OpenFindings),
            })
            {
                // decisions by mail (docs/decisions/0200): Keep and Remove links, only while the item is undecided
                // and only where the link maker gives one (decision 0201: none for the Manager's own access in the escalation mail)
                Links = decisionLink is null || i.Decision is not null
                        || decisionLink(i, ReviewDecisions.Keep) is not { } keepLink || decisionLink(i, ReviewDecisions.Remove) is not { } removeLink
                    ? Array.Empty<(string, string, string)>() : new[]
                {
                    (ReviewDecisions.Keep, $"Keep {(named ? i.DisplayName! : i.User)}", keepLink),
                    (ReviewDecisions.Remove, $"Remove {(named ? i.DisplayName! : i.User)}", removeLink),
                },
            });
        }
        return new Table(caption, new[] { "Person", "Employee type", "Policy acknowledged", "Open findings" }, rows);
    }

    private static string Acknowledged(string? version, string current) =>
        string.IsNullOrWhiteSpace(version) ? "Never"
        : version == current ? $"Version {version} (current)"
        : $"Version {version} (not the current version, {current})";

    private static string[] Findings(IReadOnlyCollection<string> ruleIds) =>
        ruleIds.Count == 0
            ? new[] { "None" }
            : ruleIds.Select(id => ComplianceRules.Find(id) is { } rule ? $"{rule.Title} ({rule.Id})" : id).ToArray();

    private static Para Footer(AccessReview review, PolicyDocument policy, string? witness) =>
        new($"Sent for {policy.Organisation} by the HealthwatchPolicy module: access review {review.Period}, started {EnglishDate.Long(review.StartedAt.UtcDateTime)}; "
            + $"{policy.Title}, version {policy.Version}. Need this in another format, such as large print? Contact {policy.Metadata.AlternativeFormatsContact ?? "the Manager"}. "
            + $"Audit journal witness: {witness ?? "none (the journal is empty)"} (kept so the journal can be checked later with Test-HwAuditLog -Witness).");

    // ---------------------------------------------------------------------------------------------- the message

    private static MimeMessage Message(string subject, MailboxAddress from, IReadOnlyList<MailboxAddress> to, List<Block> doc, Para footer, MessageImportance importance)
    {
        var message = new MimeMessage { Subject = subject, Importance = importance };
        message.From.Add(from);
        // Display names come from the directory: no line break, bidi override or invisible character in a header.
        message.To.AddRange(to.Select(m => new MailboxAddress(SafeDisplayName(m.Name), m.Address)));
        // Machine-sent (RFC 3834): out-of-office replies are not wanted; people can still reply with their decisions.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "OOF, AutoReply");
        var body = new BodyBuilder { TextBody = RenderText(doc, footer), HtmlBody = RenderHtml(subject, doc, footer) };
        message.Body = body.ToMessageBody();
        message.Body.Headers.Add(HeaderId.ContentLanguage, "en-GB"); // on the entity: a message's own Content-* headers are not kept
        foreach (TextPart part in message.BodyParts.OfType<TextPart>())
        {
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable; // 7-bit clean and short lines on every transport
            part.Headers.Add(HeaderId.ContentLanguage, "en-GB");
        }
        return message;
    }

    /// <summary>A directory display name as a mail header may carry it: controls, bidi overrides and invisible characters made symbols.</summary>
    internal static string? SafeDisplayName(string? name) => SafeText.Neutralise(name);

    // ---------------------------------------------------------------------------------------------- blocks

    private abstract class Block
    {
    }

    private sealed class Heading : Block
    {
        public Heading(int level, string text)
        {
            Level = level;
            Text = text;
        }

        public int Level { get; }
        public string Text { get; }
    }

    /// <summary>A paragraph; <c>**text**</c> is strong in HTML and plain in the text part.</summary>
    private sealed class Para : Block
    {
        public Para(string text) => Text = text;

        public string Text { get; }
    }

    private sealed class Facts : Block
    {
        public Facts(params (string Label, string Value)[] items) => Items = items;

        public IReadOnlyList<(string Label, string Value)> Items { get; }
    }

    private sealed class Bullets : Block
    {
        public Bullets(bool ordered, params string[] items)
        {
            Ordered = ordered;
            Items = items;
        }

        public bool Ordered { get; }
        public IReadOnlyList<string> Items { get; }
    }

    private sealed class Quote : Block
    {
        public Quote(string text, string source)
        {
            Text = text;
            Source = source;
        }

        public string Text { get; }
        public string Source { get; }
    }

    private sealed class Code : Block
    {
        public Code(string text) => Text = text;

        public string Text { get; }
    }

    private sealed class Table : Block
    {
        public Table(string caption, IReadOnlyList<string> columns, IReadOnlyList<Row> rows)
        {
            Caption = caption;
            Columns = columns;
            Rows = rows;
        }

        public string Caption { get; }
        public IReadOnlyList<string> Columns { get; }
        public IReadOnlyList<Row> Rows { get; }
    }

    private sealed class Row
    {
        public Row(string header, string? address, IReadOnlyList<string> notes, IReadOnlyList<IReadOnlyList<string>> cells)
        {
            Header = header;
            Address = address;
            Notes = notes;
            Cells = cells;
        }

        /// <summary>The person's name (their sign-in name when they have none).</summary>
        public string Header { get; }
        /// <summary>Their sign-in name, when the header is their display name.</summary>
        public string? Address { get; }
        public IReadOnlyList<string> Notes { get; }
        public IReadOnlyList<IReadOnlyList<string>> Cells { get; }
        /// <summary>Decisions by mail (docs/decisions/0200): (decision, link text, mailto href), or none.</summary>
        public IReadOnlyList<(string Decision, string Text, string Href)> Links { get; set; } = Array.Empty<(string, string, string)>();
    }

    // ---------------------------------------------------------------------------------------------- plain text

    private static string RenderText(List<Block> doc, Para footer)
    {
        var sb = new StringBuilder();
        foreach (Block block in doc)
        {
            switch (block)
            {
                case Heading h:
                    if (h.Level > 1)
                        sb.Append('\n');
                    sb.Append(T(h.Text)).Append("\n\n");
                    break;
                case Para p:
                    sb.Append(T(Plain(p.Text))).Append("\n\n");
                    break;
                case Facts f:
                    foreach ((string label, string value) in f.Items)
                        sb.Append("- ").Append(T(label)).Append(": ").Append(T(value)).Append('\n');
                    sb.Append('\n');
                    break;
                case Bullets b:
                    for (int i = 0; i < b.Items.Count; i++)
                        sb.Append(b.Ordered ? (i + 1).ToString(CultureInfo.InvariantCulture) + ". " : "- ").Append(T(Plain(b.Items[i]))).Append('\n');
                    sb.Append('\n');
                    break;
                case Quote q:
                    sb.Append("“").Append(T(q.Text)).Append("”\n(").Append(T(q.Source)).Append(")\n\n");
                    break;
                case Code c:
                    foreach (string line in c.Text.Split('\n'))
                        sb.Append("    ").Append(line).Append('\n');
                    sb.Append('\n');
                    break;
                case Table t:
                    sb.Append(T(t.Caption)).Append(":\n\n");
                    foreach (Row row in t.Rows)
                    {
                        sb.Append("* ").Append(T(row.Header));
                        if (row.Address is not null)
                            sb.Append(" (").Append(T(row.Address)).Append(')');
                        sb.Append('\n');
                        foreach (string note in row.Notes)
                            sb.Append("  ").Append(T(note)).Append('\n');
                        for (int c = 0; c < row.Cells.Count; c++)
                        {
                            IReadOnlyList<string> values = row.Cells[c];
                            sb.Append("  ").Append(T(t.Columns[c + 1])).Append(':');
                            if (values.Count == 1)
                                sb.Append(' ').Append(T(values[0])).Append('\n');
                            else
                            {
                                sb.Append('\n');
                                foreach (string v in values)
                                    sb.Append("    - ").Append(T(v)).Append('\n');
                            }
                        }
                        // ---- decisions by mail (docs/decisions/0200): one line per link
                        foreach ((string decision, string _, string href) in row.Links)
                            sb.Append("  ").Append(decision).Append(" (opens an email; write your reason and send): ").Append(href).Append('\n');
                        sb.Append('\n');
                    }
                    break;
            }
        }
        sb.Append("-- \n").Append(T(Plain(footer.Text))).Append('\n');
        return SafeText.Neutralise(sb.ToString(), keepLineFeeds: true)!; // directory text must not carry controls into the mail
    }

    private static string Plain(string text) => text.Replace("**", "");

    /// <summary>
    /// One line of the mail: directory text (display names, sign-in names, accounts, platforms) with every control,
    /// line break and invisible character made a visible symbol, so a name holding CR LF cannot start a line of its
    /// own ("Bcc: ...", a forged "| row |"). Only code blocks keep line feeds, and those the module laid out.
    /// </summary>
    private static string T(string? text) => SafeText.Neutralise(text ?? "")!;

    // ---------------------------------------------------------------------------------------------- HTML

    // Inline styles only (mail clients drop <style> and linked sheets); colours meet WCAG AA on white.
    private const string Ink = "#1b1b1b";
    private const string Navy = "#002d55";
    private const string SBody = "margin:0;padding:0;background-color:#ffffff;color:" + Ink + ";font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;"
                                 + "overflow-wrap:break-word;"; // a word breaks only when it cannot fit a line (decision 0165)
    private const string SWrap = "display:block;max-width:48rem;margin:0 auto;padding:12px;";
    private const string SH1 = "font-size:24px;line-height:1.25;color:" + Navy + ";margin:8px 0 16px 0;";
    private const string SH2 = "font-size:20px;line-height:1.3;color:" + Navy + ";margin:28px 0 8px 0;padding-bottom:4px;border-bottom:2px solid " + Navy + ";";
    private const string SH3 = "font-size:18px;line-height:1.3;color:" + Ink + ";margin:20px 0 6px 0;";
    private const string SP = "margin:0 0 12px 0;";
    private const string SFacts = "margin:0 0 16px 0;padding:10px 12px 10px 30px;background-color:#eef3f8;border-left:4px solid " + Navy + ";";
    private const string SList = "margin:0 0 12px 0;padding-left:26px;";
    private const string SLi = "margin:0 0 6px 0;";
    private const string SQuote = "margin:0 0 12px 0;padding:8px 12px;border-left:4px solid #595959;background-color:#f4f4f4;";
    private const string SPre = "margin:0 0 12px 0;padding:8px 10px;background-color:#f4f4f4;border:1px solid #8a8a8a;white-space:pre-wrap;overflow-wrap:break-word;"
                                + "font-family:Consolas,'Courier New',monospace;font-size:14px;line-height:1.45;";
    private const string STable = "width:100%;border-collapse:collapse;margin:0 0 16px 0;font-size:15px;";
    private const string SCaption = "text-align:left;font-weight:bold;padding:4px 0 6px 0;caption-side:top;";
    private const string SCell = "text-align:left;vertical-align:top;padding:5px 6px;border:1px solid #6b6b6b;overflow-wrap:break-word;";
    private const string SColHead = SCell + "background-color:#e3ebf3;font-weight:bold;";
    private const string SRowHead = SCell + "background-color:#f7f9fb;font-weight:bold;";
    private const string SNote = "font-weight:bold;font-size:14px;color:#8a1c1c;";
    // decisions by mail (docs/decisions/0200): white on navy 12.9:1, white on dark red 8.6:1; 44px tall targets
    private const string SDecide = "margin:8px 0 0 0;line-height:2.8;";
    private const string SKeepLink = "display:inline-block;min-height:24px;padding:6px 14px;margin:0 8px 4px 0;background-color:" + Navy + ";color:#ffffff;"
                                     + "text-decoration:underline;font-weight:bold;border-radius:4px;line-height:1.5;";
    private const string SRemoveLink = "display:inline-block;min-height:24px;padding:6px 14px;margin:0 8px 4px 0;background-color:#8a1c1c;color:#ffffff;"
                                       + "text-decoration:underline;font-weight:bold;border-radius:4px;line-height:1.5;";
    private const string SFooter = "display:block;max-width:48rem;margin:0 auto;padding:0 12px 16px 12px;font-size:14px;color:#3d3d3d;";

    private static string RenderHtml(string title, List<Block> doc, Para footer)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en-GB\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<meta name=\"color-scheme\" content=\"light\">\n")
          .Append("<title>").Append(H(title)).Append("</title>\n</head>\n")
          .Append("<body style=\"").Append(SBody).Append("\">\n")
          .Append("<main style=\"").Append(SWrap).Append("\">\n");
        foreach (Block block in doc)
        {
            switch (block)
            {
                case Heading h:
                    string style = h.Level == 1 ? SH1 : h.Level == 2 ? SH2 : SH3;
                    sb.Append("<h").Append(h.Level).Append(" style=\"").Append(style).Append("\">").Append(H(h.Text)).Append("</h").Append(h.Level).Append(">\n");
                    break;
                case Para p:
                    sb.Append("<p style=\"").Append(SP).Append("\">").Append(Inline(p.Text)).Append("</p>\n");
                    break;
                case Facts f:
                    sb.Append("<ul style=\"").Append(SFacts).Append("\">\n");
                    foreach ((string label, string value) in f.Items)
                        sb.Append("<li style=\"").Append(SLi).Append("\"><strong>").Append(H(label)).Append(":</strong> ").Append(H(value)).Append("</li>\n");
                    sb.Append("</ul>\n");
                    break;
                case Bullets b:
                    string tag = b.Ordered ? "ol" : "ul";
                    sb.Append('<').Append(tag).Append(" style=\"").Append(SList).Append("\">\n");
                    foreach (string item in b.Items)
                        sb.Append("<li style=\"").Append(SLi).Append("\">").Append(Inline(item)).Append("</li>\n");
                    sb.Append("</").Append(tag).Append(">\n");
                    break;
                case Quote q:
                    sb.Append("<blockquote style=\"").Append(SQuote).Append("\"><p style=\"margin:0 0 4px 0;\">“").Append(H(q.Text)).Append("”</p>")
                      .Append("<p style=\"margin:0;font-size:14px;\">").Append(H(q.Source)).Append("</p></blockquote>\n");
                    break;
                case Code c:
                    sb.Append("<pre style=\"").Append(SPre).Append("\"><code>").Append(WebUtility.HtmlEncode(SafeText.Neutralise(c.Text, keepLineFeeds: true)!)).Append("</code></pre>\n");
                    break;
                case Table t:
                    sb.Append("<table style=\"").Append(STable).Append("\">\n<caption style=\"").Append(SCaption).Append("\">").Append(H(t.Caption)).Append("</caption>\n<thead><tr>");
                    // Two columns, the person and what is known about their access as labelled lines: a grid of four
                    // columns cannot reflow to 320 CSS px without breaking words, and mail clients ignore media queries.
                    sb.Append("<th scope=\"col\" style=\"").Append(SColHead).Append("width:32%;\">").Append(H(t.Columns[0])).Append("</th>")
                      .Append("<th scope=\"col\" style=\"").Append(SColHead).Append("\">Details</th>");
                    sb.Append("</tr></thead>\n<tbody>\n");
                    foreach (Row row in t.Rows)
                    {
                        sb.Append("<tr><th scope=\"row\" style=\"").Append(SRowHead).Append("\">").Append(H(row.Header));
                        foreach (string note in row.Notes)
                            sb.Append("<br><span style=\"").Append(SNote).Append("\">").Append(H(note)).Append("</span>");
                        sb.Append("</th>\n<td style=\"").Append(SCell).Append("\"><ul style=\"list-style:none;margin:0;padding:0;\">");
                        // The sign-in name heads the wider column: at 1280 px it fits on one line there (in the narrow
                        // name column it broke in two); at 320 px it wraps between its parts (ReadableBreaks), never mid-word.
                        if (row.Address is not null)
                            sb.Append("<li style=\"margin:0 0 6px 0;\"><strong>Sign-in name:</strong><br>").Append(H(row.Address)).Append("</li>");
                        for (int c = 0; c < row.Cells.Count; c++)
                        {
                            IReadOnlyList<string> values = row.Cells[c];
                            sb.Append("<li style=\"margin:0 0 6px 0;\"><strong>").Append(H(t.Columns[c + 1])).Append(":</strong>");
                            if (values.Count == 1)
                                sb.Append(' ').Append(H(values[0]));
                            else
                            {
                                sb.Append("<ul style=\"list-style:disc;margin:2px 0 0 0;padding-left:20px;\">");
                                foreach (string v in values)
                                    sb.Append("<li style=\"margin:0 0 4px 0;\">").Append(H(v)).Append("</li>");
                                sb.Append("</ul>");
                            }
                            sb.Append("</li>");
                        }
                        sb.Append("</ul>");
                        // ---- decisions by mail (docs/decisions/0200): a separate block of two links per person
                        if (row.Links.Count > 0)
                        {
                            sb.Append("<p style=\"").Append(SDecide).Append("\">");
                            foreach ((string decision, string text, string href) in row.Links)
                                sb.Append("<a href=\"").Append(WebUtility.HtmlEncode(href)).Append("\" style=\"")
                                  .Append(decision == ReviewDecisions.Remove ? SRemoveLink : SKeepLink).Append("\">").Append(H(text)).Append("</a> ");
                            sb.Append("</p>");
                        }
                        sb.Append("</td></tr>\n");
                    }
                    sb.Append("</tbody>\n</table>\n");
                    break;
            }
        }
        sb.Append("</main>\n<footer style=\"").Append(SFooter).Append("\">\n<p style=\"margin:0;border-top:1px solid #8a8a8a;padding-top:8px;\">")
          .Append(H(footer.Text)).Append("</p>\n</footer>\n</body>\n</html>\n");
        return SafeText.Neutralise(ReadableBreaks.Apply(sb.ToString()), keepLineFeeds: true)!;
    }

    /// <summary>HTML-encodes, then turns <c>**text**</c> into strong text.</summary>
    private static string Inline(string text)
    {
        string[] parts = text.Split(new[] { "**" }, StringSplitOptions.None);
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
            sb.Append(i % 2 == 1 ? "<strong>" + H(parts[i]) + "</strong>" : H(parts[i]));
        return sb.ToString();
    }

    /// <summary>HTML-encoded, after <see cref="T"/>: a line break in directory text shows as a symbol in HTML too.</summary>
    private static string H(string? s) => WebUtility.HtmlEncode(T(s));

    // ---------------------------------------------------------------------------------------------- small helpers

    private static List<IGrouping<string, AccessReviewItem>> ByAccount(IReadOnlyList<AccessReviewItem> items) =>
        items.GroupBy(i => i.Account, StringComparer.OrdinalIgnoreCase).ToList();

    private static string AccountTitle(AccessReviewItem item) =>
        string.IsNullOrWhiteSpace(item.Platform)
        || Regex.IsMatch(item.Account, @"(?<!\w)" + Regex.Escape(item.Platform.Trim()) + @"(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)
            ? item.Account
            : $"{item.Account} ({item.Platform})";

    /// <summary>"2026-11" as "November 2026"; anything else as it is.</summary>
    private static string PeriodName(string period) =>
        DateTime.TryParseExact(period, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime month)
            ? EnglishDate.MonthYear(month)
            : period;

    /// <summary>"Tuesday 17 November 2026" (the weekday's English name comes from the enum, not from a culture).</summary>
    private static string Day(DateTimeOffset when) => $"{when.UtcDateTime.DayOfWeek} {EnglishDate.Long(when.UtcDateTime)}";

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    private static string JoinAnd(IReadOnlyList<string> items) =>
        items.Count switch
        {
            0 => "",
            1 => items[0],
            _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[items.Count - 1],
        };

    /// <summary>A PowerShell single-quoted string.</summary>
    private static string Ps(string value) => "'" + value.Replace("'", "''") + "'";

}
