using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>The Graph adapter at the size of a real tenant, and under throttling, latency and an outage.</summary>
public sealed class GraphScaleAndFaultTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "hw-graph-state-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly FakeGraphServer _fake = FakeGraphServer.StartAsync().GetAwaiter().GetResult();
    private readonly TestClock _clock = new();

    private HwServices Connect()
    {
        var options = GraphTestHost.MakeOptions(_fake.BaseUrl);
        var directory = new GraphDirectory(GraphDirectoryFactory.CreateClient(options), options);
        return new HwEngine(Repo.PolicyPath, "unused").ConnectTo(directory, "Graph", _state, null, _clock);
    }

    /// <summary>An organisation of <paramref name="users"/> acknowledged staff and <paramref name="accounts"/> registered accounts of 3 posters.</summary>
    private List<FakeUser> Seed(int users, int accounts)
    {
        var ack = AcknowledgementRecord.Read(null).With(new AcknowledgementItem("2018.10", _clock.UtcNow, "seed")).ToJson();
        var people = new List<FakeUser>(users);
        for (int i = 0; i < users; i++)
        {
            FakeUser u = _fake.AddUser(new FakeUser
            {
                UserPrincipalName = $"person{i:D5}@hwsefton.example", DisplayName = $"Person {i:D5}", Mail = $"person{i:D5}@hwsefton.example",
                EmployeeType = "Staff", ManagerId = i > 0 ? people[0].Id : null,
            });
            people.Add(u);
            _fake.SetExtension(u.Id, (System.Text.Json.Nodes.JsonObject)ack.DeepClone());
        }
        for (int a = 0; a < accounts; a++)
        {
            var posters = Enumerable.Range(0, 3).Select(k => people[1 + (a * 3 + k) % (users - 1)].Id).ToArray();
            FakeGroup g = _fake.AddGroup(new FakeGroup { DisplayName = $"HW-Posting-facebook-acct{a:D3}", Members = posters });
            var entry = new RegisterEntry
            {
                Name = $"facebook-acct{a:D3}", Platform = "Facebook", Handle = $"acct{a:D3}", OwnerId = posters[0], ConsentById = people[0].Id,
                ConsentDate = new DateTime(2026, 1, 1),
            };
            _fake.SetExtension(g.Id, entry.ToJson());
        }
        return people;
    }

    [Fact]
    public void The_whole_register_of_200_accounts_and_5000_users_is_read_in_the_minimum_round_trips()
    {
        Seed(5000, 200);
        HwServices session = Connect();
        _fake.ResetCounters();
        IReadOnlyList<OfficialAccount> accounts = session.Register.GetAccounts();
        int roundTrips = _fake.HttpRequestCount;

        Assert.Equal(200, accounts.Count);
        Assert.All(accounts, a => Assert.Equal(3, a.PosterCount));
        Assert.All(accounts, a => Assert.NotNull(a.Owner));
        int distinctUsers = accounts.SelectMany(a => a.PosterIds.Append(a.ConsentById!)).Distinct().Count();
        // One page of groups (with their extensions), member lists 20 to a $batch, users 15 to an 'in' filter with
        // two items each (users with manager; their extensions), 20 items to a $batch.
        int minimum = 1 + (int)Math.Ceiling(200 / 20.0) + (int)Math.Ceiling(2 * Math.Ceiling(distinctUsers / 15.0) / 20.0);
        Assert.True(roundTrips <= 1.2 * minimum, $"{roundTrips} round trips; the minimum is {minimum}.");
        Assert.True(_fake.LogicalRequestCount > roundTrips * 10, "the reads should be batched");
    }

    [Fact]
    public void The_report_and_its_export_take_the_minimum_round_trips_with_the_role_holders_read_inside_the_register_read()
    {
        Seed(400, 60);
        // The policy's two role holders (spec.roles), who are not among the register's users.
        _fake.AddUser(new FakeUser { UserPrincipalName = "sarah.whitfield@hwsefton.example", DisplayName = "Sarah Whitfield", EmployeeType = "Staff" });
        _fake.AddUser(new FakeUser { UserPrincipalName = "daniel.okafor@hwsefton.example", DisplayName = "Daniel Okafor", EmployeeType = "Staff" });
        HwServices session = Connect();
        int distinctUsers = session.Register.GetAccounts().SelectMany(a => a.PosterIds.Append(a.ConsentById!)).Distinct().Count();
        // One page of groups, member lists 20 to a $batch, and the users 15 to an 'in' filter (ids, then the two role
        // holders' names), two items a filter, 20 items to a $batch.
        int filters = (int)Math.Ceiling(distinctUsers / 15.0) + 1;
        int minimum = 1 + (int)Math.Ceiling(60 / 20.0) + (int)Math.Ceiling(2 * filters / 20.0);
        // Issue 15: the posters' leave dates, authentication methods and sign-in activity, one $batch step per poster and
        // facet, 20 to a round trip, each facet on its own so a 403 on one leaves the others evaluated.
        int posters = session.Register.GetAccounts().SelectMany(a => a.PosterIds).Distinct().Count();
        minimum += 3 * (int)Math.Ceiling(posters / 20.0);

        _fake.ResetCounters();
        IReadOnlyList<ComplianceFinding> findings = session.Compliance.Run();
        Assert.Equal(minimum, _fake.HttpRequestCount);
        Assert.DoesNotContain(findings, f => f.RuleId == "HW-ESC-002"); // both role holders found, and enabled

        // Export-HwComplianceReport with nothing piped: BuildReport runs the report itself and looks nothing up again.
        _fake.ResetCounters();
        ComplianceReport report = session.Compliance.BuildReport();
        _ = ComplianceReportRenderer.ToHtml(report);
        Assert.Equal(minimum, _fake.HttpRequestCount);
        Assert.Equal(findings.Count, report.Findings.Count);
        Assert.Equal(new[] { "Active", "Active" }, report.Contacts.Where(c => c.Holder is not null && c.Status != "Group").Select(c => c.Status));

        // With findings piped in, only the contacts are read: one $batch round trip.
        _fake.ResetCounters();
        session.Compliance.BuildReport(findings);
        Assert.Equal(1, _fake.HttpRequestCount);
    }

    [Fact]
    public void Under_10_percent_throttling_and_50ms_latency_200_grants_and_revokes_end_exactly_as_intended()
    {
        List<FakeUser> people = Seed(60, 4);
        HwServices session = Connect();
        string policy = Path.Combine(_state, "..", Path.GetFileName(_state) + "-policy.yaml");
        File.WriteAllText(policy, File.ReadAllText(Repo.PolicyPath).Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: 60"));
        session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(
            new GraphDirectory(GraphDirectoryFactory.CreateClient(GraphTestHost.MakeOptions(_fake.BaseUrl)), GraphTestHost.MakeOptions(_fake.BaseUrl)),
            "Graph", _state, policy, _clock);
        _fake.Faults.Latency = TimeSpan.FromMilliseconds(50);
        _fake.Faults.ThrottleRate = 0.10;
        _fake.Faults.RetryAfterSeconds = 0; // the SDK honours it; 0 keeps the run short (RetryHandler tests show a real wait)

        var expected = new Dictionary<string, HashSet<string>>();
        foreach (OfficialAccount a in session.Register.GetAccounts())
            expected[a.Name] = new HashSet<string>(a.Posters);
        var random = new Random(7);
        int granted = 0, revoked = 0;
        for (int i = 0; i < 200; i++)
        {
            string account = $"facebook-acct{random.Next(4):D3}";
            string user = people[1 + random.Next(people.Count - 1)].UserPrincipalName;
            if (i % 2 == 0)
            {
                if (session.Access.Grant(account, user, "fault run").Changed) granted++;
                expected[account].Add(user);
            }
            else
            {
                if (session.Access.Revoke(account, user, "fault run").Changed) revoked++;
                expected[account].Remove(user);
            }
        }
        _fake.Faults.ThrottleRate = 0;
        _fake.Faults.Latency = TimeSpan.Zero;

        foreach (OfficialAccount a in session.Register.GetAccounts())
            Assert.Equal(expected[a.Name].OrderBy(x => x), a.Posters.OrderBy(x => x));
        IReadOnlyList<JournalEntry> journal = session.Journal.ReadAll();
        Assert.Equal(granted, journal.Count(e => e.Action == JournalActions.PostingAccessGranted));
        Assert.Equal(revoked, journal.Count(e => e.Action == JournalActions.PostingAccessRevoked));
        Assert.True(session.Journal.Verify().IsValid);
        Assert.Contains(_fake.RequestLog, r => r.Status is 429 or 503); // the faults really happened
    }

    [Fact]
    public async System.Threading.Tasks.Task When_Graph_goes_away_half_way_the_error_is_clear_and_the_journal_holds_exactly_what_was_applied()
    {
        List<FakeUser> people = Seed(30, 1);
        string policy = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(policy, File.ReadAllText(Repo.PolicyPath).Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: 40"));
        var options = GraphTestHost.MakeOptions(_fake.BaseUrl);
        HwServices session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(
            new GraphDirectory(GraphDirectoryFactory.CreateClient(options), options), "Graph", _state, policy, _clock);

        var applied = new List<string>();
        HwException? failure = null;
        for (int i = 10; i < 30; i++)
        {
            if (i == 20)
                await _fake.StopAsync();
            try
            {
                session.Access.Grant("facebook-acct000", people[i].UserPrincipalName, "outage run");
                applied.Add(people[i].UserPrincipalName);
            }
            catch (HwException ex)
            {
                failure = ex;
                break;
            }
        }
        Assert.NotNull(failure);
        Assert.Equal("GraphUnavailable", failure!.ErrorId);
        Assert.Equal(HwErrorKind.ConnectionError, failure.Kind);
        Assert.Contains("could not be reached", failure.Message);
        Assert.Equal(10, applied.Count);

        var journaled = session.Journal.ReadAll().Where(e => e.Action == JournalActions.PostingAccessGranted).Select(e => e.User!).ToList();
        Assert.Equal(applied, journaled);
        string groupId = _fake.Groups.Single().Id;
        var members = _fake.GetMembers(groupId).Select(id => _fake.GetUser(id)!.UserPrincipalName).ToHashSet();
        Assert.True(applied.All(members.Contains));
        Assert.DoesNotContain(people[20].UserPrincipalName, members);
        Assert.True(session.Journal.Verify().IsValid);
    }

    public void Dispose()
    {
        _fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try { Directory.Delete(_state, true); } catch (IOException) { }
    }
}
