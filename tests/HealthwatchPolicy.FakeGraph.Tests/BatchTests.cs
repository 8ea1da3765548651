using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class BatchTests : FakeGraphTest
{
    [Fact]
    public async Task Batch_of_20_member_adds_gives_per_item_statuses_in_one_round_trip()
    {
        List<FakeUser> users = SeedUsers(20);
        FakeGroup g = Fake.AddGroup("HW-batch", null, users[0].Id, users[1].Id);
        Fake.ResetCounters();

        var batch = new BatchRequestContentCollection(Client);
        var stepFor = new Dictionary<string, string>();
        foreach (FakeUser u in users)
            stepFor[u.Id] = await batch.AddBatchRequestStepAsync(
                Client.Groups[g.Id].Members.Ref.ToPostRequestInformation(new ReferenceCreate { OdataId = DirectoryObjectUrl(u.Id) }));
        BatchResponseContentCollection result = await Client.Batch.PostAsync(batch);
        Dictionary<string, HttpStatusCode> codes = await result.GetResponsesStatusCodesAsync();

        Assert.Equal(20, codes.Count);
        Assert.Equal(HttpStatusCode.BadRequest, codes[stepFor[users[0].Id]]);
        Assert.Equal(HttpStatusCode.BadRequest, codes[stepFor[users[1].Id]]);
        Assert.Equal(18, codes.Values.Count(c => c == HttpStatusCode.NoContent));
        Assert.Equal(20, Fake.GetMembers(g.Id).Count);
        Assert.Equal(1, Fake.HttpRequestCount);
        Assert.Equal(20, Fake.LogicalRequestCount);
        Assert.All(Fake.RequestLog, e => Assert.True(e.InBatch));

        // A failed item surfaces as ServiceException (not ODataError) through GetResponseByIdAsync<T>, body intact.
        using HttpResponseMessage failed = await result.GetResponseByIdAsync(stepFor[users[0].Id]);
        JsonNode body = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!;
        Assert.Equal("Request_BadRequest", (string?)body["error"]!["code"]);
        Assert.Equal("application/json", failed.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Collection_splits_25_steps_into_two_round_trips_and_reads_are_typed()
    {
        List<FakeUser> users = SeedUsers(25);
        Fake.ResetCounters();
        var batch = new BatchRequestContentCollection(Client);
        var ids = new List<string>();
        foreach (FakeUser u in users)
            ids.Add(await batch.AddBatchRequestStepAsync(Client.Users[u.Id].ToGetRequestInformation(c => c.QueryParameters.Select = new[] { "id", "accountEnabled" })));
        var result = await Client.Batch.PostAsync(batch);
        Assert.Equal(2, Fake.HttpRequestCount);
        Assert.Equal(25, Fake.LogicalRequestCount);
        User? u0 = await result.GetResponseByIdAsync<User>(ids[0]);
        Assert.Equal(users[0].Id, u0!.Id);
        Assert.True(u0.AccountEnabled);
    }

    [Fact]
    public async Task Batch_urls_arrive_unescaped_and_still_filter_correctly()
    {
        Fake.AddGroup("O'Brien & Co");
        Fake.AddGroup("SOCIAL-1");
        var batch = new BatchRequestContentCollection(Client);
        string a = await batch.AddBatchRequestStepAsync(Client.Groups.ToGetRequestInformation(c => c.QueryParameters.Filter = "displayName eq 'SOCIAL-1'"));
        string b = await batch.AddBatchRequestStepAsync(Client.Groups.ToGetRequestInformation(c => c.QueryParameters.Filter = "startswith(displayName,'O''Brien')"));
        var result = await Client.Batch.PostAsync(batch);
        var first = await result.GetResponseByIdAsync<GroupCollectionResponse>(a);
        Assert.Equal("SOCIAL-1", Assert.Single(first!.Value!).DisplayName);
        var second = await result.GetResponseByIdAsync<GroupCollectionResponse>(b);
        Assert.Equal("O'Brien & Co", Assert.Single(second!.Value!).DisplayName);
        Assert.Contains(Fake.RequestLog, e => e.InBatch && e.PathAndQuery.Contains("displayName eq 'SOCIAL-1'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throttled_item_is_a_429_with_Retry_After_inside_a_200_batch()
    {
        List<FakeUser> users = SeedUsers(3);
        Fake.Faults.RetryAfterSeconds = 7;
        Fake.Faults.ThrottleStatusCodes = new[] { 429 };
        Fake.Faults.ThrottleFilter = (method, path) => path.Contains(users[1].Id, StringComparison.Ordinal);
        Fake.Faults.ThrottleNextRequests = 1;

        var batch = new BatchRequestContentCollection(Client);
        var ids = new List<string>();
        foreach (FakeUser u in users)
            ids.Add(await batch.AddBatchRequestStepAsync(Client.Users[u.Id].ToGetRequestInformation()));
        var result = await Client.Batch.PostAsync(batch);
        var codes = await result.GetResponsesStatusCodesAsync();
        Assert.Equal(HttpStatusCode.OK, codes[ids[0]]);
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[ids[1]]);
        Assert.Equal(HttpStatusCode.OK, codes[ids[2]]);
        using HttpResponseMessage throttled = await result.GetResponseByIdAsync(ids[1]);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter!.Delta);
        var ex = await Assert.ThrowsAsync<ServiceException>(() => result.GetResponseByIdAsync<User>(ids[1]));
        Assert.Equal(429, ex.ResponseStatusCode);
        Assert.Equal(1, Fake.HttpRequestCount); // the SDK does not retry items

        // Resubmitting the failed steps is the caller's job.
        var retry = batch.NewBatchWithFailedRequests(codes);
        Assert.Single(retry.BatchRequestSteps);
    }

    [Fact]
    public async Task DependsOn_a_failed_item_yields_424()
    {
        FakeUser u = Fake.AddUser("dep@hwsefton.example");
        var content = new BatchRequestContentCollection(Client);
        var missingGroup = Client.Groups[Guid.NewGuid().ToString()].Members.Ref.ToPostRequestInformation(new ReferenceCreate { OdataId = DirectoryObjectUrl(u.Id) });
        string first = await content.AddBatchRequestStepAsync(missingGroup, "1");
        HttpRequestMessage second = (await Client.RequestAdapter.ConvertToNativeRequestAsync<HttpRequestMessage>(Client.Users[u.Id].ToGetRequestInformation()))!;
        Assert.True(content.AddBatchRequestStep(new BatchRequestStep("2", second, new List<string> { first })));
        BatchResponseContentCollection result = await Client.Batch.PostAsync(content);
        var codes = await result.GetResponsesStatusCodesAsync();
        Assert.Equal(HttpStatusCode.NotFound, codes["1"]);
        Assert.Equal((HttpStatusCode)424, codes["2"]);
    }

    [Fact]
    public async Task Responses_come_back_shuffled()
    {
        List<FakeUser> users = SeedUsers(20);
        var batch = new BatchRequestContentCollection(Client);
        var ids = new List<string>();
        foreach (FakeUser u in users)
            ids.Add(await batch.AddBatchRequestStepAsync(Client.Users[u.Id].ToGetRequestInformation()));
        var result = await Client.Batch.PostAsync(batch);
        var order = (await result.GetResponsesStatusCodesAsync()).Keys.ToList();
        Assert.Equal(ids.OrderBy(i => i), order.OrderBy(i => i));
        Assert.NotEqual(ids, order);
    }

    [Fact]
    public async Task Envelope_refuses_more_than_20_and_duplicate_ids()
    {
        using var http = new HttpClient();
        string Items(int n, Func<int, string> id) => "{\"requests\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"id\":\"{id(i)}\",\"method\":\"GET\",\"url\":\"/users\"}}")) + "]}";
        var tooMany = await http.PostAsync(Fake.BaseUrl + "/$batch", new StringContent(Items(21, i => i.ToString()), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var dup = await http.PostAsync(Fake.BaseUrl + "/$batch", new StringContent(Items(2, _ => "A"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        var ok = await http.PostAsync(Fake.BaseUrl + "/$batch", new StringContent(Items(2, i => "a" + i), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
