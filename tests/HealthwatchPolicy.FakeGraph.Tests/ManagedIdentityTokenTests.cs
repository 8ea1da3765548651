using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>
/// The fake App Service managed-identity endpoint: opaque tokens for Graph (the fake Graph accepts any), JWT-shaped
/// tokens for other resources, so Azurite's <c>--oauth basic</c> accepts a storage token (docs/decisions/0191).
/// </summary>
public sealed class ManagedIdentityTokenTests : IAsyncLifetime
{
    private FakeSignInServer _signIn = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _signIn = await FakeSignInServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _signIn.DisposeAsync();
    }

    private async Task<JsonObject> TokenFor(string resource, string? clientId = null)
    {
        string url = $"{_signIn.ManagedIdentityEndpoint}?api-version=2019-08-01&resource={Uri.EscapeDataString(resource)}" +
                     (clientId is null ? "" : "&client_id=" + Uri.EscapeDataString(clientId));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-IDENTITY-HEADER", _signIn.IdentityHeader);
        using HttpResponseMessage response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static byte[] Unbase64Url(string s)
    {
        Assert.DoesNotContain('=', s);
        Assert.DoesNotContain('+', s);
        Assert.DoesNotContain('/', s);
        string t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + (4 - t.Length % 4) % 4, '='));
    }

    private static JsonObject Part(string segment) => JsonNode.Parse(Encoding.UTF8.GetString(Unbase64Url(segment)))!.AsObject();

    [Theory]
    [InlineData("https://storage.azure.com/", null)]
    [InlineData("https://devstoreaccount1.blob.core.windows.net", "5d4c3b2a-0000-4000-8000-00000000c11d")]
    public async Task A_storage_resource_gets_a_JWT_with_the_claims_Azurite_reads(string resource, string? clientId)
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject answer = await TokenFor(resource, clientId);
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string token = (string)answer["access_token"]!;

        string[] parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        JsonObject header = Part(parts[0]);
        Assert.Equal("RS256", (string)header["alg"]!);
        Assert.Equal("JWT", (string)header["typ"]!);
        JsonObject payload = Part(parts[1]);
        Assert.Equal(resource, (string)payload["aud"]!);
        Assert.Equal($"https://sts.windows.net/{FakeSignInServer.ManagedIdentityTenantId}/", (string)payload["iss"]!);
        Assert.Equal(FakeSignInServer.ManagedIdentityTenantId, (string)payload["tid"]!);
        Assert.Equal(_signIn.ManagedIdentityPrincipalId, (string)payload["oid"]!);
        Assert.Equal(clientId ?? FakeSignInServer.ManagedIdentityClientId, (string)payload["appid"]!);
        Assert.Equal(clientId ?? FakeSignInServer.ManagedIdentityClientId, (string)answer["client_id"]!);
        long iat = (long)payload["iat"]!, nbf = (long)payload["nbf"]!, exp = (long)payload["exp"]!;
        Assert.InRange(iat, before, after);
        Assert.Equal(iat, nbf);
        Assert.Equal(iat + 3600, exp);
        Assert.Equal(exp.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)answer["expires_on"]!);
        Assert.True(Guid.TryParse((string)payload["jti"]!, out _));
        Assert.Equal(256, Unbase64Url(parts[2]).Length);
        Assert.Equal(resource, (string)answer["resource"]!);
        Assert.Equal(token, Assert.Single(_signIn.IssuedTokens));
    }

    [Fact]
    public async Task Every_JWT_is_fresh()
    {
        string first = (string)(await TokenFor("https://storage.azure.com/"))["access_token"]!;
        string second = (string)(await TokenFor("https://storage.azure.com/"))["access_token"]!;
        Assert.NotEqual((string)Part(first.Split('.')[1])["jti"]!, (string)Part(second.Split('.')[1])["jti"]!);
        Assert.Equal(new[] { first, second }, _signIn.IssuedTokens);
    }

    [Theory]
    [InlineData("http://127.0.0.1")]              // the fake Graph, as the module's scope names it in the tests
    [InlineData("http://127.0.0.1:5123")]
    [InlineData("https://graph.microsoft.com")]
    [InlineData("https://graph.microsoft.us")]
    [InlineData("https://microsoftgraph.chinacloudapi.cn")]
    [InlineData("00000003-0000-0000-c000-000000000000")]
    public async Task Graph_keeps_its_opaque_tokens(string resource)
    {
        string token = (string)(await TokenFor(resource))["access_token"]!;
        Assert.Matches("^hw-signin-[0-9a-f]{32}$", token);
        Assert.Equal(token, Assert.Single(_signIn.IssuedTokens));
    }
}
