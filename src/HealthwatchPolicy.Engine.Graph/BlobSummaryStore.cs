using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Organisations;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// Organisation summaries in a central Azure Blob container (issue 18; docs/decisions/0195), through Azure.Storage.Blobs
/// and an Azure.Identity credential: the managed identity (Azure Automation sets <c>IDENTITY_ENDPOINT</c> and
/// <c>IDENTITY_HEADER</c>), a caller's bearer token, or DefaultAzureCredential. Blob names are
/// <see cref="OrganisationSummary.DocumentName"/>; a write is one Put Blob with <c>If-None-Match: *</c> (whole or not at
/// all, never over another document). Reading lists the container once (List Blobs, 5,000 a page) and downloads only the
/// latest blob of each organisation's folder, refusing one over <see cref="OrganisationSummary.MaxDocumentBytes"/>.
/// The identity needs <c>Storage Blob Data Contributor</c> on the container to write, <c>Storage Blob Data Reader</c> to read.
/// </summary>
public sealed class BlobSummaryStore : IOrganisationSummaryStore
{
    private readonly BlobContainerClient _container;
    private readonly string _location;

    private BlobSummaryStore(BlobContainerClient container, string location)
    {
        _container = container;
        _location = location;
    }

    /// <summary>A store over <see cref="SummaryContainerOptions.ContainerUri"/> (checked by the caller). Makes no request.</summary>
    public static BlobSummaryStore Open(SummaryContainerOptions options)
    {
        Uri uri = options.ContainerUri!;
        var clientOptions = new BlobClientOptions();
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        // The SDK's exponential retries (it honours Retry-After on 429/503), bounded: an account that refuses connections
        // is reported after 4 tries in about 4 seconds; one that accepts and never answers after 4 tries of 20 seconds
        // (about 85 seconds), not 5 minutes, so 150 organisations stay far inside Automation's 3-hour job limit.
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.Delay = TimeSpan.FromSeconds(0.5);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
        TokenCredential credential = options.AccessToken is not null
            ? new StaticToken(options.AccessToken)
            : options.ManagedIdentity
                ? new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(
                    options.ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(options.ClientId)))
                : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true });
        return new BlobSummaryStore(new BlobContainerClient(uri, credential, clientOptions), uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/'));
    }

    /// <inheritdoc/>
    public string Location => _location;

    /// <inheritdoc/>
    public string Write(OrganisationSummary summary)
    {
        string name = summary.DocumentName();
        var data = BinaryData.FromString(summary.ToJson());
        var upload = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        for (int attempt = 1; ; attempt++)
        {
            int slash = name.IndexOf('/');
            string candidate = attempt == 1 ? name : name.Substring(0, slash + 1) + OrganisationSummary.CollisionName(name.Substring(slash + 1), attempt);
            BlobClient blob = _container.GetBlobClient(candidate);
            try
            {
                blob.Upload(data, upload, CancellationToken.None);
                return _location + "/" + candidate;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString())
            {
                // two runs of one organisation in the same millisecond: the next name, never over the other's document
                if (attempt >= OrganisationSummary.MaxSameMillisecond)
                    throw new HwException(ErrorIds.OrganisationSummaryWriteFailed,
                        $"Cannot write the summary of '{summary.Organisation}' to '{_location}': {OrganisationSummary.MaxSameMillisecond} documents of this organisation already have the time {summary.GeneratedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss.fff} UTC.",
                        _location, ex, input: "ContainerUri");
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                throw Translate(ex, $"write the summary of '{summary.Organisation}' to");
            }
        }
    }

    /// <inheritdoc/>
    public bool Contains(string documentName)
    {
        try
        {
            return _container.GetBlobClient(documentName).Exists(CancellationToken.None).Value;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Translate(ex, "look for a summary in");
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<OrganisationSummaryRead> ReadLatest(DateTimeOffset now)
    {
        var candidates = new Dictionary<string, List<BlobItem>>(StringComparer.Ordinal);
        var read = new List<OrganisationSummaryRead>();
        DateTimeOffset notAfter = now + OrganisationSummary.MaxClockAhead;
        try
        {
            foreach (BlobItem item in _container.GetBlobs(BlobTraits.None, BlobStates.None, prefix: null, CancellationToken.None))
            {
                int slash = item.Name.LastIndexOf('/');
                // Only the documents the module names (<folder>/<time>.json, <time>_2.json): a copy, a readme or a tenants
                // file is not a run and must never be taken for the latest one.
                if (slash <= 0 || !s_documentName.IsMatch(item.Name.Substring(slash + 1)))
                    continue;
                string folder = item.Name.Substring(0, slash);
                if (OrganisationSummary.TimeOfName(item.Name.Substring(slash + 1)) is { } named && named > notAfter)
                {
                    // a worker with a clock far ahead: reported, and never allowed to hide the runs after it
                    string ahead = _location + "/" + item.Name;
                    read.Add(new OrganisationSummaryRead(ahead, new HwException(ErrorIds.OrganisationSummaryUnreadable,
                        $"'{ahead}' is named for {named:yyyy-MM-dd HH:mm} UTC, later than now: the clock of the machine that wrote it is wrong; it is passed over.",
                        ahead, input: "ContainerUri")));
                    continue;
                }
                if (!candidates.TryGetValue(folder, out List<BlobItem>? list))
                    candidates[folder] = list = new List<BlobItem>();
                list.Add(item);
            }
            foreach (KeyValuePair<string, List<BlobItem>> folder in candidates.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                // The latest by name; when it does not read, it is reported and the one before it is read, so an organisation
                // never drops out of the overview because its newest document is broken (at most MaxFallback tries).
                int tried = 0;
                foreach (BlobItem item in folder.Value.OrderByDescending(i => i.Name, StringComparer.Ordinal))
                {
                    if (tried++ == MaxFallback)
                        break;
                    OrganisationSummaryRead one = ReadOne(item, notAfter);
                    read.Add(one);
                    if (one.Summary is not null)
                        break;
                }
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Translate(ex, "read the summaries in");
        }
        return read;
    }

    /// <summary>How many documents of one organisation are tried, newest first, before it is given up (each failure reported).</summary>
    private const int MaxFallback = 5;

    private static readonly System.Text.RegularExpressions.Regex s_documentName =
        new("^[0-9]{8}T[0-9]{9}Z(_[0-9]+)?\\.json$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private OrganisationSummaryRead ReadOne(BlobItem item, DateTimeOffset notAfter)
    {
        string source = _location + "/" + item.Name;
        long size = item.Properties.ContentLength ?? 0;
        if (size > OrganisationSummary.MaxDocumentBytes)
            return new OrganisationSummaryRead(source, new HwException(ErrorIds.OrganisationSummaryUnreadable,
                string.Format(CultureInfo.InvariantCulture, "'{0}' is {1:N0} bytes: a summary document is at most {2:N0} bytes.", source, size, OrganisationSummary.MaxDocumentBytes),
                source, input: "ContainerUri"));
        BlobDownloadResult content = _container.GetBlobClient(item.Name).DownloadContent(CancellationToken.None).Value;
        try
        {
            return new OrganisationSummaryRead(OrganisationSummary.Parse(content.Content.ToString(), source, notAfter));
        }
        catch (FormatException ex)
        {
            return new OrganisationSummaryRead(source, new HwException(ErrorIds.OrganisationSummaryUnreadable, ex.Message, source, ex, input: "ContainerUri"));
        }
    }

    /// <summary>What a Blob request or sign-in throws when it fails: the service's answer, the credential's failure, the
    /// retries given up (an AggregateException of the tries), a timeout or a network error.</summary>
    private static bool IsStorageFailure(Exception ex) =>
        ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or AggregateException
            or TimeoutException or OperationCanceledException or System.Net.Http.HttpRequestException or System.IO.IOException;

    /// <summary>The module's error for a failed Blob request or sign-in: the status, the storage error code and the
    /// request id, never the request's headers (the SDK's own message lists them).</summary>
    private HwException Translate(Exception ex, string doing)
    {
        if (ex is AggregateException all)
        {
            Exception last = all.Flatten().InnerExceptions.LastOrDefault() ?? ex;
            if (last is RequestFailedException { Status: > 0 })
                return Translate(last, doing);
            string why = TimedOut(last) ? "no answer within 20 seconds" : FirstLine((last.InnerException ?? last).Message);
            return new HwException(ErrorIds.SummaryContainerUnavailable,
                $"Cannot {doing} the summary container '{_location}': it could not be reached after {all.InnerExceptions.Count} tries ({why}).",
                _location, ex, input: "ContainerUri");
        }
        if (ex is RequestFailedException r)
        {
            string code = string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode;
            string what = $"Cannot {doing} the summary container '{_location}': Blob storage answered {r.Status}{code}";
            return r.Status switch
            {
                404 => new HwException(ErrorIds.SummaryContainerNotFound, what + ": create the container, or check its name and storage account.", _location, ex, input: "ContainerUri"),
                401 or 403 => new HwException(ErrorIds.SummaryContainerDenied, what
                    + ": give the identity 'Storage Blob Data Contributor' (to write) or 'Storage Blob Data Reader' (to read) on the container (docs/deploy-azure-automation.md).",
                    _location, ex, input: "ContainerUri"),
                0 => new HwException(ErrorIds.SummaryContainerUnavailable, $"Cannot {doing} the summary container '{_location}': it could not be reached ({FirstLine((ex.InnerException ?? ex).Message)}).", _location, ex, input: "ContainerUri"),
                _ => new HwException(ErrorIds.SummaryContainerUnavailable, what + ", after the SDK's retries.", _location, ex, input: "ContainerUri"),
            };
        }
        if (ex is AuthenticationFailedException or CredentialUnavailableException)
            return new HwException(ErrorIds.SummaryContainerUnavailable,
                $"Cannot {doing} the summary container '{_location}': no Azure Storage token could be had ({FirstLine(ex.Message)}).", _location, ex, input: "ContainerUri");
        return new HwException(ErrorIds.SummaryContainerUnavailable,
            $"Cannot {doing} the summary container '{_location}': {(TimedOut(ex) ? "no answer within 20 seconds" : FirstLine(ex.Message))}.", _location, ex, input: "ContainerUri");
    }

    private static bool TimedOut(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is TimeoutException or OperationCanceledException)
                return true;
        return false;
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(new[] { '\r', '\n' });
        return end < 0 ? message : message.Substring(0, end);
    }

    /// <summary>A caller's bearer token, as Azure.Core asks for it (it sends it only to the container's host, over https).</summary>
    private sealed class StaticToken : TokenCredential
    {
        private readonly SecureString _token;

        public StaticToken(SecureString token) => _token = token;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(_token);
            try
            {
                return new AccessToken(Marshal.PtrToStringUni(ptr)!, DateTimeOffset.UtcNow.AddMinutes(5));
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
