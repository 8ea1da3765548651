using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Tests.Mail;
using HealthwatchPolicy.Engine.Text;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Text;

/// <summary>Outside text neutralised where the module writes it: the helper itself, the review mail's CSV and bodies, the Markdown report.</summary>
public sealed class SafeTextTests
{
    private const string Formula = "=cmd|' /C calc'!A0";

    [Theory]
    [InlineData("\u001b[31mred\u0007", "\u241b[31mred\u2407")]
    [InlineData("nul\0here", "nul\u2400here")]
    [InlineData("cr\rlf\ntab\t", "cr\u240dlf\u240atab\u2409")]
    [InlineData("del\u007f c1\u009b31m", "del\u2421 c1\ufffd31m")]
    [InlineData("bidi \u202egnp.exe \u2066x\u2069", "bidi \ufffdgnp.exe \ufffdx\ufffd")]
    [InlineData("line\u2028sep", "line\ufffdsep")]
    [InlineData("Welsh ŵ ŷ, 中文, emoji 🙂", "Welsh ŵ ŷ, 中文, emoji 🙂")]
    public void Controls_become_visible_symbols_and_other_text_is_untouched(string input, string expected)
    {
        Assert.Equal(expected, SafeText.Neutralise(input));
        Assert.Equal(input != expected, SafeText.HasControls(input));
    }

    [Fact]
    public void Clean_text_is_returned_as_it_is_and_kept_line_ends_are_LF_and_CRLF_only()
    {
        const string clean = "emma.clarke@hwsefton.example";
        Assert.Same(clean, SafeText.Neutralise(clean));
        Assert.Null(SafeText.Neutralise(null));
        Assert.Equal("a\nb\r\nc\u240dd\u241b", SafeText.Neutralise("a\nb\r\nc\rd\u001b", keepLineFeeds: true));
    }

    [Theory]
    [InlineData(Formula, "'" + Formula)]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\u2409=1")]
    [InlineData("\r=1", "'\u240d=1")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("emma.clarke@hwsefton.example", "emma.clarke@hwsefton.example")]
    [InlineData("o'brien@x.example", "o'brien@x.example")]
    public void A_CSV_field_never_starts_a_formula(string value, string expected)
    {
        Assert.Equal(expected, SafeText.CsvField(value));
        string unquoted = expected.StartsWith('"') ? expected[1..^1].Replace("\"\"", "\"") : expected;
        Assert.DoesNotContain(unquoted[0], "=+-@\t\r\uFF1D");
    }

    [Fact]
    public void A_field_read_back_from_the_CSV_names_the_same_person()
    {
        Assert.Equal(Formula, SafeText.FromCsvField(SafeText.CsvField(Formula)));
        Assert.Equal("o'brien@x.example", SafeText.FromCsvField("o'brien@x.example"));
        Assert.Equal("'quoted", SafeText.FromCsvField("'quoted"));
    }

    [Fact]
    public void The_review_mails_CSV_block_and_bodies_carry_no_formula_and_no_control()
    {
        AccessReview review = ReviewMailSample.Review();
        review.Items[0].User = Formula + "@hwsefton.example";
        review.Items[1].DisplayName = "Chloe \u001b]0;owned\u0007\u001b[2J Evans\r\n| forged |";
        MimeMessage message = ReviewMailSample.ReviewerMessage(review);

        string text = message.TextBody ?? "";
        string[] csv = text.Replace("\r\n", "\n").Split('\n').SkipWhile(l => !l.Contains("Account,User,Decision,Justification", StringComparison.Ordinal))
            .Skip(1).TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()).ToArray();
        Assert.Equal(review.Items.Count, csv.Length);
        Assert.Contains(csv, l => l.Contains(",'" + Formula + "@hwsefton.example,", StringComparison.Ordinal));
        Assert.All(csv, l => Assert.DoesNotMatch("(^|,)\\s*[=+\\-@]", l));
        foreach (string body in new[] { message.TextBody ?? "", message.HtmlBody ?? "" })
        {
            Assert.DoesNotContain(body, c => c < ' ' && c != '\n' && c != '\r');
            Assert.DoesNotMatch("\r(?!\n)", body);
            Assert.Contains("Chloe \u241b]0;owned\u2407\u241b[2J Evans", body);
        }
    }

    [Fact]
    public void A_carriage_return_or_line_feed_in_directory_data_cannot_break_a_Markdown_report_row()
    {
        using var org = new TestOrg();
        HwServices session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(org.Folder), "Test", org.StateFolder, null, new TestClock());
        OfficialAccount account = session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        // A member with no journal entry (HW-AUT-001), and a posting group renamed in the directory with a CR, an LF and an ESC.
        new LocalDirectory(org.Folder).AddMember(account.GroupId, "u-liam");
        string path = Path.Combine(org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        doc["groups"]!.AsArray()[0]!["displayName"] = "HW-Posting-facebook-hw\r| HW-FAKE | forged |\nx \u001b[31m";
        File.WriteAllText(path, doc.ToJsonString());

        ComplianceReport report = session.Compliance.BuildReport();
        Assert.Contains(report.Findings, f => f.Evidence.Contains("\r| HW-FAKE | forged |\n", StringComparison.Ordinal)); // the finding keeps the true text
        string md = ComplianceReportRenderer.ToMarkdown(report);
        Assert.DoesNotContain('\r', md);
        Assert.DoesNotContain('\u001b', md);
        string[] rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal)).ToArray();
        Assert.All(rows, r => Assert.EndsWith("|", r));
        string[] findingRows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("HW-", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(findingRows, r => r.Contains("| HW-FAKE |", StringComparison.Ordinal));
        string row = Assert.Single(findingRows, r => r.StartsWith("| HW-AUT-001 Poster added", StringComparison.Ordinal));
        Assert.Equal(7, Cells(row));
        Assert.Contains("HW-Posting-facebook-hw\u240d\\| HW-FAKE \\| forged \\| x \u241b\\[31m", row);
        Assert.DoesNotContain('\u001b', ComplianceReportRenderer.ToHtml(report));
    }

    [Fact]
    public void A_decisions_csv_row_with_a_guarded_formula_UPN_still_records_the_decision()
    {
        using var org = new TestOrg();
        string upn = Formula + "@hwsefton.example";
        string path = Path.Combine(org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (JsonNode? u in doc["users"]!.AsArray())
            if ((string?)u!["id"] == "u-emma")
                u["userPrincipalName"] = upn;
        File.WriteAllText(path, doc.ToJsonString());
        HwServices session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(org.Folder), "Test", org.StateFolder, null, new TestClock());
        OfficialAccount account = session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        session.Access.Grant(account.Name, "u-emma", "r");
        AccessReview review = session.Reviews.Start(null).Review;
        Assert.Contains(review.Items, i => i.User == upn);

        // What the mail's CSV holds for the user, as Import-Csv gives it back.
        string fromCsv = SafeText.CsvField(upn);
        Assert.StartsWith("'=", fromCsv);
        AccessReviewItem decided = session.Reviews.Decide(review.Period, account.Name, fromCsv, "Keep", "Still runs the page");
        Assert.Equal(upn, decided.User);
        Assert.Equal("Keep", decided.Decision);
    }

    /// <summary>The cells of a GFM table row: split on | not escaped with a backslash.</summary>
    private static int Cells(string row) => System.Text.RegularExpressions.Regex.Split(row.Trim().Trim('|'), @"(?<!\\)\|").Length;
}
