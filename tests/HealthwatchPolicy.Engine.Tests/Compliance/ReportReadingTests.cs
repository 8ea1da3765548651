using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Text;
using Xunit;

namespace HealthwatchPolicy.Engine.Tests.Compliance;

/// <summary>
/// The compliance report as the people who act on it read it (issue 14 item 4, decision 0165): most serious first in
/// every form, the manager's next step beside the command, no folder path; and the line-break hints the HTML pages get.
/// </summary>
public sealed class ReportReadingTests : IDisposable
{
    private static readonly string[] s_order = { "Critical", "High", "Medium", "Low", "Info" };
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "hw-reading-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ComplianceReport _report;

    public ReportReadingTests()
    {
        HwServices session = new HwEngine(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")).ConnectSample(_copy, null);
        _report = session.Compliance.BuildReport();
    }

    public void Dispose()
    {
        if (Directory.Exists(_copy))
            Directory.Delete(_copy, recursive: true);
    }

    [Fact]
    public void Object_output_is_severity_first_then_account_with_organisation_wide_last_then_rule()
    {
        var f = _report.Findings;
        Assert.Equal(Severity.Critical, f[0].Severity);
        for (int i = 1; i < f.Count; i++)
        {
            Assert.True(f[i - 1].Severity <= f[i].Severity, $"{f[i].RuleId} ({f[i].Severity}) after {f[i - 1].RuleId} ({f[i - 1].Severity})");
            if (f[i - 1].Severity == f[i].Severity)
            {
                Assert.False(f[i - 1].Account is null && f[i].Account is not null, "An organisation-wide finding comes before an account's.");
                if (f[i - 1].Account is not null && f[i].Account is not null)
                    Assert.True(string.CompareOrdinal(f[i - 1].Account, f[i].Account) <= 0);
            }
        }
    }

    [Fact]
    public void Markdown_lists_findings_under_severity_headings_in_order_with_next_step_and_command()
    {
        string md = ComplianceReportRenderer.ToMarkdown(_report);
        string[] headings = Regex.Matches(md, @"^### (\w+) \(\d+\)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(headings.OrderBy(h => Array.IndexOf(s_order, h)), headings);
        Assert.Equal("Critical", headings[0]);
        Assert.Contains("| Rule | Account | Who or what | Evidence | What to do | How (for IT support) | Clause |", md);
        string critical = md.Split('\n').Single(l => l.StartsWith("| HW-ELG-001 Disabled", StringComparison.Ordinal));
        Assert.Contains(_report.Findings[0].NextStep, critical);
        Assert.Contains("Revoke-HwPostingAccess", critical);
        Assert.Contains("## Findings, most serious first", md);
        Assert.DoesNotContain(_copy, md);
        Assert.Contains("from a local copy of the directory", md);
    }

    [Fact]
    public void Html_names_no_folder_and_gives_every_finding_a_next_step_without_a_command()
    {
        string html = ComplianceReportRenderer.ToHtml(_report);
        Assert.DoesNotContain(_copy, html);
        Assert.DoesNotContain("local:", html);
        Assert.Equal(_report.Findings.Count, Regex.Matches(html, "<dt>What to do</dt>").Count);
        Assert.Equal(_report.Findings.Count, Regex.Matches(html, @"<dt>How \(for IT support\)</dt>").Count);
        Assert.All(_report.Findings, f => Assert.DoesNotMatch(@"-Hw|`", f.NextStep));
        Assert.Contains("@page { size: A4;", html);
        Assert.DoesNotContain("overflow-wrap: anywhere", html);
    }

    [Theory]
    [InlineData("graph: tenant 0000 at https://graph.microsoft.com, app 1111, ClientSecret", "the organisation's Microsoft 365 directory")]
    [InlineData("local: /home/admin/hw/sample", "a local copy of the directory (files, not Microsoft 365)")]
    [InlineData("local: C:\\Users\\admin\\hw", "a local copy of the directory (files, not Microsoft 365)")]
    public void The_directory_is_named_in_words_never_by_its_path_or_app(string directory, string words) =>
        Assert.Equal(words, ComplianceReportRenderer.DirectoryInWords(directory));

    [Fact]
    public void Ids_and_command_names_stay_whole_and_addresses_get_break_points_only_in_the_body()
    {
        string html = "<html><head><title>HW-CON-001 priya.shah_gmail.com#EXT#@hwsefton.onmicrosoft.example</title></head>" +
                      "<body><p>Rule HW-CON-001 and SMP-3.2: run Revoke-HwPostingAccess for priya.shah_gmail.com#EXT#@hwsefton.onmicrosoft.example.</p>" +
                      "<pre>Account,User\nNews,liam.murphy@hwsefton.example,,</pre><p>short.word ok</p></body></html>";
        string result = ReadableBreaks.Apply(html);
        Assert.Contains("<title>HW-CON-001 priya.shah_gmail.com#EXT#@hwsefton.onmicrosoft.example</title>", result);
        Assert.Contains("<span style=\"white-space:nowrap\">HW-CON-001</span>", result);
        Assert.Contains("<span style=\"white-space:nowrap\">SMP-3.2</span>", result);
        Assert.Contains("<span style=\"white-space:nowrap\">Revoke-HwPostingAccess</span>", result);
        Assert.Contains("<span style=\"display:inline-block\">priya.<wbr>shah_<wbr>gmail.<wbr>com#EXT#<wbr>@hwsefton.<wbr>onmicrosoft.<wbr>example.</span>", result);
        Assert.Contains("News,<wbr><span style=\"display:inline-block\">liam.<wbr>murphy<wbr>@hwsefton.<wbr>example,,</span>", result);
        Assert.Contains("<p>short.word ok</p>", result);
        // The text a reader copies is unchanged.
        Assert.Equal(Regex.Replace(html.Substring(html.IndexOf("<body>", StringComparison.Ordinal)), "<[^>]+>", ""),
            Regex.Replace(result.Substring(result.IndexOf("<body>", StringComparison.Ordinal)), "<[^>]+>", ""));
    }

    [Theory]
    [InlineData(1, "every month", "1 month")]
    [InlineData(3, "every 3 months", "3 months")]
    public void Counts_read_as_english(int n, string every, string of)
    {
        Assert.Equal(every, EnglishCount.Every(n, "month"));
        Assert.Equal(of, EnglishCount.Of(n, "month"));
    }
}
