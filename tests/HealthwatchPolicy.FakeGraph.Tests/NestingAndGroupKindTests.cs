using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>Nested groups through transitiveMembers, and the group kinds whose members Graph will not change (docs/decisions/0090).</summary>
public sealed class NestingAndGroupKindTests : FakeGraphTest
{
    private static readonly HttpClient s_http = new();

    /// <summary>outer ⊃ {a, middle}; middle ⊃ {inner}; inner ⊃ {b, a, middle}: depth 2, a duplicate, and a cycle.</summary>
    private (FakeGroup Outer, FakeGroup Middle, FakeGroup Inner, FakeUser A, FakeUser B) Nesting()
    {
        FakeUser a = Fake.AddUser("a@hwsefton.example");
        FakeUser b = Fake.AddUser("b@hwsefton.example");
        FakeGroup inner = Fake.AddGroup("Inner", null, b.Id, a.Id);
        FakeGroup middle = Fake.AddGroup("Middle", null, inner.Id);
        Fake.AddMember(inner.Id, middle.Id); // the cycle: inner is in middle and middle in inner
        FakeGroup outer = Fake.AddGroup("Outer", null, a.Id, middle.Id);
        return (outer, middle, inner, a, b);
    }

    [Fact]
    public async Task TransitiveMembers_is_a_flat_list_of_every_nested_member_once_even_through_a_cycle()
    {
        var (outer, middle, inner, a, b) = Nesting();
        DirectoryObjectCollectionResponse? all = await Client.Groups[outer.Id].TransitiveMembers.GetAsync(rc => rc.QueryParameters.Select = new[] { "id", "displayName" });
        Assert.Equal(new[] { a.Id, middle.Id, inner.Id, b.Id }.OrderBy(x => x), all!.Value!.Select(o => o.Id).OrderBy(x => x));
        Assert.IsType<Group>(all.Value!.Single(o => o.Id == inner.Id));
        Assert.Equal("Inner", ((Group)all.Value!.Single(o => o.Id == inner.Id)).DisplayName);
        // the direct members stay direct
        DirectoryObjectCollectionResponse? direct = await Client.Groups[outer.Id].Members.GetAsync();
        Assert.Equal(new[] { a.Id, middle.Id }, direct!.Value!.Select(o => o.Id));
        // a group in a cycle is not listed as its own member
        DirectoryObjectCollectionResponse? ofMiddle = await Client.Groups[middle.Id].TransitiveMembers.GetAsync();
        Assert.DoesNotContain(middle.Id, ofMiddle!.Value!.Select(o => o.Id));
        Assert.Equal(new[] { inner.Id, a.Id, b.Id }.OrderBy(x => x), ofMiddle.Value!.Select(o => o.Id).OrderBy(x => x));
    }

    [Fact]
    public async Task TransitiveMembers_takes_casts_count_and_pages()
    {
        var (outer, middle, inner, a, b) = Nesting();
        UserCollectionResponse? users = await Client.Groups[outer.Id].TransitiveMembers.GraphUser.GetAsync();
        Assert.Equal(new[] { a.Id, b.Id }.OrderBy(x => x), users!.Value!.Select(u => u.Id).OrderBy(x => x));
        GroupCollectionResponse? groups = await Client.Groups[outer.Id].TransitiveMembers.GraphGroup.GetAsync();
        Assert.Equal(new[] { middle.Id, inner.Id }.OrderBy(x => x), groups!.Value!.Select(g => g.Id).OrderBy(x => x));
        using var countRequest = new HttpRequestMessage(HttpMethod.Get, $"{Fake.BaseUrl}/groups/{outer.Id}/transitiveMembers/$count");
        countRequest.Headers.Add("ConsistencyLevel", "eventual");
        using HttpResponseMessage count = await s_http.SendAsync(countRequest);
        Assert.Equal("4", await count.Content.ReadAsStringAsync());
        JsonObject page = JsonNode.Parse(await s_http.GetStringAsync($"{Fake.BaseUrl}/groups/{outer.Id}/transitiveMembers?$top=3&$select=id"))!.AsObject();
        Assert.Equal(3, page["value"]!.AsArray().Count);
        JsonObject rest = JsonNode.Parse(await s_http.GetStringAsync((string)page["@odata.nextLink"]!))!.AsObject();
        Assert.Single(rest["value"]!.AsArray());
    }

