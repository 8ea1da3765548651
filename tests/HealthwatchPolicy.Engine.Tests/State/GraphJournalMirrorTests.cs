using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Tests.Adapters;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.State;

/// <summary>
/// What every head mirror does, whatever its home (docs/decisions/0130, 0156): nothing before the first write, the
/// state written read back whole, a write replacing all of it (a pending point cleared), and another journal's mirror
/// read as nothing. Run over the local file and over the open extension on the fake Graph with the real SDK.
/// </summary>
public abstract class JournalMirrorContract
{
    protected abstract IJournalMirror Create(string journalLocation);

    private static readonly JournalMark A = new(3, new string('a', 64));
    private static readonly JournalMark B = new(4, new string('b', 64));

    [Fact]
    public void Nothing_is_mirrored_before_the_first_write()
    {
        Assert.Null(Create("https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy/journal").Read());
    }

    [Fact]
    public void A_written_state_is_read_back_whole_and_a_write_replaces_all_of_it()
    {
        IJournalMirror m = Create("https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy/journal");
        m.Write(new JournalMirrorState(A, B, null));
        JournalMirrorState? read = m.Read();
        Assert.NotNull(read);
        Assert.Equal(A, read!.Verified);
        Assert.Equal(B, read.Pending);
        Assert.Null(read.Fingerprint);

        m.Write(new JournalMirrorState(B, null, "42:7"));
        read = m.Read();
        Assert.Equal(B, read!.Verified);
        Assert.Null(read.Pending); // replaced, not merged
        Assert.Equal("42:7", read.Fingerprint);

        m.Write(new JournalMirrorState(null, A, null)); // an empty journal with its first append under way
        read = m.Read();
        Assert.Null(read!.Verified);
        Assert.Equal(A, read.Pending);
    }

    [Fact]
    public void Another_journals_mirror_is_read_as_nothing()
    {
        IJournalMirror ours = Create("https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy/journal");
        ours.Write(new JournalMirrorState(A, null, null));
        IJournalMirror other = Reopen(ours, "https://hwsefton.sharepoint.com/sites/other/Shared Documents/HealthwatchPolicy/journal");
        Assert.Null(other.Read());
    }

    /// <summary>The same home (file or extension) read for another journal.</summary>
    protected abstract IJournalMirror Reopen(IJournalMirror mirror, string journalLocation);
}

public sealed class LocalJournalMirrorContractTests : JournalMirrorContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-mirror-contract-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    protected override IJournalMirror Create(string journalLocation) => LocalJournalMirror.For(journalLocation, _folder);

    protected override IJournalMirror Reopen(IJournalMirror mirror, string journalLocation) => new LocalJournalMirror(mirror.Location, journalLocation);

    public void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }
}

public sealed class GraphJournalMirrorContractTests : JournalMirrorContract, IDisposable
{
    private readonly FakeGraphServer _fake;
    private readonly string _group;

    public GraphJournalMirrorContractTests()
    {
        _fake = FakeGraphServer.StartAsync().GetAwaiter().GetResult();
        _fake.Faults.RetryAfterSeconds = 0;
        _group = _fake.AddGroup("Healthwatch journal head").Id;
    }

    private Microsoft.Graph.GraphServiceClient Client() => GraphDirectoryFactory.CreateClient(GraphTestHost.MakeOptions(_fake.BaseUrl));

    protected override IJournalMirror Create(string journalLocation) => GraphJournalMirror.Open(Client(), _group, journalLocation);

    protected override IJournalMirror Reopen(IJournalMirror mirror, string journalLocation) => GraphJournalMirror.Open(Client(), _group, journalLocation);

