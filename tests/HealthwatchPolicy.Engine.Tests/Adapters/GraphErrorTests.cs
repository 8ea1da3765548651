using System;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>Every Graph failure keeps Graph's own words: code, message, request-id and client-request-id, for single
/// requests and $batch steps alike; a $batch reply that cannot be read is GraphResponseInvalid (issue 12 item 6).</summary>
public sealed class GraphErrorTests : IDisposable
{
    private const string DeniedMessage = "Insufficient privileges to complete the operation.";
    private readonly TestOrg _org = new();
    private readonly GraphTestHost _host;
    private readonly DirectoryGroup _group;

    public GraphErrorTests()
    {
        _host = GraphTestHost.Start(_org.Folder);
        _group = _host.Directory.CreateGroup(new NewGroup("HW-Posting-errors", "HW-Posting-errors", "d"),
            new JsonObject { ["extensionName"] = "org.healthwatch.policy.register", ["name"] = "errors" });
        _host.Fake.AddMember(_group.Id, "u-emma");
        _host.Fake.ResetCounters();
    }

    private FakeGraphFaults Faults => _host.Fake.Faults;

    /// <summary>The request id, client request id, code and message are on the exception and in its message, and the
    /// ids are the ones of a request the fake answered with that status.</summary>
    private void AssertGraphsWords(GraphRequestException e, string errorId, int status, string code, string message, bool inBatch = false)
    {
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(status, e.Status);
        Assert.Equal(code, e.Code);
        Assert.Equal(message, e.GraphMessage);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
        Assert.False(string.IsNullOrEmpty(e.ClientRequestId));
        Assert.Contains($"({status} {code}: {message})", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.RequestId!, e.Message, StringComparison.Ordinal);
        Assert.Contains(e.ClientRequestId!, e.Message, StringComparison.Ordinal);
        // A single request carries the client-request-id the SDK sent; a $batch step, the one Graph gave the step.
        if (!inBatch)
            Assert.Contains(_host.Fake.RequestLog, r => r.Status == status && !r.InBatch
                && r.Headers.TryGetValue("client-request-id", out string? c) && c == e.ClientRequestId);
        else
            Assert.Contains(_host.Fake.RequestLog, r => r.Status == status && r.InBatch);
    }

    [Fact]
    public void Throttling_that_never_clears_on_a_single_request_keeps_Graphs_code_message_and_request_ids()
    {
        Faults.ThrottleStatusCodes = new[] { 503 };
        Faults.ThrottleRate = 1;
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetUsers());
        AssertGraphsWords(e, ErrorIds.GraphThrottled, 503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.");
        Assert.DoesNotContain("(503 : )", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, _host.Fake.RequestLog.Count); // the SDK's RetryHandler: the request and 3 retries, then this error
    }

    [Fact]
    public void Throttling_that_never_clears_on_batch_steps_keeps_Graphs_code_message_and_request_ids()
    {
        Faults.ThrottleStatusCodes = new[] { 503 };
        Faults.ThrottleFilter = (method, path) => path.Contains("/members", StringComparison.Ordinal);
        Faults.ThrottleRate = 1;
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetGroups("HW-Posting-"));
        AssertGraphsWords(e, ErrorIds.GraphThrottled, 503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.", inBatch: true);
        Assert.All(_host.Fake.RequestLog.Where(r => r.PathAndQuery.Contains("/members", StringComparison.Ordinal)), r => Assert.True(r.InBatch));
    }

