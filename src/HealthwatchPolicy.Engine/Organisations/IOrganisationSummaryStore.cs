using System;
using System.Collections.Generic;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Organisations;

/// <summary>
/// Where the summary documents of a run over many organisations go (docs/decisions/0190, 0195): a folder
/// (<see cref="FolderSummaryStore"/>) or a central Azure Blob container (the Graph adapter's <c>BlobSummaryStore</c>,
/// reached through <see cref="OrganisationSummaryStores.OpenContainer"/>). Both name a document
/// <c>&lt;organisation&gt;/&lt;yyyyMMddTHHmmssfffZ&gt;.json</c> (<see cref="OrganisationSummary.DocumentName"/>) and never
/// overwrite one.
/// </summary>
public interface IOrganisationSummaryStore
{
    /// <summary>The folder or container address, for messages (never a secret: a container address with a query is refused).</summary>
    string Location { get; }

    /// <summary>Writes one summary document as a new file or blob. Returns where it went (a file path or the blob's address).
    /// Throws <see cref="HwException"/>: <c>OrganisationSummaryWriteFailed</c>, <c>SummaryContainerNotFound</c>,
    /// <c>SummaryContainerDenied</c>, <c>SummaryContainerUnavailable</c>.</summary>
    string Write(OrganisationSummary summary);

    /// <summary>Whether a document of this name (<see cref="OrganisationSummary.DocumentName"/>) is there already.
    /// Throws as <see cref="Write"/> does for the store as a whole.</summary>
    bool Contains(string documentName);

    /// <summary>The summary documents to merge: from a container, the latest document of each organisation's folder (by
    /// name, which is the time of the run; a name dated later than <paramref name="now"/> plus
    /// <see cref="OrganisationSummary.MaxClockAhead"/> is reported and passed over); from a folder, every document. A
    /// document that does not read (or is dated later than that) is returned as an error (<c>OrganisationSummaryUnreadable</c>)
    /// naming it, and the others are still read. Throws <see cref="HwException"/> for the store as a whole (not found,
    /// denied, unavailable).</summary>
    IReadOnlyList<OrganisationSummaryRead> ReadLatest(DateTimeOffset now);
}

/// <summary>One document read from a summary store: the summary, or the error that kept it from reading.</summary>
public sealed class OrganisationSummaryRead
{
    /// <summary>A document that read.</summary>
    public OrganisationSummaryRead(OrganisationSummary summary)
    {
        Summary = summary;
        Source = summary.Source ?? "";
    }

    /// <summary>A document that did not read.</summary>
    public OrganisationSummaryRead(string source, HwException error)
    {
        Source = source;
        Error = error;
    }

    /// <summary>The summary, or null when <see cref="Error"/> is set.</summary>
    public OrganisationSummary? Summary { get; }

    /// <summary>The file path or blob address.</summary>
    public string Source { get; }

    /// <summary>Why it did not read (<c>OrganisationSummaryUnreadable</c>), or null.</summary>
    public HwException? Error { get; }
}

/// <summary>
/// How to reach a central Azure Blob container of summaries (<c>Save-HwOrganisationSummary -ContainerUri</c>,
/// <c>Get-HwOrganisationSummary -ContainerUri</c>, the organisations runner's <c>-SummaryContainer</c>).
/// </summary>
public sealed class SummaryContainerOptions
{
    /// <summary>The container's address: <c>https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;</c> (or an
    /// IP-style address such as Azurite's <c>https://127.0.0.1:10000/devstoreaccount1/&lt;container&gt;</c>). https only; no
    /// query (a SAS would be a secret in every message) and no user info.</summary>
    public Uri? ContainerUri { get; set; }

    /// <summary>Sign in with the managed identity of the machine or sandbox (Azure Automation, a VM, App Service):
    /// system-assigned, or user-assigned when <see cref="ClientId"/> is given.</summary>
    public bool ManagedIdentity { get; set; }

    /// <summary>A user-assigned managed identity's client id (with <see cref="ManagedIdentity"/>).</summary>
    public string? ClientId { get; set; }

