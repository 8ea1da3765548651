using System;
using System.Security;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>How to reach a Microsoft 365 tenant. Exactly one way to authenticate is set.</summary>
public sealed class GraphConnectionOptions
{
    /// <summary>The tenant's id or primary domain; also names the default state folder.</summary>
    public string? TenantId { get; set; }
    /// <summary>The app registration's client id (app-only and device-code sign-in; a user-assigned managed identity).</summary>
    public string? ClientId { get; set; }
    /// <summary>App-only: a certificate in the current user's (or local machine's) personal store.</summary>
    public string? CertificateThumbprint { get; set; }
    /// <summary>App-only: a .pfx file, with <see cref="CertificatePassword"/> if it has one.</summary>
    public string? CertificatePath { get; set; }
    /// <summary>The password of <see cref="CertificatePath"/>, or null when it has none.</summary>
    public SecureString? CertificatePassword { get; set; }
    /// <summary>Delegated: the device-code flow; the prompt goes through <see cref="Prompt"/>.</summary>
    public bool DeviceCode { get; set; }
    /// <summary>Azure Automation / Azure VM: the managed identity (user-assigned when <see cref="ClientId"/> is set).</summary>
    public bool ManagedIdentity { get; set; }
    /// <summary>A bearer token obtained elsewhere (never shown, logged or journaled).</summary>
    public SecureString? AccessToken { get; set; }
    /// <summary>The Graph base URL (default https://graph.microsoft.com/v1.0; national clouds and tests set another).</summary>
    public Uri GraphEndpoint { get; set; } = new("https://graph.microsoft.com/v1.0");
    /// <summary>The SharePoint site that holds the shared state (journal, reviews, lock): its URL
    /// (<c>https://contoso.sharepoint.com/sites/healthwatch</c>) or its Graph id (<c>host,guid,guid</c>); null for none.</summary>
    public string? StateSite { get; set; }
    /// <summary>The document library on <see cref="StateSite"/> (null: the site's default library, "Documents").</summary>
    public string? StateLibrary { get; set; }
    /// <summary>The folder in that library the state lives under (default <c>HealthwatchPolicy</c>).</summary>
    public string StateFolder { get; set; } = "HealthwatchPolicy";
    /// <summary>The object id of a group that keeps the journal head's mirror as an open extension
    /// (<c>org.healthwatch.journalHead</c>; needs Group.ReadWrite.All), shared by every admin and the scheduled job; null:
    /// each OS account keeps a local mirror of its own (docs/decisions/0156).</summary>
    public string? HeadMirrorGroup { get; set; }
    /// <summary>How long a holder of the shared state lock keeps it before another may break it (a process that died holding it).</summary>
    public TimeSpan StateLockLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Receives the device-code sign-in instructions (the cmdlet shows them on the pipeline thread).</summary>
    public Action<string>? Prompt { get; set; }
    /// <summary>How long to ride out replication lag after creating a group (default about 60 s in all).</summary>
    public TimeSpan ReplicationRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How many times to retry a read after creating a group before giving up (with <see cref="ReplicationRetryDelay"/> between).</summary>
    public int ReplicationRetries { get; set; } = 6;
    /// <summary>The clock the waits between those retries run on (tests pass one they move; docs/decisions/0101).</summary>
    public TimeProvider ReplicationClock { get; set; } = TimeProvider.System;

    /// <summary>How this connection signs in, in words (no secret).</summary>
    public string AuthenticationMethod =>
        AccessToken is not null ? "access token"
        : DeviceCode ? "device code (delegated)"
        : ManagedIdentity ? "managed identity"
        : CertificateThumbprint is not null ? $"certificate {CertificateThumbprint}"
        : CertificatePath is not null ? "certificate file" : "unknown";

    /// <summary>A description for Get-HwConnection that carries no secret.</summary>
    public string Describe() =>
        $"graph: tenant {TenantId ?? "(from token)"} at {GraphEndpoint.GetLeftPart(UriPartial.Authority)}, app {ClientId ?? "-"}, {AuthenticationMethod}";
}
