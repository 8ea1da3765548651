using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>Adds a fixed bearer token (graph-reference.md §10: the Azure.Identity provider sends none to 127.0.0.1).</summary>
public sealed class StaticTokenAuthProvider(string token) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        request.Headers.Add("Authorization", $"Bearer {token}");
        return Task.CompletedTask;
    }
}

/// <summary>A fresh fake tenant and a real Graph SDK client (default middleware, incl. RetryHandler) per test.</summary>
public abstract class FakeGraphTest : IAsyncLifetime
{
    public const string Token = "test-token";
    private HttpClient? _http;

    protected FakeGraphServer Fake { get; private set; } = null!;
    protected GraphServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeGraphServer.StartAsync();
        Fake.Faults.RetryAfterSeconds = 0; // keep retries instant
        IList<DelegatingHandler> handlers = GraphClientFactory.CreateDefaultHandlers();
        _http = GraphClientFactory.Create(handlers, finalHandler: new HttpClientHandler());
        Client = new GraphServiceClient(_http, new StaticTokenAuthProvider(Token), Fake.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        _http?.Dispose();
        await Fake.DisposeAsync();
    }

    protected static string DirectoryObjectUrl(string id) => $"https://graph.microsoft.com/v1.0/directoryObjects/{id}";

    protected List<FakeUser> SeedUsers(int count, string prefix = "user")
    {
        var users = new List<FakeUser>(count);
        for (int i = 0; i < count; i++)
            users.Add(Fake.AddUser(new FakeUser
            {
                UserPrincipalName = $"{prefix}{i:D4}@hwsefton.example",
                DisplayName = $"{char.ToUpperInvariant(prefix[0])}{prefix.Substring(1)} {i:D4}",
                Mail = $"{prefix}{i:D4}@hwsefton.example",
                JobTitle = i % 2 == 0 ? "Volunteer" : "Officer",
                EmployeeType = i % 3 == 0 ? "Volunteer" : "Employee",
                Department = "Engagement",
            }));
        return users;
    }

    /// <summary>Every key of a model's AdditionalData must be one of <paramref name="allowed"/>: everything else was typed.</summary>
    protected static void AssertTyped(IAdditionalDataHolder? model, params string[] allowed)
    {
        Assert.NotNull(model);
        string[] extra = model!.AdditionalData.Keys.Where(k => !allowed.Contains(k)).ToArray();
        Assert.True(extra.Length == 0, $"{model.GetType().Name} has untyped properties: {string.Join(", ", extra)}");
    }

    internal static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "HealthwatchPolicy.slnx")))
            dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Repository root not found.");
    }
}
