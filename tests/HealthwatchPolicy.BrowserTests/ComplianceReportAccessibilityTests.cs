using System;
using System.IO;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Sessions;
using Microsoft.Playwright;
using Xunit;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// The compliance report on the sample organisation, as a manager opens it: no axe violations, readable at
/// 320 CSS px, and printable (a PDF is made from the print styles and kept with the test results).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ComplianceReportAccessibilityTests
{
    private static readonly Lazy<string> s_html = new(() =>
    {
        string copy = Path.Combine(Path.GetTempPath(), "hw-report-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        HwServices session = new HwEngine(RepoPaths.BundledPolicy, Path.Combine(RepoPaths.Root, "policy", "sample-org")).ConnectSample(copy, null);
        string html = ComplianceReportRenderer.ToHtml(session.Compliance.BuildReport());
        Directory.Delete(copy, recursive: true);
        return html;
    });

    private readonly AccessibilityScan _scan;

    public ComplianceReportAccessibilityTests(BrowserFixture browser) => _scan = new AccessibilityScan(browser);

    [Fact]
    public async Task Report_has_no_axe_violations_and_shows_every_finding()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report");
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, page.Name);
        Assert.Equal(10, await page.Page.Locator("li.finding").CountAsync());
        Assert.Contains("Result: Fail", await page.Page.Locator(".result").InnerTextAsync());
        page.ThrowIfItFetched();
    }

    [Fact]
    public async Task Chart_reads_without_the_table_labelled_in_words()
    {
        // One bar per rule that found something; each says in words what the rule is, how serious, and how many.
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-chart");
        Assert.Equal(0, await page.Page.Locator("svg").CountAsync());
        var bars = await page.Page.Locator("figure.chart ul.bars li").AllInnerTextsAsync();
        Assert.True(bars.Count >= 3, $"Expected a bar per rule with findings, found {bars.Count}.");
        foreach (string bar in bars)
            Assert.Matches(@"^[A-Z][a-z'].+ \((Critical|High|Medium|Low|Info), HW-[A-Z]{3}-\d{3}\)\s+\d+ findings?$", bar.Trim());
        Assert.StartsWith("Disabled account can post (Critical, HW-ELG-001)", bars[0].Trim());
        Assert.Contains("Findings by rule", await page.Page.Locator("figure.chart figcaption").InnerTextAsync());
    }

    [Fact]
    public async Task Findings_come_most_serious_first_then_by_account_and_rule()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-order");
        string[] order = { "Critical", "High", "Medium", "Low", "Info" };
        var rows = await page.Page.EvaluateAsync<string[][]>(@"() => [...document.querySelectorAll('li.finding')].map(li => [
            li.querySelector('.sev').textContent.trim(),
            [...li.querySelectorAll('dt')].find(dt => dt.textContent === 'Account').nextElementSibling.textContent.trim(),
            li.querySelector('.rule').textContent.trim()])");
        Assert.Equal(10, rows.Length);
        Assert.Equal("Critical", rows[0][0]);
        for (int i = 1; i < rows.Length; i++)
        {
            int a = Array.IndexOf(order, rows[i - 1][0]), b = Array.IndexOf(order, rows[i][0]);
            Assert.True(a >= 0 && b >= 0, $"Unknown severity in row {i}: {rows[i][0]}");
            Assert.True(a <= b, $"Finding {i + 1} ({rows[i][0]}) comes after a less serious one ({rows[i - 1][0]}).");
            if (a == b && rows[i - 1][1] == rows[i][1])
                Assert.True(string.CompareOrdinal(rows[i - 1][2], rows[i][2]) <= 0, $"Rules out of order within {rows[i][1]}: {rows[i - 1][2]}, {rows[i][2]}");
        }
        var headings = await page.Page.Locator("section[aria-labelledby=findings] h3").AllInnerTextsAsync();
        Assert.Matches(@"^Critical \(\d+\)$", headings[0]);
        // Every finding gives the manager a next step in words beside the administrator's command.
        var steps = await page.Page.EvaluateAsync<string[][]>(@"() => [...document.querySelectorAll('li.finding')].map(li => {
            const dd = t => [...li.querySelectorAll('dt')].find(dt => dt.textContent === t).nextElementSibling.textContent.trim();
            return [dd('What to do'), dd('How (for IT support)')]; })");
        Assert.All(steps, s => Assert.DoesNotMatch(@"-Hw|Hw[A-Z]", s[0]));
        Assert.Contains(steps, s => s[1].Contains("Revoke-HwPostingAccess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_shows_no_folder_path()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-paths");
        string text = await page.Page.InnerTextAsync("body");
        Assert.DoesNotMatch(@"(^|[\s(])(/|[A-Za-z]:\\)[\w.-]+[/\\]", text);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text);
        Assert.Contains("from a local copy of the directory", text);
    }

    [Theory]
    [InlineData(320)]
    [InlineData(1280)]
    public async Task Report_breaks_no_word_mid_way(int width)
    {
        string name = width == 1280 ? "compliance-report" : "compliance-report-320px";
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, name + "-words", viewportWidth: width);
        LineBreaks.AssertNoBrokenWords(await LineBreaks.BrokenWordsAsync(page.Page), name);
    }

    [Fact]
    public async Task Report_reads_at_320px_without_sideways_scrolling()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-320px", viewportWidth: 320);
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, page.Name);
        int scrollWidth = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 320, $"The report scrolls sideways at 320px (scrollWidth {scrollWidth}px).");
    }

    [Fact]
    public async Task Report_prints_on_A4()
    {
        // The page's own @page size decides the paper (as the print dialog does): 595 x 842 pt, read from the PDF.
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-print");
        byte[] bytes = await LineBreaks.AssertPrintsOnA4Async(page.Page, "compliance-report");
        Assert.True(bytes.Length > 10_000, $"The printed report is only {bytes.Length} bytes.");
        // Printed, every finding is still there and none is cut in two by the print styles' break rules.
        Assert.Equal(10, await page.Page.Locator("li.finding").CountAsync());
        Assert.Equal("avoid", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('li.finding')).breakInside"));
    }
}