    [Fact]
    public void A_403_on_a_single_request_is_GraphAccessDenied_with_Graphs_code_message_and_request_ids()
    {
        Faults.InjectedError = new FakeGraphInjectedError(403, "Authorization_RequestDenied", DeniedMessage);
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetUsers());
        AssertGraphsWords(e, ErrorIds.GraphAccessDenied, 403, "Authorization_RequestDenied", DeniedMessage);
    }

    [Fact]
    public void A_403_on_a_batch_step_is_GraphAccessDenied_with_Graphs_code_message_and_request_ids()
    {
        Faults.InjectedError = new FakeGraphInjectedError(403, "Authorization_RequestDenied", DeniedMessage,
            (method, path) => path.Contains("/members", StringComparison.Ordinal));
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetGroups("HW-Posting-"));
        AssertGraphsWords(e, ErrorIds.GraphAccessDenied, 403, "Authorization_RequestDenied", DeniedMessage, inBatch: true);
    }

    [Fact]
    public void A_batch_reply_without_responses_is_GraphResponseInvalid_for_every_batch_read()
    {
        Faults.BatchWithoutResponses = true;
        var members = Assert.Throws<GraphRequestException>(() => _host.Directory.GetGroups("HW-Posting-"));
        Assert.Equal(ErrorIds.GraphResponseInvalid, members.ErrorId);
        Assert.Contains("no 'responses'", members.Message, StringComparison.Ordinal);
        AssertBatchReplyIds(members);
        var user = Assert.Throws<GraphRequestException>(() => _host.Directory.FindUser(TestOrg.Staff1));
        Assert.Equal(ErrorIds.GraphResponseInvalid, user.ErrorId);
        AssertBatchReplyIds(user);
        var byName = Assert.Throws<GraphRequestException>(() => _host.Directory.GetUsers(new[] { "u-emma" }));
        Assert.Equal(ErrorIds.GraphResponseInvalid, byName.ErrorId);
        AssertBatchReplyIds(byName);
        Assert.Equal(HwErrorKind.InvalidData, ErrorIds.KindOf(ErrorIds.GraphResponseInvalid));
    }

    [Fact]
    public void An_error_answer_without_Graphs_body_keeps_the_status_and_request_ids()
    {
        // A gateway in front of Graph can answer with a text page: the SDK throws a plain ApiException for it.
        Faults.InjectedError = new FakeGraphInjectedError(502, "", "", RawBody: "Bad Gateway");
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetUsers());
        Assert.Equal(ErrorIds.GraphRequestFailed, e.ErrorId);
        Assert.Equal(502, e.Status);
        Assert.Null(e.Code);
        Assert.Equal("Bad Gateway", e.GraphMessage);
        Assert.Contains("(502 no code: Bad Gateway)", e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
        Assert.Contains(e.RequestId!, e.Message, StringComparison.Ordinal);
        Assert.Contains(_host.Fake.RequestLog, r => r.Status == 502 && !r.InBatch
            && r.Headers.TryGetValue("client-request-id", out string? c) && c == e.ClientRequestId);
    }

    /// <summary>The <c>$batch</c> reply's own ids are kept (the fake, like a gateway, gives a text step and a reply without responses no ids of their own).</summary>
    private void AssertBatchReplyIds(GraphRequestException e)
    {
        Assert.False(string.IsNullOrEmpty(e.RequestId));
        Assert.False(string.IsNullOrEmpty(e.ClientRequestId));
        Assert.Contains(e.RequestId!, e.Message, StringComparison.Ordinal);
        Assert.Contains(e.ClientRequestId!, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(502, "Bad Gateway")]
    [InlineData(500, "Internal Server Error")]
    public void A_batch_step_answered_without_Graphs_body_keeps_its_status_and_text_and_the_batchs_request_ids(int status, string text)
    {
        Faults.InjectedError = new FakeGraphInjectedError(status, "", "", (method, path) => path.Contains("/members", StringComparison.Ordinal), RawBody: text);
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.GetGroups("HW-Posting-"));
        Assert.Equal(ErrorIds.GraphRequestFailed, e.ErrorId);
        Assert.Equal(status, e.Status);
        Assert.Equal(text, e.GraphMessage);
        Assert.Contains(_host.Fake.RequestLog, r => r.Status == status && r.InBatch);
        AssertBatchReplyIds(e);
    }

    [Fact]
    public void Mail_refused_keeps_Graphs_code_message_and_request_ids()
    {
        Faults.InjectedError = new FakeGraphInjectedError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.",
            (method, path) => path.EndsWith("/sendMail", StringComparison.Ordinal));
        var mailer = new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), TestOrg.Comms);
        var e = Assert.Throws<GraphRequestException>(() => mailer.Send(HealthwatchPolicy.Engine.Tests.Mail.ReviewMailSample.ReviewerMessage()));
        AssertGraphsWords(e, ErrorIds.GraphAccessDenied, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        Assert.Empty(_host.Fake.SentMail);
    }

    public void Dispose()
    {
        _host.Dispose();
        _org.Dispose();
    }
}
