using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>A SharePoint site the fake knows, with its document libraries.</summary>
internal sealed class SiteRecord
{
    public required string Id { get; init; }            // "{hostname},{site guid},{web guid}"
    public required string Hostname { get; init; }
    public required string Path { get; init; }          // server-relative, "/sites/healthwatch"
    public required string DisplayName { get; init; }
    public List<DriveRecord> Drives { get; } = new();
}

/// <summary>A document library: items by id and by path (case-insensitive, as SharePoint names are).</summary>
internal sealed class DriveRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required SiteRecord Site { get; init; }
    public Dictionary<string, DriveItemRecord> ByPath { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, DriveItemRecord> ById { get; } = new(StringComparer.Ordinal);
}

/// <summary>A file or folder. The eTag changes with every write (SharePoint's form: <c>"{GUID},n"</c>).</summary>
internal sealed class DriveItemRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Path { get; init; }          // "" for the root, "a/b.json" below it
    public bool IsFolder { get; init; }
    public byte[] Content { get; set; } = Array.Empty<byte>();
    public int Version { get; set; } = 1;
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Modified { get; set; }
    public string ETag => $"\"{{{Id}}},{Version.ToString(CultureInfo.InvariantCulture)}\"";
    public string CTag => $"\"c:{{{Id}}},{Version.ToString(CultureInfo.InvariantCulture)}\"";
    public string ParentPath => Path.LastIndexOf('/') is int i and >= 0 ? Path.Substring(0, i) : "";
}

/// <summary>
/// SharePoint document libraries through Graph (docs/decisions/0140): sites by path (<c>GET /sites/{hostname}:/{path}</c>)
/// and by id, a site's default drive and its drives, items by id or path (<c>root:/a/b:</c>), children with paging
/// (<c>@odata.nextLink</c>), folders created with <c>POST …/children</c>, downloads (<c>…/content</c> → 302 to a
/// pre-authenticated URL), uploads through <c>createUploadSession</c> (<c>@microsoft.graph.conflictBehavior</c> in the
/// body's <c>item</c>, default fail; <c>if-match</c> → 412; a name taken by the time the last byte arrives → 409
/// <c>nameAlreadyExists</c>) and <c>DELETE</c> (with <c>if-match</c> → 412 and nothing deleted).
/// </summary>
internal sealed partial class Router
{
    /// <summary>Path prefix of the pre-authenticated download URLs (outside /v1.0).</summary>
    internal const string DownloadPathPrefix = "/download/";

    /// <summary>Default page size of <c>children</c> (Graph: 200).</summary>
    internal const int DefaultChildrenPage = 200;

    private readonly List<SiteRecord> _sites = new();
    private readonly Dictionary<string, DriveUpload> _driveUploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _downloads = new(StringComparer.Ordinal);

    private sealed class DriveUpload
    {
        public required DriveRecord Drive { get; init; }
        public required string Path { get; init; }
        public required string ConflictBehavior { get; init; }
        public string? UpdateItemId { get; init; }
        public System.IO.MemoryStream Received { get; } = new();
        public long? Total { get; set; }
        public DateTimeOffset Expires { get; set; }
    }

    /// <summary>Adds a site with a default library called <c>Documents</c>; returns its id.</summary>
    public string AddSite(string hostname, string path, string displayName, params string[] extraLibraries)
    {
        lock (_t.Sync)
        {
            var site = new SiteRecord
            {
                Id = $"{hostname},{Guid.NewGuid()},{Guid.NewGuid()}", Hostname = hostname, Path = "/" + path.Trim('/'), DisplayName = displayName,
            };
            foreach (string name in new[] { "Documents" }.Concat(extraLibraries))
            {
                var drive = new DriveRecord { Id = "b!" + Guid.NewGuid().ToString("N"), Name = name, Site = site };
                var root = new DriveItemRecord { Id = "01ROOT" + Guid.NewGuid().ToString("N").Substring(0, 20).ToUpperInvariant(), Name = "root", Path = "", IsFolder = true, Created = _clock(), Modified = _clock() };
                drive.ByPath[""] = root;
                drive.ById[root.Id] = root;
                site.Drives.Add(drive);
            }
            _sites.Add(site);
            return site.Id;
        }
    }

