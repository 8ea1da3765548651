using System;
using System.Management.Automation;
using System.Security;
using HealthwatchPolicy.Engine.Organisations;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// What Save- and Get-HwOrganisationSummary share: a folder (<c>-Path</c>, each cmdlet's own) or a central Azure Blob
/// container (<c>-ContainerUri</c>) signed in with the managed identity (<c>-ManagedIdentity</c>, <c>-ClientId</c> for a
/// user-assigned one), a bearer token for Azure Storage (<c>-AccessToken</c>), or else Azure.Identity's
/// DefaultAzureCredential (an Azure CLI or Az PowerShell sign-in on an admin's machine). docs/decisions/0195.
/// </summary>
public abstract class OrganisationSummaryCmdlet : HwCmdlet
{
    /// <summary>The parameter set of a folder.</summary>
    protected const string PathSet = "Path";
    /// <summary>A container (signed in with -ManagedIdentity, -AccessToken, or else DefaultAzureCredential). One set, not
    /// one per sign-in: with pipeline input PowerShell could not choose between sets that differ only by a switch
    /// (AmbiguousParameterSet on Get-HwOrganisationSummary | Save-HwOrganisationSummary -ContainerUri ...).</summary>
    protected const string ContainerSet = "Container";

    /// <summary>The Azure Blob container of the summaries: https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ContainerSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SummaryContainer")]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? ContainerUri { get; set; }

    /// <summary>Sign in to Azure Storage with the managed identity (system-assigned unless -ClientId names a user-assigned one).</summary>
    [Parameter(ParameterSetName = ContainerSet)]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity (with -ManagedIdentity).</summary>
    [Parameter(ParameterSetName = ContainerSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? ClientId { get; set; }

    /// <summary>A bearer token for Azure Storage (audience https://storage.azure.com).</summary>
    [Parameter(ParameterSetName = ContainerSet)]
    [ValidateNotNull]
    public SecureString? AccessToken { get; set; }

    /// <summary>The container store the parameters name (checked: SummaryContainerInvalid names -ContainerUri).</summary>
    /// <remarks>The address is a string, not a [Uri] parameter: PowerShell's own conversion error would echo a SAS in
    /// an address that does not parse (a bad port); here it is refused redacted (SummaryContainerInvalid).</remarks>
    internal IOrganisationSummaryStore OpenContainer()
    {
        if (ManagedIdentity.IsPresent && AccessToken is not null)
            throw new HealthwatchPolicy.Engine.Errors.HwException(HealthwatchPolicy.Engine.Errors.ErrorIds.SummaryContainerSignInAmbiguous,
                "Sign in to the container one way: the managed identity or an access token, not both.", ShownContainer, input: "AccessToken");
        if (ClientId is not null && !ManagedIdentity.IsPresent)
            throw new HealthwatchPolicy.Engine.Errors.HwException(HealthwatchPolicy.Engine.Errors.ErrorIds.SummaryContainerSignInAmbiguous,
                "A client id names a user-assigned managed identity: give -ManagedIdentity with it.", ClientId, input: "ClientId");
        if (!Uri.TryCreate(ContainerUri, UriKind.Absolute, out Uri? uri))
            throw new HealthwatchPolicy.Engine.Errors.HwException(HealthwatchPolicy.Engine.Errors.ErrorIds.SummaryContainerInvalid,
                $"The summary container must be an https:// address such as https://contoso.blob.core.windows.net/organisation-summaries; '{ShownContainer}' is not one.",
                ShownContainer, input: "ContainerUri");
        return OrganisationSummaryStores.OpenContainer(new SummaryContainerOptions
        {
            ContainerUri = uri,
            ManagedIdentity = ManagedIdentity.IsPresent,
            ClientId = ClientId,
            AccessToken = AccessToken,
        }, "ContainerUri");
    }

    /// <summary>The container address as errors name it (no query, fragment or user info: SummaryContainerOptions.Redact).</summary>
    internal string ShownContainer => SummaryContainerOptions.Redact(ContainerUri);

    /// <summary>Whether a container (not a folder) is named.</summary>
    internal bool UsesContainer => ParameterSetName != PathSet;
}
