using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Authentication.Azure;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// Builds the Graph directory for a connection. HwEngine reaches this type by name, so the Graph SDK and
/// Azure.Identity load only when someone connects to a tenant.
/// </summary>
public static class GraphDirectoryFactory
{
    /// <summary>A Graph directory signed in as <paramref name="options"/> says (certificate, device code, managed identity or token). Makes no request yet. Throws <c>GraphConnectionIncomplete</c> (no tenant, client id or way to sign in), <c>CertificateNotFound</c> or <c>CertificateUnreadable</c>.</summary>
    public static IDirectory Create(GraphConnectionOptions options)
    {
        var directory = new GraphDirectory(CreateClient(options), options);
        directory.GetUsersPage1(); // prove the connection and the read permission now, with a clear error
        return directory;
    }

    /// <summary>The shared state store on <see cref="GraphConnectionOptions.StateSite"/>, over <paramref name="directory"/>'s
    /// client: resolves the site and its library now (<c>StateSiteNotFound</c> when either is missing or not granted).</summary>
    public static IStateStore CreateStateStore(IDirectory directory, GraphConnectionOptions options) =>
        GraphStateStore.Open(((GraphDirectory)directory).Client, options);

    /// <summary>The journal head's mirror on the group <see cref="GraphConnectionOptions.HeadMirrorGroup"/> (an open extension),
    /// over <paramref name="directory"/>'s client, for the journal at <paramref name="journalLocation"/>; checks the group
    /// exists now (<c>HeadMirrorGroupNotFound</c>).</summary>
    public static IJournalMirror CreateJournalMirror(IDirectory directory, GraphConnectionOptions options, string journalLocation) =>
        GraphJournalMirror.Open(((GraphDirectory)directory).Client, options.HeadMirrorGroup
            ?? throw new ArgumentException("No head mirror group.", nameof(options)), journalLocation);

    /// <summary>The SDK client with its default middleware (RetryHandler, redirect, parameter decoding, ...).</summary>
    public static GraphServiceClient CreateClient(GraphConnectionOptions options, HttpMessageHandler? finalHandler = null) =>
        CreateClient(options, finalHandler, null);

    /// <summary>
    /// As above; <paramref name="signInHandler"/>, when given, carries the sign-in library's own requests (Entra's token
    /// endpoints, the managed-identity endpoint): tests route them to loopback token servers. Null in use: Azure.Identity's default transport.
    /// </summary>
    internal static GraphServiceClient CreateClient(GraphConnectionOptions options, HttpMessageHandler? finalHandler, HttpMessageHandler? signInHandler)
    {
        CheckEndpoint(options.GraphEndpoint);
        IList<DelegatingHandler> handlers = GraphClientFactory.CreateDefaultHandlers();
        handlers.Add(new BatchReplyHeaders.Handler()); // the $batch reply's own request ids, for steps without theirs
        handlers.Add(new NonJsonErrorHandler()); // nearest the wire: Graph's error shape for a gateway's text answer
        HttpClient http = GraphClientFactory.Create(handlers, finalHandler: finalHandler ?? new HttpClientHandler());
        return new GraphServiceClient(http, CreateAuthentication(options, signInHandler), options.GraphEndpoint.ToString().TrimEnd('/'));
    }

