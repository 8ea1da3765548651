using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Graph.Models;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class OrganisationTests : FakeGraphTest
{
    private static string SamplePath => Path.Combine(RepoRoot(), "policy", "sample-org", "directory.json");

    [Fact]
    public async Task Loads_the_sample_organisation_with_its_ids_and_extensions_and_snapshots_it_back()
    {
        Fake.LoadOrganisation(SamplePath);
        JsonNode original = JsonNode.Parse(File.ReadAllText(SamplePath))!;
        JsonObject snapshot = Fake.SnapshotOrganisation();
        Assert.True(JsonNode.DeepEquals(original, snapshot), "snapshot differs:\n" + snapshot.ToJsonString());

        JsonObject firstGroup = original["groups"]![0]!.AsObject();
        string groupId = (string)firstGroup["id"]!;
        string extensionName = (string)firstGroup["extension"]!["extensionName"]!;
        var ext = Assert.IsType<OpenTypeExtension>(await Client.Groups[groupId].Extensions[extensionName].GetAsync());
        Assert.Equal((string?)firstGroup["extension"]!["platform"], ext.AdditionalData["platform"]?.ToString());

        var members = await Client.Groups[groupId].Members.GetAsync();
        Assert.Equal(firstGroup["members"]!.AsArray().Select(m => (string)m!), members!.Value!.Select(m => m.Id!));

        JsonObject managed = original["users"]!.AsArray().Select(u => u!.AsObject()).First(u => u.ContainsKey("managerId"));
        DirectoryObject? manager = await Client.Users[(string)managed["userPrincipalName"]!].Manager.GetAsync();
        Assert.Equal((string?)managed["managerId"], manager!.Id);
    }

    [Fact]
    public async Task Snapshot_reflects_changes_made_over_the_wire()
    {
        Fake.LoadOrganisation(SamplePath);
        JsonObject before = Fake.SnapshotOrganisation();
        string groupId = (string)before["groups"]![0]!["id"]!;
        string userId = before["users"]!.AsArray().Select(u => (string)u!["id"]!)
            .First(id => !before["groups"]![0]!["members"]!.AsArray().Any(m => (string)m! == id));
        await Client.Groups[groupId].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(userId) });
        JsonObject after = Fake.SnapshotOrganisation();
        Assert.Contains(userId, after["groups"]![0]!["members"]!.AsArray().Select(m => (string)m!));
    }
}