    /// <summary>A file's bytes by site id, library and path, or null (tests read what the adapter stored).</summary>
    public byte[]? GetFile(string siteId, string library, string path)
    {
        lock (_t.Sync)
        {
            DriveRecord? d = _sites.FirstOrDefault(s => s.Id == siteId)?.Drives.FirstOrDefault(x => x.Name.Equals(library, StringComparison.OrdinalIgnoreCase));
            return d is not null && d.ByPath.TryGetValue(path.Trim('/'), out DriveItemRecord? i) && !i.IsFolder ? i.Content.ToArray() : null;
        }
    }

    /// <summary>Writes a file as someone outside the module would (tests: tampering, a stale lock).</summary>
    public void PutFile(string siteId, string library, string path, byte[] content)
    {
        lock (_t.Sync)
        {
            DriveRecord d = _sites.First(s => s.Id == siteId).Drives.First(x => x.Name.Equals(library, StringComparison.OrdinalIgnoreCase));
            string p = path.Trim('/');
            EnsureFolders(d, p.Contains('/') ? p.Substring(0, p.LastIndexOf('/')) : "");
            Write(d, p, content, null);
        }
    }

    /// <summary>Deletes a file as someone outside the module would (tests: a cut tail); false when there was none.</summary>
    public bool DeleteFile(string siteId, string library, string path)
    {
        lock (_t.Sync)
        {
            DriveRecord d = _sites.First(s => s.Id == siteId).Drives.First(x => x.Name.Equals(library, StringComparison.OrdinalIgnoreCase));
            if (!d.ByPath.TryGetValue(path.Trim('/'), out DriveItemRecord? i) || i.IsFolder)
                return false;
            d.ByPath.Remove(i.Path);
            d.ById.Remove(i.Id);
            return true;
        }
    }

    private void EnsureFolders(DriveRecord d, string folder)
    {
        string path = "";
        foreach (string part in folder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path = path.Length == 0 ? part : path + "/" + part;
            if (!d.ByPath.ContainsKey(path))
                Add(d, new DriveItemRecord { Id = NewItemId(), Name = part, Path = path, IsFolder = true, Created = _clock(), Modified = _clock() });
        }
    }

    private static string NewItemId() => "01" + Guid.NewGuid().ToString("N").Substring(0, 32).ToUpperInvariant();

    private static void Add(DriveRecord d, DriveItemRecord i)
    {
        d.ByPath[i.Path] = i;
        d.ById[i.Id] = i;
    }

    private DriveItemRecord Write(DriveRecord d, string path, byte[] content, DriveItemRecord? existing)
    {
        existing ??= d.ByPath.TryGetValue(path, out DriveItemRecord? e) ? e : null;
        if (existing is not null)
        {
            existing.Content = content;
            existing.Version++;
            existing.Modified = _clock();
            return existing;
        }
        string name = path.Contains('/') ? path.Substring(path.LastIndexOf('/') + 1) : path;
        var item = new DriveItemRecord { Id = NewItemId(), Name = name, Path = path, Content = content, Created = _clock(), Modified = _clock() };
        Add(d, item);
        return item;
    }

    // ------------------------------------------------------------------------------------------------ sites

