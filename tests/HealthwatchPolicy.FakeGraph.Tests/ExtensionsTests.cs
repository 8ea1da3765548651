using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class ExtensionsTests : FakeGraphTest
{
    private const string Name = "org.healthwatch.policy.register";

    [Fact]
    public async Task Group_extension_create_get_patch_replaces_delete()
    {
        FakeGroup g = Fake.AddGroup("HW-Posting-facebook");
        var created = await Client.Groups[g.Id].Extensions.PostAsync(new OpenTypeExtension
        {
            ExtensionName = Name,
            AdditionalData = new Dictionary<string, object> { ["platform"] = "Facebook", ["handle"] = "HealthwatchSefton", ["schemaVersion"] = 1 },
        });
        var ext = Assert.IsType<OpenTypeExtension>(created);
        Assert.Equal(Name, ext.ExtensionName);
        Assert.Equal(Name, ext.Id);
        Assert.Equal("Facebook", ext.AdditionalData["platform"]?.ToString());

        var got = Assert.IsType<OpenTypeExtension>(await Client.Groups[g.Id].Extensions[Name].GetAsync());
        Assert.Equal("HealthwatchSefton", got.AdditionalData["handle"]?.ToString());
        Assert.DoesNotContain("extensionName", got.AdditionalData.Keys);
        Assert.DoesNotContain("id", got.AdditionalData.Keys);

        var duplicate = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[g.Id].Extensions.PostAsync(new OpenTypeExtension { ExtensionName = Name }));
        Assert.Equal(400, duplicate.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", duplicate.Error!.Code);
        Assert.Equal("An extension already exists with given id.", duplicate.Error.Message);

        await Client.Groups[g.Id].Extensions[Name].PatchAsync(new OpenTypeExtension
        {
            ExtensionName = Name,
            AdditionalData = new Dictionary<string, object> { ["platform"] = "Facebook", ["status"] = "Retired" },
        });
        JsonObject stored = Fake.GetExtension(g.Id, Name)!;
        Assert.Equal("Retired", (string?)stored["status"]);
        Assert.False(stored.ContainsKey("handle")); // PATCH replaced the whole property set

        var list = await Client.Groups[g.Id].Extensions.GetAsync();
        Assert.IsType<OpenTypeExtension>(Assert.Single(list!.Value!));

        await Client.Groups[g.Id].Extensions[Name].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[g.Id].Extensions[Name].GetAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task User_extension_and_expand_extensions()
    {
        FakeUser u = Fake.AddUser("ack@hwsefton.example");
        await Client.Users[u.Id].Extensions.PostAsync(new OpenTypeExtension
        {
            ExtensionName = "org.healthwatch.policy.acknowledgement",
            AdditionalData = new Dictionary<string, object> { ["versions"] = new List<string> { "2018.10" }, ["at"] = new List<string> { "2025-03-20T18:30:00Z" } },
        });
        var got = Assert.IsType<OpenTypeExtension>(await Client.Users[u.Id].Extensions["org.healthwatch.policy.acknowledgement"].GetAsync());
        Assert.Contains("versions", got.AdditionalData.Keys);

        var users = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Select = new[] { "id", "displayName" };
            c.QueryParameters.Expand = new[] { "extensions" };
        });
        User listed = Assert.Single(users!.Value!);
        Assert.IsType<OpenTypeExtension>(Assert.Single(listed.Extensions!));

        FakeGroup g = Fake.AddGroup("HW-Posting-x");
        Fake.SetExtension(g.Id, new JsonObject { ["extensionName"] = "org.healthwatch.policy.register", ["platform"] = "X" });
        var groups = await Client.Groups.GetAsync(c =>
        {
            c.QueryParameters.Filter = "startswith(displayName,'HW-Posting-')";
            c.QueryParameters.Select = new[] { "id", "displayName" };
            c.QueryParameters.Expand = new[] { "extensions" };
        });
        var e = Assert.IsType<OpenTypeExtension>(Assert.Single(Assert.Single(groups!.Value!).Extensions!));
        Assert.Equal("X", e.AdditionalData["platform"]?.ToString());
    }
}
