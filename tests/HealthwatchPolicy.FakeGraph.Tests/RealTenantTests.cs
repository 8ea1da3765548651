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
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>What real tenants do that the fake now does too (issue 12 items 2, 4 and 6; docs/decisions/0100).</summary>
public sealed class RealTenantTests : FakeGraphTest
{
    private const string Guest = "priya.shah_gmail.com#EXT#@hwsefton.example";
    private static readonly HttpClient s_http = new();

    private async Task<JsonObject> PostBatchAsync(params (string Id, string Url)[] steps)
    {
        var requests = new JsonArray(steps.Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["method"] = "GET", ["url"] = s.Url }).ToArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, Fake.BaseUrl + "/$batch")
        {
            Content = new StringContent(new JsonObject { ["requests"] = requests }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer " + Token);
        using HttpResponseMessage response = await s_http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static int StatusOf(JsonObject batch, string id) =>
        batch["responses"]!.AsArray().Single(r => (string?)r!["id"] == id)!["status"]!.GetValue<int>();

    [Fact]
    public async Task A_raw_hash_in_a_batch_step_url_starts_a_fragment_and_an_encoded_one_is_part_of_the_name()
    {
        FakeUser guest = Fake.AddUser(Guest);
        JsonObject batch = await PostBatchAsync(("raw", "/users/" + Guest), ("encoded", "/users/priya.shah_gmail.com%23EXT%23@hwsefton.example"));
        Assert.Equal(404, StatusOf(batch, "raw"));
        Assert.Equal(200, StatusOf(batch, "encoded"));
        Assert.Equal(guest.Id, (string?)batch["responses"]!.AsArray().Single(r => (string?)r!["id"] == "encoded")!["body"]!["id"]);
        Assert.Contains(Fake.RequestLog, e => e.BatchItemId == "raw" && e.PathAndQuery == "/users/priya.shah_gmail.com");
    }

    [Fact]
    public async Task Dot_segments_in_a_batch_step_url_are_resolved_as_a_url_parser_does()
    {
        FakeGroup group = Fake.AddGroup("HW-Posting-x");
        JsonObject batch = await PostBatchAsync(("up", $"/users/../groups/{group.Id}?$select=id"), ("encoded", $"/users/..%2Fgroups%2F{group.Id}"));
        Assert.Equal(200, StatusOf(batch, "up"));  // what an unencoded '../groups/x' reaches on a server that parses the url
        Assert.Equal(404, StatusOf(batch, "encoded"));
    }

    [Fact]
    public async Task The_SDK_writes_a_batch_step_url_unescaped_so_a_guest_upn_loses_its_EXT_part()
    {
        // Microsoft.Graph.Core 4.0.1: a single request encodes the UPN (%23), a $batch step carries it raw (#).
        FakeUser guest = Fake.AddUser(Guest);
        User? single = await Client.Users[Guest].GetAsync();
        Assert.Equal(guest.Id, single!.Id);
        var content = new BatchRequestContentCollection(Client);
        await content.AddBatchRequestStepAsync(Client.Users[Guest].ToGetRequestInformation(), "guest");
        BatchResponseContentCollection response = await Client.Batch.PostAsync(content);
        Assert.Equal(HttpStatusCode.NotFound, (await response.GetResponsesStatusCodesAsync())["guest"]);
        Assert.Contains(Fake.RequestLog, e => !e.InBatch && e.PathAndQuery.StartsWith("/users/priya.shah_gmail.com%23EXT%23", StringComparison.Ordinal));
        Assert.Contains(Fake.RequestLog, e => e.InBatch && e.PathAndQuery == "/users/priya.shah_gmail.com");
    }

    [Fact]
    public async Task A_new_group_is_missing_from_reads_by_id_lists_and_filters_until_its_replication_lag_has_passed()
    {
        var clock = new SteppingClock();
        await using FakeGraphServer fake = await FakeGraphServer.StartAsync(new FakeGraphOptions { TimeProvider = clock });
        fake.Faults.RetryAfterSeconds = 0;
        fake.Faults.ReplicationLag = TimeSpan.FromSeconds(30);
        FakeUser poster = fake.AddUser("poster@hwsefton.example");
        using var http = GraphClientFactory.Create(GraphClientFactory.CreateDefaultHandlers(), finalHandler: new HttpClientHandler());
        using var client = new GraphServiceClient(http, new StaticTokenAuthProvider(Token), fake.BaseUrl);

        Group created = (await client.Groups.PostAsync(new Group { DisplayName = "HW-Posting-new", MailNickname = "HW-Posting-new", MailEnabled = false, SecurityEnabled = true }))!;
        async Task<bool> ById() { try { await client.Groups[created.Id].GetAsync(); return true; } catch (ODataError e) when (e.ResponseStatusCode == 404) { return false; } }
        async Task<int> Listed() => (await client.Groups.GetAsync(rc => rc.QueryParameters.Filter = "startswith(displayName,'HW-Posting-')"))!.Value!.Count
                                   + (await client.Groups.GetAsync())!.Value!.Count(g => g.Id == created.Id);

        Assert.False(await ById());
        Assert.Equal(0, await Listed());
        var add = await Assert.ThrowsAsync<ODataError>(() => client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(poster.Id) }));
        Assert.Equal(404, add.ResponseStatusCode);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await ById());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await ById());
        Assert.Equal(2, await Listed());
        await client.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = DirectoryObjectUrl(poster.Id) });
        Assert.Equal(new[] { poster.Id }, fake.GetMembers(created.Id!));
    }

    [Fact]
    public async Task An_injected_error_carries_Graphs_code_message_and_request_ids_on_single_requests_and_batch_items()
    {
        FakeUser u = Fake.AddUser("denied@hwsefton.example");
        Fake.Faults.InjectedError = new FakeGraphInjectedError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.",
            (method, path) => path.StartsWith("/users/", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users[u.Id].GetAsync());
        Assert.Equal(403, e.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", e.Error!.Code);
        Assert.Equal("Insufficient privileges to complete the operation.", e.Error.Message);
        Assert.False(string.IsNullOrEmpty(e.ResponseHeaders["request-id"].Single()));
        Assert.Equal(e.ResponseHeaders["request-id"].Single(), e.Error.InnerError!.RequestId);
        Assert.NotNull((await Client.Users.GetAsync())!.Value); // the filter leaves the list alone

        JsonObject batch = await PostBatchAsync(("a", "/users/" + u.Id));
        Assert.Equal(403, StatusOf(batch, "a"));
        Assert.Equal("Authorization_RequestDenied", (string?)batch["responses"]![0]!["body"]!["error"]!["code"]);
    }

    [Fact]
    public async Task A_batch_reply_without_responses_is_what_the_fault_sends()
    {
        Fake.Faults.BatchWithoutResponses = true;
        JsonObject reply;
        using (var request = new HttpRequestMessage(HttpMethod.Post, Fake.BaseUrl + "/$batch")
        {
            Content = new StringContent("{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/users\"}]}", Encoding.UTF8, "application/json"),
        })
        {
            using HttpResponseMessage response = await s_http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            reply = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        Assert.False(reply.ContainsKey("responses"));
        Fake.Faults.Reset();
        Assert.True((await PostBatchAsync(("1", "/users"))).ContainsKey("responses"));
    }
}
