using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>
/// The reference the bench compares the adapter with: the same reads done the naive way, with the same SDK client
/// and the same <c>$select</c>s. One list of the posting groups (paged, as any script must), then one request per
/// object: each group's extensions, each group's members, each user (with <c>$expand=manager</c>) and each user's
/// extensions. Plugged into the real engine as its directory, so the compliance report it feeds is the same report.
/// Requests run up to <c>concurrency</c> at a time (1 = one after the other, as a simple script would).
/// Issue 15's poster facts (leave date, authentication methods, last sign-in) the naive way too: one request per
/// poster and facet, so the reference does the same work as the adapter's <c>$batch</c>ed read.
/// Read-only: the write methods throw.
/// </summary>
internal sealed class NaiveGraphDirectory : IDirectory, IPosterFactsDirectory
{
    private static readonly string[] s_userSelect = { "id", "displayName", "userPrincipalName", "mail", "accountEnabled", "employeeType", "userType", "jobTitle" };
    private static readonly string[] s_groupSelect = { "id", "displayName", "description", "mailNickname" };

    private readonly GraphServiceClient _client;
    private readonly SemaphoreSlim _gate;

    public NaiveGraphDirectory(GraphServiceClient client, int concurrency)
    {
        _client = client;
        _gate = new SemaphoreSlim(Math.Max(1, concurrency));
    }

    public string Description => "naive reference (one request per object)";

    public IReadOnlyList<DirectoryUser> GetUsers() => throw new NotSupportedException("The bench reads only the register's users.");

