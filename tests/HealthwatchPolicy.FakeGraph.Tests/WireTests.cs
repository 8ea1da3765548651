using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>Raw HTTP checks of graph-reference.md section 0 (what the SDK hides).</summary>
public sealed class WireTests : FakeGraphTest
{
    private static readonly HttpClient s_http = new();

    [Fact]
    public async Task Json_responses_carry_content_type_and_request_ids_and_echo_client_request_id()
    {
        Fake.AddUser("wire@hwsefton.example");
        using var req = new HttpRequestMessage(HttpMethod.Get, Fake.BaseUrl + "/users");
        req.Headers.Add("client-request-id", "abc-123");
        using HttpResponseMessage resp = await s_http.SendAsync(req);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.MediaType);
        Assert.Equal("abc-123", resp.Headers.GetValues("client-request-id").Single());
        Assert.True(Guid.TryParse(resp.Headers.GetValues("request-id").Single(), out _));
        JsonObject body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(Fake.BaseUrl + "/$metadata#users", (string?)body["@odata.context"]);
        Assert.NotNull(body["value"]);
        Assert.Null(Fake.LastAuthorizationHeaders[^1]); // not required
    }

    [Fact]
    public async Task Error_body_has_the_documented_shape_and_casing()
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, Fake.BaseUrl + "/groups/nope");
        req.Headers.Add("client-request-id", "cid-1");
        using HttpResponseMessage resp = await s_http.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.MediaType);
        JsonObject error = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["error"]!.AsObject();
        Assert.Equal(new[] { "code", "message", "innerError" }, error.Select(kv => kv.Key));
        JsonObject inner = error["innerError"]!.AsObject();
        Assert.Equal("cid-1", (string?)inner["client-request-id"]);
        Assert.Equal(resp.Headers.GetValues("request-id").Single(), (string?)inner["request-id"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", (string?)inner["date"]);
    }

    [Theory]
    [InlineData("/users?$top=1&$select=id")]
    [InlineData("/users?%24top=1&%24select=id")]
    [InlineData("/users?%24top=1&%24select=id&%24filter=startswith(displayName%2C%27Wire%27)")]
    public async Task Query_option_names_and_values_are_url_decoded(string pathAndQuery)
    {
        Fake.AddUser("wire1@hwsefton.example", "Wire One");
        Fake.AddUser("wire2@hwsefton.example", "Wire Two");
        JsonObject body = JsonNode.Parse(await s_http.GetStringAsync(Fake.BaseUrl + pathAndQuery))!.AsObject();
        JsonObject item = Assert.Single(body["value"]!.AsArray())!.AsObject();
        Assert.Equal(new[] { "id" }, item.Select(kv => kv.Key));
        Assert.StartsWith(Fake.BaseUrl + "/users?", (string?)body["@odata.nextLink"]);
    }

    [Fact]
    public async Task Member_and_manager_items_carry_odata_type()
    {
        FakeUser boss = Fake.AddUser("boss@hwsefton.example");
        FakeUser u = Fake.AddUser("staff@hwsefton.example", managerId: boss.Id);
        FakeGroup g = Fake.AddGroup("HW-typed", null, u.Id);
        JsonObject members = JsonNode.Parse(await s_http.GetStringAsync($"{Fake.BaseUrl}/groups/{g.Id}/members"))!.AsObject();
        Assert.Equal("#microsoft.graph.user", (string?)members["value"]![0]!["@odata.type"]);
        JsonObject manager = JsonNode.Parse(await s_http.GetStringAsync($"{Fake.BaseUrl}/users/{u.Id}/manager"))!.AsObject();
        Assert.Equal("#microsoft.graph.user", (string?)manager["@odata.type"]);
    }

    [Fact]
    public async Task SendMail_accepts_camelCase_and_upper_case_body_type()
    {
        Fake.AddUser("docs@hwsefton.example");
        string json = "{\"message\":{\"subject\":\"s\",\"body\":{\"contentType\":\"HTML\",\"content\":\"<b>x</b>\"},\"toRecipients\":[{\"emailAddress\":{\"address\":\"a@b.example\"}}]},\"saveToSentItems\":true}";
        using HttpResponseMessage resp = await s_http.PostAsync(Fake.BaseUrl + "/users/docs@hwsefton.example/sendMail", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, resp.StatusCode);
        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.True(mail.IsHtml);
        Assert.True(mail.SaveToSentItems);
    }

    [Fact]
    public async Task Count_endpoint_needs_ConsistencyLevel()
    {
        SeedUsers(7);
        using HttpResponseMessage without = await s_http.GetAsync(Fake.BaseUrl + "/users/$count");
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        using var req = new HttpRequestMessage(HttpMethod.Get, Fake.BaseUrl + "/users/$count");
        req.Headers.Add("ConsistencyLevel", "eventual");
        using HttpResponseMessage with = await s_http.SendAsync(req);
        Assert.Equal("7", await with.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", with.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Other_paths_are_refused()
    {
        using HttpResponseMessage beta = await s_http.GetAsync($"http://127.0.0.1:{Fake.Port}/beta/users");
        Assert.Equal(HttpStatusCode.BadRequest, beta.StatusCode);
        using HttpResponseMessage unknown = await s_http.GetAsync(Fake.BaseUrl + "/teams");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/json", unknown.Content.Headers.ContentType!.MediaType);
    }
}
