using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Tests.Adapters;
using HealthwatchPolicy.FakeGraph;
using Microsoft.Graph;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>
/// Issue 12 item 5: mail too large for sendMail (docs/decisions/0110). A compliance report of more than 2,000 findings
/// is sized first and, being over the limit, goes out on the fake Graph as a draft with a summary and the full report
/// attached (bytes equal), never as one oversized sendMail; a file of 3 MB or more goes through an upload session.
/// </summary>
public sealed class GraphLargeMailTests : IDisposable
{
    private const int Posters = 2108;
    private readonly TestOrg _org = new();
    private GraphTestHost? _host;

    public void Dispose()
    {
        _host?.Dispose();
        _org.Dispose();
    }

    /// <summary>One active account whose posting group has <see cref="Posters"/> staff who have not acknowledged the policy (HW-ELG-004 each).</summary>
    private void AddCrowdedAccount()
    {
        string path = Path.Combine(_org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var users = doc["users"]!.AsArray();
        var members = new JsonArray();
        for (int i = 0; i < Posters; i++)
        {
            string id = $"u-crowd-{i:D4}", upn = $"crowd.member{i:D4}@hwsefton.example";
            users.Add(new JsonObject
            {
                ["id"] = id, ["userPrincipalName"] = upn, ["displayName"] = $"Crowd Member {i:D4}", ["mail"] = upn,
                ["accountEnabled"] = true, ["employeeType"] = "Staff", ["userType"] = "Member", ["managerId"] = "u-manager",
            });
            members.Add(id);
        }
        doc["groups"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "g-crowd", ["displayName"] = "HW-Posting-facebook-crowd", ["mailNickname"] = "HW-Posting-facebook-crowd",
            ["description"] = "People who may post to the crowd page.", ["members"] = members,
            ["extension"] = new JsonObject
            {
                ["extensionName"] = "org.healthwatch.policy.register", ["name"] = "facebook-crowd", ["platform"] = "Facebook",
                ["handle"] = "crowd", ["url"] = "https://www.facebook.com/crowd", ["purpose"] = "Testing large reports.",
                ["ownerId"] = "u-comms", ["consentById"] = "u-manager", ["consentDate"] = "2026-01-05", ["status"] = "Active",
                ["createdAt"] = "2026-01-06T10:00:00.0000000+00:00", ["retiredAt"] = null,
            },
        });
        File.WriteAllText(path, doc.ToJsonString());
    }

    private sealed class Recording(IMailer inner) : IMailer
    {
        public MimeMessage? Message { get; private set; }
        public string Description => inner.Description;

        public void Send(MimeMessage message)
        {
            Message = message;
            inner.Send(message);
        }
    }

    [Fact]
    public void A_report_of_over_2000_findings_goes_out_under_the_limit_with_the_full_report_attached()
    {
        AddCrowdedAccount();
        _host = GraphTestHost.Start(_org.Folder);
        var session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(_host.Directory, "Graph", _org.StateFolder, null, new TestClock());
        GraphServiceClient client = GraphDirectoryFactory.CreateClient(_host.Options);
        var mailer = new Recording(new GraphMailer(client, TestOrg.Comms));
        _host.Fake.ResetCounters();

        ReviewMailRecord sent = session.Compliance.SendComplianceReport(mailer, TestOrg.Comms, TestOrg.Manager);

        Assert.True(sent.Items > 2000, $"{sent.Items} findings");
        MimeMessage original = mailer.Message!;
        int wholeRequest = GraphMailer.ToBase64Mime(original).Length;
        Assert.True(wholeRequest > GraphMailer.SendMailLimitBytes, $"the whole message would be a {wholeRequest}-byte request");

        SentMail mail = Assert.Single(_host.Fake.SentMail);
        Assert.False(mail.IsMime);
        Assert.Equal(original.Subject, mail.Subject);
        Assert.Equal(TestOrg.Manager, Assert.Single(mail.ToRecipients).Address);
        Assert.Equal("u-comms", mail.FromUserId);
        MailAttachment full = Assert.Single(mail.Attachments);
        Assert.Equal(GraphMailer.FileStem(original.Subject) + ".html", full.Name);
        Assert.Equal("text/html", full.ContentType);
        Assert.Equal(Encoding.UTF8.GetBytes(original.HtmlBody!), full.ContentBytes);
        // The summary says where the report is and quotes its head (the result and the counts), not the findings.
        Assert.True(mail.IsHtml);
        Assert.Contains(full.Name!, mail.BodyContent);
        Assert.Contains("At a glance", mail.BodyContent);
        Assert.True(mail.BodyContent!.Length < 10_000);

        var requests = _host.Fake.RequestLog;
        Assert.DoesNotContain(requests, r => r.PathAndQuery.Contains("sendMail", StringComparison.OrdinalIgnoreCase));
        Assert.All(requests, r => Assert.True(r.Status < 400, $"{r.Method} {r.PathAndQuery} answered {r.Status}"));
        Assert.Contains(requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith("/send", StringComparison.Ordinal));
        Assert.Equal(0, _host.Fake.DraftCount);
    }