    [Fact]
    public void The_mirror_is_an_open_extension_on_the_group_created_by_POST_then_replaced_by_PATCH()
    {
        const string journal = "https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy/journal";
        IJournalMirror m = Create(journal);
        Assert.Null(m.Read());
        Assert.Null(_fake.GetGroupExtension(_group, GraphJournalMirror.ExtensionName));
        m.Write(new JournalMirrorState(new JournalMark(1, new string('c', 64)), null, null));
        m.Write(new JournalMirrorState(new JournalMark(2, new string('d', 64)), null, null));

        JsonObject ext = _fake.GetGroupExtension(_group, GraphJournalMirror.ExtensionName)!;
        Assert.Equal("#microsoft.graph.openTypeExtension", (string?)ext["@odata.type"]);
        Assert.Equal("org.healthwatch.journalHead", (string?)ext["extensionName"]);
        Assert.Equal(journal, (string?)ext["journal"]);
        Assert.Equal("2:" + new string('d', 64), (string?)ext["verified"]);

        List<RequestLogEntry> calls = _fake.RequestLog.Where(r => r.PathAndQuery.Contains("/extensions", StringComparison.Ordinal)).ToList();
        string path = $"/groups/{_group}/extensions";
        // Read: 404; first write: PATCH 404 then POST 201; second write: PATCH.
        Assert.Contains(calls, c => c.Method == "GET" && c.PathAndQuery.EndsWith(path + "/" + GraphJournalMirror.ExtensionName, StringComparison.Ordinal) && c.Status == 404);
        Assert.Contains(calls, c => c.Method == "POST" && c.PathAndQuery.EndsWith(path, StringComparison.Ordinal) && c.Status == 201);
        Assert.Contains(calls, c => c.Method == "PATCH" && c.Status is 200 or 204);
    }

    [Fact]
    public void A_group_that_does_not_exist_is_HeadMirrorGroupNotFound()
    {
        HwException e = Assert.ThrowsAny<HwException>(() => GraphJournalMirror.Open(Client(), "00000000-0000-4000-8000-0000000bad00", "x"));
        Assert.Equal(ErrorIds.HeadMirrorGroupNotFound, e.ErrorId);
        Assert.Equal(HwErrorKind.ObjectNotFound, ErrorIds.KindOf(e.ErrorId));
    }

    public void Dispose() => _fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// Issue 13, deliverable 2 on the shared store: with <c>-HeadMirrorGroup</c> the head is mirrored as an open extension on
/// a group, one mirror for every admin and the job, so a consistent rewrite of the library's journal (every hash
/// recomputed) or a rolled-back head is caught by an admin who never saw the journal before (a new machine, an Azure
/// Automation job with no disk), where a local mirror, trust-on-first-use, cannot catch it.
/// </summary>
public sealed class GraphHeadMirrorSessionTests : IDisposable
{
    private const string Library = "Documents";
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly GraphTestHost _tenant;
    private readonly SharedStateHost _site;
    private readonly string _group;
    private readonly List<string> _mirrorFolders = new();

    public GraphHeadMirrorSessionTests()
    {
        _tenant = GraphTestHost.Start(_org.Folder);
        _site = SharedStateHost.Start(_tenant.Fake);
        _group = _tenant.Fake.AddGroup("Healthwatch journal head").Id;
    }

    /// <summary>An admin on a machine of their own (a fresh local mirror folder), with or without the group's mirror.</summary>
    private HwServices Connect(bool graphMirror = true, string? folder = null)
    {
        string mirrors = Path.Combine(Path.GetTempPath(), "hw-gm-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        _mirrorFolders.Add(mirrors);
        GraphConnectionOptions o = _site.Options();
        if (graphMirror)
            o.HeadMirrorGroup = _group;
        if (folder is not null)
            o.StateFolder = folder;
        return new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = mirrors }.ConnectGraph(o, null, null, _clock);
    }

    private void Tick() => _clock.UtcNow = _clock.UtcNow.AddMinutes(1);

    private string Grants(HwServices s, string prefix)
    {
        string account = s.Register.Create("Facebook", prefix, null, null, TestOrg.Comms, TestOrg.Manager, null, "New page").Name;
        foreach (string user in new[] { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3 })
        {
            Tick();
            Assert.True(s.Access.Grant(account, user, prefix + " " + user).Changed);
        }
        return account;
    }

    private byte[] File(string path) => _site.Fake.GetFile(_site.SiteId, Library, path) ?? throw new InvalidOperationException("no " + path);

