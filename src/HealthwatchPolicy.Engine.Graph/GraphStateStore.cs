using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Drives.Item.Items.Item.CreateUploadSession;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The state store in a SharePoint document library, reached through Microsoft Graph (<c>Sites.Selected</c> granted on
/// that one site), shared by every admin and the scheduled job (docs/decisions/0140). Under the library folder:
/// a document is the file of its name, versioned by its driveItem <c>eTag</c>; it is created through an upload session
/// with <c>@microsoft.graph.conflictBehavior: fail</c> (409 <c>nameAlreadyExists</c> when the name is taken, checked when
/// the last byte arrives) and replaced through an upload session on the item with <c>if-match</c> (412 when it changed).
/// A journal <c>x</c> is one file per entry, <c>x/&lt;sequence, 12 digits&gt;.json</c>, each created only if absent, so
/// appends need no lock; its head is the document <c>x.head</c>. The state lock is the file <c>locks/&lt;name&gt;.lock</c>,
/// created only if absent and deleted with <c>if-match</c> on its own eTag.
/// </summary>
public sealed class GraphStateStore : IStateStore, ISharedStateLock
{
    /// <summary>The digits of an entry's sequence in its file name (ordinal order is sequence order).</summary>
    internal const int SequenceDigits = 12;
    private const int PageSize = 200;
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly HttpClient s_upload = new(new HttpClientHandler(), disposeHandler: true);

    private readonly GraphServiceClient _client;
    private readonly string _base;
    private readonly string _driveId;
    private readonly string _folder;
    private readonly TimeSpan _lease;

    /// <summary>The store in folder <paramref name="folder"/> of drive <paramref name="driveId"/> (<paramref name="driveUrl"/> for people). Makes no request.</summary>
    public GraphStateStore(GraphServiceClient client, Uri graphEndpoint, string driveId, string driveUrl, string folder, TimeSpan lockLease)
    {
        _client = client;
        _base = graphEndpoint.ToString().TrimEnd('/');
        _driveId = driveId;
        _folder = CheckName(folder.Trim('/'), nameof(folder));
        _lease = lockLease;
        Description = driveUrl.TrimEnd('/') + "/" + _folder;
    }

    /// <summary>Resolves <see cref="GraphConnectionOptions.StateSite"/> (a URL: <c>GET /sites/{hostname}:/{path}</c>; else an id:
    /// <c>GET /sites/{id}</c>) and its library (<c>GET /sites/{id}/drive</c>, or by name from <c>GET /sites/{id}/drives</c>).
    /// Throws <c>StateSiteNotFound</c> when either is missing or the app was not granted the site.</summary>
    public static GraphStateStore Open(GraphServiceClient client, GraphConnectionOptions options)
    {
        string site = options.StateSite?.Trim() ?? throw new ArgumentException("No state site.", nameof(options));
        string @base = options.GraphEndpoint.ToString().TrimEnd('/');
        string siteUrl = Uri.TryCreate(site, UriKind.Absolute, out Uri? u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            ? $"{@base}/sites/{u.Host}:/{EscapePath(Uri.UnescapeDataString(u.AbsolutePath).Trim('/'))}"
            : $"{@base}/sites/{Uri.EscapeDataString(site)}";
        Site found = Run(() => NotFoundIsNull(ct => client.Sites["x"].WithUrl(siteUrl).GetAsync(cancellationToken: ct)), "find the state site", site)
            ?? throw SiteNotFound(site, $"There is no SharePoint site '{site}', or the app has not been granted access to it.");
        string siteId = found.Id!;
        Drive? drive;
        if (string.IsNullOrWhiteSpace(options.StateLibrary))
            drive = Run(() => NotFoundIsNull(ct => client.Sites[siteId].Drive.GetAsync(cancellationToken: ct)), "find the state site's library", site);
        else
        {
            DriveCollectionResponse? drives = Run(() => client.Sites[siteId].Drives.GetAsync(cancellationToken: CancellationToken.None), "list the state site's libraries", site);
            List<Drive> all = drives?.Value ?? new List<Drive>();
            drive = all.FirstOrDefault(d => string.Equals(d.Name, options.StateLibrary!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (drive is null)
                throw SiteNotFound(site, $"The site '{site}' has no document library '{options.StateLibrary}' (it has: "
                    + string.Join(", ", all.Select(d => "'" + d.Name + "'")) + ").");
        }
        if (drive?.Id is null)
            throw SiteNotFound(site, $"The site '{site}' has no document library the app can reach.");
        return new GraphStateStore(client, options.GraphEndpoint, drive.Id, drive.WebUrl ?? found.WebUrl ?? site, options.StateFolder, options.StateLockLease);
    }

    private static HwException SiteNotFound(string site, string message) =>
        new(ErrorIds.StateSiteNotFound, message + " Check the URL or id, and that the app was granted this site (Sites.Selected: see docs/graph-permissions.md).",
            site, input: "stateSite");

    /// <summary>The library folder's URL.</summary>
    public string Description { get; }

    /// <summary>The URL of a named document or journal in the library.</summary>
    public string Locate(string name) => Description + "/" + CheckName(name, nameof(name));

    /// <summary>The document and its eTag (read first, then the content, so a tag is never newer than the text).</summary>
    public StateDocument? Read(string name)
    {
        string path = Full(name);
        return Run(async ct =>
        {
            DriveItem? item = await NotFoundIsNull(c => Item(path).GetAsync(cancellationToken: c)).ConfigureAwait(false);
            if (item?.Id is null || item.Folder is not null)
                return null;
            string? text = await DownloadAsync(item.Id, ct).ConfigureAwait(false);
            return text is null ? null : new StateDocument(name, text, item.ETag ?? "");
        }, "read " + name, Locate(name));
    }

    /// <summary>The files directly in <paramref name="folder"/>, in ordinal order (every page of <c>children</c>).</summary>
    public IReadOnlyList<string> List(string folder) =>
        Run(async ct => (await ChildrenAsync(Full(folder), ct).ConfigureAwait(false))
            .Where(i => i.Folder is null && i.Name is not null)
            .Select(i => folder + "/" + i.Name)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList(), "list " + folder, Locate(folder));

    /// <summary>Creates the document only if absent (upload session, conflictBehavior fail); a conflict when it exists.</summary>
    public string Create(string name, string content) =>
        Run(ct => CreateAsync(name, s_utf8.GetBytes(content), ct), "create " + name, Locate(name));

    /// <summary>Replaces the document only over <paramref name="expectedVersion"/> (upload session on the item with if-match).</summary>
    public string Replace(string name, string content, string expectedVersion) =>
        Run(async ct =>
        {
            DriveItem? item = await NotFoundIsNull(c => Item(Full(name)).GetAsync(cancellationToken: c)).ConfigureAwait(false);
            if (item?.Id is null)
                throw new StateConflictException(name, $"'{Locate(name)}' was removed since it was read; nothing was written.");
            if (item.ETag != expectedVersion)
                throw Changed(name);
            string? etag = await UploadAsync($"{_base}/drives/{_driveId}/items/{item.Id}/createUploadSession", "replace", expectedVersion,
                s_utf8.GetBytes(content), name, ct).ConfigureAwait(false);
            return etag ?? throw Changed(name);
        }, "replace " + name, Locate(name));

    /// <summary>The journal <paramref name="name"/>: one file per entry under <c>name/</c>, its head in <c>name.head</c>.</summary>
    public IStateJournal Journal(string name) => new GraphJournal(this, CheckName(name, nameof(name)));

    /// <summary>
    /// Takes the lock file <c>locks/&lt;name&gt;.lock</c> (created only if absent). A lock whose holder's lease has run out
    /// is deleted with <c>if-match</c> on the eTag read, so of several waiters exactly one breaks it; then all race to
    /// create it again, and one wins. Released by deleting it with <c>if-match</c> on the holder's own eTag.
    /// </summary>
    public IDisposable Acquire(string name, TimeSpan timeout)
    {
        string lockName = "locks/" + CheckName(name, nameof(name)) + ".lock";
        DateTimeOffset deadline = DateTimeOffset.UtcNow + timeout;
        var random = new Random();
        int wait = 25;
        while (true)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string body = new JsonObjectText()
                .Add("holder", Environment.UserName + "@" + Environment.MachineName + " pid " + System.Diagnostics.Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture))
                .Add("acquiredAt", now.ToString("o", CultureInfo.InvariantCulture))
                .Add("expiresAt", (now + _lease).ToString("o", CultureInfo.InvariantCulture))
                .ToString();
            try
            {
                string etag = Create(lockName, body);
                return new Held(this, lockName, etag);
            }
            catch (StateConflictException)
            {
            }
            StateDocument? current = Read(lockName);
            if (current is not null && Expired(current.Content, now))
                TryDelete(lockName, current.Version); // one waiter wins this; the rest get 412 and race to create
            else if (DateTimeOffset.UtcNow > deadline)
                throw new HwException(ErrorIds.StateLocked,
                    $"The shared state lock '{Locate(lockName)}' stayed held for {timeout.TotalSeconds:0} s (another admin or the scheduled job is making a change). Try again.",
                    Locate(lockName));
            else
            {
                Thread.Sleep(wait + random.Next(wait));
                wait = Math.Min(wait * 2, 500);
            }
        }
    }

    private static bool Expired(string content, DateTimeOffset now)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(content);
            return doc.RootElement.TryGetProperty("expiresAt", out JsonElement e)
                   && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at)
                   && at < now;
        }
        catch (JsonException)
        {
            return true; // not a lock this module wrote whole: treat as stale
        }
    }

    /// <summary>DELETE with if-match: true when deleted; false when it changed (412) or was gone (404).</summary>
    internal bool TryDelete(string name, string etag) =>
        Run(async ct =>
        {
            try
            {
                await Item(Full(name)).DeleteAsync(rc => rc.Headers.Add("If-Match", etag), ct).ConfigureAwait(false);
                return true;
            }
            catch (ODataError e) when (e.ResponseStatusCode is 404 or 412)
            {
                return false;
            }
        }, "release the lock " + name, Locate(name));

    private sealed class Held : IDisposable
    {
        private GraphStateStore? _store;
        private readonly string _name;
        private readonly string _etag;

        public Held(GraphStateStore store, string name, string etag)
        {
            _store = store;
            _name = name;
            _etag = etag;
        }

        public void Dispose() => Interlocked.Exchange(ref _store, null)?.TryDelete(_name, _etag);
    }

    // ---------------------------------------------------------------------------------------------- requests

    private Microsoft.Graph.Drives.Item.Items.Item.DriveItemItemRequestBuilder Item(string path) =>
        _client.Drives[_driveId].Items["root"].WithUrl($"{_base}/drives/{_driveId}/root:/{EscapePath(path)}:");

    private string Full(string name) => _folder + "/" + CheckName(name, nameof(name));

    internal async Task<string> CreateAsync(string name, byte[] bytes, CancellationToken ct)
    {
        string path = Full(name);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await UploadAsync($"{_base}/drives/{_driveId}/items/root:/{EscapePath(path)}:/createUploadSession", "fail", null, bytes, name, ct).ConfigureAwait(false)
                       ?? throw new StateConflictException(name, $"'{Locate(name)}' already exists; read it and replace it instead.");
            }
            catch (ODataError e) when (e.ResponseStatusCode == 404 && attempt == 0)
            {
                await EnsureFolderAsync(path.Substring(0, path.LastIndexOf('/')), ct).ConfigureAwait(false); // the folder is made on first use
            }
        }
    }

    /// <summary>
    /// createUploadSession at <paramref name="sessionUrl"/> with <paramref name="behaviour"/> (and <c>if-match</c>), then the
    /// bytes in one PUT with no Authorization header. The new eTag; null on a conflict (409 when the session is opened or
    /// when the last byte arrives, 412 on if-match).
    /// </summary>
    private async Task<string?> UploadAsync(string sessionUrl, string behaviour, string? ifMatch, byte[] bytes, string name, CancellationToken ct)
    {
        if (bytes.Length == 0)
            throw new ArgumentException("A state document has content.", nameof(bytes));
        UploadSession? session;
        try
        {
            var body = new CreateUploadSessionPostRequestBody
            {
                Item = new DriveItemUploadableProperties { AdditionalData = new Dictionary<string, object> { ["@microsoft.graph.conflictBehavior"] = behaviour } },
            };
            session = await _client.Drives[_driveId].Items["root"].CreateUploadSession.WithUrl(sessionUrl).PostAsync(body, rc =>
            {
                if (ifMatch is not null)
                    rc.Headers.Add("If-Match", ifMatch);
            }, ct).ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode is 409 or 412)
        {
            return null;
        }
        if (session?.UploadUrl is null || !Uri.TryCreate(session.UploadUrl, UriKind.Absolute, out Uri? url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && GraphDirectoryFactory.IsLoopback(url))))
            throw new GraphRequestException(ErrorIds.GraphRequestFailed, $"Microsoft Graph opened no https upload session to write '{Locate(name)}'; nothing was written.",
                Locate(name), null, 0, null, null);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(0, bytes.Length - 1, bytes.Length);
        using HttpResponseMessage response = await s_upload.SendAsync(request, ct).ConfigureAwait(false);
        string text = response.Content is null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if ((int)response.StatusCode == 409)
        {
            await CancelAsync(url, ct).ConfigureAwait(false);
            return null;
        }
        if (!response.IsSuccessStatusCode)
            throw GraphErrors.FromBody((int)response.StatusCode, text, "write " + Locate(name), Locate(name));
        using JsonDocument doc = JsonDocument.Parse(text);
        return doc.RootElement.TryGetProperty("eTag", out JsonElement etag) ? etag.GetString()
            : throw new GraphRequestException(ErrorIds.GraphRequestFailed, $"Microsoft Graph stored '{Locate(name)}' but returned no eTag.", Locate(name), null,
                (int)response.StatusCode, null, null);
    }

    private static async Task CancelAsync(Uri uploadUrl, CancellationToken ct)
    {
        try
        {
            using var cancel = new HttpRequestMessage(HttpMethod.Delete, uploadUrl);
            using HttpResponseMessage _ = await s_upload.SendAsync(cancel, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // the session expires by itself
        }
    }

    private async Task EnsureFolderAsync(string folder, CancellationToken ct)
    {
        string parent = "";
        foreach (string part in folder.Split('/'))
        {
            string url = parent.Length == 0 ? $"{_base}/drives/{_driveId}/root/children" : $"{_base}/drives/{_driveId}/root:/{EscapePath(parent)}:/children";
            try
            {
                await _client.Drives[_driveId].Items["root"].Children.WithUrl(url).PostAsync(new DriveItem
                {
                    Name = part,
                    Folder = new Folder(),
                    AdditionalData = new Dictionary<string, object> { ["@microsoft.graph.conflictBehavior"] = "fail" },
                }, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (ODataError e) when (e.ResponseStatusCode == 409)
            {
                // made already (by us earlier, or by another writer just now)
            }
            parent = parent.Length == 0 ? part : parent + "/" + part;
        }
    }

    /// <summary>The item's content (<c>GET …/content</c>, following the 302 to the download URL); null when it is gone.</summary>
    private async Task<string?> DownloadAsync(string itemId, CancellationToken ct)
    {
        Stream? stream = await NotFoundIsNull(c => _client.Drives[_driveId].Items[itemId].Content.GetAsync(cancellationToken: c)).ConfigureAwait(false);
        if (stream is null)
            return null;
        using (stream)
        using (var ms = new MemoryStream())
        {
            await stream.CopyToAsync(ms).ConfigureAwait(false);
            return s_utf8.GetString(ms.ToArray());
        }
    }

    /// <summary>A file's content by path in one request (<c>GET root:/{path}:/content</c>); null when there is none.</summary>
    internal async Task<string?> DownloadByPathAsync(string name, CancellationToken ct)
    {
        string url = $"{_base}/drives/{_driveId}/root:/{EscapePath(Full(name))}:/content";
        Stream? stream = await NotFoundIsNull(c => _client.Drives[_driveId].Items["root"].Content.WithUrl(url).GetAsync(cancellationToken: c)).ConfigureAwait(false);
        if (stream is null)
            return null;
        using (stream)
        using (var ms = new MemoryStream())
        {
            await stream.CopyToAsync(ms).ConfigureAwait(false);
            return s_utf8.GetString(ms.ToArray());
        }
    }

    /// <summary>Every child of the folder at <paramref name="path"/>, following <c>@odata.nextLink</c>; none when the folder is absent.</summary>
    internal async Task<List<DriveItem>> ChildrenAsync(string path, CancellationToken ct)
    {
        var all = new List<DriveItem>();
        string? next = $"{_base}/drives/{_driveId}/root:/{EscapePath(path)}:/children?$top={PageSize.ToString(CultureInfo.InvariantCulture)}&$select=id,name,eTag,folder,file";
        while (next is not null)
        {
            string url = next;
            DriveItemCollectionResponse? page = await NotFoundIsNull(c => _client.Drives[_driveId].Items["root"].Children.WithUrl(url).GetAsync(cancellationToken: c)).ConfigureAwait(false);
            if (page is null)
                break;
            all.AddRange(page.Value ?? new List<DriveItem>());
            next = page.OdataNextLink;
        }
        return all;
    }

    internal string JournalFolder(string journal) => Full(journal);

    private StateConflictException Changed(string name) =>
        new(name, $"'{Locate(name)}' was changed by someone else since it was read; nothing was written.");

    private static async Task<T?> NotFoundIsNull<T>(Func<CancellationToken, Task<T?>> call) where T : class
    {
        try
        {
            return await call(CancellationToken.None).ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            return null;
        }
    }

    private static string EscapePath(string path) => string.Join("/", path.Split('/').Select(Uri.EscapeDataString));

    private static string CheckName(string name, string parameter)
    {
        string[] parts = name.Split('/');
        if (name.Length == 0 || parts.Any(p => p.Length == 0 || p == "." || p == ".." || p.IndexOfAny(new[] { ':', '\\', '*', '?', '"', '<', '>', '|', '#', '%' }) >= 0))
            throw new ArgumentException($"'{name}' is not a state name (relative, '/'-separated, no '..', none of : \\ * ? \" < > | # %).", parameter);
        return name;
    }

    internal T Run<T>(Func<CancellationToken, Task<T>> call, string what, object? target) => Run(() => call(CancellationToken.None), what, target);

    /// <summary>The engine is synchronous: run one operation, mapping Graph failures to the engine's errors (conflicts pass through).</summary>
    private static T Run<T>(Func<Task<T>> call, string what, object? target)
    {
        try
        {
            return call().ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (ODataError e)
        {
            throw GraphErrors.From(e, what + " in the shared state store", target);
        }
        catch (ApiException e) when (e is not ODataError)
        {
            throw GraphErrors.FromBody(e.ResponseStatusCode, (e as ServiceException)?.RawResponseBody, what + " in the shared state store", target);
        }
        catch (AggregateException e) when (GraphErrors.RetriesExhausted(e) is { } last)
        {
            throw GraphErrors.FromBody(last.ResponseStatusCode, (last as ServiceException)?.RawResponseBody, what + " in the shared state store", target);
        }
        catch (Exception e) when (GraphErrors.IsTransport(e))
        {
            throw GraphErrors.Unavailable(e, what + " in the shared state store", target);
        }
        catch (Azure.Identity.AuthenticationFailedException e)
        {
            throw new GraphRequestException(ErrorIds.GraphSignInFailed,
                $"Signing in to Microsoft Entra failed, so Graph could not {what}: {e.Message}", target, null, 0, null, e);
        }
    }

    /// <summary>A tiny JSON object writer for the lock file (strings only).</summary>
    private sealed class JsonObjectText
    {
        private readonly Dictionary<string, string> _values = new();

        public JsonObjectText Add(string key, string value)
        {
            _values[key] = value;
            return this;
        }

        public override string ToString() => JsonSerializer.Serialize(_values);
    }
}
