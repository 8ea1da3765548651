using System;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>
/// Replication lag beyond the group create (issue 12 item 4): a group Graph has just created is missing from lists and
/// filters for a while, and may answer 404 by id. The fake's tenant clock and the adapter's retry waits are one
/// <see cref="SteppingClock"/>: the adapter's own backoff is what moves time on, and nothing sleeps.
/// </summary>
public sealed class GraphReplicationLagTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly SteppingClock _clock = new();
    private readonly FakeGraphServer _fake;
    private readonly HwServices _session;

    public GraphReplicationLagTests()
    {
        _fake = FakeGraphServer.StartAsync(new FakeGraphOptions { TimeProvider = _clock }).GetAwaiter().GetResult();
        _fake.Faults.RetryAfterSeconds = 0;
        _fake.LoadOrganisation(Path.Combine(_org.Folder, "directory.json"));
        GraphConnectionOptions options = GraphTestHost.MakeOptions(_fake.BaseUrl);
        options.ReplicationRetryDelay = TimeSpan.FromSeconds(2); // the shipped default: 2, 4, 8, 15, 15, 15 s
        options.ReplicationClock = _clock;
        var directory = new GraphDirectory(GraphDirectoryFactory.CreateClient(options), options);
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(directory, "Graph", _org.StateFolder, null, new TestClock());
    }

    private OfficialAccount NewAccount() => _session.Register.Create("Facebook", "healthwatchsefton", "https://www.facebook.com/healthwatchsefton",
        "News and events", TestOrg.Comms, TestOrg.Manager, null, "New page for events");

    private bool ListedByGraph(string groupId) => _fake.RequestLog.Count > 0 && _fake.Groups.Any(g => g.Id == groupId)
        && _clock.GetUtcNow() >= _fake.GetGroup(groupId)!.CreatedDateTime + _fake.Faults.ReplicationLag;

    [Fact]
    public void An_account_created_and_granted_at_once_works_while_lists_still_leave_the_new_group_out()
    {
        _fake.Faults.ReplicationLag = TimeSpan.FromMinutes(2);      // lists and $filter
        _fake.Faults.ReplicationLagById = TimeSpan.FromSeconds(10); // reads and writes by id
        DateTimeOffset start = _clock.GetUtcNow();

        OfficialAccount account = NewAccount();
        AccessOutcome granted = _session.Access.Grant(account.Name, TestOrg.Staff1, "Covers events");

        Assert.True(granted.Changed);
        Assert.Equal(new[] { "u-emma" }, _fake.GetMembers(account.GroupId));
        Assert.False(ListedByGraph(account.GroupId), "the grant should have run while Graph's lists still left the group out");
        Assert.InRange(_clock.Waited, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)); // the create's backoff rode out the by-id lag
        Assert.Equal(new[] { TestOrg.Staff1 }, _session.Access.Get(account.Name, null).Select(a => a.User));
        Assert.Equal(JournalActions.PostingAccessGranted, _session.Journal.ReadAll().Last().Action);
        Assert.True(_clock.GetUtcNow() - start < TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void A_grant_to_a_new_group_that_still_answers_404_by_id_waits_for_it()
    {
        // The create's own writes landed (the fake's request-count lag), then the group answers 404 by id for 20 s more.
        OfficialAccount account = NewAccount();
        _fake.Faults.ReplicationLag = TimeSpan.FromMinutes(2);
        TimeSpan waitedBefore = _clock.Waited;
        _fake.SetReplicationLag(account.GroupId, 0);
        _fake.SetReplicatedAt(account.GroupId, listed: _clock.GetUtcNow() + TimeSpan.FromMinutes(2), byId: _clock.GetUtcNow() + TimeSpan.FromSeconds(20));

        AccessOutcome granted = _session.Access.Grant(account.Name, TestOrg.Staff2, "Covers events");

        Assert.True(granted.Changed);
        Assert.Equal(new[] { "u-aisha" }, _fake.GetMembers(account.GroupId));
        Assert.InRange(_clock.Waited - waitedBefore, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));
        Assert.Contains(_fake.RequestLog, r => r.Status == 404 && r.PathAndQuery.Contains(account.GroupId, StringComparison.Ordinal));
        Assert.True(_session.Access.Revoke(account.Name, TestOrg.Staff2, "Rota ended").Changed);
        Assert.Empty(_fake.GetMembers(account.GroupId));
    }

    [Fact]
    public void A_new_group_a_list_already_shows_while_reads_by_id_still_answer_404_is_granted_to()
    {
        // The list shows the group (listed 1 s ago) but reads by id, the members $batch among them, answer 404 for 3 s more.
        OfficialAccount account = NewAccount();
        _fake.SetReplicationLag(account.GroupId, 0);
        _fake.SetReplicatedAt(account.GroupId, listed: _clock.GetUtcNow() - TimeSpan.FromSeconds(1), byId: _clock.GetUtcNow() + TimeSpan.FromSeconds(3));
        TimeSpan waitedBefore = _clock.Waited;
        _fake.ResetCounters();

        AccessOutcome granted = _session.Access.Grant(account.Name, TestOrg.Staff2, "Covers events");

        Assert.True(granted.Changed);
        Assert.Equal(new[] { "u-aisha" }, _fake.GetMembers(account.GroupId));
        Assert.InRange(_clock.Waited - waitedBefore, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30)); // 2 s, then 4 s
        Assert.Contains(_fake.RequestLog, r => r.Status == 404 && r.InBatch && r.PathAndQuery.Contains(account.GroupId + "/members", StringComparison.Ordinal));
        Assert.Equal(new[] { TestOrg.Staff2 }, _session.Access.Get(account.Name, null).Select(a => a.User));
    }

    [Fact]
    public void A_new_group_still_404_by_id_when_the_lag_budget_ends_is_left_out_of_the_register_read_not_a_failure()
    {
        var directory = (GraphDirectory)_session.Session.Directory;
        DirectoryGroup other = directory.CreateGroup(new NewGroup("HW-Posting-other", "HW-Posting-other", "d"),
            new System.Text.Json.Nodes.JsonObject { ["extensionName"] = "org.healthwatch.policy.register", ["name"] = "other" });
        OfficialAccount account = NewAccount();
        _fake.SetReplicationLag(account.GroupId, 0);
        _fake.SetReplicatedAt(account.GroupId, listed: _clock.GetUtcNow() - TimeSpan.FromSeconds(1), byId: _clock.GetUtcNow() + TimeSpan.FromHours(1));
        TimeSpan waitedBefore = _clock.Waited;

        var groups = directory.GetGroups("HW-Posting-");

        Assert.DoesNotContain(groups, g => g.Id == account.GroupId);
        Assert.Contains(groups, g => g.Id == other.Id); // the rest of the register is read
        Assert.True(_clock.Waited - waitedBefore >= TimeSpan.FromSeconds(2), "the members $batch should have ridden out the lag first");
        Assert.True(_clock.Waited - waitedBefore < TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void A_404_for_the_user_on_a_new_group_is_an_answer_not_lag()
    {
        _fake.Faults.ReplicationLag = TimeSpan.FromMinutes(2);
        _fake.Faults.ReplicationLagById = TimeSpan.FromSeconds(10);
        OfficialAccount account = NewAccount();
        TimeSpan waitedBefore = _clock.Waited;
        var directory = (GraphDirectory)_session.Session.Directory;
        var e = Assert.Throws<GraphRequestException>(() => directory.AddMember(account.GroupId, "u-nobody"));
        Assert.Equal(HealthwatchPolicy.Engine.Errors.ErrorIds.UserNotFound, e.ErrorId);
        Assert.Equal(waitedBefore, _clock.Waited);
    }

    [Fact]
    public void A_group_someone_else_created_is_not_waited_for()
    {
        OfficialAccount account = NewAccount();
        // Another connection (a second session) never created it: a 404 by id is an answer, not lag.
        GraphConnectionOptions options = GraphTestHost.MakeOptions(_fake.BaseUrl);
        options.ReplicationClock = _clock;
        var other = new GraphDirectory(GraphDirectoryFactory.CreateClient(options), options);
        _fake.SetReplicatedAt(account.GroupId, listed: _clock.GetUtcNow() + TimeSpan.FromMinutes(2), byId: _clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        TimeSpan waitedBefore = _clock.Waited;
        Assert.Null(other.GetGroup(account.GroupId));
        Assert.Empty(other.GetGroups("HW-Posting-"));
        Assert.Equal(waitedBefore, _clock.Waited);
    }

    public void Dispose()
    {
        _fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _org.Dispose();
    }
}
