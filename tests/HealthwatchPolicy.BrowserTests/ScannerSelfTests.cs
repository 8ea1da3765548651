using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using Xunit;
using Xunit.Sdk;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// Negative controls: the scanner can fail, runs the rule sets it claims, explains what it found, and refuses pages
/// that reach for the network. Without these the zero-violation tests could pass because nothing was scanned.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScannerSelfTests
{
    private const string ImageWithoutAlt = "<html><body><img src=\"x.png\"></body></html>";

    private readonly AccessibilityScan _scan;

    public ScannerSelfTests(BrowserFixture browser) => _scan = new AccessibilityScan(browser);

    [Fact]
    public async Task Scan_reports_an_image_without_alt_text_and_the_failure_names_it()
    {
        IReadOnlyList<AxeResultItem> violations = await _scan.ScanAsync(ImageWithoutAlt, "selftest-image-alt");

        AxeResultItem imageAlt = Assert.Single(violations, v => v.Id == "image-alt");
        Assert.Contains(imageAlt.Nodes, n => n.Html.Contains("x.png"));

        XunitException failure = Assert.Throws<XunitException>(
            () => AccessibilityScan.AssertNoViolations(violations, "selftest-image-alt"));
        Assert.Contains("- image-alt [critical] " + imageAlt.Help, failure.Message);
        Assert.Contains("target: img", failure.Message);
        Assert.Contains("html: <img src=\"x.png\">", failure.Message);
        Assert.Contains("found: ", failure.Message);
    }

    [Fact]
    public async Task Scan_runs_wcag_2x_a_and_aa_and_best_practice_rules()
    {
        await using LoadedPage page = await _scan.OpenAsync(ImageWithoutAlt, "selftest-rule-coverage");
        AxeResult result = await page.RunAxeAsync();
        List<AxeResultItem> ran = new[] { result.Violations, result.Passes, result.Incomplete, result.Inapplicable }
            .SelectMany(items => items ?? Array.Empty<AxeResultItem>())
            .ToList();
        string ranIds = string.Join(", ", ran.Select(r => r.Id));
        var tags = new HashSet<string>(ran.SelectMany(r => r.Tags ?? Array.Empty<string>()));

        foreach (string tag in new[] { "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice" })
            Assert.True(tags.Contains(tag), $"No axe rule tagged '{tag}' ran. Rules that ran: {ranIds}");
        // Rules that matter for our documents, by name, so a narrowed rule set cannot slip through;
        // target-size is WCAG 2.2 AA and off in axe's default set.
        foreach (string rule in new[] { "color-contrast", "html-has-lang", "document-title", "landmark-one-main",
                     "page-has-heading-one", "region", "heading-order", "meta-viewport", "target-size" })
            Assert.True(ran.Any(r => r.Id == rule), $"axe rule '{rule}' did not run. Rules that ran: {ranIds}");
        Assert.True(ran.Count >= 80, $"Only {ran.Count} axe rules ran: {ranIds}");
        // The page has no lang, no title, no main landmark and no h1: A-level and best-practice rules both say so.
        Assert.Contains(result.Violations, v => v.Id == "html-has-lang");
        Assert.Contains(result.Violations, v => v.Tags.Contains("best-practice"));
    }

    [Fact]
    public async Task Scan_refuses_a_page_that_fetches_from_the_network()
    {
        // The request is aborted inside the browser; nothing leaves the machine.
        const string html = "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><main><h1>t</h1>" +
            "<img src=\"https://example.invalid/logo.png\" alt=\"logo\"></main></body></html>";
        XunitException failure = await Assert.ThrowsAsync<XunitException>(() => _scan.ScanAsync(html, "selftest-network"));
        Assert.Contains("https://example.invalid/logo.png", failure.Message);
    }
}
