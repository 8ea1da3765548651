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
        Assert.Equal(7, await page.Page.Locator("li.finding").CountAsync());
        Assert.Contains("Result: Fail", await page.Page.Locator(".result").InnerTextAsync());
        Assert.Equal(1, await page.Page.Locator("svg[role=img] title").CountAsync());
        page.ThrowIfItFetched();
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
    public async Task Report_prints()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-print");
        await page.Page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        string pdf = Path.Combine(RepoPaths.Root, "out", "test-results", "compliance-report.pdf");
        Directory.CreateDirectory(Path.GetDirectoryName(pdf)!);
        byte[] bytes = await page.Page.PdfAsync(new PagePdfOptions { Path = pdf, Format = "A4", PrintBackground = true });
        Assert.True(bytes.Length > 10_000, $"The printed report is only {bytes.Length} bytes.");
        // Printed, every finding is still there and none is cut in two by the print styles' break rules.
        Assert.Equal(7, await page.Page.Locator("li.finding").CountAsync());
        Assert.Equal("avoid", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('li.finding')).breakInside"));
    }
}
