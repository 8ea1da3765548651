using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// A loopback fake of the token endpoints the sign-in library (Azure.Identity over MSAL) calls, for the sign-in flow
/// tests (docs/decisions/0111): Entra's v2.0 token endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>: client
/// credentials with a certificate assertion, and the device-code grant), its device-code endpoint
/// (<c>POST /{tenant}/oauth2/v2.0/devicecode</c>), instance discovery (<c>GET /common/discovery/instance</c>), and the
/// App Service managed-identity endpoint (<c>GET /msi/token?api-version=2019-08-01&amp;resource=…</c> with
/// <c>X-IDENTITY-HEADER</c>). Entra's hosts are https: tests reach this server through <see cref="RouteHandler"/>,
/// which sends a request for any host to this loopback port and keeps the original host in the <c>Host</c> header,
/// as a hosts-file entry would. Every token it issues is random, so a test can follow it to the fake Graph.
/// </summary>
public sealed class FakeSignInServer : IAsyncDisposable
{
    private readonly object _sync = new();
    private readonly List<SignInRequest> _log = new();
    private readonly List<string> _issued = new();
    private readonly Dictionary<string, bool> _deviceCodes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<bool> _firstPendingPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private FakeSignInServer()
    {
    }

    /// <summary>http://127.0.0.1:{port}</summary>
    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }

    /// <summary>The certificate whose key must have signed a client assertion (null: any assertion is refused).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>The managed-identity endpoint's secret (<c>IDENTITY_HEADER</c>); a request without it is refused.</summary>
    public string IdentityHeader { get; } = "hw-identity-header-" + Guid.NewGuid().ToString("N");

    /// <summary>The tenant named in the managed-identity tokens for other resources than Graph (<c>tid</c>, and in <c>iss</c>).</summary>
    public const string ManagedIdentityTenantId = "00000000-0000-4000-8000-00000000f4e1";

    /// <summary>The client (app) id of the system-assigned identity, when the request names none (<c>client_id</c>, <c>appid</c>).</summary>
    public const string ManagedIdentityClientId = "00000000-0000-4000-8000-00000000a11d";

    /// <summary>The managed identity's object (principal) id, the <c>oid</c> and <c>sub</c> of its non-Graph tokens.</summary>
    public string ManagedIdentityPrincipalId { get; } = Guid.NewGuid().ToString();

    /// <summary>What the App Service managed-identity endpoint is (the value for <c>IDENTITY_ENDPOINT</c>).</summary>
    public string ManagedIdentityEndpoint => BaseUrl + "/msi/token";

    public IReadOnlyList<SignInRequest> Requests
    {
        get
        {
            lock (_sync)
                return _log.ToList();
        }
    }

    /// <summary>Every access token issued, in order.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_sync)
                return _issued.ToList();
        }
    }

    /// <summary>Completes when a device-code poll has been answered <c>authorization_pending</c> for the first time.</summary>
    public Task FirstPendingPoll => _firstPendingPoll.Task;

    /// <summary>The person has signed in with this user code: the next poll for its device code gets a token.</summary>
    public void Approve(string userCode)
    {
        lock (_sync)
        {
            if (!_deviceCodes.ContainsKey(userCode))
                throw new InvalidOperationException("No device code was issued for that user code.");
            _deviceCodes[userCode] = true;
        }
    }

    public static async Task<FakeSignInServer> StartAsync()
    {
        var server = new FakeSignInServer();
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        server.BaseUrl = $"http://127.0.0.1:{server.Port}";
        server._app = app;
        return server;
    }

    /// <summary>A handler that sends every request to this server (http, loopback), keeping the original host in <c>Host</c>.</summary>
    public HttpMessageHandler RouteHandler() => new Route(Port);

    /// <summary>The same for any loopback port (tests send a national cloud's Graph host to the fake Graph with it).</summary>
    public static HttpMessageHandler RouteTo(int port) => new Route(port);

    private sealed class Route : DelegatingHandler
    {
        private readonly int _port;

        public Route(int port)
            : base(new HttpClientHandler())
        {
            _port = port;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri original = request.RequestUri!;
            request.Headers.Host = original.IsDefaultPort ? original.Host : original.Authority;
            request.RequestUri = new UriBuilder(original) { Scheme = Uri.UriSchemeHttp, Host = "127.0.0.1", Port = _port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        ClientCertificate = null;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ctx.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Uri.UnescapeDataString((eq < 0 ? pair : pair.Substring(0, eq)).Replace('+', ' '));
                form[key] = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
            }
        var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        string path = ctx.Request.Path.Value ?? "/";
        string host = ctx.Request.Host.Value ?? "";
        (int status, JsonObject answer) = Answer(ctx.Request.Method, path, query, form, headers);
        lock (_sync)
            _log.Add(new SignInRequest(ctx.Request.Method, host, path, query, form, headers, status));
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync(answer.ToJsonString()).ConfigureAwait(false);
    }

    private (int, JsonObject) Answer(string method, string path, Dictionary<string, string> query, Dictionary<string, string> form,
        Dictionary<string, string> headers)
    {
        string[] s = path.Trim('/').Split('/');
        if (method == "GET" && path.Equals("/msi/token", StringComparison.OrdinalIgnoreCase))
            return ManagedIdentity(query, headers);
        if (method == "GET" && s.Length == 3 && s[1] == "discovery" && s[2] == "instance")
            return (200, InstanceDiscovery(query));
        if (method == "POST" && s.Length == 4 && s[1] == "oauth2" && s[2] == "v2.0" && s[3] == "devicecode")
            return DeviceCode(s[0], form);
        if (method == "POST" && s.Length == 4 && s[1] == "oauth2" && s[2] == "v2.0" && s[3] == "token")
            return Token(s[0], form);
        return Error(404, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.");
    }

    private static (int, JsonObject) Error(int status, string error, string description) =>
        (status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private string Issue()
    {
        string token = "hw-signin-" + Guid.NewGuid().ToString("N");
        lock (_sync)
            _issued.Add(token);
        return token;
    }

    /// <summary>
    /// A token for a resource other than Graph (e.g. <c>https://storage.azure.com/</c>): shaped as Entra's v1 access
    /// token, a JWT whose claims Azurite's <c>--oauth basic</c> reads (docs/decisions/0191): header
    /// <c>{"alg":"RS256","typ":"JWT"}</c>, payload <c>aud</c> (the resource as asked), <c>iss</c>
    /// (<c>https://sts.windows.net/{tenant}/</c>), <c>tid</c>, <c>oid</c>, <c>appid</c>, <c>iat</c>/<c>nbf</c>/<c>exp</c>
    /// (Unix seconds; one hour), <c>jti</c> (a fresh guid, so every token differs), and 256 random bytes as the
    /// signature (nothing verifies it: Azurite only decodes).
    /// </summary>
    private string IssueJwt(string resource, string clientId, DateTimeOffset now)
    {
        long iat = now.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["aud"] = resource,
            ["iss"] = $"https://sts.windows.net/{ManagedIdentityTenantId}/",
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
            ["appid"] = clientId,
            ["appidacr"] = "2",
            ["idtyp"] = "app",
            ["oid"] = ManagedIdentityPrincipalId,
            ["sub"] = ManagedIdentityPrincipalId,
            ["tid"] = ManagedIdentityTenantId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["ver"] = "1.0",
        };
        string token = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." +
                       B64(RandomNumberGenerator.GetBytes(256));
        lock (_sync)
            _issued.Add(token);
        return token;
    }

    /// <summary>
    /// Whether a managed-identity <c>resource</c> is Microsoft Graph: a Graph host of any cloud, Graph's app id, or a
    /// loopback address (the fake Graph, which the module's connection names as its Graph endpoint in the tests).
    /// </summary>
    internal static bool IsGraphResource(string resource)
    {
        if (string.Equals(resource, "00000003-0000-0000-c000-000000000000", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!Uri.TryCreate(resource, UriKind.Absolute, out Uri? uri))
            return false;
        if (uri.IsLoopback)
            return true;
        return uri.Host.ToLowerInvariant() is "graph.microsoft.com" or "graph.microsoft.us" or "dod-graph.microsoft.us"
            or "microsoftgraph.chinacloudapi.cn" or "graph.microsoft.de";
    }

    private JsonObject InstanceDiscovery(Dictionary<string, string> query)
    {
        string host = query.TryGetValue("authorization_endpoint", out string? a) && Uri.TryCreate(a, UriKind.Absolute, out Uri? u) ? u.Host : "login.microsoftonline.com";
        return new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"https://{host}/common/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        };
    }

    private (int, JsonObject) DeviceCode(string tenant, Dictionary<string, string> form)
    {
        if (!form.TryGetValue("client_id", out string? client) || client.Length == 0)
            return Error(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
        string userCode = "HW" + RandomNumberGenerator.GetInt32(100000, 999999).ToString(CultureInfo.InvariantCulture);
        lock (_sync)
            _deviceCodes[userCode] = false;
        return (200, new JsonObject
        {
            ["user_code"] = userCode,
            ["device_code"] = "device-" + userCode,
            ["verification_uri"] = "https://microsoft.com/devicelogin",
            ["expires_in"] = 900,
            ["interval"] = 1,
            ["message"] = $"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {userCode} to authenticate.",
        });
    }

    private (int, JsonObject) Token(string tenant, Dictionary<string, string> form)
    {
        form.TryGetValue("grant_type", out string? grant);
        form.TryGetValue("scope", out string? scope);
        form.TryGetValue("client_id", out string? client);
        if (grant == "client_credentials")
        {
            if (!form.TryGetValue("client_assertion", out string? assertion)
                || form.GetValueOrDefault("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                return Error(401, "invalid_client", "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
            if (!AssertionIsValid(assertion, client))
                return Error(401, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.");
            return (200, new JsonObject
            {
                ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = Issue(),
            });
        }
        if (grant is "device_code" or "urn:ietf:params:oauth:grant-type:device_code")
        {
            string code = form.GetValueOrDefault("device_code") ?? "";
            string userCode = code.StartsWith("device-", StringComparison.Ordinal) ? code.Substring(7) : "";
            bool approved;
            lock (_sync)
            {
                if (!_deviceCodes.TryGetValue(userCode, out approved))
                    return Error(400, "invalid_grant", "AADSTS70000: The provided device code is invalid.");
            }
            if (!approved)
            {
                _firstPendingPoll.TrySetResult(true);
                return (400, new JsonObject
                {
                    ["error"] = "authorization_pending",
                    ["error_description"] = "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                    ["error_codes"] = new JsonArray(70016),
                });
            }
            string oid = "00000000-0000-4000-8000-0000000a0d01";
            string tid = Guid.TryParse(tenant, out _) ? tenant : "00000000-0000-4000-8000-00000000f4e1";
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var idToken = new JsonObject
            {
                ["aud"] = client, ["iss"] = $"https://login.microsoftonline.com/{tid}/v2.0", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
                ["name"] = "Sarah Whitfield", ["oid"] = oid, ["preferred_username"] = "sarah.whitfield@hwsefton.example",
                ["sub"] = "sub-" + oid, ["tid"] = tid, ["ver"] = "2.0",
            };
            return (200, new JsonObject
            {
                ["token_type"] = "Bearer",
                ["scope"] = string.Join(' ', (scope ?? "").Split(' ').Where(x => x is not ("openid" or "profile" or "offline_access"))),
                ["expires_in"] = 3599, ["ext_expires_in"] = 3599,
                ["access_token"] = Issue(),
                ["refresh_token"] = "rt-" + Guid.NewGuid().ToString("N"),
                ["id_token"] = B64(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")) + "." + B64(Encoding.UTF8.GetBytes(idToken.ToJsonString())) + ".",
                ["client_info"] = B64(Encoding.UTF8.GetBytes(new JsonObject { ["uid"] = oid, ["utid"] = tid }.ToJsonString())),
            });
        }
        return Error(400, "unsupported_grant_type", $"AADSTS70003: The app requested an unsupported grant type '{grant}'.");
    }

    /// <summary>The JWT is signed (RS256 or PS256) by <see cref="ClientCertificate"/>'s key, names it (x5t or x5t#S256), and is issued by the client.</summary>
    private bool AssertionIsValid(string assertion, string? client)
    {
        X509Certificate2? cert = ClientCertificate;
        string[] parts = assertion.Split('.');
        if (cert is null || parts.Length != 3)
            return false;
        try
        {
            JsonObject header = JsonNode.Parse(Unb64(parts[0]))!.AsObject();
            JsonObject payload = JsonNode.Parse(Unb64(parts[1]))!.AsObject();
            bool named = (string?)header["x5t"] == B64(cert.GetCertHash())
                || (string?)header["x5t#S256"] == B64(cert.GetCertHash(HashAlgorithmName.SHA256));
            RSASignaturePadding? padding = (string?)header["alg"] switch
            {
                "RS256" => RSASignaturePadding.Pkcs1,
                "PS256" => RSASignaturePadding.Pss,
                _ => null,
            };
            using RSA? key = cert.GetRSAPublicKey();
            return named && padding is not null && key is not null
                && (string?)payload["iss"] == client && (string?)payload["sub"] == client
                && key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Unb64(parts[2]), HashAlgorithmName.SHA256, padding);
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException or InvalidOperationException)
        {
            return false;
        }
    }

    private (int, JsonObject) ManagedIdentity(Dictionary<string, string> query, Dictionary<string, string> headers)
    {
        if (headers.GetValueOrDefault("X-IDENTITY-HEADER") != IdentityHeader)
            return (401, new JsonObject { ["statusCode"] = 401, ["message"] = "Unauthorized request: X-IDENTITY-HEADER is missing or wrong." });
        if (query.GetValueOrDefault("api-version") != "2019-08-01")
            return (400, new JsonObject { ["statusCode"] = 400, ["message"] = "Unsupported api-version." });
        if (!query.TryGetValue("resource", out string? resource) || resource.Length == 0)
            return (400, new JsonObject { ["statusCode"] = 400, ["message"] = "The resource parameter is required." });
        DateTimeOffset now = DateTimeOffset.UtcNow;
        long expires = now.AddHours(1).ToUnixTimeSeconds();
        string clientId = query.GetValueOrDefault("client_id") ?? ManagedIdentityClientId;
        return (200, new JsonObject
        {
            ["access_token"] = IsGraphResource(resource) ? Issue() : IssueJwt(resource, clientId, now),
            ["expires_on"] = expires.ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        });
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Unb64(string s)
    {
        string t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + (4 - t.Length % 4) % 4, '='));
    }
}

/// <summary>One request the sign-in server answered: the host it was meant for (the <c>Host</c> header), path, query and form.</summary>
public sealed record SignInRequest(
    string Method,
    string Host,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers,
    int Status);