    /// <summary>A bearer token for Azure Storage (audience https://storage.azure.com), e.g. from
    /// <c>Get-AzAccessToken -ResourceUrl https://storage.azure.com</c>; sent only to the container's host.</summary>
    public System.Security.SecureString? AccessToken { get; set; }

    /// <summary>Neither a managed identity nor a token: Azure.Identity's DefaultAzureCredential (environment, workload
    /// identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI sign-ins, in that order).</summary>
    public bool UsesDefaultCredential => !ManagedIdentity && AccessToken is null;

    /// <summary>A container address as messages, error targets and logs may show it: scheme, host, port and path only. A
    /// query (a SAS), a fragment and user info are cut, also from an address that is not absolute
    /// (<c>acct.blob.core.windows.net/c?sig=...</c>).</summary>
    public static string Redact(Uri? uri)
    {
        if (uri is null)
            return "";
        if (uri.IsAbsoluteUri)
            return CutEncodedQuery(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        return Redact(uri.OriginalString);
    }

    /// <summary>As <see cref="Redact(Uri?)"/> for an address as typed, which need not parse (a bad port, a stray bracket).</summary>
    public static string Redact(string? address)
    {
        if (address is null)
            return "";
        if (Uri.TryCreate(address.Trim(), UriKind.Absolute, out Uri? parsed) && parsed.Scheme is "https" or "http")
            return Redact(parsed);
        string text = address.Trim();
        int cut = text.IndexOfAny(new[] { '?', '#' });
        if (cut >= 0)
            text = text.Substring(0, cut);
        int at = text.LastIndexOf('@');
        if (at >= 0)
        {
            int start = text.IndexOf("//", StringComparison.Ordinal);
            text = (start >= 0 && start < at ? text.Substring(0, start + 2) : "") + text.Substring(at + 1);
        }
        return Text.SafeText.Neutralise(CutEncodedQuery(text))!;
    }

    /// <summary>A path can carry a query in disguise (<c>c%3Fsv%3D...%26sig%3D...</c>, or <c>c;sig=...</c>): it is cut at
    /// the first encoded '?' or '#' or a ';'.</summary>
    private static string CutEncodedQuery(string text)
    {
        int cut = -1;
        foreach (string mark in new[] { "%3F", "%3f", "%23", ";" })
        {
            int at = text.IndexOf(mark, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
                cut = at;
        }
        return cut < 0 ? text : text.Substring(0, cut) + "…";
    }

    /// <summary>Throws <c>SummaryContainerInvalid</c> (naming <paramref name="input"/>) unless <see cref="ContainerUri"/> is an
    /// absolute https address with a container name, no query, fragment or user info.</summary>
    public void Check(string input)
    {
        Uri? u = ContainerUri;
        string shown = Redact(u);
        if (u is null || !u.IsAbsoluteUri || u.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(u.Host))
            throw new HwException(ErrorIds.SummaryContainerInvalid,
                $"The summary container must be an https:// address such as https://contoso.blob.core.windows.net/organisation-summaries; '{shown}' is not"
                + (u is { IsAbsoluteUri: true } && u.Scheme == Uri.UriSchemeHttp ? " (plain http would send the access token unencrypted)." : "."),
                shown, input: input);
        if (!string.IsNullOrEmpty(u.Query) || !string.IsNullOrEmpty(u.Fragment) || !string.IsNullOrEmpty(u.UserInfo))
            throw new HwException(ErrorIds.SummaryContainerInvalid,
                $"Give the summary container's address without a query, fragment or user name ('{shown}'): a SAS or key in the address would be a secret in every message and log; "
                + "sign in with the managed identity (-ManagedIdentity), an access token (-AccessToken) or your Azure sign-in instead.",
                shown, input: input);
        if (OrganisationSummaryStores.ContainerName(u) is null)
            throw new HwException(ErrorIds.SummaryContainerInvalid,
                $"The address '{shown}' names no blob container: add the container's name, as in https://contoso.blob.core.windows.net/organisation-summaries.",
                shown, input: input);
    }
}
