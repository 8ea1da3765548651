using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class DeltaTests : FakeGraphTest
{
    [Fact]
    public async Task Delta_rounds_report_membership_changes_and_removed_groups()
    {
        var users = SeedUsers(3);
        FakeGroup a = Fake.AddGroup("HW-a", null, users[0].Id);
        FakeGroup b = Fake.AddGroup("HW-b");

        var first = await Client.Groups.Delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = new[] { "displayName", "members" });
        Assert.Equal(2, first!.Value!.Count);
        Assert.NotNull(first.OdataDeltaLink);
        Assert.Contains("/groups/delta()?", first.OdataDeltaLink);

        var empty = await Client.Groups.Delta.WithUrl(first.OdataDeltaLink!).GetAsDeltaGetResponseAsync();
        Assert.Empty(empty!.Value!);

        await Client.Groups[a.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(users[1].Id) });
        await Client.Groups[a.Id].Members[users[0].Id].Ref.DeleteAsync();
        await Client.Groups[b.Id].DeleteAsync();

        var second = await Client.Groups.Delta.WithUrl(empty.OdataDeltaLink!).GetAsDeltaGetResponseAsync();
        Assert.Equal(2, second!.Value!.Count);
        Group changed = second.Value.Single(g => g.Id == a.Id);
        var memberDelta = Assert.IsType<UntypedArray>(changed.AdditionalData["members@delta"]);
        var entries = memberDelta.GetValue().Select(n => Assert.IsType<UntypedObject>(n).GetValue()).ToList();
        Assert.Equal(2, entries.Count);
        static string? Id(System.Collections.Generic.IDictionary<string, UntypedNode> e) => ((UntypedString)e["id"]).GetValue();
        Assert.Contains(entries, e => Id(e) == users[1].Id && !e.ContainsKey("@removed"));
        Assert.Contains(entries, e => Id(e) == users[0].Id && e.ContainsKey("@removed"));
        Group removed = second.Value.Single(g => g.Id == b.Id);
        Assert.True(removed.AdditionalData.ContainsKey("@removed"));

        Fake.ExpireDeltaTokens();
        var expired = await Assert.ThrowsAsync<ODataError>(() => Client.Groups.Delta.WithUrl(second.OdataDeltaLink!).GetAsDeltaGetResponseAsync());
        Assert.Equal(410, expired.ResponseStatusCode);
    }
}
