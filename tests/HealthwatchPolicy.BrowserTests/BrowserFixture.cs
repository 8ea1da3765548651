using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Xunit;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// One headless Chromium for the whole test run, shared by every class in <see cref="BrowserCollection"/>.
/// It is Debian's <c>/usr/bin/chromium</c> (<c>apt-get install -y chromium</c>), driven by Playwright: Playwright's own
/// browser download does not work here, so <c>playwright install</c> is never needed or called.
/// Set HEALTHWATCH_CHROMIUM to use another Chromium binary.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultChromium = "/usr/bin/chromium";

    private static readonly string[] s_args =
    {
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    };

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The Chromium binary in use.</summary>
    public string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("HEALTHWATCH_CHROMIUM") is { Length: > 0 } path ? path : DefaultChromium;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is not at {ExecutablePath}. Install Debian's package (apt-get install -y chromium) " +
                "or point HEALTHWATCH_CHROMIUM at a Chromium binary.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = s_args,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>
    /// A fresh page in its own browser context (nothing shared between tests) at the given viewport width.
    /// Every request other than file:, data: and about: is aborted and recorded in <see cref="OpenPage.BlockedRequests"/>:
    /// the pages we generate must stand alone (they are mailed and printed), and this machine has no network anyway.
    /// </summary>
    public async Task<OpenPage> NewPageAsync(int viewportWidth, int viewportHeight = 900)
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = viewportWidth, Height = viewportHeight },
            Locale = "en-GB",
            ColorScheme = ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
        });
        var blocked = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            string url = route.Request.Url;
            if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
                || url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                || url.StartsWith("about:", StringComparison.OrdinalIgnoreCase))
            {
                await route.ContinueAsync();
                return;
            }
            lock (blocked)
                blocked.Add(url);
            await route.AbortAsync("blockedbyclient");
        });
        IPage page = await context.NewPageAsync();
        return new OpenPage(context, page, blocked);
    }
}

/// <summary>A page and the context that owns it; disposing closes both.</summary>
public sealed class OpenPage : IAsyncDisposable
{
    private readonly List<string> _blocked;

    internal OpenPage(IBrowserContext context, IPage page, List<string> blocked)
    {
        Context = context;
        Page = page;
        _blocked = blocked;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    /// <summary>Requests the page tried to make off this machine (all aborted).</summary>
    public IReadOnlyList<string> BlockedRequests
    {
        get
        {
            lock (_blocked)
                return _blocked.ToArray();
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

/// <summary>Test classes that use the browser join this collection: <c>[Collection(BrowserCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