    private GraphResponse Sites(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count < 2)
            throw new GraphError(400, "invalidRequest", "Listing or searching sites is not modelled by the fake; address a site by path or id.");
        // /sites/{hostname}:/{server-relative-path}[:/{rest}] or /sites/{site-id}[/{rest}]; the path may arrive in one escaped segment.
        string joined = string.Join("/", s.Skip(1));
        SiteRecord site;
        string rest;
        int colon = joined.IndexOf(':');
        int slash = joined.IndexOf('/');
        if (colon >= 0 && (slash < 0 || colon < slash))
        {
            string host = joined.Substring(0, colon);
            string after = joined.Substring(colon + 1);
            int end = after.IndexOf(':');
            string path = "/" + (end < 0 ? after : after.Substring(0, end)).Trim('/');
            rest = end < 0 ? "" : after.Substring(end + 1).Trim('/');
            site = _sites.FirstOrDefault(x => x.Hostname.Equals(host, StringComparison.OrdinalIgnoreCase) && x.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
                ?? throw new GraphError(404, "itemNotFound", "Requested site could not be found");
        }
        else
        {
            string id = slash < 0 ? joined : joined.Substring(0, slash);
            rest = slash < 0 ? "" : joined.Substring(slash + 1);
            site = _sites.FirstOrDefault(x => x.Id.Equals(id, StringComparison.OrdinalIgnoreCase)
                       || x.Id.Split(',')[1].Equals(id, StringComparison.OrdinalIgnoreCase))
                ?? throw new GraphError(404, "itemNotFound", "Requested site could not be found");
        }
        if (!Is(r, "GET"))
            throw MethodNotAllowed();
        switch (rest.ToLowerInvariant())
        {
            case "":
                return GraphResponse.Ok(RenderSite(site));
            case "drive":
                return GraphResponse.Ok(RenderDrive(site.Drives[0]));
            case "drives":
                return GraphResponse.Ok(new JsonObject
                {
                    ["@odata.context"] = Base + "/$metadata#drives",
                    ["value"] = new JsonArray(site.Drives.Select(d => (JsonNode)RenderDrive(d)).ToArray()),
                });
            default:
                throw SegmentNotFound(rest.Split('/')[0]);
        }
    }

    private JsonObject RenderSite(SiteRecord s) => new()
    {
        ["@odata.context"] = Base + "/$metadata#sites/$entity",
        ["id"] = s.Id,
        ["name"] = s.Path.Substring(s.Path.LastIndexOf('/') + 1),
        ["displayName"] = s.DisplayName,
        ["webUrl"] = $"https://{s.Hostname}{s.Path}",
        ["siteCollection"] = new JsonObject { ["hostname"] = s.Hostname },
    };

    private static JsonObject RenderDrive(DriveRecord d) => new()
    {
        ["id"] = d.Id,
        ["name"] = d.Name,
        ["driveType"] = "documentLibrary",
        ["webUrl"] = $"https://{d.Site.Hostname}{d.Site.Path}/{(d.Name == "Documents" ? "Shared Documents" : d.Name)}",
    };

    // ------------------------------------------------------------------------------------------------ drives

