using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using HealthwatchPolicy.Engine.Policy;
using Xunit;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// The bundled policy rendered to HTML (standard and large print), opened in headless Chromium:
/// no axe violations, one h1, a language, a main landmark, reflow at 320 CSS px, large print at 24px or more.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PolicyDocumentAccessibilityTests
{
    private static readonly Lazy<(PolicyService Service, PolicyDocument Policy)> s_policy = new(() =>
    {
        string path = RepoPaths.BundledPolicy;
        Assert.True(File.Exists(path), $"The bundled policy {path} is missing.");
        PolicyDocument policy = PolicyLoader.Load(path).GetPolicyOrThrow();
        return (new PolicyService(path), policy);
    });

    private readonly AccessibilityScan _scan;

    public PolicyDocumentAccessibilityTests(BrowserFixture browser) => _scan = new AccessibilityScan(browser);

    private static string Render(bool largePrint) =>
        s_policy.Value.Service.Render(s_policy.Value.Policy, PolicyFormat.Html, largePrint);

    private static string Name(bool largePrint, string suffix = "") =>
        (largePrint ? "policy-large-print" : "policy-standard") + suffix;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Policy_html_has_no_axe_violations(bool largePrint)
    {
        string name = Name(largePrint);
        IReadOnlyList<AxeResultItem> violations = await _scan.ScanAsync(Render(largePrint), name);
        AccessibilityScan.AssertNoViolations(violations, name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Policy_html_reflows_at_320px_without_horizontal_scrolling(bool largePrint)
    {
        // WCAG 2.1 SC 1.4.10 Reflow: content readable at 320 CSS px without scrolling in two dimensions.
        string name = Name(largePrint, "-320px");
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint), name, viewportWidth: 320);
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, name);

        int scrollWidth = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        // The innermost elements that stick out past the viewport: the ones to fix.
        string wide = await page.Page.EvaluateAsync<string>(@"() => {
            const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 320.5);
            return out.filter(e => !out.some(o => o !== e && e.contains(o))).slice(0, 10)
                .map(e => `${Math.round(e.getBoundingClientRect().right)}px: ${e.outerHTML.replace(/\s+/g, ' ').slice(0, 120)}`)
                .join('\n');
        }");
        Assert.True(scrollWidth <= 320,
            $"'{name}' scrolls sideways at 320px: document scrollWidth is {scrollWidth}px. Elements that stick out (right edge):\n{wide}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Policy_html_has_one_h1_a_language_and_a_main_landmark(bool largePrint)
    {
        string name = Name(largePrint, "-structure");
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint), name);

        int h1 = await page.Page.EvaluateAsync<int>("() => document.querySelectorAll('h1').length");
        Assert.True(h1 == 1, $"'{name}' has {h1} h1 elements; a document has exactly one.");

        string lang = await page.Page.EvaluateAsync<string>("() => document.documentElement.getAttribute('lang') ?? ''");
        Assert.False(string.IsNullOrWhiteSpace(lang), $"'{name}': <html> has no lang attribute.");

        int main = await page.Page.EvaluateAsync<int>("() => document.querySelectorAll('main, [role=main]').length");
        Assert.True(main == 1, $"'{name}' has {main} main landmarks; expected exactly one.");

        string title = await page.Page.TitleAsync();
        Assert.Contains(s_policy.Value.Policy.Title, title);
        page.ThrowIfItFetched();
    }

    [Theory]
    [InlineData(false, 320)]
    [InlineData(true, 320)]
    [InlineData(false, 1280)]
    [InlineData(true, 1280)]
    public async Task Policy_html_breaks_no_word_mid_way(bool largePrint, int width)
    {
        string name = Name(largePrint, width == 320 ? "-320px" : "");
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint), name + "-words", viewportWidth: width);
        LineBreaks.AssertNoBrokenWords(await LineBreaks.BrokenWordsAsync(page.Page), name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Policy_html_prints_on_A4_and_shows_no_folder_path(bool largePrint)
    {
        string name = Name(largePrint, "-print");
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint), name);
        string text = await page.Page.InnerTextAsync("body");
        Assert.DoesNotContain(Path.GetDirectoryName(RepoPaths.BundledPolicy)!, text);
        Assert.DoesNotMatch(@"(^|[\s(])(/|[A-Za-z]:\\)[\w.-]+[/\\]", text);
        await LineBreaks.AssertPrintsOnA4Async(page.Page, Name(largePrint));
    }

    [Fact]
    public async Task Policy_says_how_often_in_plain_english()
    {
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint: false), "policy-standard-wording");
        string text = await page.Page.InnerTextAsync("body");
        Assert.DoesNotContain("(s)", text);
        Assert.Matches(@"Access review\s+every (month|\d+ months), due within \d+ days?", text);
    }

    [Fact]
    public async Task Large_print_body_text_is_at_least_24px()
    {
        // RNIB clear print: large print is 18pt or more, which is 24 CSS px.
        const string name = "policy-large-print-font";
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint: true), name);
        double px = Px(await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontSize"));
        Assert.True(px >= 24, $"Large print body font-size is {px}px; it must be 24px (18pt) or more.");
    }

    [Fact]
    public async Task Large_print_has_no_text_smaller_than_24px()
    {
        // The body size alone is not enough: a rule such as 'font-size: .95em' on one part shrinks it below 18pt.
        const string name = "policy-large-print-text";
        await using LoadedPage page = await _scan.OpenAsync(Render(largePrint: true), name);
        string[] small = await page.Page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('body *')]
            .filter(e => [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== ''))
            .filter(e => parseFloat(getComputedStyle(e).fontSize) < 24)
            .map(e => `${e.tagName.toLowerCase()} (${getComputedStyle(e).fontSize}): ${e.textContent.trim().slice(0, 80)}`)");
        Assert.True(small.Length == 0,
            $"Large print has text under 24px (18pt):{Environment.NewLine}{string.Join(Environment.NewLine, small)}");
    }

    [Fact]
    public async Task Standard_print_body_text_is_smaller_than_large_print()
    {
        // Guards the test above from passing because both variants came out the same.
        await using LoadedPage standard = await _scan.OpenAsync(Render(largePrint: false), "policy-standard-font");
        double px = Px(await standard.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontSize"));
        Assert.True(px < 24, $"Standard print body font-size is {px}px; the large print test would not tell the two apart.");
    }

    internal static double Px(string cssLength)
    {
        Assert.EndsWith("px", cssLength);
        return double.Parse(cssLength[..^2], CultureInfo.InvariantCulture);
    }
}
