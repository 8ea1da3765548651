using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Attachments.CreateUploadSession;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>
/// The size limits and the large-attachment route as documented (docs/decisions/0110): sendMail over the 4 MB request
/// limit is refused with 413; a draft takes attachments by one POST or by an upload session of in-order ranges of at
/// most 4 MB, PUT without the Graph token; the draft is then sent.
/// </summary>
public sealed class LargeMailTests : FakeGraphTest
{
    private static readonly HttpClient s_plain = new();

    private static byte[] Bytes(int n)
    {
        var b = new byte[n];
        new Random(7).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task An_oversized_sendMail_is_refused_with_413_and_nothing_is_sent()
    {
        Fake.AddUser("comms@hwsefton.example", "Communications");
        // A MIME request of just over 4 MB of base64 (the limit is on the request body).
        string mime = "To: manager@hwsefton.example\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n" + new string('x', 3 * 1024 * 1024 + 200);
        string body = Convert.ToBase64String(Encoding.ASCII.GetBytes(mime));
        Assert.True(body.Length > 4 * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, Fake.BaseUrl + "/users/comms@hwsefton.example/sendMail")
        {
            Content = new StringContent(body, Encoding.ASCII, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        using HttpResponseMessage response = await s_plain.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"RequestEntityTooLarge\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(Fake.SentMail);

        // The same message just under the limit is accepted: the limit, not the route, refused it.
        string smaller = Convert.ToBase64String(Encoding.ASCII.GetBytes(mime.Substring(0, 2 * 1024 * 1024)));
        using var ok = new HttpRequestMessage(HttpMethod.Post, Fake.BaseUrl + "/users/comms@hwsefton.example/sendMail")
        {
            Content = new StringContent(smaller, Encoding.ASCII, "text/plain"),
        };
        using HttpResponseMessage accepted = await s_plain.SendAsync(ok);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Single(Fake.SentMail);
    }

    [Fact]
    public async Task A_draft_with_a_small_and_an_uploaded_attachment_is_sent_with_both()
    {
        FakeUser sender = Fake.AddUser("comms@hwsefton.example", "Communications");
        Message draft = (await Client.Users["comms@hwsefton.example"].Messages.PostAsync(new Message
        {
            Subject = "Report",
            Body = new ItemBody { ContentType = BodyType.Html, Content = "<p>Summary</p>" },
            ToRecipients = new List<Recipient> { new() { EmailAddress = new EmailAddress { Address = "manager@hwsefton.example" } } },
        }))!;
        Assert.False(string.IsNullOrEmpty(draft.Id));
        Assert.Equal(1, Fake.DraftCount);

        byte[] small = Bytes(1000);
        await Client.Users["comms@hwsefton.example"].Messages[draft.Id].Attachments.PostAsync(
            new FileAttachment { Name = "small.bin", ContentType = "application/octet-stream", ContentBytes = small });

        byte[] large = Bytes(9 * 1024 * 1024 + 17);
        UploadSession session = (await Client.Users["comms@hwsefton.example"].Messages[draft.Id].Attachments.CreateUploadSession.PostAsync(
            new CreateUploadSessionPostRequestBody { AttachmentItem = new AttachmentItem { AttachmentType = AttachmentType.File, Name = "large.html", Size = large.Length } }))!;
        Assert.Equal(new[] { "0-" }, session.NextExpectedRanges);
        Assert.True(session.ExpirationDateTime > DateTimeOffset.UtcNow);

        int chunk = 4 * 1024 * 1024;
        int puts = 0;
        for (int start = 0; start < large.Length; start += chunk)
        {
            int length = Math.Min(chunk, large.Length - start);
            using HttpResponseMessage r = await Put(session.UploadUrl!, large, start, length, large.Length);
            puts++;
            bool last = start + length == large.Length;
            Assert.Equal(last ? HttpStatusCode.Created : HttpStatusCode.OK, r.StatusCode);
            if (last)
                Assert.Contains("Attachments(", r.Headers.Location!.ToString());
            else
                Assert.Contains($"\"{start + length}\"", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(3, puts);

        await Client.Users["comms@hwsefton.example"].Messages[draft.Id].Send.PostAsync();
        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.Equal(sender.Id, mail.FromUserId);
        Assert.Equal("<p>Summary</p>", mail.BodyContent);
        Assert.Equal(new[] { "small.bin", "large.html" }, mail.Attachments.Select(a => a.Name));
        Assert.Equal(small, mail.Attachments[0].ContentBytes);
        Assert.Equal(large, mail.Attachments[1].ContentBytes);
        Assert.Equal(0, Fake.DraftCount);
        var gone = await Assert.ThrowsAsync<ODataError>(() => Client.Users["comms@hwsefton.example"].Messages[draft.Id].Send.PostAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
    }

    [Fact]
    public async Task Upload_ranges_must_come_in_order_at_most_4_MB_without_the_Graph_token()
    {
        Fake.AddUser("comms@hwsefton.example", "Communications");
        Message draft = (await Client.Users["comms@hwsefton.example"].Messages.PostAsync(new Message
        {
            Subject = "Report",
            ToRecipients = new List<Recipient> { new() { EmailAddress = new EmailAddress { Address = "manager@hwsefton.example" } } },
        }))!;
        byte[] file = Bytes(5 * 1024 * 1024);
        UploadSession session = (await Client.Users["comms@hwsefton.example"].Messages[draft.Id].Attachments.CreateUploadSession.PostAsync(
            new CreateUploadSessionPostRequestBody { AttachmentItem = new AttachmentItem { AttachmentType = AttachmentType.File, Name = "r.html", Size = file.Length } }))!;

        using (HttpResponseMessage r = await Put(session.UploadUrl!, file, 1024, 1024, file.Length))
            Assert.Equal((HttpStatusCode)416, r.StatusCode);                   // not the next range
        using (HttpResponseMessage r = await Put(session.UploadUrl!, file, 0, 4 * 1024 * 1024 + 1, file.Length))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);  // more than 4 MB in one PUT
        using (HttpResponseMessage r = await Put(session.UploadUrl!, file, 0, 1024, file.Length, bearer: "t"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);            // the Graph token was sent to the upload URL
        using (HttpResponseMessage r = await Put(session.UploadUrl!, file, 0, 1024, file.Length + 1))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);            // total is not the session's size

        var tooBig = await Assert.ThrowsAsync<ODataError>(() => Client.Users["comms@hwsefton.example"].Messages[draft.Id].Attachments.CreateUploadSession.PostAsync(
            new CreateUploadSessionPostRequestBody { AttachmentItem = new AttachmentItem { AttachmentType = AttachmentType.File, Name = "huge", Size = 150L * 1024 * 1024 + 1 } }));
        Assert.Equal(400, tooBig.ResponseStatusCode);

        await Client.Users["comms@hwsefton.example"].Messages[draft.Id].Send.PostAsync();
        Assert.Empty(Assert.Single(Fake.SentMail).Attachments);                 // nothing half-uploaded was attached
    }

    private static async Task<HttpResponseMessage> Put(string url, byte[] file, int start, int length, long total, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(file, start, length) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1, total);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await s_plain.SendAsync(request);
    }
}