    [Fact]
    public async Task A_cast_to_groups_on_a_Microsoft_365_group_is_an_unsupported_query()
    {
        FakeUser a = Fake.AddUser("a@hwsefton.example");
        FakeGroup m365 = Fake.AddGroup(new FakeGroup { DisplayName = "Team", GroupTypes = new[] { "Unified" }, MailEnabled = true, SecurityEnabled = false, Members = new[] { a.Id } });
        var ex = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[m365.Id].TransitiveMembers.GraphGroup.GetAsync());
        Assert.Equal(400, ex.ResponseStatusCode);
        Assert.Equal("Request_UnsupportedQuery", ex.Error!.Code);
        Assert.Single((await Client.Groups[m365.Id].TransitiveMembers.GraphUser.GetAsync())!.Value!);
    }

    [Fact]
    public async Task Members_of_a_mail_enabled_security_group_cannot_be_added_or_removed()
    {
        FakeUser a = Fake.AddUser("a@hwsefton.example");
        FakeUser b = Fake.AddUser("b@hwsefton.example");
        FakeGroup mesg = Fake.AddGroup(new FakeGroup { DisplayName = "Mail-enabled", MailEnabled = true, SecurityEnabled = true, Members = new[] { a.Id } });
        string body = "{\"@odata.id\":\"" + DirectoryObjectUrl(b.Id) + "\"}";
        using HttpResponseMessage add = await s_http.PostAsync($"{Fake.BaseUrl}/groups/{mesg.Id}/members/$ref", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, add.StatusCode);
        JsonObject error = JsonNode.Parse(await add.Content.ReadAsStringAsync())!["error"]!.AsObject();
        Assert.Equal("Request_BadRequest", (string?)error["code"]);
        Assert.Equal("Cannot Update a mail-enabled security groups and or distribution list.", (string?)error["message"]);
        Assert.NotNull(error["innerError"]?["request-id"]);
        var remove = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[mesg.Id].Members[a.Id].Ref.DeleteAsync());
        Assert.Equal(400, remove.ResponseStatusCode);
        // nor through members@odata.bind in a PATCH of the group
        var patch = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[mesg.Id].PatchAsync(new Group
        {
            AdditionalData = new System.Collections.Generic.Dictionary<string, object> { ["members@odata.bind"] = new[] { DirectoryObjectUrl(b.Id) } },
        }));
        Assert.Equal("Cannot Update a mail-enabled security groups and or distribution list.", patch.Error!.Message);
        Assert.Equal(new[] { a.Id }, Fake.GetMembers(mesg.Id));
        // a distribution list is refused the same way; a Microsoft 365 group and a security group are not
        FakeGroup dl = Fake.AddGroup(new FakeGroup { DisplayName = "List", MailEnabled = true, SecurityEnabled = false });
        await Assert.ThrowsAsync<ODataError>(() => Client.Groups[dl.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(b.Id) }));
        FakeGroup m365 = Fake.AddGroup(new FakeGroup { DisplayName = "Team", GroupTypes = new[] { "Unified" }, MailEnabled = true, SecurityEnabled = false });
        await Client.Groups[m365.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(b.Id) });
        Assert.Equal(new[] { b.Id }, Fake.GetMembers(m365.Id));
    }

    [Fact]
    public async Task A_local_directory_group_keeps_its_kind_and_nested_groups_in_the_fake()
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hw-fake-kind-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        try
        {
            string path = System.IO.Path.Combine(folder, "directory.json");
            System.IO.File.WriteAllText(path, """
                {"organisation":"T","users":[{"id":"u1","userPrincipalName":"u1@t.example","displayName":"U1"}],
                 "groups":[{"id":"g1","displayName":"HW-Posting-a","members":["u1","g2"],"mailEnabled":true},
                           {"id":"g2","displayName":"Team","members":[],"groupTypes":["Unified"],"mailEnabled":true,"securityEnabled":false}]}
                """);
            Fake.LoadOrganisation(path);
            Group? g1 = await Client.Groups["g1"].GetAsync(rc => rc.QueryParameters.Select = new[] { "mailEnabled", "securityEnabled", "groupTypes" });
            Assert.True(g1!.MailEnabled);
            Assert.True(g1.SecurityEnabled);
            Group? g2 = await Client.Groups["g2"].GetAsync(rc => rc.QueryParameters.Select = new[] { "mailEnabled", "securityEnabled", "groupTypes" });
            Assert.Equal(new[] { "Unified" }, g2!.GroupTypes);
            Assert.False(g2.SecurityEnabled);
            JsonObject snapshot = Fake.SnapshotOrganisation();
            JsonObject s1 = snapshot["groups"]!.AsArray().Single(g => (string?)g!["id"] == "g1")!.AsObject();
            Assert.True((bool)s1["mailEnabled"]!);
            Assert.Equal(new[] { "u1", "g2" }, s1["members"]!.AsArray().Select(m => (string?)m));
            Assert.False((bool)snapshot["groups"]!.AsArray().Single(g => (string?)g!["id"] == "g2")!["securityEnabled"]!);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }
}
