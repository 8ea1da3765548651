using System;
using System.Linq;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>Values in Graph URLs are encoded for their place, in single requests and $batch steps alike (issue 12 item 2).</summary>
public sealed class GraphUrlEncodingTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly GraphTestHost _host;
    private readonly HwServices _session;

    public GraphUrlEncodingTests()
    {
        _host = GraphTestHost.Start(_org.Folder);
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(_host.Directory, "Graph", _org.StateFolder, null, new TestClock());
    }

    private OfficialAccount AccountWithGuestPoster()
    {
        OfficialAccount a = _session.Register.Create("Facebook", "healthwatchsefton", "https://www.facebook.com/healthwatchsefton", "News",
            TestOrg.Comms, TestOrg.Manager, null, "New page");
        _host.Fake.AddMember(a.GroupId, "u-priya");
        return a;
    }

    [Fact]
    public void A_guest_is_revoked_by_UPN_through_the_batch_path_with_EXT_sent_as_percent_23()
    {
        OfficialAccount a = AccountWithGuestPoster();
        _host.Fake.ResetCounters();
        Assert.True(_session.Access.Revoke(a.Name, TestOrg.Guest, "HW-ELG-002").Changed);
        Assert.DoesNotContain("u-priya", _host.Fake.GetMembers(a.GroupId));
        Assert.Contains(_host.Fake.RequestLog, e => e.InBatch && e.Status == 200
            && e.PathAndQuery.StartsWith("/users/priya.shah_gmail.com%23EXT%23", StringComparison.Ordinal));
    }

    [Fact]
    public void A_guest_is_revoked_by_UPN_through_the_single_request_path_when_the_batch_step_is_throttled()
    {
        OfficialAccount a = AccountWithGuestPoster();
        _host.Fake.ResetCounters();
        // The user step of the $batch is throttled once: the adapter then reads the user with single requests.
        _host.Fake.Faults.ThrottleFilter = (method, path) => path.StartsWith("/users/priya", StringComparison.Ordinal) && !path.Contains("/extensions", StringComparison.Ordinal);
        _host.Fake.Faults.ThrottleNextRequests = 1;
        Assert.True(_session.Access.Revoke(a.Name, TestOrg.Guest, "HW-ELG-002").Changed);
        Assert.DoesNotContain("u-priya", _host.Fake.GetMembers(a.GroupId));
        Assert.Contains(_host.Fake.RequestLog, e => e.InBatch && e.Status == 429);
        Assert.Contains(_host.Fake.RequestLog, e => !e.InBatch && e.Status == 200
            && e.PathAndQuery.StartsWith("/users/priya.shah_gmail.com%23EXT%23", StringComparison.Ordinal));
        Assert.Equal(JournalActions.PostingAccessRevoked, _session.Journal.ReadAll().Last().Action);
    }

    [Fact]
    public void Role_holders_named_with_a_hash_are_read_by_name_inside_a_batch_filter()
    {
        var users = _host.Directory.GetUsers(Array.Empty<string>(), new[] { TestOrg.Guest });
        Assert.Equal("u-priya", Assert.Single(users).Id);
    }

    [Fact]
    public void A_member_reference_is_built_with_its_id_encoded()
    {
        // Unencoded, "directoryObjects/u-emma/../users/u-ben" is parsed as ".../users/u-ben" and adds Ben.
        OfficialAccount a = AccountWithGuestPoster();
        var e = Assert.Throws<GraphRequestException>(() => _host.Directory.AddMember(a.GroupId, "u-emma/../users/u-ben"));
        Assert.Equal("UserNotFound", e.ErrorId);
        Assert.Equal(new[] { "u-priya" }, _host.Fake.GetMembers(a.GroupId));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(" .. ")]
    [InlineData("")]
    public void A_dot_segment_is_refused_as_a_segment_not_encoded(string value)
    {
        // %2E%2E is still a dot segment to a WHATWG URL parser: ".../directoryObjects/%2E%2E" resolves to ".../v1.0/".
        Assert.Throws<ArgumentException>(() => GraphUrls.Segment(value));
        Assert.False(GraphUrls.CanName(value));
    }

    [Fact]
    public void A_segment_that_names_an_object_is_percent_encoded() =>
        Assert.Equal("u-emma%2F..%2Fu-ben%23", GraphUrls.Segment("u-emma/../u-ben#"));

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public void A_dot_segment_member_write_sends_nothing(string reference)
    {
        OfficialAccount a = AccountWithGuestPoster();
        _host.Fake.ResetCounters();
        Assert.False(_host.Directory.RemoveMember(a.GroupId, reference));
        Assert.Equal("UserNotFound", Assert.ThrowsAny<HealthwatchPolicy.Engine.Errors.HwException>(() => _host.Directory.AddMember(a.GroupId, reference)).ErrorId);
        Assert.Equal("GroupNotFound", Assert.ThrowsAny<HealthwatchPolicy.Engine.Errors.HwException>(() => _host.Directory.RemoveMember(reference, "u-priya")).ErrorId);
        Assert.Empty(_host.Fake.RequestLog); // DELETE /groups/{id}/$ref (the path moved) is never sent
        Assert.Equal(new[] { "u-priya" }, _host.Fake.GetMembers(a.GroupId));
    }

    [Fact]
    public void A_dot_segment_mailbox_or_extension_name_is_refused_before_any_request()
    {
        OfficialAccount a = AccountWithGuestPoster();
        _host.Fake.ResetCounters();
        Assert.Equal("MailboxNotFound", Assert.ThrowsAny<HealthwatchPolicy.Engine.Errors.HwException>(
            () => new GraphMailer(GraphDirectoryFactory.CreateClient(_host.Options), "..")).ErrorId);
        var extension = new System.Text.Json.Nodes.JsonObject { ["extensionName"] = "..", ["name"] = "moved" };
        Assert.Equal("ExtensionNameMissing", Assert.ThrowsAny<HealthwatchPolicy.Engine.Errors.HwException>(
            () => _host.Directory.SetGroupExtension(a.GroupId, extension)).ErrorId);
        Assert.Empty(_host.Fake.RequestLog);
    }

    public void Dispose()
    {
        _host.Dispose();
        _org.Dispose();
    }
}