    private GraphResponse Drives(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count < 3)
            throw new GraphError(400, "invalidRequest", "Address an item of the drive.");
        DriveRecord d = _sites.SelectMany(x => x.Drives).FirstOrDefault(x => x.Id == s[1])
            ?? throw new GraphError(404, "itemNotFound", "The drive does not exist or the caller has no access to it.");
        string rest = string.Join("/", s.Skip(2));
        if (rest.StartsWith("items/", StringComparison.OrdinalIgnoreCase))
            rest = rest.Substring("items/".Length);
        // {id|root}[:/{path}[:]][/{action}]
        int stop = rest.IndexOfAny(new[] { ':', '/' });
        string id = stop < 0 ? rest : rest.Substring(0, stop);
        string? path = null;
        string action = "";
        if (stop >= 0 && rest[stop] == ':')
        {
            string after = rest.Substring(stop + 1).TrimStart('/');
            int end = after.IndexOf(':');
            path = (end < 0 ? after : after.Substring(0, end)).Trim('/');
            action = end < 0 ? "" : after.Substring(end + 1).Trim('/');
        }
        else if (stop >= 0)
            action = rest.Substring(stop + 1);
        DriveItemRecord? anchor = id.Equals("root", StringComparison.OrdinalIgnoreCase) ? d.ByPath[""]
            : d.ById.TryGetValue(id, out DriveItemRecord? byId) ? byId : null;
        if (anchor is null)
            throw ItemNotFound();
        string fullPath = path is null ? anchor.Path : (anchor.Path.Length == 0 ? path : anchor.Path + "/" + path);
        DriveItemRecord? item = d.ByPath.TryGetValue(fullPath, out DriveItemRecord? found) ? found : null;
        switch (action.ToLowerInvariant())
        {
            case "":
                if (Is(r, "GET"))
                    return GraphResponse.Ok(RenderItem(d, item ?? throw ItemNotFound()));
                if (Is(r, "DELETE"))
                    return DeleteItem(r, d, item ?? throw ItemNotFound());
                throw MethodNotAllowed();
            case "children":
                if (item is null || !item.IsFolder)
                    throw ItemNotFound();
                if (Is(r, "GET"))
                    return Children(r, d, item);
                if (Is(r, "POST"))
                    return CreateFolder(r, d, item);
                throw MethodNotAllowed();
            case "content":
                if (!Is(r, "GET"))
                    throw new GraphError(405, "invalidRequest", "Only GET of content is modelled by the fake; upload through createUploadSession.");
                if (item is null || item.IsFolder)
                    throw ItemNotFound();
                return Download(item);
            case "createuploadsession" or "microsoft.graph.createuploadsession":
                return Is(r, "POST") ? CreateDriveUploadSession(r, d, fullPath, item, updateById: path is null) : throw MethodNotAllowed();
            default:
                throw SegmentNotFound(action.Split('/')[0]);
        }
    }

    private static GraphError ItemNotFound() => new(404, "itemNotFound", "The resource could not be found.");

    private JsonObject RenderItem(DriveRecord d, DriveItemRecord i)
    {
        var o = new JsonObject
        {
            ["@odata.context"] = Base + $"/$metadata#drives('{d.Id}')/items/$entity",
            ["id"] = i.Id,
            ["name"] = i.Name,
            ["eTag"] = i.ETag,
            ["cTag"] = i.CTag,
            ["size"] = i.Content.Length,
            ["createdDateTime"] = Json.Iso(i.Created),
            ["lastModifiedDateTime"] = Json.Iso(i.Modified),
            ["webUrl"] = $"https://{d.Site.Hostname}{d.Site.Path}/{(d.Name == "Documents" ? "Shared Documents" : d.Name)}/{i.Path}",
            ["parentReference"] = new JsonObject
            {
                ["driveId"] = d.Id,
                ["driveType"] = "documentLibrary",
                ["id"] = i.Path.Length == 0 ? null : d.ByPath[i.ParentPath].Id,
                ["path"] = "/drive/root:" + (i.ParentPath.Length == 0 ? "" : "/" + i.ParentPath),
            },
        };
        if (i.IsFolder)
            o["folder"] = new JsonObject { ["childCount"] = d.ByPath.Values.Count(c => c.Path.Length > 0 && c.ParentPath.Equals(i.Path, StringComparison.OrdinalIgnoreCase) && c != i) };
        else
            o["file"] = new JsonObject { ["mimeType"] = "application/octet-stream" };
        return o;
    }

    private GraphResponse Children(GraphRequest r, DriveRecord d, DriveItemRecord folder)
    {
        int top = DefaultChildrenPage;
        if (r.Query["$top"] is { } t && (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > 1000))
            throw new GraphError(400, "invalidRequest", "Invalid $top value.");
        int skip = 0;
        if (r.Query["$skiptoken"] is { } token && !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
            throw new GraphError(400, "invalidRequest", "Invalid skip token.");
        var all = d.ByPath.Values
            .Where(c => c.Path.Length > 0 && c != folder && c.ParentPath.Equals(folder.Path, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var page = all.Skip(skip).Take(top).ToList();
        var o = new JsonObject
        {
            ["@odata.context"] = Base + $"/$metadata#drives('{d.Id}')/items('{folder.Id}')/children",
            ["value"] = new JsonArray(page.Select(c => { JsonObject x = RenderItem(d, c); x.Remove("@odata.context"); return (JsonNode)x; }).ToArray()),
        };
        if (skip + page.Count < all.Count)
            o["@odata.nextLink"] = Base + $"/drives/{d.Id}/items/{folder.Id}/children?$top={top}&$skiptoken={skip + page.Count}";
        return GraphResponse.Ok(o);
    }

    private GraphResponse CreateFolder(GraphRequest r, DriveRecord d, DriveItemRecord parent)
    {
        JsonObject b = r.BodyObject();
        string name = Json.GetString(b, "name") is { Length: > 0 } n ? n : throw new GraphError(400, "invalidRequest", "A name is required.");
        if (!Json.TryGet(b, "folder", out JsonNode? f) || f is not JsonObject)
            throw new GraphError(400, "invalidRequest", "Only folders are created through children by the fake.");
        string behaviour = Json.GetString(b, "@microsoft.graph.conflictBehavior") ?? "fail";
        string path = parent.Path.Length == 0 ? name : parent.Path + "/" + name;
        if (d.ByPath.TryGetValue(path, out DriveItemRecord? existing))
        {
            if (behaviour.Equals("fail", StringComparison.OrdinalIgnoreCase) || !existing.IsFolder)
                throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
            return GraphResponse.Ok(RenderItem(d, existing));
        }
        var folder = new DriveItemRecord { Id = NewItemId(), Name = name, Path = path, IsFolder = true, Created = _clock(), Modified = _clock() };
        Add(d, folder);
        return GraphResponse.Created(RenderItem(d, folder));
    }

    private GraphResponse Download(DriveItemRecord i)
    {
        string token = Guid.NewGuid().ToString("N");
        _downloads[token] = i.Content.ToArray();
        string root = Base.Substring(0, Base.Length - "/v1.0".Length);
        var found = new GraphResponse { Status = 302 };
        found.Headers["Location"] = root + DownloadPathPrefix + token + "?tempauth=fake-preauthenticated";
        return found;
    }

    /// <summary>A GET of a pre-authenticated download URL: the bytes as they were when the URL was issued.</summary>
    public GraphResponse DownloadContent(string token)
    {
        lock (_t.Sync)
        {
            if (!_downloads.TryGetValue(token, out byte[]? bytes))
                throw new GraphError(404, "itemNotFound", "The download URL has expired.");
            return new GraphResponse { Status = 200, Bytes = bytes };
        }
    }

    private GraphResponse DeleteItem(GraphRequest r, DriveRecord d, DriveItemRecord item)
    {
        if (item.Path.Length == 0)
            throw new GraphError(403, "accessDenied", "The root of a drive cannot be deleted.");
        CheckIfMatch(r, item);
        foreach (DriveItemRecord gone in d.ByPath.Values.Where(c => c == item || c.Path.StartsWith(item.Path + "/", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            d.ByPath.Remove(gone.Path);
            d.ById.Remove(gone.Id);
        }
        return GraphResponse.NoContent();
    }

    /// <summary><c>if-match</c>: the eTag or cTag must be the item's current one, else 412 and nothing happens.</summary>
    private static void CheckIfMatch(GraphRequest r, DriveItemRecord? item)
    {
        string? want = r.Header("If-Match");
        if (want is null)
            return;
        if (item is null || !(want.Trim() == item.ETag || want.Trim() == item.CTag))
            throw new GraphError(412, "resourceModified", "ETag does not match current item's value");
    }

    private GraphResponse CreateDriveUploadSession(GraphRequest r, DriveRecord d, string path, DriveItemRecord? item, bool updateById)
    {
        string behaviour = "fail";
        if (r.Body is { Length: > 0 })
        {
            JsonObject b = r.BodyObject();
            if (Json.TryGet(b, "item", out JsonNode? n) && n is JsonObject props && Json.GetString(props, "@microsoft.graph.conflictBehavior") is { } cb)
                behaviour = cb.ToLowerInvariant() is "fail" or "replace" or "rename" ? cb.ToLowerInvariant()
                    : throw new GraphError(400, "invalidRequest", $"Invalid conflictBehavior '{cb}'.");
        }
        if (behaviour == "rename")
            throw new GraphError(400, "invalidRequest", "conflictBehavior 'rename' is not modelled by the fake.");
        if (updateById)
        {
            if (item is null || item.IsFolder)
                throw ItemNotFound();
        }
        else
        {
            string parent = path.Contains('/') ? path.Substring(0, path.LastIndexOf('/')) : "";
            if (!d.ByPath.TryGetValue(parent, out DriveItemRecord? p) || !p.IsFolder)
                throw ItemNotFound();
        }
        CheckIfMatch(r, item);
        if (item is not null && !updateById && behaviour == "fail")
            throw new GraphError(409, "nameAlreadyExists", "The specified item name already exists.");
        var u = new DriveUpload { Drive = d, Path = path, ConflictBehavior = behaviour, UpdateItemId = updateById ? item!.Id : null, Expires = _clock().AddMinutes(15) };
        string id = "drive" + Guid.NewGuid().ToString("N");
        _driveUploads[id] = u;
        string root = Base.Substring(0, Base.Length - "/v1.0".Length);
        return GraphResponse.Ok(new JsonObject
        {
            ["@odata.context"] = Base + "/$metadata#microsoft.graph.uploadSession",
            ["uploadUrl"] = root + UploadPathPrefix + id + "?tempauth=fake-preauthenticated",
            ["expirationDateTime"] = u.Expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            ["nextExpectedRanges"] = new JsonArray("0-"),
        });
    }

    /// <summary>A PUT or DELETE to a drive upload URL; false when <paramref name="sessionId"/> is not a drive upload.</summary>
    private bool TryDriveUpload(string sessionId, string method, IReadOnlyDictionary<string, string> headers, byte[] body, out GraphResponse response)
    {
        response = null!;
        if (!_driveUploads.TryGetValue(sessionId, out DriveUpload? u))
            return false;
        if (u.Expires < _clock())
        {
            _driveUploads.Remove(sessionId);
            throw new GraphError(404, "itemNotFound", "The upload session does not exist or has expired.");
        }
        if (method == "DELETE")
        {
            _driveUploads.Remove(sessionId);
            response = GraphResponse.NoContent();
            return true;
        }
        if (method != "PUT")
            throw MethodNotAllowed();
        if (headers.ContainsKey("Authorization"))
            throw new GraphError(401, "unauthenticated", "Send no Authorization header to the upload URL.");
        string? range = headers.TryGetValue("Content-Range", out string? cr) ? cr.Trim() : null;
        System.Text.RegularExpressions.Match m = range is null ? System.Text.RegularExpressions.Match.Empty
            : System.Text.RegularExpressions.Regex.Match(range, @"^bytes (\d+)-(\d+)/(\d+)$");
        if (!m.Success)
            throw new GraphError(400, "invalidRange", "Content-Range must be 'bytes {start}-{end}/{total}'.");
        long start = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), end = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            total = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (u.Total is { } known && known != total)
            throw new GraphError(400, "invalidRange", "The total in Content-Range changed during the session.");
        u.Total = total;
        if (end < start || end >= total || body.LongLength != end - start + 1)
            throw new GraphError(400, "invalidRange", "The body's length does not match Content-Range.");
        if (start != u.Received.Length)
            throw new GraphError(416, "invalidRange", $"The next expected range starts at {u.Received.Length}.");
        u.Received.Write(body, 0, body.Length);
        u.Expires = _clock().AddMinutes(15);
        if (u.Received.Length < total)
        {
            response = new GraphResponse
            {
                Status = 202,
                Json = new JsonObject
                {
                    ["expirationDateTime"] = u.Expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
                    ["nextExpectedRanges"] = new JsonArray(u.Received.Length.ToString(CultureInfo.InvariantCulture) + "-"),
                },
            };
            return true;
        }
        // The last byte: the file is committed now, and a name taken meanwhile is a conflict (documented: 409 nameAlreadyExists).
        DriveRecord d = u.Drive;
        DriveItemRecord? existing;
        if (u.UpdateItemId is not null)
        {
            if (!d.ById.TryGetValue(u.UpdateItemId, out existing))
            {
                _driveUploads.Remove(sessionId);
                throw ItemNotFound();
            }
        }
        else
        {
            existing = d.ByPath.TryGetValue(u.Path, out DriveItemRecord? e) ? e : null;
            if (existing is not null && u.ConflictBehavior == "fail")
                throw new GraphError(409, "nameAlreadyExists",
                    "Another file exists with the same name as the uploaded session. You can redirect the upload session to use a new filename by calling PUT with the new metadata and @microsoft.graph.sourceUrl attribute.");
            string parent = u.Path.Contains('/') ? u.Path.Substring(0, u.Path.LastIndexOf('/')) : "";
            if (!d.ByPath.ContainsKey(parent))
            {
                _driveUploads.Remove(sessionId);
                throw ItemNotFound();
            }
        }
        _driveUploads.Remove(sessionId);
        bool created = existing is null;
        DriveItemRecord item = Write(d, u.Path, u.Received.ToArray(), existing);
        JsonObject rendered = RenderItem(d, item);
        response = created ? GraphResponse.Created(rendered) : GraphResponse.Ok(rendered);
        return true;
    }
}