    private static IAuthenticationProvider CreateAuthentication(GraphConnectionOptions o, HttpMessageHandler? signInHandler)
    {
        string host = o.GraphEndpoint.Host;
        if (o.AccessToken is not null)
            return new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(o.AccessToken, host));
        string scope = $"{o.GraphEndpoint.Scheme}://{host}/.default";
        return new AzureIdentityAuthenticationProvider(Credential(o, signInHandler), new[] { host }, null, true, scope);
    }

    private static T WithTransport<T>(T options, HttpMessageHandler? signInHandler) where T : Azure.Core.ClientOptions
    {
        if (signInHandler is not null)
            options.Transport = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(signInHandler, disposeHandler: false));
        return options;
    }

    private static TokenCredential Credential(GraphConnectionOptions o, HttpMessageHandler? signInHandler)
    {
        if (o.ManagedIdentity)
            return new ManagedIdentityCredential(WithTransport(new ManagedIdentityCredentialOptions(
                o.ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(o.ClientId)), signInHandler));
        string tenant = o.TenantId ?? throw Missing("a tenant id", "tenantId");
        string client = o.ClientId ?? throw Missing("a client (app) id", "clientId");
        Uri authority = AuthorityFor(o.GraphEndpoint);
        if (o.DeviceCode)
            return new DeviceCodeCredential(WithTransport(new DeviceCodeCredentialOptions
            {
                TenantId = tenant,
                ClientId = client,
                AuthorityHost = authority,
                DeviceCodeCallback = (info, _) =>
                {
                    o.Prompt?.Invoke(info.Message);
                    return Task.CompletedTask;
                },
            }, signInHandler));
        if (o.CertificateThumbprint is not null)
            return new ClientCertificateCredential(tenant, client, FromStore(o.CertificateThumbprint),
                WithTransport(new ClientCertificateCredentialOptions { AuthorityHost = authority }, signInHandler));
        if (o.CertificatePath is not null)
        {
            try
            {
                var certificate = o.CertificatePassword is null
                    ? new X509Certificate2(o.CertificatePath)
                    : new X509Certificate2(o.CertificatePath, o.CertificatePassword);
                return new ClientCertificateCredential(tenant, client, certificate,
                    WithTransport(new ClientCertificateCredentialOptions { AuthorityHost = authority }, signInHandler));
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                // never echo the password; name the file
                throw new HwException(ErrorIds.CertificateUnreadable,
                    $"Cannot read the certificate '{o.CertificatePath}' (wrong password, or not a .pfx with a private key).",
                    o.CertificatePath, ex, input: "certificatePath");
            }
        }
        throw Missing("a way to sign in: a certificate (by thumbprint or from a file), a device code, a managed identity or an access token", null);
    }

    private static X509Certificate2 FromStore(string thumbprint)
    {
        foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            try
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly);
                X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
                if (found.Count > 0)
                    return found[0];
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or PlatformNotSupportedException)
            {
                // LocalMachine\My does not exist on Linux and macOS: look no further there
            }
        }
        throw new HwException(ErrorIds.CertificateNotFound,
            $"There is no certificate '{thumbprint}' in the CurrentUser or LocalMachine personal store.", thumbprint, input: "certificateThumbprint");
    }

    /// <summary>
    /// The bearer token goes wherever the endpoint points, so it must be an absolute https address; plain http is
    /// allowed only on the loopback interface (127.0.0.0/8, ::1, localhost), where tests run a fake Graph.
    /// Checked before any client is built, so nothing is sent to a refused endpoint.
    /// </summary>
    internal static void CheckEndpoint(Uri? endpoint)
    {
        if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(endpoint.Host) || !string.IsNullOrEmpty(endpoint.UserInfo))
            throw new HwException(ErrorIds.GraphEndpointInvalid, $"The Graph endpoint must be an absolute https:// address such as https://graph.microsoft.com/v1.0; '{endpoint}' is not.",
                endpoint?.OriginalString, input: "GraphEndpoint");
        if (endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
            throw new HwException(ErrorIds.GraphEndpointInsecure, $"The Graph endpoint '{endpoint.GetLeftPart(UriPartial.Authority)}' is plain http, which would send the access token unencrypted: "
                + "use https:// (plain http is allowed only on this computer's loopback address, 127.0.0.1, ::1 or localhost).",
                endpoint.OriginalString, input: "GraphEndpoint");
    }

    internal static bool IsLoopback(Uri endpoint)
    {
        string host = endpoint.IdnHost.TrimEnd('.');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return System.Net.IPAddress.TryParse(endpoint.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out System.Net.IPAddress? ip)
               && (endpoint.HostNameType == UriHostNameType.IPv4 || endpoint.HostNameType == UriHostNameType.IPv6)
               && System.Net.IPAddress.IsLoopback(ip);
    }

    /// <summary>The Entra sign-in address that goes with a Graph endpoint (national clouds sign in elsewhere).</summary>
    internal static Uri AuthorityFor(Uri graphEndpoint) => graphEndpoint.Host.ToLowerInvariant() switch
    {
        "graph.microsoft.us" or "dod-graph.microsoft.us" => AzureAuthorityHosts.AzureGovernment,
        "microsoftgraph.chinacloudapi.cn" => AzureAuthorityHosts.AzureChina,
        _ => AzureAuthorityHosts.AzurePublicCloud,
    };

    private static HwException Missing(string what, string? input) =>
        new(ErrorIds.GraphConnectionIncomplete, $"A Microsoft Graph connection needs {what}.", input: input);

    /// <summary>A bearer token given by the caller, sent only to the Graph host it was meant for.</summary>
    private sealed class StaticTokenProvider : IAccessTokenProvider
    {
        private readonly System.Security.SecureString _token;

        public StaticTokenProvider(System.Security.SecureString token, string host)
        {
            _token = token;
            AllowedHostsValidator = new AllowedHostsValidator(new[] { host });
        }

        public AllowedHostsValidator AllowedHostsValidator { get; }

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default)
        {
            if (!AllowedHostsValidator.IsUrlHostValid(uri))
                return Task.FromResult(string.Empty);
            IntPtr ptr = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(_token);
            try
            {
                return Task.FromResult(System.Runtime.InteropServices.Marshal.PtrToStringUni(ptr) ?? "");
            }
            finally
            {
                System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
