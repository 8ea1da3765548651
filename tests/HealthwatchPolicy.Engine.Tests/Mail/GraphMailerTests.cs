using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Tests.Adapters;
using HealthwatchPolicy.FakeGraph;
using Microsoft.Graph;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>
/// The Graph mail transport against the loopback fake through the real Graph SDK client (with its middleware):
/// the review mail goes out as MIME from the review mailbox, and Graph's answers become the engine's errors.
/// </summary>
public sealed class GraphMailerTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly GraphTestHost _host;
    private readonly GraphServiceClient _client;

    public GraphMailerTests()
    {
        _host = GraphTestHost.Start(_org.Folder);
        _client = GraphDirectoryFactory.CreateClient(_host.Options);
    }

    private FakeGraphServer Fake => _host.Fake;

    [Fact]
    public void Review_mail_goes_out_as_MIME_from_the_mailbox_with_both_bodies()
    {
        var mailer = new GraphMailer(_client, TestOrg.Comms);
        MimeMessage message = ReviewMailSample.ReviewerMessage();
        mailer.Send(message);

        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.True(mail.IsMime);
        Assert.Equal("u-comms", mail.FromUserId);
        Assert.Equal(TestOrg.Comms, mail.FromUserPrincipalName);
        Assert.Equal(message.Subject, mail.Subject);
        Assert.Equal(new MailRecipient(TestOrg.Staff1, "Emma Clarke"), Assert.Single(mail.ToRecipients));
        Assert.Empty(mail.CcRecipients);
        Assert.Empty(mail.Attachments);
        Assert.True(mail.IsHtml);
        Assert.Equal(Lf(message.HtmlBody), Lf(mail.BodyContent));
        Assert.Equal(Lf(message.TextBody), Lf(mail.TextBody));
        foreach (string person in ReviewMailSample.People(ReviewMailSample.Review()))
        {
            Assert.Contains(person, mail.BodyContent);
            Assert.Contains(person, mail.TextBody);
        }

        MimeMessage received = MimeMessage.Load(new System.IO.MemoryStream(Encoding.UTF8.GetBytes(mail.Mime!)));
        Assert.Equal(TestOrg.Comms, received.From.Mailboxes.Single().Address);
        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal("en-GB", received.Body!.Headers[HeaderId.ContentLanguage]);

        RequestLogEntry request = Fake.RequestLog.Single(r => r.PathAndQuery.Contains("sendMail", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("POST", request.Method);
        Assert.Equal(202, request.Status);
        Assert.StartsWith("text/plain", request.Header("Content-Type"));
        Assert.Contains(Uri.EscapeDataString(TestOrg.Comms).Replace("%40", "@"), Uri.UnescapeDataString(request.PathAndQuery));
        Assert.Equal("Bearer " + GraphTestHost.Token, request.Authorization);
    }

    [Fact]
    public void Description_names_the_mailbox()
    {
        Assert.Equal("graph: sendMail as " + TestOrg.Comms, new GraphMailer(_client, TestOrg.Comms).Description);
        var ex = Assert.Throws<HwException>(() => new GraphMailer(_client, " "));
        Assert.Equal("MailFromRequired", ex.ErrorId);   // one id for "no mailbox to send from" (was also MailboxMissing)
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void An_unknown_mailbox_is_MailboxNotFound()
    {
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(_client, "nobody@hwsefton.example").Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailboxNotFound", ex.ErrorId);
        Assert.Equal(HwErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(404, ex.Status);
        Assert.Equal("ErrorInvalidUser", ex.Code);
        Assert.Equal("nobody@hwsefton.example", ex.Target);
        Assert.Contains("nobody@hwsefton.example", ex.Message);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Contains(ex.RequestId!, ex.Message);
        Assert.Empty(Fake.SentMail);
    }

    [Fact]
    public void A_user_without_a_mailbox_is_MailboxNotFound()
    {
        Fake.AddUser(new FakeUser { UserPrincipalName = "meeting.room@hwsefton.example", DisplayName = "Meeting room" });
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(_client, "meeting.room@hwsefton.example").Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailboxNotFound", ex.ErrorId);
        Assert.Equal("MailboxNotEnabledForRESTAPI", ex.Code);
        Assert.Empty(Fake.SentMail);
    }

    [Fact]
    public void Throttling_is_ridden_out_by_the_SDK_retry_handler()
    {
        Fake.Faults.ThrottleNextRequests = 2; // 429, then 503, then through
        new GraphMailer(_client, TestOrg.Comms).Send(ReviewMailSample.EscalationMessage());

        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.Equal(new[] { TestOrg.Manager, TestOrg.Comms }, mail.ToRecipients.Select(r => r.Address).ToArray());
        int[] statuses = Fake.RequestLog.Where(r => r.PathAndQuery.Contains("sendMail", StringComparison.OrdinalIgnoreCase)).Select(r => r.Status).ToArray();
        Assert.Equal(new[] { 429, 503, 202 }, statuses);
    }

    [Fact]
    public void Graph_staying_busy_after_the_SDK_retries_is_GraphThrottled()
    {
        const string body = "{\"error\":{\"code\":\"serviceNotAvailable\",\"message\":\"The service is temporarily unavailable. Please retry later.\"}}";
        var busy = new Answer(HttpStatusCode.ServiceUnavailable, body, retryAfterSeconds: 0);
        GraphServiceClient client = GraphDirectoryFactory.CreateClient(_host.Options, busy);
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(client, TestOrg.Comms).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("GraphThrottled", ex.ErrorId);      // as on directory calls; MailNotSent has one kind (ConnectionError)
        Assert.Equal(HwErrorKind.ResourceUnavailable, ex.Kind);
        Assert.Equal(503, ex.Status);
        Assert.Equal("serviceNotAvailable", ex.Code);
        Assert.Equal(4, busy.Requests); // the first try and the SDK's three retries
    }

    [Fact]
    public void Access_denied_names_the_Mail_Send_permission()
    {
        const string body = "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access to OData is disabled.\",\"innerError\":{\"request-id\":\"0f6c2d7e-1111-4222-8333-944455556666\"}}}";
        GraphServiceClient client = GraphDirectoryFactory.CreateClient(_host.Options, new Answer(HttpStatusCode.Forbidden, body));
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(client, TestOrg.Comms).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("GraphAccessDenied", ex.ErrorId);
        Assert.Equal(HwErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("ErrorAccessDenied", ex.Code);
        Assert.Contains("Mail.Send", ex.Message);
        Assert.Contains("docs/graph-permissions.md", ex.Message);
        Assert.Contains("0f6c2d7e-1111-4222-8333-944455556666", ex.Message);
    }

    [Fact]
    public void Other_refusals_are_MailNotSent()
    {
        const string body = "{\"error\":{\"code\":\"ErrorMessageSizeExceeded\",\"message\":\"The message exceeds the maximum supported size.\"}}";
        GraphServiceClient client = GraphDirectoryFactory.CreateClient(_host.Options, new Answer(HttpStatusCode.BadRequest, body));
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(client, TestOrg.Comms).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailNotSent", ex.ErrorId);
        Assert.Equal(400, ex.Status);
        Assert.Contains("maximum supported size", ex.Message);
    }

    [Fact]
    public void No_connection_is_MailNotSent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        GraphServiceClient client = GraphDirectoryFactory.CreateClient(GraphTestHost.MakeOptions($"http://127.0.0.1:{port}/v1.0"));
        var ex = Assert.Throws<GraphRequestException>(() => new GraphMailer(client, TestOrg.Comms).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailNotSent", ex.ErrorId);
        Assert.Equal(HwErrorKind.ConnectionError, ex.Kind);
        Assert.DoesNotContain(GraphTestHost.Token, ex.Message);
    }

    [Fact]
    public async Task The_fake_refuses_MIME_that_is_not_base64_as_Graph_does()
    {
        using var http = new HttpClient();
        string url = Fake.BaseUrl + "/users/" + TestOrg.Comms + "/sendMail";
        using HttpResponseMessage bad = await http.PostAsync(url, new StringContent("this is not base64!", Encoding.ASCII, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        JsonNode error = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("ErrorMimeContentInvalidBase64String", (string?)error["code"]);
        Assert.Equal("Invalid base64 string for MIME content.", (string?)error["message"]);

        string noRecipients = Convert.ToBase64String(Encoding.ASCII.GetBytes("From: a@hwsefton.example\r\nSubject: x\r\n\r\nhello\r\n"));
        using HttpResponseMessage none = await http.PostAsync(url, new StringContent(noRecipients, Encoding.ASCII, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("ErrorInvalidRecipients", await none.Content.ReadAsStringAsync());

        string plain = Convert.ToBase64String(Encoding.ASCII.GetBytes("From: a@hwsefton.example\r\nTo: b@hwsefton.example\r\nSubject: Plain\r\n\r\nhello\r\n"));
        using HttpResponseMessage ok = await http.PostAsync(url, new StringContent(plain, Encoding.ASCII, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        SentMail mail = Assert.Single(Fake.SentMail);
        Assert.Equal("text", mail.BodyContentType);
        Assert.Equal("hello", mail.BodyContent!.Trim());
        Assert.Equal("hello", mail.TextBody!.Trim());
    }

    private static string Lf(string? s) => (s ?? "").Replace("\r\n", "\n").TrimEnd();

    /// <summary>The last handler in the SDK's pipeline: answers every request with one Graph error.</summary>
    private sealed class Answer : HttpMessageHandler
    {
        private readonly HttpStatusCode _status;
        private readonly string _body;
        private readonly int? _retryAfter;
        private int _requests;

        public Answer(HttpStatusCode status, string body, int? retryAfterSeconds = null)
        {
            _status = status;
            _body = body;
            _retryAfter = retryAfterSeconds;
        }

        public int Requests => _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var response = new HttpResponseMessage(_status) { Content = new StringContent(_body, Encoding.UTF8, "application/json"), RequestMessage = request };
            if (_retryAfter is { } seconds)
                response.Headers.TryAddWithoutValidation("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(response);
        }
    }

    public void Dispose()
    {
        _host.Dispose();
        _org.Dispose();
    }
}
