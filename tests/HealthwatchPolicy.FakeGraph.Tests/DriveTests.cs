using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Graph.Drives.Item.Items.Item.CreateUploadSession;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>
/// SharePoint files as documented (docs/decisions/0140), through the real SDK: sites by path and id, the default
/// library, upload sessions with conflictBehavior (409 nameAlreadyExists when the last byte arrives) and if-match
/// (412), downloads through a 302, children paging, DELETE with if-match.
/// </summary>
public sealed class DriveTests : FakeGraphTest
{
    private static readonly HttpClient s_plain = new();

    private async Task<(string SiteId, string DriveId)> SiteAsync()
    {
        string id = Fake.AddSite("contoso.sharepoint.com", "/sites/hw");
        Site? site = await Client.Sites["x"].WithUrl(Fake.BaseUrl + "/sites/contoso.sharepoint.com:/sites/hw").GetAsync();
        Assert.Equal(id, site!.Id);
        Assert.Equal("https://contoso.sharepoint.com/sites/hw", site.WebUrl);
        Drive? drive = await Client.Sites[id].Drive.GetAsync();
        Assert.Equal("Documents", drive!.Name);
        return (id, drive.Id!);
    }

    private async Task<UploadSession> SessionAsync(string driveId, string path, string behaviour, string? ifMatch = null, string? itemId = null)
    {
        string url = itemId is null
            ? $"{Fake.BaseUrl}/drives/{driveId}/items/root:/{path}:/createUploadSession"
            : $"{Fake.BaseUrl}/drives/{driveId}/items/{itemId}/createUploadSession";
        var body = new CreateUploadSessionPostRequestBody
        {
            Item = new DriveItemUploadableProperties { AdditionalData = new Dictionary<string, object> { ["@microsoft.graph.conflictBehavior"] = behaviour } },
        };
        return (await Client.Drives[driveId].Items["root"].CreateUploadSession.WithUrl(url).PostAsync(body, rc =>
        {
            if (ifMatch is not null)
                rc.Headers.Add("If-Match", ifMatch);
        }))!;
    }

    private static async Task<HttpResponseMessage> PutAsync(UploadSession s, byte[] bytes, bool withToken = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, s.UploadUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(0, bytes.Length - 1, bytes.Length);
        if (withToken)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await s_plain.SendAsync(request);
    }

    [Fact]
    public async Task A_name_taken_while_the_session_was_open_is_a_409_at_the_last_byte_and_the_first_file_stays()
    {
        (_, string drive) = await SiteAsync();
        await Client.Drives[drive].Items["root"].Children.WithUrl($"{Fake.BaseUrl}/drives/{drive}/root/children")
            .PostAsync(new DriveItem { Name = "journal", Folder = new Folder() });
        UploadSession a = await SessionAsync(drive, "journal/000000000001.json", "fail");
        UploadSession b = await SessionAsync(drive, "journal/000000000001.json", "fail");
        using HttpResponseMessage first = await PutAsync(a, Encoding.UTF8.GetBytes("A"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using HttpResponseMessage second = await PutAsync(b, Encoding.UTF8.GetBytes("B"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("\"nameAlreadyExists\"", await second.Content.ReadAsStringAsync());
        // A session opened once the name is taken is refused at once (fail is the default).
        var late = await Assert.ThrowsAsync<ODataError>(() => SessionAsync(drive, "journal/000000000001.json", "fail"));
        Assert.Equal(409, late.ResponseStatusCode);

        // The content is the first writer's, fetched through the 302 to a download URL the SDK follows.
        using Stream? content = await Client.Drives[drive].Items["root"].Content.WithUrl($"{Fake.BaseUrl}/drives/{drive}/root:/journal/000000000001.json:/content").GetAsync();
        Assert.Equal("A", new StreamReader(content!).ReadToEnd());
        Assert.Contains(Fake.RequestLog, r => r.Status == 302);
    }

    [Fact]
    public async Task If_match_on_a_changed_item_is_412_and_the_upload_URL_takes_no_token()
    {
        (string site, string drive) = await SiteAsync();
        Fake.PutFile(site, "Documents", "reviews/2026-11.json", Encoding.UTF8.GetBytes("one"));
        DriveItem item = (await Client.Drives[drive].Items["root"].WithUrl($"{Fake.BaseUrl}/drives/{drive}/root:/reviews/2026-11.json:").GetAsync())!;
        Assert.StartsWith("\"{", item.ETag);
        Fake.PutFile(site, "Documents", "reviews/2026-11.json", Encoding.UTF8.GetBytes("two"));
        var stale = await Assert.ThrowsAsync<ODataError>(() => SessionAsync(drive, "", "replace", item.ETag, item.Id));
        Assert.Equal(412, stale.ResponseStatusCode);

        DriveItem now = (await Client.Drives[drive].Items[item.Id].GetAsync())!;
        UploadSession s = await SessionAsync(drive, "", "replace", now.ETag, now.Id);
        using (HttpResponseMessage withToken = await PutAsync(s, Encoding.UTF8.GetBytes("three"), withToken: true))
            Assert.Equal(HttpStatusCode.Unauthorized, withToken.StatusCode);
        using (HttpResponseMessage done = await PutAsync(s, Encoding.UTF8.GetBytes("three")))
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("three", Encoding.UTF8.GetString(Fake.GetFile(site, "Documents", "reviews/2026-11.json")!));

        // DELETE with a stale if-match deletes nothing; with the current one, the item goes.
        var refused = await Assert.ThrowsAsync<ODataError>(() => Client.Drives[drive].Items[item.Id].DeleteAsync(rc => rc.Headers.Add("If-Match", now.ETag!)));
        Assert.Equal(412, refused.ResponseStatusCode);
        DriveItem latest = (await Client.Drives[drive].Items[item.Id].GetAsync())!;
        await Client.Drives[drive].Items[item.Id].DeleteAsync(rc => rc.Headers.Add("If-Match", latest.ETag!));
        Assert.Null(Fake.GetFile(site, "Documents", "reviews/2026-11.json"));
    }

    [Fact]
    public async Task Children_come_in_pages_with_a_next_link_and_a_site_is_found_by_id()
    {
        (string site, string drive) = await SiteAsync();
        for (int i = 0; i < 205; i++)
            Fake.PutFile(site, "Documents", $"journal/{i:D12}.json", Encoding.UTF8.GetBytes("x"));
        DriveItemCollectionResponse? page = await Client.Drives[drive].Items["root"].Children.WithUrl($"{Fake.BaseUrl}/drives/{drive}/root:/journal:/children").GetAsync();
        Assert.Equal(200, page!.Value!.Count);                    // the documented default page
        Assert.NotNull(page.OdataNextLink);
        DriveItemCollectionResponse? next = await Client.Drives[drive].Items["root"].Children.WithUrl(page.OdataNextLink!).GetAsync();
        Assert.Equal(5, next!.Value!.Count);
        Assert.Null(next.OdataNextLink);
        Assert.Equal(205, page.Value.Concat(next.Value).Select(i => i.Name).Distinct().Count());

        Site? byId = await Client.Sites[site].GetAsync();
        Assert.Equal(site, byId!.Id);
        var missing = await Assert.ThrowsAsync<ODataError>(() => Client.Sites["x"].WithUrl(Fake.BaseUrl + "/sites/contoso.sharepoint.com:/sites/none").GetAsync());
        Assert.Equal(404, missing.ResponseStatusCode);
    }
}
