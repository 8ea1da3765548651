using System;
using System.Globalization;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Organisations;

/// <summary>Opens summary stores: a folder here, an Azure Blob container through the Graph adapter's assembly
/// (loaded only then, with Azure.Storage.Blobs and Azure.Identity; docs/decisions/0195).</summary>
public static class OrganisationSummaryStores
{
    private static readonly Regex s_containerName = new("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", RegexOptions.CultureInvariant);

    /// <summary>A store over the Azure Blob container <paramref name="options"/> names, signed in as they say. Checks the
    /// address first (<c>SummaryContainerInvalid</c>, naming <paramref name="input"/>); makes no request until a write or read.
    /// Throws <c>GraphAdapterMissing</c> when the adapter's assembly is not installed with the module.</summary>
    public static IOrganisationSummaryStore OpenContainer(SummaryContainerOptions options, string input)
    {
        options.Check(input);
        Type factory = Type.GetType("HealthwatchPolicy.Engine.Graph.BlobSummaryStore, HealthwatchPolicy.Engine.Graph", throwOnError: false)
            ?? throw new HwException(ErrorIds.GraphAdapterMissing,
                "The Azure adapter (HealthwatchPolicy.Engine.Graph, which holds Azure.Storage.Blobs) is not installed with the module.");
        try
        {
            return (IOrganisationSummaryStore)factory.GetMethod("Open")!.Invoke(null, new object[] { options })!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is HwException inner)
        {
            throw inner;
        }
    }

    /// <summary>The container name of a Blob address: the first path segment, or the second for an IP-style or
    /// <c>localhost</c> address (<c>https://127.0.0.1:10000/devstoreaccount1/container</c>, as Azurite and the Azure SDK's
    /// BlobUriBuilder read it). Null when there is none, more follow, or it breaks Azure's container naming rules
    /// (3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit).</summary>
    public static string? ContainerName(Uri uri)
    {
        if (uri.AbsolutePath.Contains("//"))
            return null; // an empty segment: the service answers 400 to it, so it is refused here as a typo
        string[] segments = uri.AbsolutePath.Trim('/').Split('/');
        bool ipStyle = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
                       || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
        int want = ipStyle ? 2 : 1;
        if (segments.Length != want)
            return null;
        string name = Uri.UnescapeDataString(segments[want - 1]);
        return s_containerName.IsMatch(name) ? name : null;
    }

    internal static HwException TooLarge(string source, long bytes) =>
        new(ErrorIds.OrganisationSummaryUnreadable,
            string.Format(CultureInfo.InvariantCulture, "'{0}' is {1:N0} bytes: a summary document is at most {2:N0} bytes (docs/decisions/0195).",
                source, bytes, OrganisationSummary.MaxDocumentBytes), source, input: "Path");
}
