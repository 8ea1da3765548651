using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Tests.Adapters;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.State;

/// <summary>A SharePoint site on the fake Graph holding the shared state; each Open is another admin's client.</summary>
internal sealed class SharedStateHost : IDisposable
{
    public const string Host = "hwsefton.sharepoint.com";
    public const string SitePath = "/sites/healthwatch";

    private SharedStateHost(FakeGraphServer fake, string siteId)
    {
        Fake = fake;
        SiteId = siteId;
    }

    public FakeGraphServer Fake { get; }
    public string SiteId { get; }
    public string SiteUrl => $"https://{Host}{SitePath}";

    public static SharedStateHost Start(FakeGraphServer? fake = null)
    {
        fake ??= FakeGraphServer.StartAsync().GetAwaiter().GetResult();
        fake.Faults.RetryAfterSeconds = 0;
        return new SharedStateHost(fake, fake.AddSite(Host, SitePath, "Healthwatch", "Audit"));
    }

    public GraphConnectionOptions Options(string? site = null, string? library = null)
    {
        GraphConnectionOptions o = GraphTestHost.MakeOptions(Fake.BaseUrl);
        o.StateSite = site ?? SiteUrl;
        o.StateLibrary = library;
        return o;
    }

    /// <summary>A store over a client of its own (another admin, another process).</summary>
    public GraphStateStore Open(string? site = null, string? library = null)
    {
        GraphConnectionOptions o = Options(site, library);
        return GraphStateStore.Open(GraphDirectoryFactory.CreateClient(o), o);
    }

    public void Dispose() => Fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>The state-store contract over the SharePoint library on the fake Graph, with the real Graph SDK.</summary>
public sealed class GraphStateStoreTests : StateStoreContract
{
    private readonly SharedStateHost _host = SharedStateHost.Start();
    private readonly GraphStateStore _store;

    public GraphStateStoreTests() => _store = _host.Open();

    protected override IStateStore Store => _store;

