using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class ConcurrencyAndHeadersTests : FakeGraphTest
{
    [Fact]
    public async Task Parallel_member_adds_and_reads_lose_nothing()
    {
        List<FakeUser> users = SeedUsers(200);
        FakeGroup g = Fake.AddGroup("HW-parallel");
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (u, ct) =>
        {
            await Client.Groups[g.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(u.Id) }, cancellationToken: ct);
            await Client.Groups[g.Id].GetAsync(cancellationToken: ct);
        });
        Assert.Equal(200, Fake.GetMembers(g.Id).Distinct().Count());
        Assert.Equal(400, Fake.LogicalRequestCount);
        Assert.All(Fake.RequestLog, e => Assert.True(e.Status is 200 or 204));
    }

    [Fact]
    public async Task Later_pages_do_not_carry_ConsistencyLevel_unless_the_caller_resends_it()
    {
        SeedUsers(30);
        var first = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 4;
            c.QueryParameters.Count = true;
            c.QueryParameters.Filter = "employeeType eq 'Volunteer'";
            c.Headers.Add("ConsistencyLevel", "eventual");
        });
        Assert.Equal(10, first!.OdataCount);
        Assert.NotNull(first.OdataNextLink);
        Assert.Equal("eventual", Fake.RequestLog[^1].Header("ConsistencyLevel"));

        // PageIterator without a configurator drops the header: the fake (like Graph) then refuses the advanced filter.
        var bare = PageIterator<User, UserCollectionResponse>.CreatePageIterator(Client, first, _ => true);
        // Note: PageIterator wraps a failed next page in ServiceException (inner Exception "code : message"), not ODataError.
        var refused = await Assert.ThrowsAsync<ServiceException>(() => bare.IterateAsync());
        Assert.StartsWith("Request_UnsupportedQuery", refused.InnerException!.Message);

        Fake.ResetCounters();
        var again = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 3;
            c.QueryParameters.Count = true;
            c.QueryParameters.Filter = "employeeType eq 'Volunteer'";
            c.Headers.Add("ConsistencyLevel", "eventual");
        });
        int seen = 0;
        var configured = PageIterator<User, UserCollectionResponse>.CreatePageIterator(Client, again!, _ => { seen++; return true; },
            r => { r.Headers.Add("ConsistencyLevel", "eventual"); return r; });
        await configured.IterateAsync();
        Assert.Equal(10, seen);
        Assert.All(Fake.RequestLog, e => Assert.Equal("eventual", e.Header("ConsistencyLevel")));
    }

    [Fact]
    public async Task Throttled_batch_envelope_is_retried_by_the_RetryHandler()
    {
        List<FakeUser> users = SeedUsers(2);
        Fake.Faults.ThrottleBatchEnvelopes = true;
        Fake.Faults.ThrottleFilter = (_, path) => path == "/$batch";
        Fake.Faults.ThrottleNextRequests = 1;
        var batch = new BatchRequestContentCollection(Client);
        string id = await batch.AddBatchRequestStepAsync(Client.Users[users[0].Id].ToGetRequestInformation());
        var result = await Client.Batch.PostAsync(batch);
        Assert.Equal(HttpStatusCode.OK, (await result.GetResponsesStatusCodesAsync())[id]);
        Assert.Equal(2, Fake.HttpRequestCount);
        Assert.Equal(1, Fake.LogicalRequestCount);
    }

    [Fact]
    public async Task Owners_can_be_added_and_removed_by_ref()
    {
        List<FakeUser> users = SeedUsers(2);
        FakeGroup g = Fake.AddGroup("HW-owners");
        await Client.Groups[g.Id].Owners.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/users/{users[0].Id}" });
        Assert.Equal(new[] { users[0].Id }, Fake.GetGroup(g.Id)!.Owners);
        var dup = await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() =>
            Client.Groups[g.Id].Owners.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(users[0].Id) }));
        Assert.Contains("'owners'", dup.Error!.Message);
        await Client.Groups[g.Id].Owners[users[0].Id].Ref.DeleteAsync();
        Assert.Empty(Fake.GetGroup(g.Id)!.Owners);
        Assert.Empty(Fake.GetMembers(g.Id)); // owners are not members
    }
}
