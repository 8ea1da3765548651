using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// Opens an HTML page we generate (the policy, later the compliance report and the HTML email) in headless Chromium
/// from a file:// URL and scans it with axe-core. Each scan leaves a full-page screenshot in
/// <c>out/screenshots/&lt;name&gt;.png</c> and axe's full result in <c>out/test-results/axe/&lt;name&gt;.json</c>.
/// </summary>
/// <example>
/// <code>
/// [Collection(BrowserCollection.Name)]
/// public sealed class ReportAccessibilityTests(BrowserFixture browser)
/// {
///     private readonly AccessibilityScan _scan = new(browser);
///
///     [Fact]
///     public async Task Report_has_no_violations() =>
///         AccessibilityScan.AssertNoViolations(await _scan.ScanAsync(html, "compliance-report"), "compliance-report");
/// }
/// </code>
/// </example>
public sealed class AccessibilityScan
{
    /// <summary>
    /// The axe tags every scan runs: all of WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus best-practice.
    /// That is every rule axe enables by default and also target-size (WCAG 2.2 AA), which axe leaves off unless asked;
    /// only experimental rules and AAA rules stay out. <see cref="ScannerSelfTests"/> checks the tags really ran.
    /// </summary>
    public static readonly IReadOnlyList<string> Tags =
        new[] { "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice" };

    /// <summary>The options every scan passes to axe.run.</summary>
    public static AxeRunOptions Options => new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = new List<string>(Tags) },
        Iframes = true,
    };

    private readonly BrowserFixture _browser;

    public AccessibilityScan(BrowserFixture browser) => _browser = browser;

    /// <summary>
    /// Writes <paramref name="html"/> to a temporary file, opens it via file:// at <paramref name="viewportWidth"/>,
    /// runs axe, saves the screenshot and returns the violations (empty when the page passes).
    /// Throws when the page tried to fetch anything off this machine: our pages must stand alone.
    /// </summary>
    public async Task<IReadOnlyList<AxeResultItem>> ScanAsync(string html, string name, int viewportWidth = 1280)
    {
        await using LoadedPage page = await OpenAsync(html, name, viewportWidth);
        page.ThrowIfItFetched();
        AxeResult result = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        page.ThrowIfItFetched();
        return result.Violations ?? Array.Empty<AxeResultItem>();
    }

    /// <summary>Opens the page for checks of your own (computed styles, layout); dispose it when done.</summary>
    public async Task<LoadedPage> OpenAsync(string html, string name, int viewportWidth = 1280)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{name}' cannot name a screenshot file.", nameof(name));
        string dir = Path.Combine(Path.GetTempPath(), "healthwatch-browsertests");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"{name}-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(file, html, new UTF8Encoding(false));

        OpenPage open = await _browser.NewPageAsync(viewportWidth);
        var loaded = new LoadedPage(open, name, file);
        try
        {
            IResponse? response = await open.Page.GotoAsync(new Uri(file).AbsoluteUri,
                new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            if (response is not null && !response.Ok)
                throw new InvalidOperationException($"Opening {file} answered {response.Status}.");
            return loaded;
        }
        catch
        {
            await loaded.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails the test, naming every violation, unless <paramref name="violations"/> is empty.</summary>
    public static void AssertNoViolations(IReadOnlyList<AxeResultItem> violations, string name)
    {
        if (violations.Count > 0)
            throw new XunitException(Describe(violations, name));
    }

    /// <summary>One block per violation: id, impact, help, and each failing node's target, html and what axe found.</summary>
    public static string Describe(IReadOnlyList<AxeResultItem> violations, string name)
    {
        var sb = new StringBuilder();
        sb.Append("axe found ").Append(violations.Count).Append(" violation(s) in '").Append(name).Append("' (screenshot: ")
          .Append(Path.Combine(RepoPaths.Screenshots, name + ".png")).AppendLine("):");
        foreach (AxeResultItem v in violations)
        {
            sb.Append("- ").Append(v.Id).Append(" [").Append(v.Impact ?? "no impact").Append("] ").Append(v.Help)
              .Append(" (").Append(v.HelpUrl).AppendLine(")");
            sb.Append("    tags: ").AppendLine(string.Join(", ", v.Tags ?? Array.Empty<string>()));
            foreach (AxeResultNode node in v.Nodes ?? Array.Empty<AxeResultNode>())
            {
                sb.Append("    target: ").AppendLine(node.Target?.ToString());
                sb.Append("      html: ").AppendLine(node.Html);
                IEnumerable<AxeResultCheck> checks = (node.Any ?? Array.Empty<AxeResultCheck>())
                    .Concat(node.All ?? Array.Empty<AxeResultCheck>())
                    .Concat(node.None ?? Array.Empty<AxeResultCheck>());
                foreach (AxeResultCheck check in checks)
                    sb.Append("      found: ").AppendLine(check.Message);
            }
        }
        return sb.ToString();
    }
}

/// <summary>A generated page open in the browser, from its temporary file; disposing closes it and deletes the file.</summary>
public sealed class LoadedPage : IAsyncDisposable
{
    private readonly OpenPage _open;

    internal LoadedPage(OpenPage open, string name, string file)
    {
        _open = open;
        Name = name;
        FilePath = file;
    }

    public IPage Page => _open.Page;
    public string Name { get; }
    public string FilePath { get; }
    public IReadOnlyList<string> BlockedRequests => _open.BlockedRequests;

    /// <summary>
    /// Runs axe (<see cref="AccessibilityScan.Options"/>) over the whole page and saves its full result as
    /// <c>out/test-results/axe/&lt;name&gt;.json</c>.
    /// </summary>
    public async Task<AxeResult> RunAxeAsync()
    {
        AxeResult result = await Page.RunAxe(AccessibilityScan.Options);
        string dir = Path.Combine(RepoPaths.Root, "out", "test-results", "axe");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, Name + ".json"), result.ToString());
        return result;
    }

    /// <summary>Saves a full-page screenshot as <c>out/screenshots/&lt;name&gt;.png</c> and returns its path.</summary>
    public async Task<string> ScreenshotAsync()
    {
        Directory.CreateDirectory(RepoPaths.Screenshots);
        string path = Path.Combine(RepoPaths.Screenshots, Name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Png });
        return path;
    }

    /// <summary>Throws when the page tried to load anything that is not file:, data: or about:.</summary>
    public void ThrowIfItFetched()
    {
        IReadOnlyList<string> blocked = BlockedRequests;
        if (blocked.Count > 0)
            throw new XunitException($"'{Name}' tried to fetch {blocked.Count} resource(s) off this machine; " +
                "a generated page must stand alone:" + Environment.NewLine + string.Join(Environment.NewLine, blocked));
    }

    public async ValueTask DisposeAsync()
    {
        await _open.DisposeAsync();
        try
        {
            File.Delete(FilePath);
        }
        catch (IOException)
        {
            // a leftover temporary file is harmless
        }
    }
}