    [Fact]
    public void A_file_of_3_MB_or_more_goes_through_an_upload_session_without_the_Graph_token()
    {
        _host = GraphTestHost.Start(_org.Folder);
        var mailer = new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), TestOrg.Comms);
        var data = new byte[7 * 1024 * 1024 + 5];
        new Random(11).NextBytes(data);
        var builder = new BodyBuilder { HtmlBody = "<p>Evidence attached.</p>", TextBody = "Evidence attached." };
        builder.Attachments.Add("evidence.bin", data, new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "Evidence pack", Body = builder.ToMessageBody() };
        message.From.Add(new MailboxAddress("Comms", TestOrg.Comms));
        message.To.Add(new MailboxAddress("Sarah Whitfield", TestOrg.Manager));

        mailer.Send(message);

        SentMail mail = Assert.Single(_host.Fake.SentMail);
        Assert.Equal(new[] { "evidence-pack.html", "evidence.bin" }, mail.Attachments.Select(a => a.Name));
        Assert.Equal(Encoding.UTF8.GetBytes("<p>Evidence attached.</p>"), mail.Attachments[0].ContentBytes);
        Assert.Equal(data, mail.Attachments[1].ContentBytes);
        var puts = _host.Fake.RequestLog.Where(r => r.Method == "PUT").ToList();
        Assert.Equal((data.Length + GraphMailer.UploadRangeBytes - 1) / GraphMailer.UploadRangeBytes, puts.Count);
        Assert.All(puts, p => Assert.Null(p.Authorization));
        Assert.All(puts, p => Assert.True(p.Status is 200 or 201));
        Assert.Contains(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("createUploadSession", StringComparison.Ordinal)
            && r.Authorization == "Bearer " + GraphTestHost.Token);
    }

    /// <summary>A message whose attachment (random bytes) has the given size; its body is small.</summary>
    private static MimeMessage WithAttachment(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var builder = new BodyBuilder { HtmlBody = "<p>Evidence attached.</p>", TextBody = "Evidence attached." };
        builder.Attachments.Add("evidence.bin", data, new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "Evidence pack", Body = builder.ToMessageBody() };
        message.From.Add(new MailboxAddress("Comms", TestOrg.Comms));
        message.To.Add(new MailboxAddress("Sarah Whitfield", TestOrg.Manager));
        return message;
    }

    [Theory]
    [InlineData(GraphMailer.SmallAttachmentBytes - 1, true)]   // 3,145,727 bytes: 4,194,304 as base64, over 4 MiB with its JSON (was one POST, 413)
    [InlineData(2_924_000, false)]                             // base64 3,898,668 + JSON: just within AttachmentRequestLimitBytes
    [InlineData(2_926_000, true)]                              // base64 3,901,336: just over it
    public void An_attachment_goes_in_one_post_only_when_its_encoded_request_fits_under_4_MB(int size, bool uploadSession)
    {
        _host = GraphTestHost.Start(_org.Folder);
        var mailer = new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), TestOrg.Comms);
        MimeMessage message = WithAttachment(size);
        var data = new byte[size];
        new Random(size).NextBytes(data); // the attachment's bytes, as WithAttachment made them

        mailer.Send(message);

        SentMail mail = Assert.Single(_host.Fake.SentMail);
        Assert.Equal(data, mail.Attachments[1].ContentBytes);
        Assert.DoesNotContain(_host.Fake.RequestLog, r => r.Status == 413);
        Assert.Equal(uploadSession, _host.Fake.RequestLog.Any(r => r.PathAndQuery.Contains("createUploadSession", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_Mail_ReadWrite_a_large_message_is_GraphAccessDenied_naming_it_and_nothing_is_sent()
    {
        _host = GraphTestHost.Start(_org.Folder);
        _host.Fake.Faults.MailDraftsDenied = true;
        var mailer = new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), TestOrg.Comms);
        var message = new MimeMessage { Subject = "Big report", Body = new BodyBuilder { HtmlBody = "<p>" + new string('x', 3_500_000) + "</p>" }.ToMessageBody() };
        message.From.Add(new MailboxAddress("Comms", TestOrg.Comms));
        message.To.Add(new MailboxAddress("Sarah Whitfield", TestOrg.Manager));

        var e = Assert.Throws<GraphRequestException>(() => mailer.Send(message));

        Assert.Equal("GraphAccessDenied", e.ErrorId);
        Assert.Equal(403, e.Status);
        Assert.Contains("Mail.ReadWrite", e.Message);
        Assert.Contains("Access is denied", e.Message);     // Graph's own words kept
        Assert.StartsWith("Access is denied", e.GraphMessage, StringComparison.Ordinal);
        Assert.Equal("ErrorAccessDenied", e.Code);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
        Assert.False(string.IsNullOrEmpty(e.ClientRequestId));
        Assert.Empty(_host.Fake.SentMail);
        Assert.Equal(0, _host.Fake.DraftCount);
        Assert.DoesNotContain(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("sendMail", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_message_under_the_limit_still_goes_whole_through_sendMail()
    {
        _host = GraphTestHost.Start(_org.Folder);
        var mailer = new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), TestOrg.Comms);
        MimeMessage message = ReviewMailSample.ReviewerMessage();
        Assert.True(GraphMailer.ToBase64Mime(message).Length <= GraphMailer.SendMailLimitBytes);
        mailer.Send(message);
        Assert.True(Assert.Single(_host.Fake.SentMail).IsMime);
        Assert.DoesNotContain(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("/messages", StringComparison.Ordinal));
    }
}
