using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>Routes one logical request to the tenant. Batch items come through here too.</summary>
internal sealed partial class Router
{
    private readonly Tenant _t;
    private readonly FakeGraphOptions _o;
    private readonly FakeGraphFaults _f;
    private readonly Func<string> _baseUrl;
    private readonly Func<DateTimeOffset> _clock;

    public Router(Tenant tenant, FakeGraphOptions options, FakeGraphFaults faults, Func<string> baseUrl, Func<DateTimeOffset> clock)
    {
        _t = tenant;
        _o = options;
        _f = faults;
        _baseUrl = baseUrl;
        _clock = clock;
    }

    private string Base => _baseUrl();

    public GraphResponse Dispatch(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count == 0)
            throw new GraphError(400, "BadRequest", "Invalid request: no resource named.");
        lock (_t.Sync)
        {
            return Lower(s[0]) switch
            {
                "users" => Users(r),
                "groups" => Groups(r),
                "directoryobjects" => DirectoryObjects(r),
                "serviceprincipals" => ServicePrincipals(r, null),
                "organization" => Organization(r),
                "sites" => Sites(r),
                "drives" => Drives(r),
                "me" => throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow."),
                "$batch" => throw new GraphError(400, "BadRequest", "A $batch request cannot be nested in a batch."),
                _ when s[0].StartsWith("servicePrincipals(", StringComparison.OrdinalIgnoreCase) => ServicePrincipals(r, s[0]),
                _ => throw SegmentNotFound(s[0]),
            };
        }
    }

    private static string Lower(string s) => s.ToLowerInvariant();
    private static GraphError SegmentNotFound(string seg) => new(400, "BadRequest", $"Resource not found for the segment '{seg}'.");
    private static GraphError MethodNotAllowed() => new(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
    private static bool Is(GraphRequest r, string method) => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase);

    // ------------------------------------------------------------------------------------------------ users

    private GraphResponse Users(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count == 1)
            return Is(r, "GET") ? ListUsers(r) : throw MethodNotAllowed();
        if (s[1] == "$count")
            return Is(r, "GET") ? CountOf(r, FilterUsers(r, _t.Users).Count) : throw MethodNotAllowed();
        UserRecord? u = _t.FindUser(s[1]);
        if (s.Count >= 3 && Lower(s[2]) is "sendmail" or "microsoft.graph.sendmail")
            return s.Count == 3 && Is(r, "POST") ? SendMail(r, s[1], u) : throw MethodNotAllowed();
        if (u is null)
            throw GraphError.NotFound(s[1]);
        if (s.Count == 2)
        {
            if (!Is(r, "GET"))
                throw MethodNotAllowed();
            List<string> select = Select(r.Query["$select"], UserProps, "microsoft.graph.user") ?? UserDefault.ToList();
            DeniedSelect(select);
            JsonObject o = RenderUser(u, select, Expand(r.Query["$expand"], "microsoft.graph.user", UserExpands), false);
            o.Insert(0, "@odata.context", Context("users", r.Query["$select"] is null ? null : select, entity: true));
            return GraphResponse.Ok(o);
        }
        switch (Lower(s[2]))
        {
            case "manager":
                return Manager(r, u);
            case "memberof":
            {
                if (!Is(r, "GET") || s.Count > 4)
                    throw MethodNotAllowed();
                var groups = _t.Groups.Where(g => !g.IsDeleted && g.Members.Contains(u.Id, StringComparer.OrdinalIgnoreCase)).ToList();
                bool cast = s.Count == 4 && CastSet(s[3]) == "groups";
                if (s.Count == 4 && !cast)
                    throw SegmentNotFound(s[3]);
                return ObjectPage(r, groups.Cast<DirectoryObjectRecord>().ToList(), cast ? "groups" : "directoryObjects");
            }
            case "extensions":
                return Extensions(r, u, "users", s.Skip(3).ToList());
            case "authentication":
                return AuthenticationMethods(r, u, s);
            case "messages":
                return Messages(r, u);
            case "mailfolders":
                return MailFolders(r, u);                                     // Router.Inbox.cs
            default:
                throw SegmentNotFound(s[2]);
        }
    }

    /// <summary>Issue 15: 403s for properties the tenant's licence or the app's permissions do not cover.</summary>
    private void DeniedSelect(IReadOnlyList<string> select)
    {
        if (_f.TenantWithoutPremium && select.Contains("signInActivity"))
            throw new GraphError(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license");
        if (_f.LifecycleInfoDenied && select.Contains("employeeLeaveDateTime"))
            throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }

    /// <summary><c>GET /users/{id}/authentication/methods</c>: the user's methods (authenticationMethod subtypes with <c>@odata.type</c> and <c>id</c>).</summary>
    private GraphResponse AuthenticationMethods(GraphRequest r, UserRecord u, IReadOnlyList<string> s)
    {
        if (s.Count != 4 || Lower(s[3]) != "methods")
            throw SegmentNotFound(s.Count > 3 ? s[3] : s[2]);
        if (!Is(r, "GET"))
            throw MethodNotAllowed();
        if (_f.AuthenticationMethodsDenied)
            throw new GraphError(403, "accessDenied", "Request Authorization failed");
        var value = new JsonArray();
        foreach (string m in u.AuthenticationMethods)
            value.Add(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph." + m + "AuthenticationMethod",
                ["id"] = m == "password" ? "28c10230-6103-485e-b985-444c60001490" : Guid.NewGuid().ToString(),
            });
        return GraphResponse.Ok(new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#users('{u.Id}')/authentication/methods",
            ["value"] = value,
        });
    }

    private GraphResponse ListUsers(GraphRequest r)
    {
        CheckCollectionOptions(r);
        List<UserRecord> users = FilterUsers(r, _t.Users);
        users = Order(r, users, UserOrderKeys);
        List<string>? selected = Select(r.Query["$select"], UserProps, "microsoft.graph.user");
        DeniedSelect(selected ?? new List<string>());
        List<string> select = selected ?? UserDefault.ToList();
        List<ExpandItem> expand = Expand(r.Query["$expand"], "microsoft.graph.user", UserExpands);
        int cap = expand.Count > 0 ? _o.ExpandedUsersPageCap : 999;
        return Page(r, users, u => RenderUser(u, select, expand, false), Context("users", selected), cap);
    }

    private List<UserRecord> FilterUsers(GraphRequest r, IEnumerable<UserRecord> source)
    {
        bool advanced = Advanced(r);
        IEnumerable<UserRecord> q = source;
        if (r.Query["$filter"] is { } f)
        {
            var pred = FilterParser.Parse(f, "User", "microsoft.graph.user", UserFilterRules, advanced, _o.MaxFilterClauses);
            q = q.Where(u => pred(p => UserFilterValue(u, p)));
        }
        if (r.Query["$search"] is { } search)
        {
            var pred = Search(r, search);
            q = q.Where(u => pred(p => UserFilterValue(u, p) as string));
        }
        return q.ToList();
    }

    private GraphResponse Manager(GraphRequest r, UserRecord u)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count == 3)
        {
            if (!Is(r, "GET"))
                throw MethodNotAllowed();
            UserRecord m = (u.ManagerId is null ? null : _t.FindUser(u.ManagerId))
                ?? throw GraphError.NotFound("manager");
            List<string> select = Select(r.Query["$select"], UserProps, "microsoft.graph.user") ?? UserDefault.ToList();
            JsonObject o = RenderUser(m, select, new List<ExpandItem>(), true);
            o.Insert(0, "@odata.context", Base + "/$metadata#directoryObjects/$entity");
            return GraphResponse.Ok(o);
        }
        if (s.Count == 4 && s[3] == "$ref")
        {
            if (Is(r, "PUT"))
            {
                string id = RefId(r.BodyObject());
                UserRecord m = _t.UsersById.TryGetValue(id, out UserRecord? found) ? found : throw GraphError.NotFound(id);
                u.ManagerId = m.Id;
                return GraphResponse.NoContent();
            }
            if (Is(r, "DELETE"))
            {
                if (u.ManagerId is null)
                    throw GraphError.NotFound("manager");
                u.ManagerId = null;
                return GraphResponse.NoContent();
            }
            if (Is(r, "GET"))
            {
                UserRecord m = (u.ManagerId is null ? null : _t.FindUser(u.ManagerId)) ?? throw GraphError.NotFound("manager");
                return GraphResponse.Ok(new JsonObject
                {
                    ["@odata.context"] = Base + "/$metadata#directoryObjects/$ref",
                    ["@odata.id"] = $"{Base}/directoryObjects/{m.Id}/Microsoft.DirectoryServices.User",
                });
            }
            throw MethodNotAllowed();
        }
        throw SegmentNotFound(s[^1]);
    }

    // ------------------------------------------------------------------------------------------------ groups

    private GraphResponse Groups(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count == 1)
        {
            if (Is(r, "GET"))
                return ListGroups(r);
            if (Is(r, "POST"))
                return CreateGroup(r);
            throw MethodNotAllowed();
        }
        if (s[1] == "$count")
            return Is(r, "GET") ? CountOf(r, FilterGroups(r).Count) : throw MethodNotAllowed();
        if (Lower(s[1]) is "delta" or "delta()" or "microsoft.graph.delta" or "microsoft.graph.delta()")
            return s.Count == 2 && Is(r, "GET") ? Delta(r) : throw MethodNotAllowed();

        string id = s[1];
        if (s.Count == 2)
        {
            GroupRecord g = GroupById(id);
            if (Is(r, "GET"))
            {
                List<string> select = Select(r.Query["$select"], GroupProps, "microsoft.graph.group") ?? GroupDefault.ToList();
                JsonObject o = RenderGroup(g, select, Expand(r.Query["$expand"], "microsoft.graph.group", GroupExpands), false);
                o.Insert(0, "@odata.context", Context("groups", r.Query["$select"] is null ? null : select, entity: true));
                return GraphResponse.Ok(o);
            }
            if (Is(r, "PATCH"))
                return PatchGroup(r, g);
            if (Is(r, "DELETE"))
            {
                g.DeletedDateTime = _clock();
                g.ChangedSeq = _t.NextSeq();
                return GraphResponse.NoContent();
            }
            throw MethodNotAllowed();
        }
        switch (Lower(s[2]))
        {
            case "members":
            case "owners":
                return Relationship(r, id, Lower(s[2]));
            case "transitivemembers":
                return TransitiveMembers(r, id);
            case "extensions":
                return Extensions(r, GroupById(id), "groups", s.Skip(3).ToList());
            default:
                GroupById(id);
                throw SegmentNotFound(s[2]);
        }
    }

    /// <summary>A live group by id, counting a request against its replication-lag window.</summary>
    private GroupRecord GroupById(string id, bool memberAdd = false)
    {
        _t.GroupsById.TryGetValue(id, out GroupRecord? g);
        if (g is { IsDeleted: false } && !g.IsReplicatedById(_clock()))
        {
            if (memberAdd && _f.ReplicationLagMemberAddReturns400)
                throw GraphError.BadRequest("The source resource object or one of the objects being referenced do not exist.");
            throw GraphError.NotFound(id);
        }
        if (g is { IsDeleted: false, LagRemaining: > 0 })
        {
            g.LagRemaining--;
            if (memberAdd && _f.ReplicationLagMemberAddReturns400)
                throw GraphError.BadRequest("The source resource object or one of the objects being referenced do not exist.");
            throw GraphError.NotFound(id);
        }
        return g is { IsDeleted: false } ? g : throw GraphError.NotFound(id);
    }

    private GraphResponse ListGroups(GraphRequest r)
    {
        CheckCollectionOptions(r);
        List<GroupRecord> groups = Order(r, FilterGroups(r), GroupOrderKeys);
        List<string>? selected = Select(r.Query["$select"], GroupProps, "microsoft.graph.group");
        List<string> select = selected ?? GroupDefault.ToList();
        List<ExpandItem> expand = Expand(r.Query["$expand"], "microsoft.graph.group", GroupExpands);
        return Page(r, groups, g => RenderGroup(g, select, expand, false), Context("groups", selected), 999);
    }

    private List<GroupRecord> FilterGroups(GraphRequest r)
    {
        DateTimeOffset now = _clock();
        IEnumerable<GroupRecord> q = _t.Groups.Where(g => !g.IsDeleted && g.IsReplicated(now));
        if (r.Query["$filter"] is { } f)
        {
            var pred = FilterParser.Parse(f, "Group", "microsoft.graph.group", GroupFilterRules, Advanced(r), _o.MaxFilterClauses);
            q = q.Where(g => pred(p => GroupFilterValue(g, p)));
        }
        if (r.Query["$search"] is { } search)
        {
            var pred = Search(r, search);
            q = q.Where(g => pred(p => GroupFilterValue(g, p) as string));
        }
        return q.ToList();
    }

    private GraphResponse CreateGroup(GraphRequest r)
    {
        JsonObject b = r.BodyObject();
        CheckWritableKeys(b, GroupWritable, "microsoft.graph.group");
        string displayName = RequiredString(b, "displayName", 256);
        string nickname = RequiredString(b, "mailNickname", 64);
        if (nickname.Any(c => c > 127 || c <= ' ' || "@()\\[]\";:.<>,".IndexOf(c) >= 0))
            throw InvalidProperty("mailNickname");
        bool mailEnabled = RequiredBool(b, "mailEnabled");
        bool securityEnabled = RequiredBool(b, "securityEnabled");
        string? description = OptionalString(b, "description", 1024);
        List<string> groupTypes = OptionalStrings(b, "groupTypes");
        string? visibility = OptionalString(b, "visibility", 64);
        (List<DirectoryObjectRecord> members, List<DirectoryObjectRecord> owners) = Binds(b);

        var g = new GroupRecord
        {
            Id = Guid.NewGuid().ToString(),
            DisplayName = displayName,
            MailNickname = nickname,
            MailEnabled = mailEnabled,
            SecurityEnabled = securityEnabled,
            Description = description,
            GroupTypes = groupTypes,
            Visibility = visibility ?? (groupTypes.Contains("Unified", StringComparer.OrdinalIgnoreCase) ? "Public" : "Private"),
            CreatedDateTime = _clock(),
        };
        foreach (DirectoryObjectRecord m in members)
            if (!g.Members.Contains(m.Id))
                g.Members.Add(m.Id);
        foreach (DirectoryObjectRecord o in owners)
            if (!g.Owners.Contains(o.Id))
                g.Owners.Add(o.Id);
        _t.AddGroup(g);
        g.LagRemaining = Math.Max(0, _f.ReplicationLagReads);
        if (_f.ReplicationLag > TimeSpan.Zero)
            g.ReplicatedAt = g.CreatedDateTime + _f.ReplicationLag;
        if (_f.ReplicationLagById is { } byId && byId > TimeSpan.Zero)
            g.ReplicatedByIdAt = g.CreatedDateTime + byId;
        JsonObject body = RenderGroup(g, GroupDefault.ToList(), new List<ExpandItem>(), false);
        body.Insert(0, "@odata.context", Base + "/$metadata#groups/$entity");
        var resp = GraphResponse.Created(body);
        resp.Headers["Location"] = $"{Base}/directoryObjects/{g.Id}/Microsoft.DirectoryServices.Group";
        return resp;
    }

    private GraphResponse PatchGroup(GraphRequest r, GroupRecord g)
    {
        JsonObject b = r.BodyObject();
        CheckWritableKeys(b, GroupWritable, "microsoft.graph.group");
        // Validate everything first: the update is all or nothing.
        string? displayName = b.ContainsKey("displayName") ? RequiredString(b, "displayName", 256) : null;
        string? nickname = b.ContainsKey("mailNickname") ? RequiredString(b, "mailNickname", 64) : null;
        if (nickname is not null && nickname.Any(c => c > 127 || c <= ' ' || "@()\\[]\";:.<>,".IndexOf(c) >= 0))
            throw InvalidProperty("mailNickname");
        bool? mailEnabled = b.ContainsKey("mailEnabled") ? RequiredBool(b, "mailEnabled") : null;
        bool? securityEnabled = b.ContainsKey("securityEnabled") ? RequiredBool(b, "securityEnabled") : null;
        bool hasDescription = b.ContainsKey("description");
        string? description = OptionalString(b, "description", 1024);
        string? visibility = OptionalString(b, "visibility", 64);
        List<string>? groupTypes = b.ContainsKey("groupTypes") ? OptionalStrings(b, "groupTypes") : null;
        (List<DirectoryObjectRecord> members, List<DirectoryObjectRecord> owners) = Binds(b);
        if (members.Count > 0)
            RefuseMailEnabledMembership(g);
        if (members.Any(m => g.Members.Contains(m.Id, StringComparer.OrdinalIgnoreCase)))
            throw AlreadyExists("members");
        if (owners.Any(o => g.Owners.Contains(o.Id, StringComparer.OrdinalIgnoreCase)))
            throw AlreadyExists("owners");

        bool changed = false;
        if (displayName is not null) { g.DisplayName = displayName; changed = true; }
        if (nickname is not null) { g.MailNickname = nickname; changed = true; }
        if (mailEnabled is not null) { g.MailEnabled = mailEnabled.Value; changed = true; }
        if (securityEnabled is not null) { g.SecurityEnabled = securityEnabled.Value; changed = true; }
        if (hasDescription) { g.Description = description; changed = true; }
        if (visibility is not null) { g.Visibility = visibility; changed = true; }
        if (groupTypes is not null) { g.GroupTypes = groupTypes; changed = true; }
        foreach (DirectoryObjectRecord m in members.DistinctBy(m => m.Id))
            _t.AddMember(g, m.Id);
        foreach (DirectoryObjectRecord o in owners.DistinctBy(o => o.Id))
            g.Owners.Add(o.Id);
        if (changed)
            g.ChangedSeq = _t.NextSeq();
        return GraphResponse.NoContent();
    }

    private (List<DirectoryObjectRecord> Members, List<DirectoryObjectRecord> Owners) Binds(JsonObject b)
    {
        List<string> memberRefs = BindList(b, "members@odata.bind");
        List<string> ownerRefs = BindList(b, "owners@odata.bind");
        if (memberRefs.Count + ownerRefs.Count > 20)
            throw GraphError.BadRequest("A resource cannot contain more than 20 link changes");
        var members = memberRefs.Select(u => ResolveRef(u)).ToList();
        var owners = ownerRefs.Select(u => ResolveRef(u)).ToList();
        if (owners.Any(o => o is GroupRecord))
            throw GraphError.BadRequest("Invalid object type for property 'owners': groups cannot own groups.");
        return (members, owners);
    }

    private static List<string> BindList(JsonObject b, string key)
    {
        if (!Json.TryGet(b, key, out JsonNode? node) || node is null)
            return new List<string>();
        if (node is not JsonArray arr)
            throw GraphError.BadRequest($"Invalid value specified for property '{key}'; an array of object URLs is expected.");
        return arr.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw GraphError.BadRequest($"Invalid value in '{key}'.")).ToList();
    }

    private DirectoryObjectRecord ResolveRef(string url)
    {
        string id = ParseRefUrl(url) ?? throw GraphError.BadRequest($"Invalid object identifier '{url}'.");
        return _t.FindObject(id) ?? throw GraphError.NotFound(id);
    }

    /// <summary>The object id at the end of an <c>@odata.id</c>/<c>@odata.bind</c> URL (directoryObjects, users, groups, servicePrincipals).</summary>
    internal static string? ParseRefUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return null;
        string path = Uri.TryCreate(url, UriKind.Absolute, out Uri? abs) ? abs.AbsolutePath : url.Split('?')[0];
        var segs = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(GraphRequest.Unescape).ToList();
        if (segs.Count == 0)
            return null;
        Match m = Regex.Match(segs[^1], @"^(directoryObjects|users|groups|servicePrincipals)\('([^']+)'\)$", RegexOptions.IgnoreCase);
        if (m.Success)
            return m.Groups[2].Value;
        if (segs.Count >= 2 && Lower(segs[^2]) is "directoryobjects" or "users" or "groups" or "serviceprincipals" or "devices" or "contacts")
            return segs[^1];
        return null;
    }

    private static string RefId(JsonObject body)
    {
        string url = Json.GetString(body, "@odata.id")
            ?? throw GraphError.BadRequest("The request body must contain '@odata.id' with the URL of the object to reference.");
        return ParseRefUrl(url) ?? throw GraphError.BadRequest($"Invalid object identifier '{url}'.");
    }

    private static GraphError AlreadyExists(string property) =>
        GraphError.BadRequest($"One or more added object references already exist for the following modified properties: '{property}'.");

    private GraphResponse Relationship(GraphRequest r, string groupId, string relation)
    {
        IReadOnlyList<string> s = r.Segments;
        bool isMembers = relation == "members";
        if (s.Count == 4 && s[3] == "$ref")
        {
            if (Is(r, "POST"))
            {
                GroupRecord g = GroupById(groupId, memberAdd: true);
                if (isMembers)
                    RefuseMailEnabledMembership(g);
                string id = RefId(r.BodyObject());
                DirectoryObjectRecord obj = _t.FindObject(id) ?? throw GraphError.NotFound(id);
                List<string> list = isMembers ? g.Members : g.Owners;
                if (list.Contains(obj.Id, StringComparer.OrdinalIgnoreCase))
                    throw AlreadyExists(relation);
                if (!isMembers && obj is GroupRecord)
                    throw GraphError.BadRequest("Invalid object type for property 'owners': groups cannot own groups.");
                if (isMembers)
                    _t.AddMember(g, obj.Id);
                else
                    g.Owners.Add(obj.Id);
                return GraphResponse.NoContent();
            }
            if (Is(r, "DELETE"))
            {
                GroupRecord g = GroupById(groupId);
                if (isMembers)
                    RefuseMailEnabledMembership(g);
                string url = r.Query["@id"] ?? throw GraphError.BadRequest("The '@id' query parameter with the URL of the object to remove is required.");
                string id = ParseRefUrl(url) ?? throw GraphError.BadRequest($"Invalid object identifier '{url}'.");
                return RemoveRelation(g, id, isMembers);
            }
            if (Is(r, "GET"))
            {
                GroupRecord g = GroupById(groupId);
                var objs = (isMembers ? g.Members : g.Owners).Select(_t.FindObject).OfType<DirectoryObjectRecord>().ToList();
                return Page(r, objs, o => new JsonObject { ["@odata.id"] = $"{Base}/directoryObjects/{o.Id}/Microsoft.DirectoryServices.{o.ODataType.Substring(17, 1).ToUpperInvariant()}{o.ODataType.Substring(18)}" },
                    Base + "/$metadata#directoryObjects", 999);
            }
            throw MethodNotAllowed();
        }
        if (s.Count == 5 && s[4] == "$ref")
        {
            if (!Is(r, "DELETE"))
                throw MethodNotAllowed();
            GroupRecord target = GroupById(groupId);
            if (isMembers)
                RefuseMailEnabledMembership(target);
            return RemoveRelation(target, s[3], isMembers);
        }
        GroupRecord group = GroupById(groupId);
        if (s.Count == 3)
            return Is(r, "GET") ? ObjectPage(r, Related(group, isMembers), "directoryObjects") : throw MethodNotAllowed();
        if (s.Count == 4 && s[3] == "$count")
            return Is(r, "GET") ? CountOf(r, Related(group, isMembers).Count) : throw MethodNotAllowed();
        string? cast = CastSet(s[3]);
        if (cast is not null)
        {
            var objs = Related(group, isMembers).Where(o => CollectionOf(o) == cast).ToList();
            if (s.Count == 5 && s[4] == "$count")
                return Is(r, "GET") ? CountOf(r, objs.Count) : throw MethodNotAllowed();
            if (s.Count != 4 || !Is(r, "GET"))
                throw MethodNotAllowed();
            return ObjectPage(r, objs, cast);
        }
        if (s.Count == 5 && CastSet(s[4]) is { } itemCast && Is(r, "GET"))
        {
            DirectoryObjectRecord o = Related(group, isMembers).FirstOrDefault(x => string.Equals(x.Id, s[3], StringComparison.OrdinalIgnoreCase) && CollectionOf(x) == itemCast)
                ?? throw GraphError.NotFound(s[3]);
            JsonObject json = RenderObject(o, Select(r.Query["$select"], AllObjectProps, "microsoft.graph.directoryObject"));
            json.Insert(0, "@odata.context", $"{Base}/$metadata#{itemCast}/$entity");
            return GraphResponse.Ok(json);
        }
        if (s.Count == 4)
        {
            if (Is(r, "DELETE"))
                throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            if (Is(r, "GET"))
            {
                DirectoryObjectRecord o = Related(group, isMembers).FirstOrDefault(x => string.Equals(x.Id, s[3], StringComparison.OrdinalIgnoreCase))
                    ?? throw GraphError.NotFound(s[3]);
                JsonObject json = RenderObject(o, Select(r.Query["$select"], AllObjectProps, "microsoft.graph.directoryObject"));
                json.Insert(0, "@odata.context", Base + "/$metadata#directoryObjects/$entity");
                return GraphResponse.Ok(json);
            }
            throw MethodNotAllowed();
        }
        throw SegmentNotFound(s[^1]);
    }

    private GraphResponse RemoveRelation(GroupRecord g, string id, bool isMembers)
    {
        bool removed = isMembers ? _t.RemoveMember(g, id) : g.Owners.RemoveAll(o => string.Equals(o, id, StringComparison.OrdinalIgnoreCase)) > 0;
        return removed ? GraphResponse.NoContent() : throw GraphError.NotFound(id);
    }

    private List<DirectoryObjectRecord> Related(GroupRecord g, bool members) =>
        (members ? g.Members : g.Owners).Select(_t.FindObject).OfType<DirectoryObjectRecord>().ToList();

    /// <summary>An OData type cast segment (the SDK sends <c>graph.user</c>, docs show <c>microsoft.graph.user</c>) → entity set.</summary>
    private static string? CastSet(string segment) => Lower(segment) switch
    {
        "microsoft.graph.user" or "graph.user" => "users",
        "microsoft.graph.group" or "graph.group" => "groups",
        "microsoft.graph.serviceprincipal" or "graph.serviceprincipal" => "servicePrincipals",
        _ => null,
    };

    private static string CollectionOf(DirectoryObjectRecord o) => o switch
    {
        UserRecord => "users",
        GroupRecord => "groups",
        _ => "servicePrincipals",
    };

    /// <summary>A page of directory objects, each with <c>@odata.type</c>; <paramref name="set"/> narrows the selectable properties.</summary>
    private GraphResponse ObjectPage(GraphRequest r, List<DirectoryObjectRecord> objs, string set)
    {
        CheckCollectionOptions(r);
        string[] props = set switch { "users" => UserProps, "groups" => GroupProps, "servicePrincipals" => ServicePrincipalProps, _ => AllObjectProps };
        string typeName = set switch { "users" => "microsoft.graph.user", "groups" => "microsoft.graph.group", "servicePrincipals" => "microsoft.graph.servicePrincipal", _ => "microsoft.graph.directoryObject" };
        if (r.Query["$filter"] is { } f)
        {
            IEnumerable<FilterRule> rules = set switch { "users" => UserFilterRules, "groups" => GroupFilterRules, _ => new[] { new FilterRule("id", "eq in") } };
            var pred = FilterParser.Parse(f, set == "groups" ? "Group" : set == "users" ? "User" : "DirectoryObject", typeName, rules, Advanced(r), _o.MaxFilterClauses);
            objs = objs.Where(o => pred(p => o switch
            {
                UserRecord u => UserFilterValue(u, p),
                GroupRecord g => GroupFilterValue(g, p),
                _ => p == "id" ? o.Id : null,
            })).ToList();
        }
        List<string>? select = Select(r.Query["$select"], props, typeName);
        if (r.Query["$expand"] is { Length: > 0 } ex)
            throw new GraphError(400, "BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{ex}' on type '{typeName}'.");
        return Page(r, objs, o => RenderObject(o, select), Context(set, select), 999);
    }

    // ------------------------------------------------------------------------------------------------ extensions

    private GraphResponse Extensions(GraphRequest r, DirectoryObjectRecord owner, string set, List<string> rest)
    {
        string context = $"{Base}/$metadata#{set}('{owner.Id}')/extensions";
        if (rest.Count == 0)
        {
            if (Is(r, "GET"))
                return GraphResponse.Ok(new JsonObject
                {
                    ["@odata.context"] = context,
                    ["value"] = new JsonArray(owner.Extensions.Select(e => (JsonNode?)RenderExtension(e)).ToArray()),
                });
            if (!Is(r, "POST"))
                throw MethodNotAllowed();
            JsonObject b = r.BodyObject();
            string? type = Json.GetString(b, "@odata.type");
            if (type is null || !type.TrimStart('#').Equals("microsoft.graph.openTypeExtension", StringComparison.OrdinalIgnoreCase))
                throw new GraphError(400, "BadRequest", "An open extension must be created with \"@odata.type\": \"#microsoft.graph.openTypeExtension\".");
            string name = Json.GetString(b, "extensionName") is { Length: > 0 } n ? n : throw GraphError.BadRequest("Invalid value specified for property 'extensionName' of resource 'OpenTypeExtension'.");
            if (owner.FindExtension(name) is not null)
                throw GraphError.BadRequest("An extension already exists with given id.");
            var ext = new ExtensionRecord { Name = name, Properties = CustomProperties(b) };
            owner.Extensions.Add(ext);
            TouchOwner(owner);
            JsonObject body = RenderExtension(ext);
            body.Insert(0, "@odata.context", context + "/$entity");
            return GraphResponse.Created(body);
        }
        if (rest.Count > 1)
            throw SegmentNotFound(rest[1]);
        ExtensionRecord found = owner.FindExtension(rest[0]) ?? throw GraphError.NotFound(rest[0]);
        if (Is(r, "GET"))
        {
            JsonObject body = RenderExtension(found);
            body.Insert(0, "@odata.context", context + "/$entity");
            return GraphResponse.Ok(body);
        }
        if (Is(r, "PATCH"))
        {
            JsonObject b = r.BodyObject();
            found.Properties = CustomProperties(b); // PATCH replaces the whole custom property set
            TouchOwner(owner);
            return GraphResponse.NoContent();
        }
        if (Is(r, "DELETE"))
        {
            owner.Extensions.Remove(found);
            TouchOwner(owner);
            return GraphResponse.NoContent();
        }
        throw MethodNotAllowed();
    }

    private void TouchOwner(DirectoryObjectRecord owner)
    {
        if (owner is GroupRecord g)
            g.ChangedSeq = _t.NextSeq();
    }

    internal static JsonObject CustomProperties(JsonObject body)
    {
        var props = new JsonObject();
        foreach (var kv in body)
        {
            if (kv.Key.StartsWith('@') || kv.Key.Equals("extensionName", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("id", StringComparison.OrdinalIgnoreCase))
                continue;
            props[kv.Key] = kv.Value?.DeepClone();
        }
        return props;
    }

    internal static JsonObject RenderExtension(ExtensionRecord e)
    {
        var o = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.openTypeExtension",
            ["extensionName"] = e.Name,
            ["id"] = e.Name,
        };
        foreach (var kv in e.Properties)
            o[kv.Key] = kv.Value?.DeepClone();
        return o;
    }

    // ------------------------------------------------------------------------------------------------ other resources

    private GraphResponse DirectoryObjects(GraphRequest r)
    {
        IReadOnlyList<string> s = r.Segments;
        if (s.Count == 2 && Lower(s[1]) is "getbyids" or "microsoft.graph.getbyids")
        {
            if (!Is(r, "POST"))
                throw MethodNotAllowed();
            JsonObject b = r.BodyObject();
            List<string> ids = BindList(b, "ids");
            if (ids.Count > 1000)
                throw GraphError.BadRequest("The number of ids in the request exceeds the maximum of 1000.");
            List<string> types = BindList(b, "types").Select(t => Lower(t).Replace("microsoft.graph.", "", StringComparison.Ordinal)).ToList();
            var found = ids.Select(_t.FindObject).OfType<DirectoryObjectRecord>()
                .Where(o => types.Count == 0 || types.Contains(Lower(o.ODataType.Substring(17))))
                .Select(o => (JsonNode?)RenderObject(o, null)).ToArray();
            return GraphResponse.Ok(new JsonObject { ["@odata.context"] = Base + "/$metadata#directoryObjects", ["value"] = new JsonArray(found) });
        }
        if (s.Count == 2)
        {
            if (!Is(r, "GET"))
                throw MethodNotAllowed();
            DirectoryObjectRecord o = _t.FindObject(s[1]) ?? throw GraphError.NotFound(s[1]);
            if (o is GroupRecord g)
                GroupById(g.Id);
            JsonObject json = RenderObject(o, Select(r.Query["$select"], AllObjectProps, "microsoft.graph.directoryObject"));
            json.Insert(0, "@odata.context", Base + "/$metadata#directoryObjects/$entity");
            return GraphResponse.Ok(json);
        }
        throw SegmentNotFound(s.Count > 1 ? s[^1] : s[0]);
    }

    private GraphResponse ServicePrincipals(GraphRequest r, string? keySegment)
    {
        if (!Is(r, "GET"))
            throw MethodNotAllowed();
        IReadOnlyList<string> s = r.Segments;
        if (keySegment is not null)
        {
            Match m = Regex.Match(keySegment, @"^servicePrincipals\(appId='([^']*)'\)$", RegexOptions.IgnoreCase);
            string appId = m.Success ? m.Groups[1].Value : throw SegmentNotFound(keySegment);
            ServicePrincipalRecord sp = _t.ServicePrincipals.Values.FirstOrDefault(x => string.Equals(x.AppId, appId, StringComparison.OrdinalIgnoreCase))
                ?? throw GraphError.NotFound(appId);
            JsonObject json = RenderObject(sp, Select(r.Query["$select"], ServicePrincipalProps, "microsoft.graph.servicePrincipal"));
            json.Insert(0, "@odata.context", Base + "/$metadata#servicePrincipals/$entity");
            return GraphResponse.Ok(json);
        }
        if (s.Count == 1)
        {
            var all = _t.ServicePrincipals.Values.ToList();
            if (r.Query["$filter"] is { } f)
            {
                var pred = FilterParser.Parse(f, "ServicePrincipal", "microsoft.graph.servicePrincipal",
                    new[] { new FilterRule("id", "eq in"), new FilterRule("appId", "eq in"), new FilterRule("displayName", "eq in startswith") }, Advanced(r), _o.MaxFilterClauses);
                all = all.Where(sp => pred(p => p switch { "id" => sp.Id, "appId" => sp.AppId, "displayName" => sp.DisplayName, _ => null })).ToList();
            }
            List<string>? select = Select(r.Query["$select"], ServicePrincipalProps, "microsoft.graph.servicePrincipal");
            return Page(r, all, sp => RenderObject(sp, select, includeType: false), Context("servicePrincipals", select), 999);
        }
        if (s.Count == 2)
        {
            ServicePrincipalRecord sp = _t.ServicePrincipals.TryGetValue(s[1], out ServicePrincipalRecord? x) ? x : throw GraphError.NotFound(s[1]);
            JsonObject json = RenderObject(sp, Select(r.Query["$select"], ServicePrincipalProps, "microsoft.graph.servicePrincipal"), includeType: false);
            json.Insert(0, "@odata.context", Base + "/$metadata#servicePrincipals/$entity");
            return GraphResponse.Ok(json);
        }
        throw SegmentNotFound(s[^1]);
    }

    private GraphResponse Organization(GraphRequest r)
    {
        if (!Is(r, "GET") || r.Segments.Count > 2)
            throw MethodNotAllowed();
        string domain = _t.Users.Select(u => u.UserPrincipalName.Split('@').Last()).FirstOrDefault(d => d.Length > 0) ?? "fake.onmicrosoft.com";
        var org = new JsonObject
        {
            ["id"] = _o.TenantId,
            ["displayName"] = _t.OrganisationName,
            ["tenantType"] = "AAD",
            ["verifiedDomains"] = new JsonArray(new JsonObject
            {
                ["capabilities"] = "Email, OfficeCommunicationsOnline",
                ["isDefault"] = true,
                ["isInitial"] = true,
                ["name"] = domain,
                ["type"] = "Managed",
            }),
        };
        if (r.Segments.Count == 2)
        {
            if (!string.Equals(r.Segments[1], _o.TenantId, StringComparison.OrdinalIgnoreCase))
                throw GraphError.NotFound(r.Segments[1]);
            org.Insert(0, "@odata.context", Base + "/$metadata#organization/$entity");
            return GraphResponse.Ok(org);
        }
        return GraphResponse.Ok(new JsonObject { ["@odata.context"] = Base + "/$metadata#organization", ["value"] = new JsonArray(org) });
    }

    // ------------------------------------------------------------------------------------------------ sendMail

    private GraphResponse SendMail(GraphRequest r, string requestedAs, UserRecord? u)
    {
        if (u is null)
            throw new GraphError(404, "ErrorInvalidUser", $"The requested user '{requestedAs}' is invalid.");
        if (string.IsNullOrEmpty(u.Mail))
            throw new GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        if (r.Header("Content-Type") is { } type && type.TrimStart().StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            return SendMime(r, u);
        JsonObject b = r.BodyObject();
        if (!Json.TryGet(b, "message", out JsonNode? mn) || mn is not JsonObject message)
            throw new GraphError(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.");
        bool save = true;
        if (Json.TryGet(b, "saveToSentItems", out JsonNode? sn) && sn is JsonValue sv)
            save = sv.TryGetValue(out bool bv) ? bv : sv.TryGetValue(out string? ss) && bool.TryParse(ss, out bool pb) ? pb : throw new GraphError(400, "ErrorInvalidParameter", "Invalid value for 'SaveToSentItems'.");

        string? subject = Json.GetString(message, "subject");
        string? contentType = null, content = null;
        if (Json.TryGet(message, "body", out JsonNode? bn) && bn is JsonObject body)
        {
            contentType = Json.GetString(body, "contentType");
            content = Json.GetString(body, "content");
            if (contentType is not null && !contentType.Equals("html", StringComparison.OrdinalIgnoreCase) && !contentType.Equals("text", StringComparison.OrdinalIgnoreCase))
                throw new GraphError(400, "RequestBodyRead", $"Requested value '{contentType}' was not found.");
        }
        List<MailRecipient> to = Recipients(message, "toRecipients"), cc = Recipients(message, "ccRecipients"), bcc = Recipients(message, "bccRecipients");
        if (to.Count + cc.Count + bcc.Count == 0)
            throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        var attachments = new List<MailAttachment>();
        if (Json.TryGet(message, "attachments", out JsonNode? an) && an is JsonArray arr)
        {
            foreach (JsonObject a in arr.OfType<JsonObject>())
            {
                string? bytes = Json.GetString(a, "contentBytes");
                byte[] data;
                try
                {
                    data = bytes is null ? Array.Empty<byte>() : Convert.FromBase64String(bytes);
                }
                catch (FormatException)
                {
                    throw new GraphError(400, "ErrorInvalidParameter", "The attachment's contentBytes is not a valid base64 string.");
                }
                attachments.Add(new MailAttachment(Json.GetString(a, "@odata.type"), Json.GetString(a, "name"), Json.GetString(a, "contentType"), data));
            }
        }
        _t.SentMail.Add(new SentMail(u.Id, u.UserPrincipalName, subject, contentType, content, to, cc, bcc, attachments, save, (JsonObject)b.DeepClone(), _clock()));
        return GraphResponse.Accepted();
    }

    /// <summary>
    /// "Send a message in MIME format": <c>Content-Type: text/plain</c>, the body the base64-encoded MIME message.
    /// Recorded in the JSON form's shape (parsed with MimeKit), saved to Sent Items as Graph does by default.
    /// </summary>
    private GraphResponse SendMime(GraphRequest r, UserRecord u)
    {
        byte[] mime;
        try
        {
            string encoded = r.Body is null ? "" : Encoding.ASCII.GetString(r.Body).Trim();
            mime = encoded.Length == 0 ? throw new FormatException() : Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
        }
        MimeKit.MimeMessage message;
        try
        {
            using var stream = new System.IO.MemoryStream(mime);
            message = MimeKit.MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            // Graph's exact answer to base64 that is not a message is not documented; this is the fake's.
            throw new GraphError(400, "ErrorMimeContentInvalid", "The MIME content is not a valid message.");
        }
        List<MailRecipient> to = MimeRecipients(message.To), cc = MimeRecipients(message.Cc), bcc = MimeRecipients(message.Bcc);
        if (to.Count + cc.Count + bcc.Count == 0)
            throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        var attachments = new List<MailAttachment>();
        foreach (MimeKit.MimeEntity entity in message.Attachments)
        {
            using var data = new System.IO.MemoryStream();
            if (entity is MimeKit.MimePart part)
                part.Content?.DecodeTo(data);
            else if (entity is MimeKit.MessagePart attached)
                attached.Message?.WriteTo(data);
            attachments.Add(new MailAttachment(entity is MimeKit.MessagePart ? "#microsoft.graph.itemAttachment" : "#microsoft.graph.fileAttachment",
                (entity as MimeKit.MimePart)?.FileName ?? entity.ContentDisposition?.FileName, entity.ContentType.MimeType, data.ToArray()));
        }
        string? html = message.HtmlBody, text = message.TextBody;
        _t.SentMail.Add(new SentMail(u.Id, u.UserPrincipalName, message.Subject, html is not null ? "html" : text is not null ? "text" : null, html ?? text,
            to, cc, bcc, attachments, true, new JsonObject(), _clock())
        {
            TextBody = text,
            Mime = Encoding.UTF8.GetString(mime),
        });
        return GraphResponse.Accepted();
    }

    private static List<MailRecipient> MimeRecipients(MimeKit.InternetAddressList list)
    {
        var result = new List<MailRecipient>();
        foreach (MimeKit.MailboxAddress m in list.Mailboxes)
        {
            if (string.IsNullOrWhiteSpace(m.Address) || !m.Address.Contains('@'))
                throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient '" + m.Address + "' isn't resolved. All recipients must be resolved before a message can be submitted.");
            result.Add(new MailRecipient(m.Address, string.IsNullOrEmpty(m.Name) ? null : m.Name));
        }
        return result;
    }

    private static List<MailRecipient> Recipients(JsonObject message, string key)
    {
        var list = new List<MailRecipient>();
        if (!Json.TryGet(message, key, out JsonNode? n) || n is not JsonArray arr)
            return list;
        foreach (JsonNode? item in arr)
        {
            JsonObject? email = item is JsonObject io && Json.TryGet(io, "emailAddress", out JsonNode? e) ? e as JsonObject : null;
            string? address = email is null ? null : Json.GetString(email, "address");
            if (string.IsNullOrWhiteSpace(address) || !address.Contains('@'))
                throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient '" + (address ?? "") + "' isn't resolved. All recipients must be resolved before a message can be submitted.");
            list.Add(new MailRecipient(address, Json.GetString(email!, "name")));
        }
        return list;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static bool Advanced(GraphRequest r) => r.Eventual && (r.Query.CountRequested || r.Query.Has("$search"));

    private static void CheckCollectionOptions(GraphRequest r)
    {
        if (r.Query.Has("$skip"))
            throw GraphError.BadRequest("'$skip' is not supported by the service.");
        if (r.Query.Has("$search") && !r.Eventual)
            throw GraphError.Unsupported("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
        if (r.Query.Has("$orderby") && r.Query.Has("$filter") && !Advanced(r))
            throw GraphError.Unsupported("Sorting not supported for current query.");
    }

    private static GraphResponse CountOf(GraphRequest r, int count)
    {
        if (!r.Eventual)
            throw GraphError.BadRequest("$count is not currently supported.");
        var resp = new GraphResponse { Status = 200, Text = count.ToString(CultureInfo.InvariantCulture) };
        return resp;
    }

    private static List<T> Order<T>(GraphRequest r, List<T> items, Dictionary<string, Func<T, string?>> keys)
    {
        if (r.Query["$orderby"] is not { } orderBy)
            return items;
        string[] parts = orderBy.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2 || !keys.TryGetValue(parts[0], out var key))
            throw GraphError.Unsupported($"Order by '{orderBy}' is not supported.");
        bool desc = parts.Length == 2 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        return desc ? items.OrderByDescending(key, StringComparer.OrdinalIgnoreCase).ToList() : items.OrderBy(key, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static Func<Func<string, string?>, bool> Search(GraphRequest r, string search)
    {
        if (!r.Eventual)
            throw GraphError.Unsupported("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
        var clauses = Regex.Matches(search, "\"([^\":]+):([^\"]*)\"|\\b(AND|OR)\\b");
        var terms = new List<(string Prop, string Term)>();
        var ops = new List<string>();
        foreach (Match m in clauses)
        {
            if (m.Groups[3].Success)
                ops.Add(m.Groups[3].Value);
            else
                terms.Add((m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim()));
        }
        if (terms.Count == 0)
            throw GraphError.BadRequest("Syntax error: the $search value must be in the form \"property:term\".");
        return get =>
        {
            bool Match((string Prop, string Term) t) => get(t.Prop) is { } v && v.Contains(t.Term, StringComparison.OrdinalIgnoreCase);
            bool result = Match(terms[0]);
            for (int i = 1; i < terms.Count; i++)
            {
                bool next = Match(terms[i]);
                result = i - 1 < ops.Count && ops[i - 1].Equals("OR", StringComparison.OrdinalIgnoreCase) ? result || next : result && next;
            }
            return result;
        };
    }

    private GraphResponse Page<T>(GraphRequest r, IReadOnlyList<T> all, Func<T, JsonObject> render, string context, int cap)
    {
        int size = _o.DefaultPageSize;
        if (r.Query["$top"] is { } top)
        {
            if (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 999)
                throw GraphError.Unsupported($"Invalid page size specified: '{top}'. Must be between 1 and 999 inclusive.");
            size = n;
        }
        size = Math.Min(size, cap);
        int offset = r.Query["$skiptoken"] is { } token ? DecodeSkipToken(token) : 0;
        var o = new JsonObject { ["@odata.context"] = context };
        if (r.Query.CountRequested && r.Eventual && offset == 0)
            o["@odata.count"] = all.Count;
        if (offset + size < all.Count)
            o["@odata.nextLink"] = NextLink(r, "$skiptoken", EncodeSkipToken(offset + size));
        o["value"] = new JsonArray(all.Skip(offset).Take(size).Select(x => (JsonNode?)render(x)).ToArray());
        return GraphResponse.Ok(o);
    }

    /// <summary>An absolute link to the same resource with the same options, one replaced.</summary>
    private string NextLink(GraphRequest r, string tokenName, string tokenValue, params string[] drop)
    {
        var sb = new StringBuilder(Base);
        foreach (string seg in r.Segments)
            sb.Append('/').Append(Uri.EscapeDataString(seg).Replace("%24", "$", StringComparison.Ordinal).Replace("%28", "(", StringComparison.Ordinal).Replace("%29", ")", StringComparison.Ordinal));
        char sep = '?';
        foreach (var kv in r.Query.All)
        {
            if (kv.Key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("$deltatoken", StringComparison.OrdinalIgnoreCase)
                || drop.Contains(kv.Key, StringComparer.OrdinalIgnoreCase))
                continue;
            sb.Append(sep).Append(kv.Key).Append('=').Append(Uri.EscapeDataString(kv.Value));
            sep = '&';
        }
        sb.Append(sep).Append(tokenName).Append('=').Append(Uri.EscapeDataString(tokenValue));
        return sb.ToString();
    }

    private static string EncodeSkipToken(int offset) =>
        "RFNwdAIA" + Convert.ToBase64String(Encoding.UTF8.GetBytes("hwfake-offset:" + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int DecodeSkipToken(string token)
    {
        try
        {
            if (token.StartsWith("RFNwdAIA", StringComparison.Ordinal))
            {
                string b64 = token.Substring(8).Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                string text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                if (text.StartsWith("hwfake-offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(14), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    return n;
            }
        }
        catch (FormatException)
        {
        }
        throw GraphError.BadRequest("The specified page token value has expired and can no longer be included in your request.");
    }

    private string Context(string set, IReadOnlyList<string>? select, bool entity = false) =>
        $"{Base}/$metadata#{set}{(select is null ? "" : "(" + string.Join(",", select) + ")")}{(entity ? "/$entity" : "")}";

    private static void CheckWritableKeys(JsonObject b, string[] writable, string typeName)
    {
        foreach (var kv in b)
        {
            if (kv.Key.StartsWith('@') || kv.Key.EndsWith("@odata.bind", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!writable.Contains(kv.Key, StringComparer.Ordinal))
                throw new GraphError(400, "BadRequest", $"Property '{kv.Key}' does not exist on type '{typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.");
        }
        foreach (var kv in b)
            if (kv.Key.EndsWith("@odata.bind", StringComparison.OrdinalIgnoreCase) && Lower(kv.Key) is not ("members@odata.bind" or "owners@odata.bind"))
                throw new GraphError(400, "BadRequest", $"Property '{kv.Key.Split('@')[0]}' does not exist on type '{typeName}'.");
    }

    private static GraphError InvalidProperty(string property) =>
        GraphError.BadRequest($"Invalid value specified for property '{property}' of resource 'Group'.");

    private static string RequiredString(JsonObject b, string key, int max)
    {
        string? v = b.TryGetPropertyValue(key, out JsonNode? n) && n is JsonValue jv && jv.TryGetValue(out string? s) ? s : null;
        if (string.IsNullOrWhiteSpace(v) || v.Length > max)
            throw InvalidProperty(key);
        return v;
    }

    private static string? OptionalString(JsonObject b, string key, int max)
    {
        if (!b.TryGetPropertyValue(key, out JsonNode? n) || n is null)
            return null;
        if (n is not JsonValue jv || !jv.TryGetValue(out string? s) || s.Length > max)
            throw InvalidProperty(key);
        return s;
    }

    private static bool RequiredBool(JsonObject b, string key) =>
        b.TryGetPropertyValue(key, out JsonNode? n) && n is JsonValue jv && jv.TryGetValue(out bool v) ? v : throw InvalidProperty(key);

    private static List<string> OptionalStrings(JsonObject b, string key)
    {
        if (!b.TryGetPropertyValue(key, out JsonNode? n) || n is null)
            return new List<string>();
        if (n is not JsonArray arr)
            throw InvalidProperty(key);
        return arr.Select(x => x is JsonValue v && v.TryGetValue(out string? s) ? s : throw InvalidProperty(key)).ToList();
    }
}
