using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.SendMail;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class MailTests : FakeGraphTest
{
    [Fact]
    public async Task SendMail_is_accepted_and_recorded_in_full()
    {
        FakeUser sender = Fake.AddUser("comms@hwsefton.example", "Communications");
        await Client.Users["comms@hwsefton.example"].SendMail.PostAsync(new SendMailPostRequestBody
        {
            Message = new Message
            {
                Subject = "Access review due",
                Body = new ItemBody { ContentType = BodyType.Html, Content = "<p>Please review</p>" },
                ToRecipients = new List<Recipient> { new() { EmailAddress = new EmailAddress { Address = "manager@hwsefton.example", Name = "Manager" } } },
                CcRecipients = new List<Recipient> { new() { EmailAddress = new EmailAddress { Address = "audit@hwsefton.example" } } },
                Attachments = new List<Attachment>
                {
                    new FileAttachment { Name = "review.csv", ContentType = "text/csv", ContentBytes = Encoding.UTF8.GetBytes("a,b\n1,2\n") },
                },
            },
            SaveToSentItems = false,
        });

        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.Equal(sender.Id, mail.FromUserId);
        Assert.Equal("Access review due", mail.Subject);
        Assert.True(mail.IsHtml);
        Assert.Equal("html", mail.BodyContentType); // the SDK sends the enum in lower case
        Assert.Equal("<p>Please review</p>", mail.BodyContent);
        Assert.Equal(new MailRecipient("manager@hwsefton.example", "Manager"), Assert.Single(mail.ToRecipients));
        Assert.Equal("audit@hwsefton.example", Assert.Single(mail.CcRecipients).Address);
        MailAttachment a = Assert.Single(mail.Attachments);
        Assert.Equal("review.csv", a.Name);
        Assert.Equal("#microsoft.graph.fileAttachment", a.ODataType);
        Assert.Equal("a,b\n1,2\n", Encoding.UTF8.GetString(a.ContentBytes));
        Assert.False(mail.SaveToSentItems);
        Assert.True(mail.Request.ContainsKey("Message")); // PascalCase action parameters from the SDK
        Assert.Equal(202, Fake.RequestLog[^1].Status);
    }

    [Fact]
    public async Task SendMail_from_an_unknown_user_is_ErrorInvalidUser()
    {
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users["ghost@hwsefton.example"].SendMail.PostAsync(new SendMailPostRequestBody
        {
            Message = new Message { Subject = "x", ToRecipients = new List<Recipient> { new() { EmailAddress = new EmailAddress { Address = "a@b.example" } } } },
        }));
        Assert.Equal(404, e.ResponseStatusCode);
        Assert.Equal("ErrorInvalidUser", e.Error!.Code);
        Assert.Equal("The requested user 'ghost@hwsefton.example' is invalid.", e.Error.Message);
        Assert.Empty(Fake.SentMail);
    }
}
