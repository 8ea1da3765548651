using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The directory port on Microsoft Graph v1.0 (Microsoft.Graph SDK 6). Reads in bulk (paging followed, $batch of
/// 20, $select only what the policy needs); membership through members/$ref, with "already a member" and
/// "not a member" as the no-ops they are; throttling retried by the SDK's RetryHandler for single requests and,
/// for $batch items (which the SDK does not retry), by resubmitting just those items after their Retry-After.
/// Replication lag is ridden out only in the write path that created the group.
/// </summary>
public sealed class GraphDirectory : IDirectory, IMailCapableDirectory, IPosterFactsDirectory, IInboxCapableDirectory
{
    internal static readonly string[] UserSelect = { "id", "displayName", "userPrincipalName", "mail", "accountEnabled", "employeeType", "userType", "jobTitle" };
    private static readonly string[] s_groupSelect = { "id", "displayName", "description", "mailNickname", "groupTypes", "mailEnabled", "securityEnabled" };
    private const int IdsPerFilter = 15;        // Graph's limit on values in an 'in' filter
    private const int MaxBatchRounds = 6;

    private readonly GraphServiceClient _client;
    private readonly GraphConnectionOptions _options;
    private readonly string _directoryObjectsBase;
    /// <summary>Groups this connection created that Graph may not show yet (replication lag): tracked until a list has
    /// shown the group and a read by its id has succeeded, the two lagging independently (docs/decisions/0101).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RecentGroup> _recent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A group this connection created: its name, and which of Graph's views have shown it so far.</summary>
    private sealed class RecentGroup
    {
        public RecentGroup(string name) => Name = name;
        public string Name { get; }
        public volatile bool Listed;
        public volatile bool ReadById;
    }

    /// <summary>The directory behind <paramref name="client"/>, with <paramref name="options"/>' endpoint and replication-lag retries. Makes no request yet.</summary>
    public GraphDirectory(GraphServiceClient client, GraphConnectionOptions options)
    {
        _client = client;
        _options = options;
        _directoryObjectsBase = options.GraphEndpoint.ToString().TrimEnd('/') + "/directoryObjects/";
        Description = options.Describe();
    }

    /// <summary>The SDK client (the shared state store uses the same one).</summary>
    internal GraphServiceClient Client => _client;

    /// <summary><c>graph: &lt;tenant&gt;</c>, for Get-HwConnection and the journal.</summary>
    public string Description { get; }

    /// <summary>Review and report mail, sent through Graph sendMail as one mailbox (Mail.Send scoped to it).</summary>
    public IMailer CreateMailer(string fromMailbox) => new GraphMailer(_client, fromMailbox);

    /// <summary>The review mailbox's inbox, for decisions by mail (Mail.ReadWrite scoped to it; docs/decisions/0200).</summary>
    public IReviewInbox OpenInbox(string mailbox) => new GraphInbox(_client, mailbox);

    // ---------- users ----------

    /// <summary>One light read that proves the connection and the permission to read users.</summary>
    internal void GetUsersPage1() => Run("read users (connection check)", null, ct =>
        _client.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Select = new[] { "id" };
            rc.QueryParameters.Top = 1;
        }, ct));

    /// <summary>Every user: <c>GET /users</c> with <c>$select</c> of the fields the policy needs, paged through <c>PageIterator</c>.</summary>
    public IReadOnlyList<DirectoryUser> GetUsers() => Run("list users", null, async ct =>
    {
        var users = new List<User>();
        UserCollectionResponse? page = await _client.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Select = UserSelect;
            rc.QueryParameters.Expand = new[] { "manager" };
            rc.QueryParameters.Top = 999;
        }, ct).ConfigureAwait(false);
        await Pages<User, UserCollectionResponse>(page, users.Add, ct).ConfigureAwait(false);

        var extensions = new Dictionary<string, JsonObject?>(StringComparer.OrdinalIgnoreCase);
        UserCollectionResponse? extPage = await _client.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Select = new[] { "id" };
            rc.QueryParameters.Expand = new[] { "extensions" };
            rc.QueryParameters.Top = 999;
        }, ct).ConfigureAwait(false);
        await Pages<User, UserCollectionResponse>(extPage, u => extensions[u.Id!] = OurExtension(u.Extensions), ct).ConfigureAwait(false);
        return users.Select(u => ToUser(u, extensions.TryGetValue(u.Id!, out JsonObject? e) ? e : null)).ToList();
    });

    /// <summary>The users with the given object ids and user principal names (missing ones left out): <c>id in (…)</c> and <c>userPrincipalName in (…)</c> filters of 15, sent in <c>$batch</c>es of 20.</summary>
    public IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null) => Run("read users", null, async ct =>
    {
        // 15 values to an 'in' filter (Graph's limit); the names become more filters in the same $batch round trips.
        IEnumerable<string> filters = Chunk(ids.Distinct(StringComparer.OrdinalIgnoreCase), IdsPerFilter)
            .Select(chunk => "id in (" + string.Join(",", chunk.Select(Literal)) + ")")
            .Concat(Chunk((userPrincipalNames ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase), IdsPerFilter)
                .Select(chunk => "userPrincipalName in (" + string.Join(",", chunk.Select(Literal)) + ")"));
        var requests = new List<RequestInformation>();
        foreach (string filter in filters)
        {
            requests.Add(_client.Users.ToGetRequestInformation(rc =>
            {
                rc.QueryParameters.Filter = filter;
                rc.QueryParameters.Select = UserSelect;
                rc.QueryParameters.Expand = new[] { "manager" };
                rc.QueryParameters.Top = IdsPerFilter;
            }));
            requests.Add(_client.Users.ToGetRequestInformation(rc =>
            {
                rc.QueryParameters.Filter = filter;
                rc.QueryParameters.Select = new[] { "id" };
                rc.QueryParameters.Expand = new[] { "extensions" };
                rc.QueryParameters.Top = IdsPerFilter;
            }));
        }
        List<UserCollectionResponse> responses = await BatchAsync<UserCollectionResponse>(requests, "read users", ct).ConfigureAwait(false);
        var users = new Dictionary<string, User>(StringComparer.OrdinalIgnoreCase);
        var extensions = new Dictionary<string, JsonObject?>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < responses.Count; i += 2)
        {
            foreach (User u in responses[i].Value ?? new List<User>())
                users[u.Id!] = u;
            foreach (User u in responses[i + 1].Value ?? new List<User>())
                extensions[u.Id!] = OurExtension(u.Extensions);
        }
        return users.Values.Select(u => ToUser(u, extensions.TryGetValue(u.Id!, out JsonObject? e) ? e : null)).ToList();
    });

    /// <summary>A user by object id or user principal name, or null on 404: one <c>$batch</c> of <c>GET /users/{idOrName}?$expand=manager</c> and the user's <c>extensions</c>.</summary>
    public DirectoryUser? FindUser(string idOrName) => !GraphUrls.CanName(idOrName) ? null : Run("find a user", idOrName, async ct =>
    {
        // The user (with manager) and their extensions in one $batch round trip.
        var content = new BatchRequestContentCollection(_client);
        await content.AddBatchRequestStepAsync(GraphUrls.ForBatch(_client.Users[idOrName].ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Select = UserSelect;
            rc.QueryParameters.Expand = new[] { "manager" };
        })), "user").ConfigureAwait(false);
        await content.AddBatchRequestStepAsync(GraphUrls.ForBatch(_client.Users[idOrName].Extensions.ToGetRequestInformation()), "extensions").ConfigureAwait(false);
        BatchReplyHeaders.Box reply = BatchReplyHeaders.Capture();
        BatchResponseContentCollection response = await _client.Batch.PostAsync(content, ct).ConfigureAwait(false);
        Dictionary<string, HttpStatusCode> statuses = await StatusesAsync(response, new[] { "user", "extensions" }, "find a user", idOrName, reply.Headers).ConfigureAwait(false);
        int userStatus = (int)statuses["user"], extStatus = (int)statuses["extensions"];
        if (userStatus is >= 200 and < 300 && extStatus is >= 200 and < 300)
        {
            User found = (await response.GetResponseByIdAsync<User>("user").ConfigureAwait(false))!;
            ExtensionCollectionResponse? ext = await response.GetResponseByIdAsync<ExtensionCollectionResponse>("extensions").ConfigureAwait(false);
            return ToUser(found, OurExtension(ext?.Value));
        }
        if (userStatus is not (404 or 400))
            return await FindUserOneByOneAsync(idOrName, ct).ConfigureAwait(false); // throttled items: the SDK's RetryHandler, request by request
        if (!idOrName.Contains("@"))
            return null;
        UserCollectionResponse? byMail = await _client.Users.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "mail eq " + Literal(idOrName);
            rc.QueryParameters.Select = UserSelect;
            rc.QueryParameters.Expand = new[] { "manager" };
        }, ct).ConfigureAwait(false);
        User? user = byMail?.Value?.FirstOrDefault();
        if (user is null)
            return null;
        ExtensionCollectionResponse? extensions = await _client.Users[user.Id].Extensions.GetAsync(cancellationToken: ct).ConfigureAwait(false);
        return ToUser(user, OurExtension(extensions?.Value));
    });

    private async Task<DirectoryUser?> FindUserOneByOneAsync(string idOrName, CancellationToken ct)
    {
        User? user;
        try
        {
            user = await _client.Users[idOrName].GetAsync(rc =>
            {
                rc.QueryParameters.Select = UserSelect;
                rc.QueryParameters.Expand = new[] { "manager" };
            }, ct).ConfigureAwait(false);
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound) || GraphErrors.IsStatus(e, HttpStatusCode.BadRequest))
        {
            return null;
        }
        if (user is null)
            return null;
        ExtensionCollectionResponse? ext = await _client.Users[user.Id].Extensions.GetAsync(cancellationToken: ct).ConfigureAwait(false);
        return ToUser(user, OurExtension(ext?.Value));
    }

    /// <summary>Replaces the module's open extension on the user: <c>PATCH /users/{id}/extensions/{name}</c>, or <c>POST</c> when it is absent (404).</summary>
    public void SetUserExtension(string userId, JsonObject extension) =>
        Run("write the user's acknowledgement record", NameableUser(userId), ct =>
            NotFoundAs(ErrorIds.UserNotFound, "write the user's acknowledgement record", userId, () => PutExtensionAsync(_client.Users[userId].Extensions, extension, ct)));

    // ---------- groups ----------

    /// <summary>The licence error Graph answers (403) for <c>signInActivity</c> in a tenant without Entra ID P1/P2
    /// (microsoftgraph/microsoft-graph-docs #12772, #14120; shared/design/graph-facts-2026-11.md section 6).</summary>
    internal const string NonPremiumTenantCode = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

    /// <summary>
    /// Issue 15: each poster's <c>employeeLeaveDateTime</c> (<c>GET /users/{id}?$select=id,employeeLeaveDateTime</c>;
    /// User-LifeCycleInfo.Read.All), registered authentication methods (<c>GET /users/{id}/authentication/methods</c>;
    /// UserAuthenticationMethod.Read.All) and last sign-in (<c>GET /users/{id}?$select=id,signInActivity</c>; AuditLog.Read.All
    /// and Entra ID P1/P2): one <c>$batch</c> step per user and facet, 20 a round trip, like the other user reads. A facet
    /// Graph answers 403 is "not evaluated" with Graph's code (the licence error: "needs Entra ID P1"); a user answered
    /// 404 is left out. Any other failure is an error as usual.
    /// </summary>
    public PosterFacts ReadPosterFacts(IReadOnlyCollection<string> userIds, PosterFactKinds kinds)
    {
        List<string> ids = userIds.Where(GraphUrls.CanName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var leave = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var mfa = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var signIns = new Dictionary<string, DateTimeOffset?>(StringComparer.OrdinalIgnoreCase);
        string? leaveWhy = PosterFacts.NotAsked, mfaWhy = PosterFacts.NotAsked, signInWhy = PosterFacts.NotAsked;
        if ((kinds & PosterFactKinds.LeaveDate) != 0)
            leaveWhy = Facet("read leave dates", "User-LifeCycleInfo.Read.All", () =>
            {
                List<User?> users = Run("read leave dates", null, ct => BatchAsync<User>(ids.Select(id => _client.Users[id].ToGetRequestInformation(rc =>
                    rc.QueryParameters.Select = new[] { "id", "employeeLeaveDateTime" })).ToList(), "read leave dates", ct, _ => false, notFoundIsNull: true));
                foreach (User? u in users)
                    if (u?.Id is { } id && u.EmployeeLeaveDateTime is { } at)
                        leave[id] = at.ToUniversalTime();
            });
        if ((kinds & PosterFactKinds.Mfa) != 0)
            mfaWhy = Facet("read authentication methods", "UserAuthenticationMethod.Read.All", () =>
            {
                List<AuthenticationMethodCollectionResponse?> pages = Run("read authentication methods", null, ct => BatchAsync<AuthenticationMethodCollectionResponse>(
                    ids.Select(id => _client.Users[id].Authentication.Methods.ToGetRequestInformation()).ToList(), "read authentication methods", ct, _ => false, notFoundIsNull: true));
                for (int i = 0; i < ids.Count; i++)
                    if (pages[i] is { } page)
                        mfa[ids[i]] = (page.Value ?? new List<AuthenticationMethod>())
                            .Select(m => (m.OdataType ?? "").Replace("#microsoft.graph.", "").Replace("AuthenticationMethod", ""))
                            .Where(t => t.Length > 0 && !string.Equals(t, "password", StringComparison.OrdinalIgnoreCase)).ToList();
            });
        if ((kinds & PosterFactKinds.SignIn) != 0)
            signInWhy = Facet("read sign-in activity", "AuditLog.Read.All", () =>
            {
                List<User?> users = Run("read sign-in activity", null, ct => BatchAsync<User>(ids.Select(id => _client.Users[id].ToGetRequestInformation(rc =>
                    rc.QueryParameters.Select = new[] { "id", "signInActivity" })).ToList(), "read sign-in activity", ct, _ => false, notFoundIsNull: true));
                foreach (User? u in users)
                    if (u?.Id is { } id)
                        signIns[id] = u.SignInActivity?.LastSignInDateTime?.ToUniversalTime();
            });
        return new PosterFacts(leave, leaveWhy, mfa, mfaWhy, signIns, signInWhy);
    }

    /// <summary>Runs one facet's read; a 403 makes it "not evaluated" (with why), anything else is thrown.</summary>
    private static string? Facet(string what, string permission, Action read)
    {
        try
        {
            read();
            return null;
        }
        catch (GraphRequestException e) when (e.Status == 403)
        {
            return string.Equals(e.Code, NonPremiumTenantCode, StringComparison.OrdinalIgnoreCase)
                ? $"needs Entra ID P1 (Graph answered 403 {e.Code}: the tenant has no premium licence)"
                : $"Graph answered 403 {e.Code} to {what}: the connection's app needs {permission}";
        }
    }

    /// <summary>Every group whose display name starts with <paramref name="displayNamePrefix"/>, with members and register extension: <c>GET /groups?$filter=startswith(displayName,…)&amp;$expand=extensions</c>, then the members in <c>$batch</c>es.</summary>
    public IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix) => Run("list posting groups", displayNamePrefix, async ct =>
    {
        var groups = new List<Group>();
        GroupCollectionResponse? page = await _client.Groups.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = $"startswith(displayName,{Literal(displayNamePrefix)})";
            rc.QueryParameters.Select = s_groupSelect;
            rc.QueryParameters.Expand = new[] { "extensions" };
            rc.QueryParameters.Top = 999;
        }, ct).ConfigureAwait(false);
        await Pages<Group, GroupCollectionResponse>(page, groups.Add, ct).ConfigureAwait(false);
        groups.AddRange(await RecentGroupsMissingFromAsync(groups, displayNamePrefix, ct).ConfigureAwait(false));
        Dictionary<string, Membership> members = await MembershipAsync(groups.Select(g => g.Id!).ToList(), ct).ConfigureAwait(false);
        // a group this connection just created that still answered 404 by id when the lag budget ran out is left out, not a failure
        return groups.Where(g => g.DisplayName?.StartsWith(displayNamePrefix, StringComparison.OrdinalIgnoreCase) == true && members.ContainsKey(g.Id!))
            .Select(g => ToGroup(g, members[g.Id!])).ToList();
    });

    /// <summary>A group with its members and register extension, or null on 404: <c>GET /groups/{id}?$expand=extensions</c> and its <c>members</c>.</summary>
    public DirectoryGroup? GetGroup(string groupId) => !GraphUrls.CanName(groupId) ? null : Run("read a group", groupId, async ct =>
    {
        Group? g;
        try
        {
            g = await AfterLagAsync(groupId, () => _client.Groups[groupId].GetAsync(rc =>
            {
                rc.QueryParameters.Select = s_groupSelect;
                rc.QueryParameters.Expand = new[] { "extensions" };
            }, ct), ct).ConfigureAwait(false);
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
        {
            return null;
        }
        if (g is null)
            return null;
        ReadById(groupId);
        Dictionary<string, Membership> members = await MembershipAsync(new List<string> { g.Id! }, ct).ConfigureAwait(false);
        return members.TryGetValue(g.Id!, out Membership? m) ? ToGroup(g, m) : null;
    });

    /// <summary>Creates the security group (<c>POST /groups</c>), rides out replication lag, then writes <paramref name="extension"/>; when the extension cannot be written the group is deleted again (both or neither).</summary>
    public DirectoryGroup CreateGroup(NewGroup group, JsonObject extension) => Run("create the posting group", group.DisplayName, async ct =>
    {
        Group created = (await _client.Groups.PostAsync(new Group
        {
            DisplayName = group.DisplayName,
            Description = group.Description,
            MailEnabled = false,
            MailNickname = group.MailNickname,
            SecurityEnabled = true,
            GroupTypes = new List<string>(),
        }, cancellationToken: ct).ConfigureAwait(false))!;
        try
        {
            // A group created a moment ago can answer 404: ride out replication lag here, and only here.
            await RideOutLagAsync(() => _client.Groups[created.Id].Extensions.PostAsync(ToOpenExtension(extension), cancellationToken: ct), ct).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Register entry and group together, or neither: take the group away again.
            try
            {
                await RideOutLagAsync(() => _client.Groups[created.Id].DeleteAsync(cancellationToken: ct), ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // the original failure is the one to report; a leftover group without entry is found by RegisterIntegrity
            }
            throw;
        }
        _recent[created.Id!] = new RecentGroup(created.DisplayName ?? group.DisplayName);
        return ToGroup(created, new List<string>(), extension);
    });

    /// <summary>Replaces the register entry on the group: <c>PATCH /groups/{id}/extensions/{name}</c>, or <c>POST</c> when it is absent (404).</summary>
    public void SetGroupExtension(string groupId, JsonObject extension) =>
        Run("write the register entry", NameableGroup(groupId), ct =>
            NotFoundAs(ErrorIds.GroupNotFound, "write the register entry", groupId,
                () => AfterLagAsync(groupId, () => PutExtensionAsync(_client.Groups[groupId].Extensions, extension, ct), ct)));

    /// <summary>Adds the user: <c>POST /groups/{id}/members/$ref</c>. False when they were already a member (no change).</summary>
    public bool AddMember(string groupId, string userId) => AddMemberCore(NameableGroup(groupId), NameableUser(userId));

    private bool AddMemberCore(string groupId, string userId) => Run("add a poster to the posting group", userId, async ct =>
    {
        try
        {
            await AfterLagAsync(groupId, () => _client.Groups[groupId].Members.Ref.PostAsync(new ReferenceCreate { OdataId = _directoryObjectsBase + GraphUrls.Segment(userId) },
                cancellationToken: ct), ct).ConfigureAwait(false);
            return true;
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.BadRequest) && GraphErrors.Mentions(e, "already exist"))
        {
            return false; // already a member: the no-op the domain expects
        }
        catch (ODataError e) when (IsMailEnabledRefusal(e))
        {
            throw NotManageable(e, "add a poster to the posting group", groupId);
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
        {
            // The port's own ids, so callers handle both adapters alike; Graph's request id is kept in the message.
            bool group = GraphErrors.Mentions(e, "'" + groupId + "'"); // "Resource '<id>' does not exist …": the id as quoted, not inside another
            GraphRequestException g = GraphErrors.From(e, "add a poster to the posting group", group ? groupId : userId);
            throw new GraphRequestException(group ? ErrorIds.GroupNotFound : ErrorIds.UserNotFound, g.Message,
                group ? groupId : userId, g.RequestId, g.Status, g.Code, e, g.GraphMessage, g.ClientRequestId);
        }
    });

    /// <summary>Removes the user: <c>DELETE /groups/{id}/members/{userId}/$ref</c>. False when they were not a member (404; no change).</summary>
    public bool RemoveMember(string groupId, string userId) =>
        GraphUrls.CanName(NameableGroup(groupId)) && GraphUrls.CanName(userId) // a user id that names no one is no member
        && RemoveMemberCore(groupId, userId);

    private bool RemoveMemberCore(string groupId, string userId) => Run("remove a poster from the posting group", userId, async ct =>
    {
        try
        {
            await EnsureReplicatedAsync(groupId, ct).ConfigureAwait(false); // a 404 below must mean "not a member", not lag
            await _client.Groups[groupId].Members[userId].Ref.DeleteAsync(cancellationToken: ct).ConfigureAwait(false);
            return true;
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound) && GraphErrors.Mentions(e, "'" + groupId + "'"))
        {
            throw PortError(e, ErrorIds.GroupNotFound, "remove a poster from the posting group", groupId); // the group, not the membership
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound)
                                   || (GraphErrors.IsStatus(e, HttpStatusCode.BadRequest) && GraphErrors.Mentions(e, "do not exist")))
        {
            return false; // not a member: nothing to remove
        }
        catch (ODataError e) when (IsMailEnabledRefusal(e))
        {
            throw NotManageable(e, "remove a poster from the posting group", groupId);
        }
    });

    /// <summary>A Graph 404 in the port's own terms (GroupNotFound, UserNotFound), as the local adapter answers; Graph's words and ids kept.</summary>
    private static GraphRequestException PortError(ODataError e, string errorId, string what, string target)
    {
        GraphRequestException g = GraphErrors.From(e, what, target);
        return new GraphRequestException(errorId, g.Message, target, g.RequestId, g.Status, g.Code, e, g.GraphMessage, g.ClientRequestId);
    }

    /// <summary>Runs a write on one object; a 404 left after it (a PATCH's 404 already became a POST) means the object is not there.</summary>
    private static async Task NotFoundAs(string errorId, string what, string target, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
        {
            throw PortError(e, errorId, what, target);
        }
    }

    /// <summary>The group id, if it can name a group in a URL path; otherwise GroupNotFound, as the local adapter
    /// answers for an id it does not hold (docs/decisions/0100): <c>..</c> would send the request to another path.</summary>
    private static string NameableGroup(string groupId) => GraphUrls.CanName(groupId) ? groupId
        : throw new HwException(ErrorIds.GroupNotFound, $"There is no group with id '{groupId}' in the directory.", groupId);

    /// <summary>The user id, if it can name a user in a URL path; otherwise UserNotFound, as the local adapter answers.</summary>
    private static string NameableUser(string userId) => GraphUrls.CanName(userId) ? userId
        : throw new HwException(ErrorIds.UserNotFound, $"There is no user with id '{userId}' in the directory.", userId);

    // ---------- nesting and group kinds (docs/decisions/0090) ----------

    /// <summary>Graph's 400 on members/$ref of a mail-enabled security group or distribution list (reported, not documented).</summary>
    private static bool IsMailEnabledRefusal(ODataError e) =>
        GraphErrors.IsStatus(e, HttpStatusCode.BadRequest)
        && (GraphErrors.Mentions(e, "mail-enabled security group") || GraphErrors.Mentions(e, "originated within an external service"));

    private static GraphRequestException NotManageable(ODataError e, string what, string groupId)
    {
        GraphRequestException g = GraphErrors.From(e, what, groupId);
        return new GraphRequestException(ErrorIds.GroupNotManageable,
            $"Graph refuses to change the members of group '{groupId}' because it is a mail-enabled security group or distribution list "
            + $"(its members are managed in Exchange Online): {g.Message}", groupId, g.RequestId, g.Status, g.Code, e, g.GraphMessage, g.ClientRequestId);
    }

    /// <summary>A group's membership as read: direct non-group members, direct groups, and every nested group with its own.</summary>
    private sealed class Membership
    {
        public List<string> Direct { get; } = new();
        public List<string> Groups { get; } = new();
        public List<NestedGroup> Nested { get; } = new();
    }

    /// <summary>
    /// Who is in each group, nesting included, in at most three $batch rounds however deep the nesting goes:
    /// (1) each group's direct members, all types (<c>members?$select=id,displayName</c>); only when some group has a
    /// group among them, (2) that group's <c>transitiveMembers</c> (Graph's flat list of everything nested at any
    /// depth, so every nested group is known at once) and (3) each nested group's own direct members, so each person
    /// is known by the group that holds them. A cycle is a group seen twice: each is read once.
    /// </summary>
    private async Task<Dictionary<string, Membership>> MembershipAsync(List<string> groupIds, CancellationToken ct)
    {
        Dictionary<string, (List<string> NonGroups, List<(string Id, string Name)> Groups)> direct = await DirectMembersAsync(groupIds, ct).ConfigureAwait(false);
        var result = new Dictionary<string, Membership>(StringComparer.OrdinalIgnoreCase);
        groupIds = groupIds.Where(direct.ContainsKey).ToList(); // a just-created group still 404 after the lag budget: left out
        foreach (string id in groupIds)
        {
            var m = new Membership();
            m.Direct.AddRange(direct[id].NonGroups);
            m.Groups.AddRange(direct[id].Groups.Select(x => x.Id));
            result[id] = m;
        }
        List<string> withNesting = groupIds.Where(id => direct[id].Groups.Count > 0).ToList();
        if (withNesting.Count == 0)
            return result;

        var transitive = withNesting.Select(id => _client.Groups[id].TransitiveMembers.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Select = new[] { "id", "displayName" };
            rc.QueryParameters.Top = 999;
        })).ToList();
        List<DirectoryObjectCollectionResponse> pages = await BatchAsync<DirectoryObjectCollectionResponse>(transitive, "list groups nested in posting groups", ct).ConfigureAwait(false);
        var nestedOf = new Dictionary<string, List<(string Id, string Name)>>(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < withNesting.Count; i++)
        {
            var groups = new List<(string Id, string Name)>();
            await Pages<DirectoryObject, DirectoryObjectCollectionResponse>(pages[i], o =>
            {
                if (o is Group g && !string.Equals(g.Id, withNesting[i], StringComparison.OrdinalIgnoreCase) && !groups.Any(x => x.Id == g.Id))
                {
                    groups.Add((g.Id!, g.DisplayName ?? g.Id!));
                    names[g.Id!] = g.DisplayName ?? g.Id!;
                }
            }, ct).ConfigureAwait(false);
            nestedOf[withNesting[i]] = groups;
        }
        List<string> toRead = names.Keys.ToList();
        Dictionary<string, (List<string> NonGroups, List<(string Id, string Name)> Groups)> inner = await DirectMembersAsync(toRead, ct).ConfigureAwait(false);
        foreach (string id in withNesting)
            foreach ((string nid, string name) in nestedOf[id])
                result[id].Nested.Add(new NestedGroup(nid, name, inner[nid].NonGroups, inner[nid].Groups.Select(x => x.Id).ToList()));
        return result;
    }

    /// <summary>Direct members of each group, all types: one $batch item per group, 20 groups a round trip.</summary>
    private async Task<Dictionary<string, (List<string> NonGroups, List<(string Id, string Name)> Groups)>> DirectMembersAsync(List<string> groupIds, CancellationToken ct)
    {
        var requests = groupIds.Select(id => _client.Groups[id].Members.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Select = new[] { "id", "displayName" };
            rc.QueryParameters.Top = 999;
        })).ToList();
        // A group this connection created may still answer 404 by id though a list shows it: that step rides out the lag.
        List<DirectoryObjectCollectionResponse?> pages = await BatchAsync<DirectoryObjectCollectionResponse>(requests, "list posting-group members", ct,
            i => IsLaggingById(groupIds[i])).ConfigureAwait(false);
        var result = new Dictionary<string, (List<string>, List<(string, string)>)>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < groupIds.Count; i++)
        {
            if (pages[i] is null)
            {
                _recent.TryRemove(groupIds[i], out _); // still 404 after the lag budget: gone (someone deleted it), as a read by id decides
                continue;
            }
            ReadById(groupIds[i]);
            var others = new List<string>();
            var groups = new List<(string, string)>();
            await Pages<DirectoryObject, DirectoryObjectCollectionResponse>(pages[i], o =>
            {
                if (o is Group g)
                    groups.Add((g.Id!, g.DisplayName ?? g.Id!));
                else if (o is User u)
                    others.Add(u.Id!);
                // devices, contacts and service principals give no one posting access: not posters
            }, ct).ConfigureAwait(false);
            result[groupIds[i]] = (others, groups);
        }
        return result;
    }

    // ---------- helpers ----------

    /// <summary>
    /// Sends the requests in $batch round trips of 20 and returns the typed responses in request order. Items the
    /// service throttled (429/503/504 inside a 200 batch) are resubmitted, and only they, after their Retry-After.
    /// </summary>
    private async Task<List<T>> BatchAsync<T>(List<RequestInformation> requests, string what, CancellationToken ct) where T : class, IParsable, new() =>
        (await BatchAsync<T>(requests, what, ct, null).ConfigureAwait(false)).Select(r => r!).ToList();

    /// <summary>As above; a step answered 404 whose index <paramref name="mayLag"/> accepts is replication lag on a group
    /// this connection created: resubmitted with the lag backoff (<see cref="GraphConnectionOptions.ReplicationRetries"/>),
    /// and null in the result if it still answers 404 when the budget ends.</summary>
    private async Task<List<T?>> BatchAsync<T>(List<RequestInformation> requests, string what, CancellationToken ct, Func<int, bool>? mayLag, bool notFoundIsNull = false) where T : class, IParsable, new()
    {
        var results = new T?[requests.Count];
        requests = requests.Select(GraphUrls.ForBatch).ToList(); // once: resubmitted items keep their URL
        for (int start = 0; start < requests.Count; start += 20)
        {
            // Our own step ids (the request's index), so a resubmitted item keeps its id. (The SDK's
            // NewBatchWithFailedRequests gives resubmitted steps new ids in Graph.Core 4.0.1.)
            var pending = Enumerable.Range(start, Math.Min(20, requests.Count - start)).ToList();
            int lagAttempt = 0;
            for (int round = 1; ; round++)
            {
                var content = new BatchRequestContentCollection(_client);
                foreach (int i in pending)
                    await content.AddBatchRequestStepAsync(requests[i], i.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                BatchReplyHeaders.Box reply = BatchReplyHeaders.Capture();
                BatchResponseContentCollection response = await _client.Batch.PostAsync(content, ct).ConfigureAwait(false);
                Dictionary<string, HttpStatusCode> statuses = await StatusesAsync(response,
                    pending.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(), what, null, reply.Headers).ConfigureAwait(false);
                var throttled = new List<int>();
                var lagging = new List<int>();
                TimeSpan wait = TimeSpan.Zero;
                foreach (KeyValuePair<string, HttpStatusCode> item in statuses)
                {
                    int index = int.Parse(item.Key, CultureInfo.InvariantCulture);
                    int code = (int)item.Value;
                    if (code is >= 200 and < 300)
                    {
                        results[index] = (await response.GetResponseByIdAsync<T>(item.Key).ConfigureAwait(false))!;
                        continue;
                    }
                    using HttpResponseMessage message = await response.GetResponseByIdAsync(item.Key).ConfigureAwait(false);
                    if (code == 404 && notFoundIsNull)
                        continue; // issue 15: a user gone since the register read is left out
                    if (code == 404 && mayLag?.Invoke(index) == true)
                    {
                        if (lagAttempt < _options.ReplicationRetries)
                            lagging.Add(index);
                        continue; // out of budget: left null, the caller leaves the group out
                    }
                    if (code is 429 or 503 or 504 && round < MaxBatchRounds)
                    {
                        throttled.Add(index);
                        TimeSpan after = RetryAfter(message) ?? TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, round)));
                        if (after > wait)
                            wait = after;
                        continue;
                    }
                    string? body = message.Content is null ? null : await message.Content.ReadAsStringAsync().ConfigureAwait(false);
                    throw GraphErrors.FromBody(code, body, StepHeaders(message, reply.Headers), what, null, null);
                }
                if (throttled.Count == 0 && lagging.Count == 0)
                    break;
                if (throttled.Count > 0)
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                if (lagging.Count > 0)
                    await _options.ReplicationClock.Delay(LagDelay(lagAttempt++), ct).ConfigureAwait(false);
                pending = throttled.Concat(lagging).OrderBy(i => i).ToList();
            }
        }
        return results.ToList();
    }

    /// <summary>
    /// The status of each step of a $batch reply, and every step asked for among them. A reply without a <c>responses</c>
    /// array (Graph.Core 4.0.1 then answers no statuses, and a step looked up by id was a KeyNotFoundException), one the
    /// SDK cannot parse, or one that leaves a step out is GraphResponseInvalid, never a raw .NET exception.
    /// </summary>
    private static async Task<Dictionary<string, HttpStatusCode>> StatusesAsync(BatchResponseContentCollection response, IReadOnlyCollection<string> stepIds,
        string what, object? target, IEnumerable<KeyValuePair<string, IEnumerable<string>>>? replyHeaders)
    {
        Dictionary<string, HttpStatusCode> statuses;
        try
        {
            statuses = await response.GetResponsesStatusCodesAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or System.Text.Json.JsonException or FormatException)
        {
            throw GraphErrors.Invalid(what, target, "the $batch reply has no 'responses' array", 200, replyHeaders, e);
        }
        string? missing = stepIds.FirstOrDefault(id => !statuses.ContainsKey(id));
        if (missing is not null)
            throw GraphErrors.Invalid(what, target, statuses.Count == 0 ? "the $batch reply has no 'responses' array"
                : $"the $batch reply has no answer for step '{missing}'", 200, replyHeaders, null);
        return statuses;
    }

    /// <summary>A step's headers; its <c>request-id</c> and <c>client-request-id</c> are the <c>$batch</c> reply's own
    /// when the step has none (a gateway's text answer to the step carries no ids).</summary>
    private static Dictionary<string, IEnumerable<string>> StepHeaders(HttpResponseMessage step, IEnumerable<KeyValuePair<string, IEnumerable<string>>>? replyHeaders)
    {
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> h in step.Headers)
            headers[h.Key] = h.Value;
        foreach (KeyValuePair<string, IEnumerable<string>> h in replyHeaders ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            if ((h.Key.Equals("request-id", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("client-request-id", StringComparison.OrdinalIgnoreCase))
                && !(headers.TryGetValue(h.Key, out IEnumerable<string>? own) && own.Any(v => !string.IsNullOrEmpty(v))))
                headers[h.Key] = h.Value;
        return headers;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage message)
    {
        if (message.Headers.RetryAfter?.Delta is { } delta)
            return delta;
        if (message.Headers.RetryAfter?.Date is { } date)
            return date - DateTimeOffset.UtcNow;
        // Graph sometimes sends a decimal Retry-After (0.249) inside batches, which the typed header rejects.
        if (message.Headers.TryGetValues("Retry-After", out IEnumerable<string>? values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            return TimeSpan.FromSeconds(Math.Min(seconds, 120));
        return null;
    }

    private async Task Pages<TItem, TPage>(TPage? page, Action<TItem> each, CancellationToken ct) where TPage : IParsable, IAdditionalDataHolder, new()
    {
        if (page is null)
            return;
        var iterator = PageIterator<TItem, TPage>.CreatePageIterator(_client, page, item =>
        {
            each(item);
            return true;
        });
        await iterator.IterateAsync(ct).ConfigureAwait(false);
    }

    private async Task RideOutLagAsync(Func<Task> call, CancellationToken ct, string? groupId = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (ODataError e) when (attempt < _options.ReplicationRetries
                                       && ((GraphErrors.IsStatus(e, HttpStatusCode.NotFound) && (groupId is null || GraphErrors.Mentions(e, groupId)))
                                           || (GraphErrors.IsStatus(e, HttpStatusCode.BadRequest) && GraphErrors.Mentions(e, "do not exist"))))
            {
                await _options.ReplicationClock.Delay(LagDelay(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    // ---------- replication lag (docs/decisions/0101) ----------

    /// <summary>The wait before the next try on a lagging group: the configured delay, doubling, at most 15 s.</summary>
    private TimeSpan LagDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(15000, _options.ReplicationRetryDelay.TotalMilliseconds * Math.Pow(2, attempt)));

    /// <summary>A call on a group: if this connection created the group and no list has shown it yet, a 404 (or the
    /// member-add 400 "do not exist") is replication lag, ridden out with backoff; otherwise the call runs once.</summary>
    private async Task<T> AfterLagAsync<T>(string groupId, Func<Task<T>> call, CancellationToken ct)
    {
        if (!IsLaggingById(groupId))
            return await call().ConfigureAwait(false);
        T result = default!;
        // a 404 naming another object (the user being added) is an answer, not the group's lag
        await RideOutLagAsync(async () => result = await call().ConfigureAwait(false), ct, groupId).ConfigureAwait(false);
        return result;
    }

    private Task AfterLagAsync(string groupId, Func<Task> call, CancellationToken ct) =>
        AfterLagAsync<bool>(groupId, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Waits until a group this connection created answers by id (nothing to wait for otherwise).</summary>
    private async Task EnsureReplicatedAsync(string groupId, CancellationToken ct)
    {
        if (!IsLaggingById(groupId))
            return;
        await AfterLagAsync(groupId, () => _client.Groups[groupId].GetAsync(rc => rc.QueryParameters.Select = new[] { "id" }, ct), ct).ConfigureAwait(false);
        ReadById(groupId);
    }

    /// <summary>Whether a 404 on this group by id may be replication lag: this connection created it and no read by its id has succeeded yet.</summary>
    private bool IsLaggingById(string groupId) => _recent.TryGetValue(groupId, out RecentGroup? r) && !r.ReadById;

    /// <summary>A read by the group's id succeeded: by id, it has replicated.</summary>
    private void ReadById(string groupId)
    {
        if (_recent.TryGetValue(groupId, out RecentGroup? r))
        {
            r.ReadById = true;
            if (r.Listed)
                _recent.TryRemove(groupId, out _);
        }
    }

    /// <summary>A list showed the group: in lists, it has replicated.</summary>
    private void Listed(string groupId)
    {
        if (_recent.TryGetValue(groupId, out RecentGroup? r))
        {
            r.Listed = true;
            if (r.ReadById)
                _recent.TryRemove(groupId, out _);
        }
    }

    /// <summary>
    /// Groups this connection created whose name has the prefix but which the list left out (Graph's lists and filters
    /// lag a new group): read by id, riding out the lag there too. A group the list shows is no longer tracked; one that
    /// still answers 404 after the retries is left out (someone deleted it).
    /// </summary>
    private async Task<List<Group>> RecentGroupsMissingFromAsync(List<Group> listed, string displayNamePrefix, CancellationToken ct)
    {
        var found = new List<Group>();
        if (_recent.IsEmpty)
            return found;
        var shown = new HashSet<string>(listed.Select(g => g.Id!), StringComparer.OrdinalIgnoreCase);
        foreach (string id in shown)
            Listed(id);
        foreach (KeyValuePair<string, RecentGroup> recent in _recent.ToList())
        {
            if (shown.Contains(recent.Key) || !recent.Value.Name.StartsWith(displayNamePrefix, StringComparison.OrdinalIgnoreCase))
                continue;
            try
            {
                Group? g = await AfterLagAsync(recent.Key, () => _client.Groups[recent.Key].GetAsync(rc =>
                {
                    rc.QueryParameters.Select = s_groupSelect;
                    rc.QueryParameters.Expand = new[] { "extensions" };
                }, ct), ct).ConfigureAwait(false);
                if (g is not null)
                {
                    ReadById(recent.Key);
                    found.Add(g);
                }
            }
            catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
            {
                _recent.TryRemove(recent.Key, out _);
            }
        }
        return found;
    }

    private static async Task PutExtensionAsync(Microsoft.Graph.Groups.Item.Extensions.ExtensionsRequestBuilder builder, JsonObject extension, CancellationToken ct) =>
        await PutExtensionCoreAsync(
            () => builder[Name(extension)].PatchAsync(ToOpenExtension(extension), cancellationToken: ct),
            () => builder.PostAsync(ToOpenExtension(extension), cancellationToken: ct)).ConfigureAwait(false);

    private static async Task PutExtensionAsync(Microsoft.Graph.Users.Item.Extensions.ExtensionsRequestBuilder builder, JsonObject extension, CancellationToken ct) =>
        await PutExtensionCoreAsync(
            () => builder[Name(extension)].PatchAsync(ToOpenExtension(extension), cancellationToken: ct),
            () => builder.PostAsync(ToOpenExtension(extension), cancellationToken: ct)).ConfigureAwait(false);

    /// <summary>PATCH replaces the extension's whole property set; a 404 means it does not exist yet: create it.</summary>
    private static async Task PutExtensionCoreAsync(Func<Task> patch, Func<Task> post)
    {
        try
        {
            await patch().ConfigureAwait(false);
        }
        catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
        {
            await post().ConfigureAwait(false);
        }
    }

    private static string Name(JsonObject extension) =>
        (string?)extension["extensionName"] is { } name && GraphUrls.CanName(name) ? name
            : throw new HwException(ErrorIds.ExtensionNameMissing, "An extension document needs an extensionName that can name it in a URL (not empty, '.' or '..').");

    private static IEnumerable<List<string>> Chunk(IEnumerable<string> items, int size)
    {
        var chunk = new List<string>(size);
        foreach (string item in items)
        {
            chunk.Add(item);
            if (chunk.Count == size)
            {
                yield return chunk;
                chunk = new List<string>(size);
            }
        }
        if (chunk.Count > 0)
            yield return chunk;
    }

    /// <summary>An OData string literal: quoted, with a quote doubled.</summary>
    internal static string Literal(string value) => "'" + value.Replace("'", "''") + "'";

    private static DirectoryUser ToUser(User u, JsonObject? extension) => new(
        u.Id!, u.UserPrincipalName ?? u.Id!, u.DisplayName ?? u.UserPrincipalName ?? u.Id!, u.Mail, u.AccountEnabled ?? false,
        u.EmployeeType, u.UserType ?? "Member", u.Manager?.Id, u.JobTitle, extension);

    private static DirectoryGroup ToGroup(Group g, List<string> members, JsonObject? extension = null) => new(
        g.Id!, g.DisplayName ?? "", g.Description, g.MailNickname ?? "", members, extension ?? OurExtension(g.Extensions));

    private static DirectoryGroup ToGroup(Group g, Membership m) => new(
        g.Id!, g.DisplayName ?? "", g.Description, g.MailNickname ?? "", m.Direct, OurExtension(g.Extensions), m.Groups, m.Nested,
        new GroupKind(g.MailEnabled ?? false, g.SecurityEnabled ?? true, g.GroupTypes));

    /// <summary>Our extension among a directory object's open extensions (ours carry our extensionName prefix).</summary>
    private static JsonObject? OurExtension(IEnumerable<Extension>? extensions)
    {
        if (extensions is null)
            return null;
        foreach (Extension e in extensions)
        {
            string? name = (e as OpenTypeExtension)?.ExtensionName ?? e.Id;
            if (name is null || !name.StartsWith("org.healthwatch.policy.", StringComparison.Ordinal))
                continue;
            string json = KiotaJsonSerializer.SerializeAsStringAsync(e).GetAwaiter().GetResult();
            if (JsonNode.Parse(json) is not JsonObject o)
                continue;
            o.Remove("@odata.type");
            o.Remove("id");
            o["extensionName"] = name;
            return o;
        }
        return null;
    }

    private static OpenTypeExtension ToOpenExtension(JsonObject extension)
    {
        var data = new Dictionary<string, object>();
        foreach (KeyValuePair<string, JsonNode?> p in extension)
            if (p.Key != "extensionName" && p.Value is not null)
                data[p.Key] = Untyped(p.Value);
        return new OpenTypeExtension { ExtensionName = Name(extension), AdditionalData = data };
    }

    private static UntypedNode Untyped(JsonNode node) => node switch
    {
        JsonArray a => new UntypedArray(a.Where(x => x is not null).Select(x => Untyped(x!)).ToList()),
        JsonObject o => new UntypedObject(o.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => Untyped(p.Value!))),
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => new UntypedBoolean(true),
            System.Text.Json.JsonValueKind.False => new UntypedBoolean(false),
            System.Text.Json.JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)
                ? new UntypedLong(l)
                : new UntypedDouble(double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture)),
            System.Text.Json.JsonValueKind.String => new UntypedString(v.GetValue<string>()),
            _ => new UntypedNull(),
        },
        _ => new UntypedNull(),
    };

    /// <summary>The engine is synchronous: run one Graph operation, mapping every failure to the engine's errors.</summary>
    private T Run<T>(string what, object? target, Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return call(CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (ODataError e)
        {
            throw GraphErrors.From(e, what, target);
        }
        catch (ServiceException e)
        {
            throw GraphErrors.FromBody(e.ResponseStatusCode, e.RawResponseBody, e.ResponseHeaders, what, target, e);
        }
        catch (ApiException e)
        {
            // An error answer the SDK could not read as Graph's error JSON (a gateway's text page): keep the status and ids.
            throw GraphErrors.FromBody(e.ResponseStatusCode, null, e.ResponseHeaders, what, target, e);
        }
        catch (AggregateException e) when (GraphErrors.RetriesExhausted(e) is { } last)
        {
            // The SDK's RetryHandler gave up (429/503/504 every time): GraphThrottled, not a raw AggregateException,
            // with Graph's code, message and request ids from the last answer.
            throw GraphErrors.FromRetriesExhausted(last, what, target, e);
        }
        catch (Exception e) when (GraphErrors.IsTransport(e))
        {
            throw GraphErrors.Unavailable(e, what, target);
        }
        catch (Azure.Identity.AuthenticationFailedException e)
        {
            // AADSTS errors, a missing managed identity, an expired device code: say so plainly (no secret is in these messages)
            throw new GraphRequestException(ErrorIds.GraphSignInFailed,
                $"Signing in to Microsoft Entra failed, so Graph could not {what}: {e.Message}", target, null, 0, null, e);
        }
    }

    private void Run(string what, object? target, Func<CancellationToken, Task> call) =>
        Run<bool>(what, target, async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        });
}
