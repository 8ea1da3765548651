using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class GroupsTests : FakeGraphTest
{
    private Task<Group?> CreateSecurityGroup(string name, IEnumerable<string>? memberIds = null, IEnumerable<string>? ownerIds = null)
    {
        var group = new Group
        {
            DisplayName = name,
            Description = "Posting group",
            MailEnabled = false,
            MailNickname = name.Replace(" ", "-", StringComparison.Ordinal),
            SecurityEnabled = true,
            GroupTypes = new List<string>(),
        };
        if (memberIds is not null)
            group.AdditionalData["members@odata.bind"] = memberIds.Select(DirectoryObjectUrl).ToList();
        if (ownerIds is not null)
            group.AdditionalData["owners@odata.bind"] = ownerIds.Select(id => $"https://graph.microsoft.com/v1.0/users/{id}").ToList();
        return Client.Groups.PostAsync(group);
    }

    [Fact]
    public async Task Create_group_then_add_and_remove_members_by_ref()
    {
        List<FakeUser> users = SeedUsers(3);
        Group? created = await CreateSecurityGroup("HW-Posting-x-test", ownerIds: new[] { users[0].Id });
        Assert.NotNull(created?.Id);
        Assert.Equal("HW-Posting-x-test", created!.DisplayName);
        Assert.True(created.SecurityEnabled);
        Assert.False(created.MailEnabled);
        Assert.Equal("Private", created.Visibility);
        Assert.NotNull(created.CreatedDateTime);
        Assert.StartsWith("S-1-12-1-", created.SecurityIdentifier);
        AssertTyped(created, "@odata.context");
        Assert.Equal(new[] { users[0].Id }, Fake.GetGroup(created.Id!)!.Owners);

        await Client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(users[1].Id) });
        await Client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/users/{users[2].Id}" });
        Assert.Equal(new[] { users[1].Id, users[2].Id }, Fake.GetMembers(created.Id!));

        var again = await Assert.ThrowsAsync<ODataError>(() =>
            Client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(users[1].Id) }));
        Assert.Equal(400, again.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", again.Error!.Code);
        Assert.Equal("One or more added object references already exist for the following modified properties: 'members'.", again.Error.Message);

        var missing = await Assert.ThrowsAsync<ODataError>(() =>
            Client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(Guid.NewGuid().ToString()) }));
        Assert.Equal(404, missing.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", missing.Error!.Code);

        await Client.Groups[created.Id].Members[users[1].Id].Ref.DeleteAsync();
        await Client.Groups[created.Id].Members.Ref.DeleteAsync(c => c.QueryParameters.Id = DirectoryObjectUrl(users[2].Id));
        Assert.Empty(Fake.GetMembers(created.Id!));

        var notMember = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[created.Id].Members[users[1].Id].Ref.DeleteAsync());
        Assert.Equal(404, notMember.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", notMember.Error!.Code);
        var notMember2 = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[created.Id].Members.Ref.DeleteAsync(c => c.QueryParameters.Id = DirectoryObjectUrl(users[2].Id)));
        Assert.Equal(404, notMember2.ResponseStatusCode);
    }

    [Fact]
    public async Task Create_with_more_than_20_links_is_refused_and_20_is_accepted()
    {
        List<FakeUser> users = SeedUsers(21);
        var tooMany = await Assert.ThrowsAsync<ODataError>(() => CreateSecurityGroup("HW-too-many", users.Skip(1).Select(u => u.Id), new[] { users[0].Id }));
        Assert.Equal(400, tooMany.ResponseStatusCode);
        Assert.Equal("A resource cannot contain more than 20 link changes", tooMany.Error!.Message);
        Assert.Empty(Fake.Groups);

        Group? ok = await CreateSecurityGroup("HW-twenty", users.Skip(2).Select(u => u.Id), new[] { users[0].Id });
        Assert.Equal(19, Fake.GetMembers(ok!.Id!).Count);
    }

    [Fact]
    public async Task Patch_members_bind_is_all_or_nothing()
    {
        List<FakeUser> users = SeedUsers(4);
        FakeGroup g = Fake.AddGroup("HW-patch", null, users[0].Id);
        var body = new Group();
        body.AdditionalData["members@odata.bind"] = new List<string> { DirectoryObjectUrl(users[1].Id), DirectoryObjectUrl(users[0].Id) };
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[g.Id].PatchAsync(body));
        Assert.Equal(400, e.ResponseStatusCode);
        Assert.Equal(new[] { users[0].Id }, Fake.GetMembers(g.Id));

        var good = new Group { Description = "changed" };
        good.AdditionalData["members@odata.bind"] = new List<string> { DirectoryObjectUrl(users[1].Id), DirectoryObjectUrl(users[2].Id) };
        await Client.Groups[g.Id].PatchAsync(good);
        Assert.Equal(new[] { users[0].Id, users[1].Id, users[2].Id }, Fake.GetMembers(g.Id));
        Assert.Equal("changed", Fake.GetGroup(g.Id)!.Description);
    }

    [Fact]
    public async Task Unknown_or_deleted_group_is_404_with_the_documented_message()
    {
        string id = Guid.NewGuid().ToString();
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[id].GetAsync());
        Assert.Equal(404, e.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", e.Error!.Code);
        Assert.Equal($"Resource '{id}' does not exist or one of its queried reference-property objects are not present.", e.Error.Message);
        Assert.False(string.IsNullOrEmpty(e.Error.InnerError!.RequestId));
        Assert.False(string.IsNullOrEmpty(e.Error.InnerError.ClientRequestId));
        Assert.NotNull(e.Error.InnerError.Date);
        string? sent = Fake.RequestLog[^1].Header("client-request-id"); // GraphTelemetryHandler sends one
        Assert.False(string.IsNullOrEmpty(sent));
        Assert.Equal(sent, e.Error.InnerError.ClientRequestId);
        Assert.Equal(sent, e.ResponseHeaders["client-request-id"].Single());

        FakeGroup g = Fake.AddGroup("HW-delete-me");
        await Client.Groups[g.Id].DeleteAsync();
        Assert.True(Fake.GetGroup(g.Id)!.IsDeleted);
        var gone = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[g.Id].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task Members_listing_is_typed_paged_and_castable()
    {
        List<FakeUser> users = SeedUsers(30);
        FakeGroup inner = Fake.AddGroup("HW-inner");
        FakeGroup g = Fake.AddGroup("HW-members", null, users.Select(u => u.Id).Append(inner.Id).ToArray());

        var page = await Client.Groups[g.Id].Members.GetAsync(c => c.QueryParameters.Top = 10);
        Assert.Equal(10, page!.Value!.Count);
        Assert.All(page.Value, m => Assert.IsType<User>(m));
        var all = new List<DirectoryObject>();
        var it = Microsoft.Graph.PageIterator<DirectoryObject, DirectoryObjectCollectionResponse>.CreatePageIterator(Client, page, m => { all.Add(m); return true; });
        await it.IterateAsync();
        Assert.Equal(31, all.Count);
        Assert.IsType<Group>(all[^1]);

        var onlyUsers = await Client.Groups[g.Id].Members.GraphUser.GetAsync(c =>
        {
            c.QueryParameters.Select = new[] { "id", "userPrincipalName" };
            c.QueryParameters.Top = 999;
        });
        Assert.Equal(30, onlyUsers!.Value!.Count);
        Assert.All(onlyUsers.Value, u => { Assert.NotNull(u.UserPrincipalName); Assert.Null(u.DisplayName); AssertTyped(u); });

        var expanded = await Client.Groups[g.Id].GetAsync(c => c.QueryParameters.Expand = new[] { "members" });
        Assert.Equal(20, expanded!.Members!.Count); // Graph returns at most 20 expanded objects
        Assert.All(expanded.Members, m => Assert.IsType<User>(m));
    }

    [Fact]
    public async Task Filter_by_prefix_by_name_with_a_quote_and_security_enabled()
    {
        Fake.AddGroup("SOCIAL-facebook");
        Fake.AddGroup("SOCIAL-x");
        Fake.AddGroup("O'Brien's group");
        Fake.AddGroup(new FakeGroup { DisplayName = "SOCIAL-m365", SecurityEnabled = false, MailEnabled = true, GroupTypes = new[] { "Unified" } });

        var prefixed = await Client.Groups.GetAsync(c =>
        {
            c.QueryParameters.Filter = "startswith(displayName,'SOCIAL-') and securityEnabled eq true";
            c.QueryParameters.Select = new[] { "id", "displayName", "description" };
        });
        Assert.Equal(new[] { "SOCIAL-facebook", "SOCIAL-x" }, prefixed!.Value!.Select(g => g.DisplayName).OrderBy(n => n));

        var quoted = await Client.Groups.GetAsync(c => c.QueryParameters.Filter = "displayName eq 'O''Brien''s group'");
        Assert.Equal("O'Brien's group", Assert.Single(quoted!.Value!).DisplayName);

        var unescaped = await Assert.ThrowsAsync<ODataError>(() => Client.Groups.GetAsync(c => c.QueryParameters.Filter = "displayName eq 'O'Brien's group'"));
        Assert.Equal(400, unescaped.ResponseStatusCode);

        var unified = await Client.Groups.GetAsync(c => c.QueryParameters.Filter = "groupTypes/any(c:c eq 'Unified')");
        Assert.Equal("SOCIAL-m365", Assert.Single(unified!.Value!).DisplayName);
    }

    [Fact]
    public async Task Group_list_pages_with_top_and_absolute_next_links()
    {
        for (int i = 0; i < 25; i++)
            Fake.AddGroup($"HW-Posting-{i:D2}");
        var page = await Client.Groups.GetAsync(c =>
        {
            c.QueryParameters.Top = 10;
            c.QueryParameters.Filter = "startswith(displayName,'HW-Posting-')";
        });
        var names = new List<string>();
        var it = Microsoft.Graph.PageIterator<Group, GroupCollectionResponse>.CreatePageIterator(Client, page!, g => { names.Add(g.DisplayName!); return true; });
        await it.IterateAsync();
        Assert.Equal(25, names.Distinct().Count());
        Assert.Equal(3, Fake.HttpRequestCount);
    }
}
