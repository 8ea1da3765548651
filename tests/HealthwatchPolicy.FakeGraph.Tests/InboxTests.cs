using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Move;
using MimeKit;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>The review mailbox as the fake models it (graph-facts §3, docs/decisions/0200): inbox paging, headers on $select only, folders, move.</summary>
public sealed class InboxTests : FakeGraphTest
{
    private static MimeMessage Message(int i)
    {
        var m = new MimeMessage { Subject = $"Reply {i:D2}" };
        m.From.Add(new MailboxAddress("Daniel Okafor", "daniel.okafor@hwsefton.example"));
        m.Headers.Add("Authentication-Results", "spf=pass smtp.mailfrom=hwsefton.example; dmarc=pass action=none header.from=hwsefton.example");
        m.Body = new TextPart("plain") { Text = "Reason: still needed" };
        return m;
    }

    [Fact]
    public async Task Inbox_messages_come_ten_a_page_newest_first_with_headers_only_when_selected()
    {
        Fake.AddUser("reviews@hwsefton.example", "Reviews");
        var start = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 12; i++)
            Fake.DeliverToInbox("reviews@hwsefton.example", Message(i), start.AddMinutes(i));

        MessageCollectionResponse? first = await Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.GetAsync();
        Assert.Equal(10, first!.Value!.Count);                                              // Graph's default page
        Assert.Equal("Reply 11", first.Value[0].Subject);
        Assert.Null(first.Value[0].InternetMessageHeaders);                                  // only on $select
        Assert.Equal(BodyType.Html, first.Value[0].Body!.ContentType);                       // HTML unless asked for text
        MessageCollectionResponse? second = await Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.WithUrl(first.OdataNextLink!).GetAsync();
        Assert.Equal(2, second!.Value!.Count);
        Assert.Null(second.OdataNextLink);

        MessageCollectionResponse? selected = await Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.GetAsync(rc =>
        {
            rc.QueryParameters.Select = new[] { "id", "subject", "body", "internetMessageHeaders" };
            rc.QueryParameters.Top = 50;
            rc.Headers.Add("Prefer", "outlook.body-content-type=\"text\"");
        });
        Message m = selected!.Value![0];
        Assert.Equal(12, selected.Value.Count);
        Assert.Contains(m.InternetMessageHeaders!, h => h.Name == "Authentication-Results" && h.Value!.Contains("dmarc=pass"));
        Assert.Equal(BodyType.Text, m.Body!.ContentType);
        Assert.Equal("Reason: still needed", m.Body.Content!.Trim());
        await Assert.ThrowsAsync<ODataError>(() => Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.GetAsync(rc => rc.QueryParameters.Top = 1001));
    }

    [Fact]
    public async Task A_moved_message_gets_a_new_id_in_its_folder_and_a_folder_name_is_made_once()
    {
        Fake.AddUser("reviews@hwsefton.example", "Reviews");
        Fake.DeliverToInbox("reviews@hwsefton.example", Message(1), DateTimeOffset.UtcNow);
        MailFolder made = (await Client.Users["reviews@hwsefton.example"].MailFolders.PostAsync(new MailFolder { DisplayName = "Processed" }))!;
        var dup = await Assert.ThrowsAsync<ODataError>(() => Client.Users["reviews@hwsefton.example"].MailFolders.PostAsync(new MailFolder { DisplayName = "processed" }));
        Assert.Equal(409, dup.ResponseStatusCode);
        Assert.Equal("ErrorFolderExists", dup.Error!.Code);
        Assert.Contains((await Client.Users["reviews@hwsefton.example"].MailFolders.GetAsync())!.Value!, f => f.Id == made.Id);

        string id = (await Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.GetAsync())!.Value!.Single().Id!;
        Message moved = (await Client.Users["reviews@hwsefton.example"].Messages[id].Move.PostAsync(new MovePostRequestBody { DestinationId = made.Id }))!;
        Assert.NotEqual(id, moved.Id);
        Assert.Equal(201, Fake.RequestLog[^1].Status);
        Assert.Equal(0, Fake.MailFolderCount("reviews@hwsefton.example", "Inbox"));
        Assert.Equal(1, Fake.MailFolderCount("reviews@hwsefton.example", "Processed"));
        var gone = await Assert.ThrowsAsync<ODataError>(() => Client.Users["reviews@hwsefton.example"].Messages[id].Move.PostAsync(new MovePostRequestBody { DestinationId = "inbox" }));
        Assert.Equal(404, gone.ResponseStatusCode);

        Fake.Faults.MailboxReadDenied = true;
        var denied = await Assert.ThrowsAsync<ODataError>(() => Client.Users["reviews@hwsefton.example"].MailFolders["inbox"].Messages.GetAsync());
        Assert.Equal(403, denied.ResponseStatusCode);
    }
}
