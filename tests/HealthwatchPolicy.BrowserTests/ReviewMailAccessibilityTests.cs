using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Deque.AxeCore.Commons;
using HealthwatchPolicy.Engine.Services;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Reviews;
using Microsoft.Playwright;
using MimeKit;
using Xunit;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// The monthly access review's two messages (to a reviewer, and the escalation to the Manager and Communications
/// Officer), as a mail client shows their HTML part: no axe violations at 1280 and 320 CSS px, no sideways scrolling
/// at 320px, nothing fetched, no images; and a plain-text alternative naming the same people and the same due date.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewMailAccessibilityTests
{
    private const string DueDate = "17 November 2026";

    private static readonly Lazy<PolicyDocument> s_policy = new(() => PolicyLoader.Load(RepoPaths.BundledPolicy).GetPolicyOrThrow());

    private readonly AccessibilityScan _scan;

    public ReviewMailAccessibilityTests(BrowserFixture browser) => _scan = new AccessibilityScan(browser);

    /// <summary>A review as Start-HwAccessReview leaves it: three accounts, six people, some with open findings.</summary>
    private static AccessReview Review()
    {
        var started = new DateTimeOffset(2026, 11, 3, 9, 15, 0, TimeSpan.Zero);
        var review = new AccessReview
        {
            Period = "2026-11",
            StartedAt = started,
            StartedBy = "it.support@hwsefton.example",
            DueAt = started.AddDays(14),
            GraceEndsAt = started.AddDays(21),
            PolicyVersion = s_policy.Value.Version,
            UndecidedAction = "Flag",
        };
        string current = s_policy.Value.Version;
        review.Items.Add(Item("Healthwatch Sefton Facebook", "Facebook", "aisha.rahman@hwsefton.example", "Aisha Rahman", "Employee", current));
        review.Items.Add(Item("Healthwatch Sefton Facebook", "Facebook", "chloe.fitzgerald@hwsefton.example", "Chloe Fitzgerald", "Employee", null, "HW-ELG-004"));
        review.Items.Add(Item("Healthwatch Sefton News", "X", "liam.hughes@hwsefton.example", "Liam Hughes", "Volunteer", "2017.03", "HW-ELG-003", "HW-ELG-004"));
        review.Items.Add(Item("Healthwatch Sefton News", "X", "tom.gallagher@hwsefton.example", "Tom Gallagher", "Employee", current, "HW-ELG-001", "HW-AUT-001"));
        review.Items[3].Enabled = false;
        review.Items.Add(Item("Sefton Young Listeners' Forum and Youth Engagement Programme", "Instagram",
            "priya.shah_gmail.com#EXT#@hwsefton.onmicrosoft.example", "Priya Shah", null, null, "HW-ELG-002", "HW-ELG-004"));
        review.Items.Add(Item("Sefton Young Listeners' Forum and Youth Engagement Programme", "Instagram",
            "joanne.mckenna@hwsefton.example", "Joanne McKenna", "Employee", current));
        review.Items[5].Reviewer = "sarah.whitfield@hwsefton.example";
        review.Items[5].ReviewerDisplayName = "Sarah Whitfield";
        review.Items[5].ReviewerRole = "Manager (owner's own access)";
        return review;
    }

    private static AccessReviewItem Item(string account, string platform, string upn, string name, string? type, string? ack, params string[] findings) => new()
    {
        Period = "2026-11",
        Account = account,
        Platform = platform,
        User = upn,
        UserId = "id-" + name.Replace(' ', '-').ToLowerInvariant(),
        DisplayName = name,
        EmployeeType = type,
        Enabled = true,
        AcknowledgedVersion = ack,
        OpenFindings = findings.ToList(),
        Reviewer = "helen.brennan@hwsefton.example",
        ReviewerDisplayName = "Helen Brennan",
        ReviewerRole = "Owner",
    };

    private static MimeMessage Message(string kind)
    {
        AccessReview review = Review();
        var from = new MailboxAddress(s_policy.Value.Organisation, "policy-reviews@hwsefton.example");
        // Decisions by mail (docs/decisions/0200): the Keep and Remove links, with tokens shaped as the module signs them.
        Func<AccessReviewItem, string, string> links = (item, decision) => DecisionReplyBuilder.Mailto(from.Address, item, decision,
            $"HW-2026-11-{decision[0]}-{review.Items.IndexOf(item) + 1}-q8Zt0bV1cJm4Xw2nR5yLfA");
        return kind switch
        {
            "reviewer" => ReviewMailBuilder.ForReviewer(review, s_policy.Value, "Helen Brennan", review.Items, false, from,
                new[] { new MailboxAddress("Helen Brennan", "helen.brennan@hwsefton.example") }, null, links),
            "reminder" => ReviewMailBuilder.ForReviewer(review, s_policy.Value, "Helen Brennan", review.Items.Skip(1).ToList(), true, from,
                new[] { new MailboxAddress("Helen Brennan", "helen.brennan@hwsefton.example") }, null, links),
            "escalation" => ReviewMailBuilder.ForEscalation(review, s_policy.Value, review.Items, from,
                new[] { new MailboxAddress("Sarah Whitfield", "sarah.whitfield@hwsefton.example"), new MailboxAddress("Daniel Okafor", "daniel.okafor@hwsefton.example") }, null, links),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [InlineData("reviewer")]
    [InlineData("reminder")]
    [InlineData("escalation")]
    public async Task Review_mail_has_no_axe_violations(string kind)
    {
        string name = "review-mail-" + kind;
        MimeMessage message = Message(kind);
        await using LoadedPage page = await _scan.OpenAsync(Html(message), name);
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, name);
        page.ThrowIfItFetched();

        Assert.Equal("en-GB", await page.Page.EvaluateAsync<string>("() => document.documentElement.lang"));
        Assert.Equal(message.Subject, await page.Page.TitleAsync());
        Assert.Equal(0, await page.Page.Locator("img, svg, picture, object, embed, iframe, link, script, style").CountAsync());
        int tables = await page.Page.Locator("table").CountAsync();
        Assert.True(tables >= 3, $"Expected a table per account, found {tables}.");
        Assert.Equal(tables, await page.Page.Locator("table > caption").CountAsync());
        Assert.Equal(0, await page.Page.Locator("th:not([scope])").CountAsync());
        Assert.Equal(1, await page.Page.Locator("h1").CountAsync());
        Assert.True(File.Exists(Path.Combine(RepoPaths.Screenshots, name + ".png")));

        // Decisions by mail: a Keep and a Remove link per person, each named for its person, each a mailto: the review mailbox.
        int people = kind == "reminder" ? 5 : 6;
        ILocator decide = page.Page.Locator("a[href^='mailto:policy-reviews@hwsefton.example?subject=']");
        Assert.Equal(2 * people, await decide.CountAsync());
        IReadOnlyList<string> names = await decide.AllInnerTextsAsync();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("Keep Chloe Fitzgerald", names);
        Assert.Contains("Remove Chloe Fitzgerald", names);
        float? height = (await decide.First.BoundingBoxAsync())?.Height;
        Assert.True(height >= 24, $"A decision link is {height}px tall; it should be a comfortable target (at least 24px, WCAG 2.2 SC 2.5.8).");
        if (kind == "reviewer")   // the picture docs/reviewer-guide.md shows: one account's people with their links
            await page.Page.Locator("table").First.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, name + "-people.png") });
    }

    [Theory]
    [InlineData("reviewer")]
    [InlineData("reminder")]
    [InlineData("escalation")]
    public async Task Review_mail_reads_at_320px_without_sideways_scrolling(string kind)
    {
        // WCAG 2.1 SC 1.4.10 Reflow: a phone-width mail client, no scrolling in two dimensions.
        string name = "review-mail-" + kind + "-320px";
        await using LoadedPage page = await _scan.OpenAsync(Html(Message(kind)), name, viewportWidth: 320);
        AxeResult axe = await page.RunAxeAsync();
        await page.ScreenshotAsync();
        AccessibilityScan.AssertNoViolations(axe.Violations, name);
        int scrollWidth = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        string wide = await page.Page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 320.5)" +
            ".map(e => e.tagName + ': ' + e.textContent.slice(0, 40)).slice(0, 5).join(' | ')");
        Assert.True(scrollWidth <= 320, $"'{name}' scrolls sideways at 320px (scrollWidth {scrollWidth}px): {wide}");
        Assert.True(File.Exists(Path.Combine(RepoPaths.Screenshots, name + ".png")));
    }

    [Theory]
    [InlineData("reviewer", 320)]
    [InlineData("reminder", 320)]
    [InlineData("escalation", 320)]
    [InlineData("reviewer", 1280)]
    [InlineData("escalation", 1280)]
    public async Task Review_mail_breaks_no_word_and_at_1280_no_address(string kind, int width)
    {
        // At 320 CSS px a long sign-in name must wrap, between its parts only; at 1280 no address breaks at all.
        string name = "review-mail-" + kind + (width == 320 ? "-320px" : "");
        await using LoadedPage page = await _scan.OpenAsync(Html(Message(kind)), name + "-words", viewportWidth: width);
        LineBreaks.AssertNoBrokenWords(await LineBreaks.BrokenWordsAsync(page.Page, addressesWhole: width >= 1280), name);
        if (width >= 1280)
            Assert.Contains("priya.shah_gmail.com#EXT#@hwsefton.onmicrosoft.example", await page.Page.InnerTextAsync("body"));
    }

    [Theory]
    [InlineData("reviewer")]
    [InlineData("reminder")]
    [InlineData("escalation")]
    public async Task Text_alternative_names_the_same_people_and_due_date_as_the_html(string kind)
    {
        MimeMessage message = Message(kind);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(new[] { "text/plain", "text/html" }, alternative.Select(p => p.ContentType.MimeType).ToArray());
        string text = message.TextBody ?? "";
        Assert.False(string.IsNullOrWhiteSpace(text), "The message has no plain-text alternative.");

        await using LoadedPage page = await _scan.OpenAsync(Html(message), "review-mail-" + kind + "-text-parity");
        string shown = await page.Page.InnerTextAsync("body");
        IEnumerable<AccessReviewItem> items = kind == "reminder" ? Review().Items.Skip(1) : Review().Items;
        foreach (string expected in items.SelectMany(i => new[] { i.DisplayName!, i.User, i.Account }).Append(DueDate).Append("SMP-3.2"))
        {
            Assert.Contains(expected, text);
            Assert.Contains(expected, shown);
        }
        if (kind == "reminder")
        {
            Assert.DoesNotContain("Aisha Rahman", text);
            Assert.DoesNotContain("Aisha Rahman", shown);
        }
    }

    private static string Html(MimeMessage message) =>
        message.HtmlBody ?? throw new Xunit.Sdk.XunitException($"'{message.Subject}' has no HTML part.");
}