    public IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null) => Run(async () =>
    {
        IEnumerable<string> wanted = ids.Distinct(StringComparer.OrdinalIgnoreCase)
            .Concat((userPrincipalNames ?? Array.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase));
        DirectoryUser?[] users = await Task.WhenAll(wanted.Select(UserAsync)).ConfigureAwait(false);
        return (IReadOnlyList<DirectoryUser>)users.OfType<DirectoryUser>().GroupBy(u => u.Id, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
    });

    public DirectoryUser? FindUser(string idOrName) => Run(() => UserAsync(idOrName));

    /// <summary>The three facets, one GET per poster and facet (a 404 leaves the poster out), up to the concurrency.</summary>
    public PosterFacts ReadPosterFacts(IReadOnlyCollection<string> userIds, PosterFactKinds kinds) => Run(async () =>
    {
        List<string> ids = userIds.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var leave = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        var mfa = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var signIns = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset?>(StringComparer.OrdinalIgnoreCase);
        await Task.WhenAll(ids.Select(async id =>
        {
            if ((kinds & PosterFactKinds.LeaveDate) != 0
                && await OrNull(() => Gated(() => _client.Users[id].GetAsync(rc => rc.QueryParameters.Select = new[] { "id", "employeeLeaveDateTime" }))).ConfigureAwait(false) is { EmployeeLeaveDateTime: { } at })
                leave[id] = at.ToUniversalTime();
            if ((kinds & PosterFactKinds.Mfa) != 0
                && await OrNull(() => Gated(() => _client.Users[id].Authentication.Methods.GetAsync())).ConfigureAwait(false) is { } page)
                mfa[id] = (page.Value ?? new List<AuthenticationMethod>())
                    .Select(m => (m.OdataType ?? "").Replace("#microsoft.graph.", "").Replace("AuthenticationMethod", ""))
                    .Where(t => t.Length > 0 && !string.Equals(t, "password", StringComparison.OrdinalIgnoreCase)).ToList();
            if ((kinds & PosterFactKinds.SignIn) != 0
                && await OrNull(() => Gated(() => _client.Users[id].GetAsync(rc => rc.QueryParameters.Select = new[] { "id", "signInActivity" }))).ConfigureAwait(false) is { } u)
                signIns[id] = u.SignInActivity?.LastSignInDateTime?.ToUniversalTime();
        })).ConfigureAwait(false);
        return new PosterFacts(leave, null, mfa, null, signIns, null);
    });

    private static async Task<T?> OrNull<T>(Func<Task<T?>> call) where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix) => Run(async () =>
    {
        var groups = new List<Group>();
        GroupCollectionResponse? page = await Gated(() => _client.Groups.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = $"startswith(displayName,'{displayNamePrefix.Replace("'", "''")}')";
            rc.QueryParameters.Select = s_groupSelect;
            rc.QueryParameters.Top = 999;
        })).ConfigureAwait(false);
        if (page is not null)
            await PageIterator<Group, GroupCollectionResponse>.CreatePageIterator(_client, page, g =>
            {
                groups.Add(g);
                return true;
            }).IterateAsync().ConfigureAwait(false);

        DirectoryGroup[] result = await Task.WhenAll(groups
            .Where(g => g.DisplayName?.StartsWith(displayNamePrefix, StringComparison.OrdinalIgnoreCase) == true)
            .Select(async g =>
            {
                Task<ExtensionCollectionResponse?> extensions = Gated(() => _client.Groups[g.Id].Extensions.GetAsync());
                Task<UserCollectionResponse?> members = Gated(() => _client.Groups[g.Id].Members.GraphUser.GetAsync(rc =>
                {
                    rc.QueryParameters.Select = new[] { "id" };
                    rc.QueryParameters.Top = 999;
                }));
                var memberIds = new List<string>();
                if (await members.ConfigureAwait(false) is { } m)
                    await PageIterator<User, UserCollectionResponse>.CreatePageIterator(_client, m, u =>
                    {
                        memberIds.Add(u.Id!);
                        return true;
                    }).IterateAsync().ConfigureAwait(false);
                return new DirectoryGroup(g.Id!, g.DisplayName ?? "", g.Description, g.MailNickname ?? "", memberIds,
                    Ours((await extensions.ConfigureAwait(false))?.Value));
            })).ConfigureAwait(false);
        return (IReadOnlyList<DirectoryGroup>)result.ToList();
    });

    public DirectoryGroup? GetGroup(string groupId) => throw new NotSupportedException();
    public DirectoryGroup CreateGroup(NewGroup group, JsonObject extension) => throw new NotSupportedException();
    public void SetGroupExtension(string groupId, JsonObject extension) => throw new NotSupportedException();
    public bool AddMember(string groupId, string userId) => throw new NotSupportedException();
    public bool RemoveMember(string groupId, string userId) => throw new NotSupportedException();
    public void SetUserExtension(string userId, JsonObject extension) => throw new NotSupportedException();

    /// <summary>GET /users/{id}?$select&amp;$expand=manager, then GET /users/{id}/extensions: two requests a user.</summary>
    private async Task<DirectoryUser?> UserAsync(string idOrName)
    {
        User? u;
        try
        {
            u = await Gated(() => _client.Users[idOrName].GetAsync(rc =>
            {
                rc.QueryParameters.Select = s_userSelect;
                rc.QueryParameters.Expand = new[] { "manager" };
            })).ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.BadRequest)
        {
            return null;
        }
        if (u is null)
            return null;
        ExtensionCollectionResponse? ext = await Gated(() => _client.Users[u.Id].Extensions.GetAsync()).ConfigureAwait(false);
        return new DirectoryUser(u.Id!, u.UserPrincipalName ?? u.Id!, u.DisplayName ?? u.UserPrincipalName ?? u.Id!, u.Mail, u.AccountEnabled ?? false,
            u.EmployeeType, u.UserType ?? "Member", u.Manager?.Id, u.JobTitle, Ours(ext?.Value));
    }

    private async Task<T> Gated<T>(Func<Task<T>> request)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await request().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static T Run<T>(Func<Task<T>> call) => Task.Run(call).GetAwaiter().GetResult();

    /// <summary>Our open extension in the local shape (as the adapter reads it).</summary>
    private static JsonObject? Ours(IEnumerable<Extension>? extensions)
    {
        foreach (Extension e in extensions ?? Enumerable.Empty<Extension>())
        {
            string? name = (e as OpenTypeExtension)?.ExtensionName ?? e.Id;
            if (name is null || !name.StartsWith("org.healthwatch.policy.", StringComparison.Ordinal))
                continue;
            if (JsonNode.Parse(KiotaJsonSerializer.SerializeAsStringAsync(e).GetAwaiter().GetResult()) is not JsonObject o)
                continue;
            o.Remove("@odata.type");
            o.Remove("id");
            o["extensionName"] = name;
            return o;
        }
        return null;
    }
}