    [Fact]
    public void The_site_is_found_by_url_or_id_and_the_library_by_name()
    {
        Assert.StartsWith("https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy", _store.Description);
        Assert.Contains(_host.Fake.RequestLog, r => r.Method == "GET" && Uri.UnescapeDataString(r.PathAndQuery).StartsWith("/sites/hwsefton.sharepoint.com:/sites/healthwatch", StringComparison.Ordinal));
        GraphStateStore byId = _host.Open(site: _host.SiteId, library: "audit");
        Assert.StartsWith("https://hwsefton.sharepoint.com/sites/healthwatch/Audit/HealthwatchPolicy", byId.Description);
        byId.Create("reviews/2026-11.json", "{}");
        Assert.NotNull(_host.Fake.GetFile(_host.SiteId, "Audit", "HealthwatchPolicy/reviews/2026-11.json"));
        Assert.Null(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/reviews/2026-11.json"));

        Assert.Equal("StateSiteNotFound", Assert.ThrowsAny<HwException>(() => _host.Open(site: "https://hwsefton.sharepoint.com/sites/nope")).ErrorId);
        HwException noLibrary = Assert.ThrowsAny<HwException>(() => _host.Open(library: "Records"));
        Assert.Equal("StateSiteNotFound", noLibrary.ErrorId);
        Assert.Contains("'Audit'", noLibrary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_entry_is_its_own_file_created_only_if_absent_through_an_upload_session()
    {
        IStateJournal journal = _store.Journal("journal");
        journal.Append(1, "{\"seq\":1}", "s1");
        Assert.Equal("{\"seq\":1}", Encoding.UTF8.GetString(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/journal/000000000001.json")!));
        Assert.Equal("{\"sequence\":1,\"hash\":\"s1\"}\n", Encoding.UTF8.GetString(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/journal.head")!));
        var sessions = _host.Fake.RequestLog.Where(r => r.PathAndQuery.Contains("createUploadSession", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sessions);
        // Nothing is written by a simple upload (PUT …/content): conflictBehavior and if-match are documented for upload sessions only.
        Assert.DoesNotContain(_host.Fake.RequestLog, r => r.Method == "PUT" && r.PathAndQuery.StartsWith("/drives", StringComparison.Ordinal));
        Assert.All(_host.Fake.RequestLog.Where(r => r.PathAndQuery.StartsWith("/upload/", StringComparison.Ordinal)), r => Assert.Null(r.Authorization));
    }

    [Fact]
    public void A_replace_sends_if_match_and_a_412_is_a_conflict()
    {
        string v1 = _store.Create("reviews/2026-11.json", "one");
        _host.Fake.PutFile(_host.SiteId, "Documents", "HealthwatchPolicy/reviews/2026-11.json", Encoding.UTF8.GetBytes("someone else"));
        Assert.Throws<StateConflictException>(() => _store.Replace("reviews/2026-11.json", "mine", v1));
        Assert.Equal("someone else", _store.Read("reviews/2026-11.json")!.Content);
        StateDocument now = _store.Read("reviews/2026-11.json")!;
        _store.Replace("reviews/2026-11.json", "mine", now.Version);
        Assert.Contains(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("createUploadSession", StringComparison.Ordinal)
                                                    && r.Headers.TryGetValue("If-Match", out string? m) && m == now.Version);
    }

    [Fact]
    public void Reading_a_long_journal_follows_the_children_pages()
    {
        IStateJournal journal = _store.Journal("journal");
        for (int i = 1; i <= 230; i++)
            journal.Append(i, $"{{\"seq\":{i}}}", "s" + i);
        Assert.Equal(Enumerable.Range(1, 230).Select(i => $"{{\"seq\":{i}}}"), journal.Read(1));
        Assert.Contains(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("skiptoken", StringComparison.OrdinalIgnoreCase));
        // The tail is found from the head, not by listing: an append reads the head and probes one entry past it.
        _host.Fake.ResetCounters();
        int before = _host.Fake.RequestLog.Count;
        Assert.Equal("{\"seq\":230}", journal.ReadHead().LastEntry);
        Assert.InRange(_host.Fake.RequestLog.Count - before, 1, 8);
    }

    [Fact]
    public void A_writer_that_died_before_moving_the_head_leaves_an_entry_the_next_append_builds_on()
    {
        var clock = new TestClock();
        var journal = new FileJournal(_store.Journal("journal"), clock);
        journal.Append(Record(1));
        byte[] head = _host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/journal.head")!;
        journal.Append(Record(2));
        _host.Fake.PutFile(_host.SiteId, "Documents", "HealthwatchPolicy/journal.head", head);   // the head one behind
        Assert.Equal(3, journal.Append(Record(3)).Sequence);
        Assert.True(journal.Verify().IsValid);
    }

    [Fact]
    public async Task Eight_writers_with_their_own_clients_append_to_one_chain_without_a_lock()
    {
        var clock = new TestClock();
        var journals = Enumerable.Range(0, 8).Select(_ => new FileJournal(_host.Open().Journal("journal"), clock)).ToList();
        using var start = new Barrier(8);
        Task[] writers = journals.Select((j, w) => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 5; i++)
                j.Append(Record(w * 100 + i));
        })).ToArray();
        await Task.WhenAll(writers);
        var reader = new FileJournal(_store.Journal("journal"), clock);
        Assert.True(reader.Verify().IsValid);
        IReadOnlyList<JournalEntry> all = reader.ReadAll();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(40, all.Select(e => e.User).Distinct().Count());
        Assert.Contains(_host.Fake.RequestLog, r => r.Status == 409);   // some lost a race and retried at the next sequence
    }

    [Fact]
    public void The_shared_lock_is_held_by_one_process_at_a_time_and_a_dead_holders_lease_runs_out()
    {
        GraphStateStore other = _host.Open();
        IDisposable held = _store.Acquire("state", TimeSpan.FromSeconds(5));
        Assert.Equal("StateLocked", Assert.ThrowsAny<HwException>(() => other.Acquire("state", TimeSpan.FromMilliseconds(300))).ErrorId);
        held.Dispose();
        using (other.Acquire("state", TimeSpan.FromSeconds(5)))
            Assert.NotNull(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/locks/state.lock"));
        Assert.Null(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/locks/state.lock"));

        // A process that died holding it: its lease ran out, so the next taker deletes it (if-match) and takes it.
        _host.Fake.PutFile(_host.SiteId, "Documents", "HealthwatchPolicy/locks/state.lock",
            Encoding.UTF8.GetBytes("{\"holder\":\"dead\",\"expiresAt\":\"2020-01-01T00:00:00+00:00\"}"));
        using (_store.Acquire("state", TimeSpan.FromSeconds(5)))
            Assert.DoesNotContain("dead", Encoding.UTF8.GetString(_host.Fake.GetFile(_host.SiteId, "Documents", "HealthwatchPolicy/locks/state.lock")!), StringComparison.Ordinal);
        Assert.Contains(_host.Fake.RequestLog, r => r.Method == "DELETE" && r.Headers.ContainsKey("If-Match"));
    }

    [Fact]
    public async Task Eight_takers_of_the_lock_never_overlap()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => _host.Open()).ToList();
        int inside = 0, most = 0;
        using var start = new Barrier(8);
        Task[] takers = stores.Select(s => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 3; i++)
                using (s.Acquire("state", TimeSpan.FromSeconds(60)))
                {
                    int n = Interlocked.Increment(ref inside);
                    InterlockedMax(ref most, n);
                    s.Read("locks/state.lock");   // a request while holding it, so overlaps would show
                    Interlocked.Decrement(ref inside);
                }
        })).ToArray();
        await Task.WhenAll(takers);
        Assert.Equal(1, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static JournalRecord Record(int i) =>
        new("admin@host", JournalActions.PostingAccessGranted, "facebook-x", $"user{i}@hwsefton.example", $"reason {i}", "2018.10",
            new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true });

    public override void Dispose() => _host.Dispose();
}
