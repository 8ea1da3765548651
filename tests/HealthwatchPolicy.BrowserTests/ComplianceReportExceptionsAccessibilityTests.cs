using System;
using System.IO;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using Xunit;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// Issue 16's sections of the compliance report (suppressed by exception, since the last report, about this report)
/// on the sample organisation: no axe violations, and readable at 320 CSS px.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ComplianceReportExceptionsAccessibilityTests
{
    private static readonly Lazy<string> s_html = new(() =>
    {
        string copy = Path.Combine(Path.GetTempPath(), "hw-report-exc-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        HwServices session = new HwEngine(RepoPaths.BundledPolicy, Path.Combine(RepoPaths.Root, "policy", "sample-org")).ConnectSample(copy, null);
        SavedComplianceReport previous = SavedComplianceReport.From(session.Compliance.BuildReport());
        session.Exceptions.New("HW-LIM-001", "instagram-healthwatchsefton", null, "Campaign month: four posters agreed by the board",
            "sarah.whitfield@hwsefton.example", DateTimeOffset.UtcNow.AddMonths(2));
        session.Access.Revoke("facebook-healthwatchsefton", "jason.turner@hwsefton.example", "Left in October");
        string html = ComplianceReportRenderer.ToHtml(session.Compliance.BuildReportSince(previous));
        Directory.Delete(copy, recursive: true);
        return html;
    });

    private readonly AccessibilityScan _scan;

    public ComplianceReportExceptionsAccessibilityTests(BrowserFixture browser) => _scan = new AccessibilityScan(browser);

    [Fact]
    public async Task Report_with_exceptions_and_changes_has_no_axe_violations()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-exceptions");
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, page.Name);
        Assert.Equal(1, await page.Page.Locator("table.suppressed tbody tr").CountAsync());
        Assert.Contains("Fixed", await page.Page.Locator("ul.changes").InnerTextAsync());
        Assert.Equal(7, await page.Page.Locator("dl.provenance dt").CountAsync());
        page.ThrowIfItFetched();
    }

    [Fact]
    public async Task Report_with_exceptions_and_changes_reads_at_320px()
    {
        await using LoadedPage page = await _scan.OpenAsync(s_html.Value, "compliance-report-exceptions-320px", viewportWidth: 320);
        AxeResult axe = await page.RunAxeAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, page.Name);
        int scrollWidth = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 320, $"The report scrolls sideways at 320px (scrollWidth {scrollWidth}px).");
    }
}