    [Fact]
    public void The_connection_keeps_the_head_on_the_group_and_every_admin_shares_it()
    {
        HwServices alice = Connect();
        Grants(alice, "shared");
        JsonObject ext = _site.Fake.GetGroupExtension(_group, GraphJournalMirror.ExtensionName)!;
        // The account's creation, then an intent and its outcome per grant (decision 0150).
        Assert.StartsWith("7:", (string?)ext["verified"]);
        Assert.Equal(alice.Journal.Verify().Witness, (string?)ext["verified"]);
        JournalVerification v = Connect().Journal.Verify();
        Assert.True(v.IsValid, v.Problem);
        Assert.Equal($"group {_group}, open extension org.healthwatch.journalHead", v.MirrorLocation);
    }

    [Fact]
    public void A_consistent_rewrite_of_the_library_journal_is_caught_through_the_group_mirror_by_an_admin_new_to_it()
    {
        HwServices alice = Connect();
        string account = Grants(alice, "real");
        // A consistent journal of the same length written elsewhere (every hash its own), copied over the real one.
        HwServices forger = Connect(graphMirror: false, folder: "Forgery");
        Grants(forger, "forged");
        const int last = 7; // the account's creation, then an intent and its outcome per grant (decision 0150)
        for (int seq = 1; seq <= last; seq++)
            _site.Fake.PutFile(_site.SiteId, Library, $"HealthwatchPolicy/journal/{seq:D12}.json", File($"Forgery/journal/{seq:D12}.json"));
        _site.Fake.PutFile(_site.SiteId, Library, "HealthwatchPolicy/journal.head", File("Forgery/journal.head"));

        // An admin on a new machine with only a local mirror trusts what it first sees: the rewrite passes (what the group's mirror is for).
        Assert.True(Connect(graphMirror: false).Journal.Verify().IsValid);

        HwServices bob = Connect();
        JournalVerification v = bob.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(last, v.FirstBadSequence);
        Assert.Contains("open extension org.healthwatch.journalHead", v.Problem);
        Assert.Contains("rewritten", v.Problem);
        HwException e = Assert.Throws<HwException>(() => bob.Access.Revoke(account, TestOrg.Staff1, "after the rewrite"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Contains($"fails at entry {last}", e.Message);
        Assert.Contains(bob.Access.Get(account, null), a => a.User == TestOrg.Staff1); // nothing changed
    }

    [Fact]
    public void A_rolled_back_head_with_its_last_entry_removed_is_caught_through_the_group_mirror()
    {
        HwServices alice = Connect();
        string account = Grants(alice, "real");
        const int last = 7; // the account's creation, then an intent and its outcome per grant (decision 0150)
        Assert.True(_site.Fake.DeleteFile(_site.SiteId, Library, $"HealthwatchPolicy/journal/{last:D12}.json"));
        JsonNode previous = JsonNode.Parse(File($"HealthwatchPolicy/journal/{last - 1:D12}.json"))!;
        _site.Fake.PutFile(_site.SiteId, Library, "HealthwatchPolicy/journal.head",
            Encoding.UTF8.GetBytes($"{{\"sequence\":{last - 1},\"hash\":\"{(string)previous["hash"]!}\"}}\n"));

        Assert.True(Connect(graphMirror: false).Journal.Verify().IsValid); // a local mirror new to it cannot know

        HwServices job = Connect();
        JournalVerification v = job.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(last, v.FirstBadSequence);
        Assert.Contains("org.healthwatch.journalHead", v.Problem);
        HwException e = Assert.Throws<HwException>(() => job.Access.Revoke(account, TestOrg.Staff2, "after the rollback"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
    }

    [Fact]
    public void A_head_mirror_group_that_does_not_exist_stops_the_connection()
    {
        GraphConnectionOptions o = _site.Options();
        o.HeadMirrorGroup = "00000000-0000-4000-8000-0000000bad00";
        HwException e = Assert.ThrowsAny<HwException>(() => new HwEngine(Repo.PolicyPath, "unused").ConnectGraph(o, null, null, _clock));
        Assert.Equal(ErrorIds.HeadMirrorGroupNotFound, e.ErrorId);
    }

    public void Dispose()
    {
        _tenant.Dispose();
        _org.Dispose();
        foreach (string f in _mirrorFolders)
            try { Directory.Delete(f, true); } catch (IOException) { }
    }
}
