using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>
/// Issue 12 item 7 (docs/decisions/0111): every way the module signs in, with the real Azure.Identity credential classes
/// against loopback token servers, and the token they get followed to the fake Graph. Entra's https hosts are reached
/// through <see cref="FakeSignInServer.RouteHandler"/> (a hosts-file reroute: the request keeps its host), so the
/// authority the module derives is what is asserted; the managed-identity endpoint is loopback http already.
/// </summary>
[Collection(SignInCollection.Name)]
public sealed class SignInFlowTests : IAsyncLifetime
{
    private const string Tenant = "6f1d2c7e-4b8a-4e0f-9c3d-2a7b5e1f8c90";
    private const string Client = "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87";
    private readonly TestOrg _org = new();
    private FakeGraphServer _fake = null!;
    private FakeSignInServer _signIn = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeGraphServer.StartAsync();
        _fake.LoadOrganisation(Path.Combine(_org.Folder, "directory.json"));
        _signIn = await FakeSignInServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _signIn.DisposeAsync();
        await _fake.DisposeAsync();
        _org.Dispose();
    }

    private static X509Certificate2 NewCertificate()
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=HealthwatchPolicy sign-in test " + Guid.NewGuid().ToString("N"), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
    }

    /// <summary>Connects the way Connect-HwDirectory does (the directory proves itself with one read of users).</summary>
    private void Connect(GraphConnectionOptions options, System.Net.Http.HttpMessageHandler? graphHandler = null, bool routeSignIn = true)
    {
        var client = GraphDirectoryFactory.CreateClient(options, graphHandler, routeSignIn ? _signIn.RouteHandler() : null);
        new GraphDirectory(client, options).GetUsersPage1();
    }

    /// <summary>The single token issued reached the fake Graph as the bearer, and nothing else did.</summary>
    private void AssertTokenReachedGraph()
    {
        string token = Assert.Single(_signIn.IssuedTokens);
        Assert.NotEmpty(_fake.RequestLog);
        Assert.All(_fake.RequestLog, r => Assert.Equal("Bearer " + token, r.Authorization));
    }

    private static SecureString Secure(string s)
    {
        var secure = new SecureString();
        foreach (char c in s)
            secure.AppendChar(c);
        return secure;
    }

    [Fact]
    public void A_certificate_by_thumbprint_from_the_CurrentUser_store_signs_in()
    {
        using X509Certificate2 cert = NewCertificate();
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(cert);
        try
        {
            _signIn.ClientCertificate = X509CertificateLoader.LoadCertificate(cert.Export(X509ContentType.Cert));
            Connect(new GraphConnectionOptions
            {
                TenantId = Tenant, ClientId = Client, CertificateThumbprint = cert.Thumbprint, GraphEndpoint = new Uri(_fake.BaseUrl),
            });
        }
        finally
        {
            store.Remove(cert);
        }

        SignInRequest token = Assert.Single(_signIn.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("login.microsoftonline.com", token.Host);      // a loopback Graph endpoint signs in to the public cloud
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", token.Path);
        Assert.Equal("client_credentials", token.Form["grant_type"]);
        Assert.Equal(Client, token.Form["client_id"]);
        Assert.Equal("http://127.0.0.1/.default", token.Form["scope"]);
        Assert.Equal(200, token.Status);                             // the assertion was signed by the store certificate's key
        AssertTokenReachedGraph();
        store.Close();
        using var check = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        check.Open(OpenFlags.ReadOnly);
        Assert.Empty(check.Certificates.Find(X509FindType.FindByThumbprint, cert.Thumbprint, false));   // removed again
    }

    [Fact]
    public void A_certificate_that_is_not_the_registered_one_is_refused_by_the_token_endpoint()
    {
        using X509Certificate2 registered = NewCertificate();
        using X509Certificate2 other = NewCertificate();
        _signIn.ClientCertificate = X509CertificateLoader.LoadCertificate(registered.Export(X509ContentType.Cert));
        string pfx = Path.Combine(_org.Folder, "other.pfx");
        const string password = "pfx-pass-7Yq2-never-shown";
        File.WriteAllBytes(pfx, other.Export(X509ContentType.Pfx, password));

        Exception e = Assert.ThrowsAny<Exception>(() => Connect(new GraphConnectionOptions
        {
            TenantId = Tenant, ClientId = Client, CertificatePath = pfx, CertificatePassword = Secure(password), GraphEndpoint = new Uri(_fake.BaseUrl),
        }));
        Assert.Contains("AADSTS700027", e.ToString());
        Assert.DoesNotContain(password, e.ToString());
        Assert.Empty(_signIn.IssuedTokens);
        Assert.Empty(_fake.RequestLog);                              // nothing reached Graph without a token
    }

    [Fact]
    public async Task The_device_code_prompt_reaches_the_admin_and_the_token_endpoint_is_polled_until_granted()
    {
        var prompts = new List<string>();
        Task approved = Task.CompletedTask;
        var options = new GraphConnectionOptions
        {
            TenantId = Tenant, ClientId = Client, DeviceCode = true, GraphEndpoint = new Uri(_fake.BaseUrl),
            Prompt = message =>
            {
                lock (prompts)
                    prompts.Add(message);
                string code = message.Split(' ').Single(w => w.StartsWith("HW", StringComparison.Ordinal));
                // The admin signs in only after the module has been told "authorization pending" at least once.
                approved = _signIn.FirstPendingPoll.ContinueWith(_ => _signIn.Approve(code), TaskScheduler.Default);
            },
        };

        Connect(options);
        await approved;

        string prompt = Assert.Single(prompts);
        Assert.Contains("https://microsoft.com/devicelogin", prompt);
        SignInRequest device = Assert.Single(_signIn.Requests, r => r.Path.EndsWith("/devicecode", StringComparison.Ordinal));
        Assert.Equal("login.microsoftonline.com", device.Host);
        Assert.Equal($"/{Tenant}/oauth2/v2.0/devicecode", device.Path);
        Assert.Equal(Client, device.Form["client_id"]);
        Assert.Contains("http://127.0.0.1/.default", device.Form["scope"].Split(' '));
        var polls = _signIn.Requests.Where(r => r.Path == $"/{Tenant}/oauth2/v2.0/token").ToList();
        Assert.True(polls.Count >= 2, $"{polls.Count} polls");
        Assert.All(polls.Take(polls.Count - 1), p => Assert.Equal(400, p.Status));   // authorization_pending, polled again
        Assert.Equal(200, polls[^1].Status);
        Assert.All(polls, p => Assert.EndsWith("device_code", p.Form["grant_type"]));
        AssertTokenReachedGraph();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("5d4c3b2a-0000-4000-8000-00000000c11d")]
    public void A_managed_identity_signs_in_through_IDENTITY_ENDPOINT_and_IDENTITY_HEADER(string? userAssignedClientId)
    {
        string? endpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT"), header = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _signIn.ManagedIdentityEndpoint);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", _signIn.IdentityHeader);
        try
        {
            Connect(new GraphConnectionOptions { ManagedIdentity = true, ClientId = userAssignedClientId, GraphEndpoint = new Uri(_fake.BaseUrl) },
                routeSignIn: false);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", endpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", header);
        }

        SignInRequest token = Assert.Single(_signIn.Requests);
        Assert.Equal("GET", token.Method);
        Assert.Equal("/msi/token", token.Path);
        Assert.Equal("2019-08-01", token.Query["api-version"]);
        Assert.Equal("http://127.0.0.1", token.Query["resource"]);   // the scope without /.default
        Assert.Equal(_signIn.IdentityHeader, token.Headers["X-IDENTITY-HEADER"]);
        if (userAssignedClientId is null)
            Assert.False(token.Query.ContainsKey("client_id"));
        else
            Assert.Equal(userAssignedClientId, token.Query["client_id"]);
        Assert.Equal(200, token.Status);
        AssertTokenReachedGraph();
    }

    [Theory]
    [InlineData("https://graph.microsoft.us/v1.0", "login.microsoftonline.us")]
    [InlineData("https://dod-graph.microsoft.us/v1.0", "login.microsoftonline.us")]
    [InlineData("https://microsoftgraph.chinacloudapi.cn/v1.0", "login.chinacloudapi.cn")]
    public void A_national_cloud_signs_in_at_its_own_authority_for_its_own_Graph(string graph, string authority)
    {
        using X509Certificate2 cert = NewCertificate();
        _signIn.ClientCertificate = X509CertificateLoader.LoadCertificate(cert.Export(X509ContentType.Cert));
        string pfx = Path.Combine(_org.Folder, "app.pfx");
        const string password = "pfx-pass-K3v9-never-shown";
        File.WriteAllBytes(pfx, cert.Export(X509ContentType.Pfx, password));
        var options = new GraphConnectionOptions
        {
            TenantId = Tenant, ClientId = Client, CertificatePath = pfx, CertificatePassword = Secure(password), GraphEndpoint = new Uri(graph),
        };

        Connect(options, graphHandler: FakeSignInServer.RouteTo(_fake.Port));   // the national Graph host is the fake

        SignInRequest token = Assert.Single(_signIn.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal(authority, token.Host);
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", token.Path);
        Assert.Equal($"https://{new Uri(graph).Host}/.default", token.Form["scope"]);
        Assert.Equal(200, token.Status);
        Assert.DoesNotContain(_signIn.Requests, r => r.Host.Contains("microsoftonline.com", StringComparison.Ordinal));
        AssertTokenReachedGraph();
        Assert.All(_fake.RequestLog, r => Assert.Equal(new Uri(graph).Host, r.Header("Host")));
        string everything = string.Join("\n", _signIn.Requests.SelectMany(r => r.Form.Values.Concat(r.Query.Values).Concat(r.Headers.Values))
            .Concat(_fake.RequestLog.SelectMany(r => r.Headers.Values)).Append(options.Describe()));
        Assert.DoesNotContain(password, everything);
    }

    [Fact]
    public void AZURE_AUTHORITY_HOST_does_not_override_the_authority_derived_from_the_Graph_endpoint()
    {
        using X509Certificate2 cert = NewCertificate();
        _signIn.ClientCertificate = X509CertificateLoader.LoadCertificate(cert.Export(X509ContentType.Cert));
        string pfx = Path.Combine(_org.Folder, "app.pfx");
        File.WriteAllBytes(pfx, cert.Export(X509ContentType.Pfx, "p"));
        string? saved = Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST");
        Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", "https://login.chinacloudapi.cn");
        try
        {
            Connect(new GraphConnectionOptions
            {
                TenantId = Tenant, ClientId = Client, CertificatePath = pfx, CertificatePassword = Secure("p"), GraphEndpoint = new Uri("https://graph.microsoft.us/v1.0"),
            }, graphHandler: FakeSignInServer.RouteTo(_fake.Port));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", saved);
        }
        Assert.Equal("login.microsoftonline.us", Assert.Single(_signIn.Requests, r => r.Path.EndsWith("/token", StringComparison.Ordinal)).Host);
        AssertTokenReachedGraph();
    }
}

/// <summary>The sign-in tests set process-wide environment variables (IDENTITY_ENDPOINT/IDENTITY_HEADER): not in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SignInCollection
{
    public const string Name = "Sign-in flows";
}
