using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
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
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// A loopback fake of the Microsoft Graph v1.0 endpoints HealthwatchPolicy uses (users, manager, groups, members/$ref,
/// open extensions, sendMail, $batch, groups delta), with in-memory thread-safe tenant state, request instrumentation and
/// fault injection (latency, throttling, replication lag, outage). Serves <see cref="BaseUrl"/> = http://127.0.0.1:{port}/v1.0.
/// Wire rules follow shared/design/graph-reference.md section 0.
/// </summary>
public sealed class FakeGraphServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private const int AuthorizationHistory = 100;

    private readonly Tenant _tenant = new();
    private readonly Router _router;
    private readonly object _logSync = new();
    private readonly List<RequestLogEntry> _log = new();
    private readonly Queue<string?> _authorization = new();
    private WebApplication? _app;
    private int _httpCount;
    private int _logicalCount;
    private int _throttleCounter;
    private int _stopped;

    private FakeGraphServer(FakeGraphOptions options)
    {
        Options = options;
        _tenant.OrganisationName = options.OrganisationName;
        _router = new Router(_tenant, options, Faults, () => BaseUrl, () => options.TimeProvider.GetUtcNow());
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with a random free port.</summary>
    public static async Task<FakeGraphServer> StartAsync(FakeGraphOptions? options = null)
    {
        var server = new FakeGraphServer(options ?? new FakeGraphOptions());
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        if (server.Options.EnableServerLogging)
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        server.BaseUrl = $"http://127.0.0.1:{server.Port}/v1.0";
        server._app = app;
        return server;
    }

    /// <summary>http://127.0.0.1:{port}/v1.0 (no other prefix: the SDK's batch serializer assumes the version is the first path segment).</summary>
    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }
    public FakeGraphOptions Options { get; }
    public FakeGraphFaults Faults { get; } = new();

    // ---------------------------------------------------------------------------------------------- instrumentation

    /// <summary>HTTP round trips (a $batch counts once).</summary>
    public int HttpRequestCount => Volatile.Read(ref _httpCount);

    /// <summary>Logical requests: plain requests plus each $batch item (the $batch envelope itself is not one).</summary>
    public int LogicalRequestCount => Volatile.Read(ref _logicalCount);

    /// <summary>Same as <see cref="LogicalRequestCount"/>.</summary>
    public int RequestCount => LogicalRequestCount;

    /// <summary>Every logical request in arrival order (batch items in execution order).</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog
    {
        get
        {
            lock (_logSync)
                return _log.ToList();
        }
    }

    /// <summary>The Authorization header of the last 100 HTTP round trips, oldest first (null when none was sent).</summary>
    public IReadOnlyList<string?> LastAuthorizationHeaders
    {
        get
        {
            lock (_logSync)
                return _authorization.ToList();
        }
    }

    /// <summary>Zeroes the counters and clears the request log and authorization history (tenant state is kept).</summary>
    public void ResetCounters()
    {
        lock (_logSync)
        {
            _log.Clear();
            _authorization.Clear();
            Interlocked.Exchange(ref _httpCount, 0);
            Interlocked.Exchange(ref _logicalCount, 0);
        }
    }

    // ---------------------------------------------------------------------------------------------- seeding and inspection

    public FakeUser AddUser(FakeUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_tenant.Sync)
        {
            var record = new UserRecord
            {
                Id = string.IsNullOrEmpty(user.Id) ? Guid.NewGuid().ToString() : user.Id,
                UserPrincipalName = user.UserPrincipalName,
                DisplayName = user.DisplayName ?? user.UserPrincipalName.Split('@')[0],
                GivenName = user.GivenName,
                Surname = user.Surname,
                Mail = user.Mail,
                AccountEnabled = user.AccountEnabled,
                EmployeeType = user.EmployeeType,
                UserType = user.UserType,
                JobTitle = user.JobTitle,
                Department = user.Department,
                ManagerId = user.ManagerId,
                CreatedDateTime = user.CreatedDateTime ?? DateTimeOffset.UtcNow,
                EmployeeLeaveDateTime = user.EmployeeLeaveDateTime,
                LastSignInDateTime = user.LastSignInDateTime,
            };
            if (user.AuthenticationMethods is { } methods)
            {
                record.AuthenticationMethods = methods.ToList();
                record.AuthenticationMethodsGiven = true;
            }
            _tenant.AddUser(record);
            return record.Snapshot();
        }
    }

    /// <summary>Adds a member user with mail = UPN.</summary>
    public FakeUser AddUser(string userPrincipalName, string? displayName = null, string? id = null, string? managerId = null) =>
        AddUser(new FakeUser { UserPrincipalName = userPrincipalName, DisplayName = displayName, Id = id ?? "", Mail = userPrincipalName, ManagerId = managerId });

    public FakeGroup AddGroup(FakeGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_tenant.Sync)
        {
            foreach (string m in group.Members.Concat(group.Owners))
                if (_tenant.FindObject(m) is null)
                    throw new InvalidOperationException($"Member or owner '{m}' of group '{group.DisplayName}' does not exist.");
            var record = new GroupRecord
            {
                Id = string.IsNullOrEmpty(group.Id) ? Guid.NewGuid().ToString() : group.Id,
                DisplayName = group.DisplayName,
                Description = group.Description,
                MailNickname = group.MailNickname ?? Tenant.NicknameFrom(group.DisplayName),
                SecurityEnabled = group.SecurityEnabled,
                MailEnabled = group.MailEnabled,
                GroupTypes = group.GroupTypes.ToList(),
                Visibility = group.Visibility,
                CreatedDateTime = group.CreatedDateTime ?? DateTimeOffset.UtcNow,
            };
            record.Members.AddRange(group.Members.Distinct(StringComparer.OrdinalIgnoreCase));
            record.Owners.AddRange(group.Owners.Distinct(StringComparer.OrdinalIgnoreCase));
            _tenant.AddGroup(record);
            return record.Snapshot();
        }
    }

    /// <summary>Adds a security group with these members.</summary>
    public FakeGroup AddGroup(string displayName, string? description = null, params string[] memberIds) =>
        AddGroup(new FakeGroup { DisplayName = displayName, Description = description, Members = memberIds });

    /// <summary>Adds a service principal (e.g. the app itself, to own groups); returns its object id.</summary>
    public string AddServicePrincipal(string displayName, string? appId = null, string? id = null)
    {
        lock (_tenant.Sync)
        {
            var sp = new ServicePrincipalRecord { Id = id ?? Guid.NewGuid().ToString(), AppId = appId ?? Guid.NewGuid().ToString(), DisplayName = displayName };
            _tenant.ServicePrincipals.Add(sp.Id, sp);
            return sp.Id;
        }
    }

    /// <summary>Sets (or with null clears) a user's manager.</summary>
    public void SetManager(string userId, string? managerId)
    {
        lock (_tenant.Sync)
        {
            UserRecord u = _tenant.FindUser(userId) ?? throw new KeyNotFoundException($"No user '{userId}'.");
            if (managerId is not null && _tenant.FindUser(managerId) is null)
                throw new KeyNotFoundException($"No user '{managerId}'.");
            u.ManagerId = managerId is null ? null : _tenant.FindUser(managerId)!.Id;
        }
    }

    public void AddMember(string groupId, string memberId)
    {
        lock (_tenant.Sync)
        {
            GroupRecord g = _tenant.FindLiveGroup(groupId) ?? throw new KeyNotFoundException($"No group '{groupId}'.");
            if (_tenant.FindObject(memberId) is null)
                throw new KeyNotFoundException($"No directory object '{memberId}'.");
            if (!g.Members.Contains(memberId, StringComparer.OrdinalIgnoreCase))
                _tenant.AddMember(g, memberId);
        }
    }

    public FakeUser? GetUser(string idOrUpn)
    {
        lock (_tenant.Sync)
            return _tenant.FindUser(idOrUpn)?.Snapshot();
    }

    /// <summary>A group by id, including a soft-deleted one (see <see cref="FakeGroup.IsDeleted"/>); null if unknown.</summary>
    public FakeGroup? GetGroup(string id)
    {
        lock (_tenant.Sync)
            return _tenant.GroupsById.TryGetValue(id, out GroupRecord? g) ? g.Snapshot() : null;
    }

    /// <summary>The group's direct member ids.</summary>
    public IReadOnlyList<string> GetMembers(string groupId)
    {
        lock (_tenant.Sync)
            return _tenant.GroupsById.TryGetValue(groupId, out GroupRecord? g) ? g.Members.ToList() : throw new KeyNotFoundException($"No group '{groupId}'.");
    }

    public IReadOnlyList<FakeUser> Users
    {
        get
        {
            lock (_tenant.Sync)
                return _tenant.Users.Select(u => u.Snapshot()).ToList();
        }
    }

    /// <summary>All groups, soft-deleted ones included.</summary>
    public IReadOnlyList<FakeGroup> Groups
    {
        get
        {
            lock (_tenant.Sync)
                return _tenant.Groups.Select(g => g.Snapshot()).ToList();
        }
    }

    /// <summary>Sets an open extension on a user or group: <paramref name="extension"/> in the local shape
    /// (<c>{"extensionName": "...", ...properties}</c>); replaces one with the same name.</summary>
    public void SetExtension(string objectId, JsonObject extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        string name = Json.GetString(extension, "extensionName") ?? throw new ArgumentException("The extension needs an 'extensionName'.", nameof(extension));
        lock (_tenant.Sync)
        {
            DirectoryObjectRecord owner = _tenant.FindObject(objectId) ?? throw new KeyNotFoundException($"No directory object '{objectId}'.");
            owner.Extensions.RemoveAll(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
            owner.Extensions.Add(new ExtensionRecord { Name = name, Properties = Router.CustomProperties(extension) });
        }
    }

    /// <summary>An open extension in the local shape (<c>{"extensionName": "...", ...properties}</c>), or null.</summary>
    public JsonObject? GetExtension(string objectId, string extensionName)
    {
        lock (_tenant.Sync)
        {
            ExtensionRecord? e = (_tenant.FindUser(objectId) as DirectoryObjectRecord ?? (_tenant.GroupsById.TryGetValue(objectId, out GroupRecord? g) ? g : null))
                ?.FindExtension(extensionName);
            return e is null ? null : LocalExtension(e);
        }
    }

    public IReadOnlyList<JsonObject> GetExtensions(string objectId)
    {
        lock (_tenant.Sync)
        {
            DirectoryObjectRecord? o = _tenant.FindUser(objectId) as DirectoryObjectRecord ?? (_tenant.GroupsById.TryGetValue(objectId, out GroupRecord? g) ? g : null);
            return o?.Extensions.Select(LocalExtension).ToList() ?? new List<JsonObject>();
        }
    }

    /// <summary>Every mail accepted by sendMail, oldest first.</summary>
    public IReadOnlyList<SentMail> SentMail
    {
        get
        {
            lock (_tenant.Sync)
                return _tenant.SentMail.ToList();
        }
    }

    /// <summary>Drafts created with <c>POST /users/{id}/messages</c> and not sent.</summary>
    public int DraftCount => _router.DraftCount;

    /// <summary>Adds a SharePoint site at https://{hostname}{path} with a default library called Documents (and any
    /// <summary>A message arrives in <paramref name="mailbox"/>'s inbox at <paramref name="received"/> (its internet headers kept as written).</summary>
    public string DeliverToInbox(string mailbox, MimeKit.MimeMessage message, DateTimeOffset received) => _router.Deliver(mailbox, message, received);

    /// <summary>How many messages the folder <paramref name="folderName"/> (display name: "Inbox", or one the client made) of <paramref name="mailbox"/> holds.</summary>
    public int MailFolderCount(string mailbox, string folderName) => _router.FolderCount(mailbox, folderName);

    /// <paramref name="extraLibraries"/>); returns the site id (<c>{hostname},{guid},{guid}</c>).</summary>
    public string AddSite(string hostname, string path, string displayName = "Healthwatch", params string[] extraLibraries) =>
        _router.AddSite(hostname, path, displayName, extraLibraries);

    /// <summary>A file's bytes in a site's library, by path from the library root; null when there is none.</summary>
    public byte[]? GetFile(string siteId, string library, string path) => _router.GetFile(siteId, library, path);

    /// <summary>Writes a file into a site's library as someone outside the module would (new eTag; folders made as needed).</summary>
    public void PutFile(string siteId, string library, string path, byte[] content) => _router.PutFile(siteId, library, path, content);

    /// <summary>A group's open extension as <c>GET /groups/{id}/extensions/{name}</c> renders it (without <c>@odata.context</c>); null when there is none.</summary>
    public System.Text.Json.Nodes.JsonObject? GetGroupExtension(string groupId, string extensionName)
    {
        lock (_tenant.Sync)
            return _tenant.GroupsById.TryGetValue(groupId, out GroupRecord? g) && g.FindExtension(extensionName) is { } e ? Router.RenderExtension(e) : null;
    }

    /// <summary>Deletes a file from a site's library as someone outside the module would; false when there was none.</summary>
    public bool DeleteFile(string siteId, string library, string path) => _router.DeleteFile(siteId, library, path);

    public void ClearSentMail()
    {
        lock (_tenant.Sync)
            _tenant.SentMail.Clear();
    }

    /// <summary>Puts an existing group into the replication-lag window: its next <paramref name="requests"/> requests by id answer 404.</summary>
    public void SetReplicationLag(string groupId, int requests)
    {
        lock (_tenant.Sync)
            (_tenant.GroupsById.TryGetValue(groupId, out GroupRecord? g) ? g : throw new KeyNotFoundException($"No group '{groupId}'.")).LagRemaining = requests;
    }

    /// <summary>Puts an existing group into a timed replication-lag window on the tenant's clock: left out of lists and
    /// filters until <paramref name="listed"/>, 404 by id until <paramref name="byId"/> (see <see cref="FakeGraphFaults.ReplicationLag"/>).</summary>
    public void SetReplicatedAt(string groupId, DateTimeOffset listed, DateTimeOffset byId)
    {
        lock (_tenant.Sync)
        {
            GroupRecord g = _tenant.GroupsById.TryGetValue(groupId, out GroupRecord? found) ? found : throw new KeyNotFoundException($"No group '{groupId}'.");
            g.ReplicatedAt = listed;
            g.ReplicatedByIdAt = byId;
        }
    }

    /// <summary>Invalidates every delta/skip token handed out so far: their next use answers 410 syncStateNotFound.</summary>
    public void ExpireDeltaTokens()
    {
        lock (_tenant.Sync)
            _tenant.DeltaGeneration++;
    }

    /// <summary>
    /// Replaces the tenant with an organisation in the local directory format (directory.json: <c>{organisation, users, groups}</c>),
    /// keeping its ids. A user's or group's <c>extension</c> object becomes an open extension whose id is its <c>extensionName</c>.
    /// </summary>
    public void LoadOrganisation(string directoryJsonPath)
    {
        JsonNode? root = JsonNode.Parse(File.ReadAllText(directoryJsonPath), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (root is not JsonObject doc)
            throw new InvalidDataException($"'{directoryJsonPath}' is not a JSON object.");
        lock (_tenant.Sync)
        {
            _tenant.Clear();
            _tenant.OrganisationName = Json.GetString(doc, "organisation") ?? Options.OrganisationName;
            foreach (JsonObject u in (doc["users"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                var record = new UserRecord
                {
                    Id = Json.GetString(u, "id") ?? throw new InvalidDataException("A user has no id."),
                    UserPrincipalName = Json.GetString(u, "userPrincipalName") ?? throw new InvalidDataException("A user has no userPrincipalName."),
                    DisplayName = Json.GetString(u, "displayName") ?? "",
                    Mail = Json.GetString(u, "mail"),
                    AccountEnabled = u["accountEnabled"] is not JsonValue ae || !ae.TryGetValue(out bool enabled) || enabled,
                    EmployeeType = Json.GetString(u, "employeeType"),
                    UserType = Json.GetString(u, "userType") ?? "Member",
                    ManagerId = Json.GetString(u, "managerId"),
                    JobTitle = Json.GetString(u, "jobTitle"),
                    Department = Json.GetString(u, "department"),
                    GivenName = Json.GetString(u, "givenName"),
                    Surname = Json.GetString(u, "surname"),
                    CreatedDateTime = DateTimeOffset.UtcNow,
                    EmployeeLeaveDateTime = Json.GetString(u, "employeeLeaveDateTime") is { } leave ? DateTimeOffset.Parse(leave, System.Globalization.CultureInfo.InvariantCulture) : null,
                    LastSignInDateTime = Json.GetString(u, "lastSignInDateTime") is { } signIn ? DateTimeOffset.Parse(signIn, System.Globalization.CultureInfo.InvariantCulture) : null,
                };
                if (u["mfaMethods"] is JsonArray methods)
                {
                    record.AuthenticationMethods = new[] { "password" }.Concat(methods.Select(m => m?.GetValue<string>() ?? "")
                        .Where(m => m.Length > 0 && m != "password")).ToList();
                    record.AuthenticationMethodsGiven = true;
                }
                AddLocalExtension(record, u);
                _tenant.AddUser(record);
            }
            foreach (JsonObject g in (doc["groups"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                string displayName = Json.GetString(g, "displayName") ?? throw new InvalidDataException("A group has no displayName.");
                var record = new GroupRecord
                {
                    Id = Json.GetString(g, "id") ?? throw new InvalidDataException("A group has no id."),
                    DisplayName = displayName,
                    Description = Json.GetString(g, "description"),
                    MailNickname = Json.GetString(g, "mailNickname") ?? Tenant.NicknameFrom(displayName),
                    // the local directory's group kind (absent: a security group): Graph's groupTypes, mailEnabled, securityEnabled
                    SecurityEnabled = g["securityEnabled"] is not JsonValue se || !se.TryGetValue(out bool security) || security,
                    MailEnabled = g["mailEnabled"] is JsonValue me && me.TryGetValue(out bool mail) && mail,
                    GroupTypes = (g["groupTypes"] as JsonArray ?? new JsonArray()).Select(x => x?.GetValue<string>()).OfType<string>().ToList(),
                    CreatedDateTime = DateTimeOffset.UtcNow,
                    Visibility = "Private",
                };
                if (g["members"] is JsonArray members)
                    foreach (string m in members.Select(x => x?.GetValue<string>()).OfType<string>())
                        if (!record.Members.Contains(m, StringComparer.OrdinalIgnoreCase))
                            record.Members.Add(m);
                AddLocalExtension(record, g);
                _tenant.AddGroup(record);
            }
        }
    }

    /// <summary>The live tenant in the local directory format (soft-deleted groups left out; the first open extension of each object).</summary>
    public JsonObject SnapshotOrganisation()
    {
        lock (_tenant.Sync)
        {
            var users = new JsonArray();
            foreach (UserRecord u in _tenant.Users)
            {
                var o = new JsonObject
                {
                    ["id"] = u.Id,
                    ["userPrincipalName"] = u.UserPrincipalName,
                    ["displayName"] = u.DisplayName,
                };
                if (u.Mail is not null) o["mail"] = u.Mail;
                o["accountEnabled"] = u.AccountEnabled;
                if (u.EmployeeType is not null) o["employeeType"] = u.EmployeeType;
                o["userType"] = u.UserType;
                if (u.ManagerId is not null) o["managerId"] = u.ManagerId;
                if (u.JobTitle is not null) o["jobTitle"] = u.JobTitle;
                if (u.Extensions.Count > 0) o["extension"] = LocalExtension(u.Extensions[0]);
                // issue 15: the poster facts, in directory.json's form (LoadOrganisation's inverse)
                if (u.EmployeeLeaveDateTime is { } leave) o["employeeLeaveDateTime"] = JsonSerializer.SerializeToNode(leave);
                if (u.AuthenticationMethodsGiven)
                    o["mfaMethods"] = new JsonArray(u.AuthenticationMethods.Where(m => m != "password").Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
                if (u.LastSignInDateTime is { } signIn) o["lastSignInDateTime"] = JsonSerializer.SerializeToNode(signIn);
                users.Add(o);
            }
            var groups = new JsonArray();
            foreach (GroupRecord g in _tenant.Groups.Where(g => !g.IsDeleted))
            {
                var o = new JsonObject { ["id"] = g.Id, ["displayName"] = g.DisplayName };
                if (g.Description is not null) o["description"] = g.Description;
                o["mailNickname"] = g.MailNickname;
                if (g.MailEnabled) o["mailEnabled"] = true;
                if (!g.SecurityEnabled) o["securityEnabled"] = false;
                if (g.GroupTypes.Count > 0) o["groupTypes"] = new JsonArray(g.GroupTypes.Select(t => (JsonNode?)t).ToArray());
                o["members"] = new JsonArray(g.Members.Select(m => (JsonNode?)m).ToArray());
                if (g.Extensions.Count > 0) o["extension"] = LocalExtension(g.Extensions[0]);
                groups.Add(o);
            }
            return new JsonObject { ["organisation"] = _tenant.OrganisationName, ["users"] = users, ["groups"] = groups };
        }
    }

    private static void AddLocalExtension(DirectoryObjectRecord owner, JsonObject source)
    {
        if (source["extension"] is not JsonObject ext)
            return;
        string name = Json.GetString(ext, "extensionName") ?? throw new InvalidDataException($"The extension of '{owner.Id}' has no extensionName.");
        owner.Extensions.Add(new ExtensionRecord { Name = name, Properties = Router.CustomProperties(ext) });
    }

    private static JsonObject LocalExtension(ExtensionRecord e)
    {
        var o = new JsonObject { ["extensionName"] = e.Name };
        foreach (var kv in e.Properties)
            o[kv.Key] = kv.Value?.DeepClone();
        return o;
    }

    // ---------------------------------------------------------------------------------------------- lifetime

    /// <summary>Stops listening: later connections are refused. The tenant state stays readable.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _app is null)
            return;
        await _app.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_app is not null)
            await _app.DisposeAsync().ConfigureAwait(false);
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _httpCount);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers)
            headers[h.Key] = h.Value.ToString();
        string? authorization = headers.TryGetValue("Authorization", out string? a) ? a : null;
        lock (_logSync)
        {
            _authorization.Enqueue(authorization);
            while (_authorization.Count > AuthorizationHistory)
                _authorization.Dequeue();
        }

        TimeSpan latency = Faults.Latency;
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, ctx.RequestAborted).ConfigureAwait(false);

        byte[] body;
        using (var ms = new MemoryStream())
        {
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
            body = ms.ToArray();
        }

        string target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString);
        GraphResponse response;
        if (target.StartsWith(Router.UploadPathPrefix, StringComparison.Ordinal))
            response = ExecuteUpload(ctx.Request.Method, target, headers, body, authorization);
        else if (target.StartsWith(Router.DownloadPathPrefix, StringComparison.Ordinal))
            response = ExecuteDownload(ctx.Request.Method, target, headers, authorization);
        else if (!(target.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase) || target.StartsWith("/v1.0?", StringComparison.Ordinal) || target == "/v1.0"))
        {
            string version = target.TrimStart('/').Split('/', '?')[0];
            response = Execute(ctx.Request.Method, target, headers, body, false, null, authorization,
                new GraphError(400, "BadRequest", $"Invalid version: {version}"));
        }
        else
        {
            string relative = target.Substring(5);
            if (relative.Length == 0 || relative[0] == '?')
                relative = "/" + relative;
            string pathOnly = relative.Split('?')[0].Trim('/');
            if ((pathOnly == "$batch" || pathOnly == "%24batch") && HttpMethods.IsPost(ctx.Request.Method))
                response = Faults.Unavailable ? Unavailable(headers)
                    : Faults.ThrottleBatchEnvelopes && ShouldThrottle("POST", "/$batch") ? ThrottledEnvelope(headers)
                    : ExecuteBatch(headers, body, authorization);
            else
                response = Execute(ctx.Request.Method, relative, headers, body, false, null, authorization);
        }
        await WriteAsync(ctx, response).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext ctx, GraphResponse response)
    {
        ctx.Response.StatusCode = response.Status;
        foreach (var h in response.Headers)
            ctx.Response.Headers[h.Key] = h.Value;
        byte[]? bytes = null;
        if (response.Json is not null)
        {
            ctx.Response.ContentType = "application/json";
            bytes = Json.Bytes(response.Json);
        }
        else if (response.Bytes is not null)
        {
            ctx.Response.ContentType = "application/octet-stream";
            bytes = response.Bytes;
        }
        else if (response.Text is not null)
        {
            ctx.Response.ContentType = "text/plain";
            bytes = Encoding.UTF8.GetBytes(response.Text);
        }
        if (bytes is not null)
        {
            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        }
    }

    private GraphResponse Unavailable(Dictionary<string, string> headers)
    {
        string requestId = Guid.NewGuid().ToString();
        string clientRequestId = headers.TryGetValue("client-request-id", out string? c) ? c : Guid.NewGuid().ToString();
        var resp = new GraphResponse
        {
            Status = 503,
            Json = Json.ErrorBody("serviceNotAvailable", "The service is temporarily unavailable. Please retry later.", requestId, clientRequestId, DateTimeOffset.UtcNow),
        };
        resp.Headers["request-id"] = requestId;
        resp.Headers["client-request-id"] = clientRequestId;
        return resp;
    }

    private GraphResponse ThrottledEnvelope(Dictionary<string, string> headers)
    {
        string requestId = Guid.NewGuid().ToString();
        string clientRequestId = headers.TryGetValue("client-request-id", out string? c) ? c : Guid.NewGuid().ToString();
        GraphError e = Throttled();
        var resp = new GraphResponse { Status = e.Status, Json = Json.ErrorBody(e.Code, e.Message, requestId, clientRequestId, DateTimeOffset.UtcNow, e.InnerExtra) };
        foreach (var h in e.Headers!)
            resp.Headers[h.Key] = h.Value;
        resp.Headers["request-id"] = requestId;
        resp.Headers["client-request-id"] = clientRequestId;
        return resp;
    }

    /// <summary>Runs one logical request: outage, throttling, routing, error shaping, ids, log.</summary>
    private GraphResponse Execute(string method, string pathAndQuery, Dictionary<string, string> headers, byte[]? body, bool inBatch,
        string? itemId, string? authorization, GraphError? preset = null)
    {
        Interlocked.Increment(ref _logicalCount);
        string requestId = Guid.NewGuid().ToString();
        string clientRequestId = headers.TryGetValue("client-request-id", out string? c) && c.Length > 0 ? c : Guid.NewGuid().ToString();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        GraphResponse response;
        try
        {
            if (preset is not null)
                throw preset;
            if (Faults.Unavailable)
                throw new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.");
            if (body is { Length: > MaxBodyBytes })
                throw new GraphError(413, "RequestEntityTooLarge", "The request body exceeds the maximum size of 4 MB.");
            (List<string> segments, QueryOptions query) = GraphRequest.ParseTarget(pathAndQuery);
            var request = new GraphRequest
            {
                Method = method.ToUpperInvariant(),
                Segments = segments,
                PathAndQuery = pathAndQuery,
                Query = query,
                Headers = headers,
                Body = body is { Length: > 0 } ? body : null,
                InBatch = inBatch,
                BatchItemId = itemId,
            };
            if (ShouldThrottle(request.Method, pathAndQuery))
                throw Throttled();
            if (Faults.InjectedError is { } injected && (injected.Filter is null || injected.Filter(request.Method, pathAndQuery)))
                response = injected.RawBody is null
                    ? throw new GraphError(injected.Status, injected.Code, injected.Message)
                    : new GraphResponse { Status = injected.Status, Text = injected.RawBody };
            else
                response = _router.Dispatch(request);
        }
        catch (GraphError e)
        {
            response = new GraphResponse { Status = e.Status, Json = Json.ErrorBody(e.Code, e.Message, requestId, clientRequestId, now, e.InnerExtra) };
            if (e.Headers is not null)
                foreach (var h in e.Headers)
                    response.Headers[h.Key] = h.Value;
        }
#pragma warning disable CA1031 // a fake server answers 500 rather than dropping the connection
        catch (Exception ex)
#pragma warning restore CA1031
        {
            response = new GraphResponse { Status = 500, Json = Json.ErrorBody("generalException", "Fake Graph internal error: " + ex, requestId, clientRequestId, now) };
        }
        response.Headers["request-id"] = requestId;
        response.Headers["client-request-id"] = clientRequestId;
        lock (_logSync)
            _log.Add(new RequestLogEntry(method.ToUpperInvariant(), pathAndQuery, response.Status, inBatch, itemId, authorization,
                new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase), now));
        return response;
    }

    /// <summary>A PUT to an upload session's pre-authenticated URL (outside /v1.0), shaped and logged like any request.</summary>
    private GraphResponse ExecuteUpload(string method, string target, Dictionary<string, string> headers, byte[] body, string? authorization)
    {
        Interlocked.Increment(ref _logicalCount);
        string requestId = Guid.NewGuid().ToString();
        string clientRequestId = headers.TryGetValue("client-request-id", out string? c) && c.Length > 0 ? c : Guid.NewGuid().ToString();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        GraphResponse response;
        try
        {
            string id = target.Substring(Router.UploadPathPrefix.Length).Split('?')[0];
            response = _router.Upload(id, method.ToUpperInvariant(), headers, body);
        }
        catch (GraphError e)
        {
            response = new GraphResponse { Status = e.Status, Json = Json.ErrorBody(e.Code, e.Message, requestId, clientRequestId, now, e.InnerExtra) };
        }
        response.Headers["request-id"] = requestId;
        response.Headers["client-request-id"] = clientRequestId;
        lock (_logSync)
            _log.Add(new RequestLogEntry(method.ToUpperInvariant(), target, response.Status, false, null, authorization,
                new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase), now));
        return response;
    }

    /// <summary>A GET of a pre-authenticated download URL (outside /v1.0; no Authorization needed), logged like any request.</summary>
    private GraphResponse ExecuteDownload(string method, string target, Dictionary<string, string> headers, string? authorization)
    {
        Interlocked.Increment(ref _logicalCount);
        string requestId = Guid.NewGuid().ToString();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        GraphResponse response;
        try
        {
            if (!HttpMethods.IsGet(method))
                throw new GraphError(405, "invalidRequest", "A download URL takes GET only.");
            response = _router.DownloadContent(target.Substring(Router.DownloadPathPrefix.Length).Split('?')[0]);
        }
        catch (GraphError e)
        {
            response = new GraphResponse { Status = e.Status, Json = Json.ErrorBody(e.Code, e.Message, requestId, requestId, now, e.InnerExtra) };
        }
        lock (_logSync)
            _log.Add(new RequestLogEntry(method.ToUpperInvariant(), target, response.Status, false, null, authorization,
                new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase), now));
        return response;
    }

    private bool ShouldThrottle(string method, string pathAndQuery)
    {
        Func<string, string, bool>? filter = Faults.ThrottleFilter;
        if (filter is not null && !filter(method, pathAndQuery))
            return false;
        if (Faults.TakeThrottleNext())
            return true;
        double rate = Faults.ThrottleRate;
        return rate > 0 && Faults.NextDouble() < rate;
    }

    private GraphError Throttled()
    {
        IReadOnlyList<int> codes = Faults.ThrottleStatusCodes;
        int status = codes[(Interlocked.Increment(ref _throttleCounter) - 1) % codes.Count];
        var headers = new Dictionary<string, string>();
        if (Faults.RetryAfterSeconds is { } seconds)
            headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return status switch
        {
            429 => new GraphError(429, "TooManyRequests", "Please retry again later.", headers,
                new JsonObject { ["code"] = "429", ["message"] = "Please retry after", ["status"] = "429" }),
            503 => new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.", headers),
            504 => new GraphError(504, "UnknownError", "The gateway timed out.", headers),
            _ => new GraphError(status, "generalException", "Injected fault.", headers),
        };
    }

    // ---------------------------------------------------------------------------------------------- $batch

    private sealed record BatchItem(string Id, string Method, string Url, Dictionary<string, string> Headers, byte[]? Body, List<string> DependsOn);

    private GraphResponse ExecuteBatch(Dictionary<string, string> headers, byte[] body, string? authorization)
    {
        string requestId = Guid.NewGuid().ToString();
        string clientRequestId = headers.TryGetValue("client-request-id", out string? c) && c.Length > 0 ? c : Guid.NewGuid().ToString();
        GraphResponse envelope;
        try
        {
            List<BatchItem> items = ParseBatch(body);
            var byId = items.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
            var results = new Dictionary<string, GraphResponse>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();

            void Run(BatchItem item)
            {
                if (results.ContainsKey(item.Id))
                    return;
                foreach (string dep in item.DependsOn)
                    Run(byId[dep]);
                string? failed = item.DependsOn.FirstOrDefault(d => !results[d].IsSuccess);
                string? auth = item.Headers.TryGetValue("Authorization", out string? ia) ? ia : authorization;
                GraphResponse r = failed is null
                    ? Execute(item.Method, item.Url, item.Headers, item.Body, true, item.Id, auth)
                    : Execute(item.Method, item.Url, item.Headers, item.Body, true, item.Id, auth,
                        new GraphError(424, "FailedDependency", $"The request it depends on ('{failed}') failed."));
                results[item.Id] = r;
                order.Add(item.Id);
            }

            foreach (BatchItem item in items)
                Run(item);

            List<string> answerOrder = items.Select(i => i.Id).ToList();
            if (Options.ShuffleBatchResponses)
                for (int i = answerOrder.Count - 1; i > 0; i--)
                {
                    int j = Faults.NextInt(i + 1);
                    (answerOrder[i], answerOrder[j]) = (answerOrder[j], answerOrder[i]);
                }
            var responses = new JsonArray();
            foreach (string id in answerOrder)
            {
                GraphResponse r = results[id];
                var itemHeaders = new JsonObject();
                foreach (var h in r.Headers)
                    if (!h.Key.Equals("request-id", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("client-request-id", StringComparison.OrdinalIgnoreCase))
                        itemHeaders[h.Key] = h.Value;
                var o = new JsonObject { ["id"] = byId[id].Id, ["status"] = r.Status };
                if (r.Json is not null)
                {
                    itemHeaders["Content-Type"] = "application/json";
                    o["headers"] = itemHeaders;
                    o["body"] = r.Json.DeepClone();
                }
                else if (r.Text is not null)
                {
                    itemHeaders["Content-Type"] = "text/plain";
                    o["headers"] = itemHeaders;
                    o["body"] = r.Text;
                }
                else
                    o["headers"] = itemHeaders;
                responses.Add(o);
            }
            envelope = GraphResponse.Ok(Faults.BatchWithoutResponses
                ? new JsonObject { ["value"] = new JsonArray() }
                : new JsonObject { ["responses"] = responses });
        }
        catch (GraphError e)
        {
            envelope = new GraphResponse { Status = e.Status, Json = Json.ErrorBody(e.Code, e.Message, requestId, clientRequestId, DateTimeOffset.UtcNow) };
        }
        envelope.Headers["request-id"] = requestId;
        envelope.Headers["client-request-id"] = clientRequestId;
        return envelope;
    }

    private static List<BatchItem> ParseBatch(byte[] body)
    {
        static GraphError Bad(string message) => new(400, "BadRequest", message);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject ?? throw Bad("Invalid batch payload format.");
        }
        catch (JsonException)
        {
            throw Bad("Invalid batch payload format.");
        }
        if (root["requests"] is not JsonArray requests)
            throw Bad("Invalid batch payload format: 'requests' is missing.");
        if (requests.Count == 0)
            throw Bad("Invalid batch payload format: 'requests' is empty.");
        if (requests.Count > 20)
            throw Bad($"The batch contains {requests.Count} requests; the maximum is 20.");
        var items = new List<BatchItem>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonNode? node in requests)
        {
            if (node is not JsonObject r)
                throw Bad("Invalid batch payload format.");
            string id = Json.GetString(r, "id") ?? throw Bad("Invalid batch payload format: a request has no 'id'.");
            if (!ids.Add(id))
                throw Bad($"Batch request ids must be unique: '{id}' appears more than once.");
            string method = Json.GetString(r, "method") ?? throw Bad($"Invalid batch payload format: request '{id}' has no 'method'.");
            string url = Json.GetString(r, "url") ?? throw Bad($"Invalid batch payload format: request '{id}' has no 'url'.");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (r["headers"] is JsonObject h)
                foreach (var kv in h)
                    headers[kv.Key] = kv.Value is JsonValue v && v.TryGetValue(out string? s) ? s : kv.Value?.ToJsonString() ?? "";
            byte[]? itemBody = null;
            if (r["body"] is { } b)
            {
                if (!headers.ContainsKey("Content-Type"))
                    throw Bad($"Request '{id}' has a body but no Content-Type header.");
                if (b is JsonValue sv && sv.TryGetValue(out string? text))
                {
                    try
                    {
                        itemBody = Convert.FromBase64String(text);
                    }
                    catch (FormatException)
                    {
                        itemBody = Encoding.UTF8.GetBytes(text);
                    }
                }
                else
                    itemBody = Json.Bytes(b);
            }
            var dependsOn = new List<string>();
            if (r["dependsOn"] is JsonArray deps)
                dependsOn.AddRange(deps.Select(d => d?.GetValue<string>() ?? ""));
            items.Add(new BatchItem(id, method.ToUpperInvariant(), NormaliseBatchUrl(url), headers, itemBody, dependsOn));
        }
        foreach (BatchItem item in items)
            foreach (string dep in item.DependsOn)
                if (!ids.Contains(dep))
                    throw Bad($"Request '{item.Id}' depends on '{dep}', which is not in the batch.");
        // cycles
        var state = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byId = items.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        void Visit(BatchItem i)
        {
            if (state.TryGetValue(i.Id, out int s))
            {
                if (s == 1)
                    throw Bad($"The dependsOn chain of request '{i.Id}' is circular.");
                return;
            }
            state[i.Id] = 1;
            foreach (string d in i.DependsOn)
                Visit(byId[d]);
            state[i.Id] = 2;
        }
        foreach (BatchItem i in items)
            Visit(i);
        return items;
    }

    private static string NormaliseBatchUrl(string url)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            int slash = url.IndexOf('/', url.IndexOf("//", StringComparison.Ordinal) + 2);
            url = slash < 0 ? "/" : url.Substring(slash);
        }
        if (!url.StartsWith('/'))
            url = "/" + url;
        if (url.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase))
            url = url.Substring(5);
        return UrlParsing.AsParsed(url);
    }
}
