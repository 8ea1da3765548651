using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Tests.Adapters;

namespace HealthwatchPolicy.Engine.Tests.State;

/// <summary>
/// Several admins and the monthly job, each with a Graph client and an engine of their own, on one tenant and one
/// shared state store (a SharePoint library) on the fake Graph: one journal, one lock (issue 13, deliverable 1).
/// </summary>
public sealed class SharedStateSessionTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly GraphTestHost _tenant;
    private readonly SharedStateHost _site;

    public SharedStateSessionTests()
    {
        _tenant = GraphTestHost.Start(_org.Folder);
        _site = SharedStateHost.Start(_tenant.Fake);
    }

    /// <summary>Connect-HwDirectory -TenantId … -StateSite &lt;url&gt;, as another admin on another machine would.</summary>
    private HwServices Connect() => new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = _mirrors }.ConnectGraph(_site.Options(), null, null, _clock);

    // Each test's own local head mirrors (the fake site has the same URL in every test; a mirror is named by the journal's URL).
    private readonly string _mirrors = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hw-shared-mirrors-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    private static OfficialAccount NewAccount(HwServices s) =>
        s.Register.Create("Facebook", "healthwatchsefton", "https://www.facebook.com/healthwatchsefton", "News and events", TestOrg.Comms, TestOrg.Manager, null, "New page");

    /// <summary>
    /// Decision 0150 on the shared store: an admin's process stops between its intent and the outcome (the intent is
    /// in the library, the membership made through Graph); the monthly job's report says so (HW-AUT-004) without
    /// fixing it; another admin's next change reconciles it once, as the grant; every engine then reads one outcome.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_intent_left_open_on_the_shared_store_is_reported_then_reconciled_once_by_another_admin(bool applied)
    {
        HwServices alice = Connect(), bob = Connect(), job = Connect();
        OfficialAccount a = NewAccount(alice);
        string userId = alice.Session.Directory.FindUser(TestOrg.Staff1)!.Id;
        JournalEntry intent = alice.Session.Record(JournalActions.ChangeIntended, a.Name, TestOrg.Staff1, "Covers events",
            new System.Text.Json.Nodes.JsonObject { ["member"] = false },
            new System.Text.Json.Nodes.JsonObject
            {
                ["member"] = true, ["intent"] = "0150shared", ["change"] = JournalActions.PostingAccessGranted,
                ["groupId"] = a.GroupId, ["userId"] = userId,
            });
        if (applied)
            Assert.True(alice.Session.Directory.AddMember(a.GroupId, userId)); // then alice's process is gone

        Assert.Single(job.Compliance.Run(), f => f.RuleId == "HW-AUT-004" && f.Subject == TestOrg.Staff1);
        Assert.Equal(intent.Sequence, job.Journal.ReadAll().Last().Sequence); // the report fixed nothing

        Assert.Equal("NotGranted", bob.Access.Revoke(a.Name, TestOrg.Trustee, "next run").Access!.Status);
        Assert.Equal("NotGranted", alice.Access.Revoke(a.Name, TestOrg.Trustee, "next run").Access!.Status); // nothing left to reconcile
        foreach (HwServices s in new[] { alice, bob, job })
        {
            IReadOnlyList<JournalEntry> entries = s.Journal.ReadAll();
            JournalEntry outcome = Assert.Single(entries, e => e.Action != JournalActions.ChangeIntended && JournalIntents.IntentId(e) == "0150shared");
            Assert.Equal(applied ? JournalActions.PostingAccessGranted : JournalActions.IntentReconciled, outcome.Action);
            Assert.Equal(intent.Sequence + 1, outcome.Sequence);
            Assert.Empty(JournalIntents.Read(entries).Open);
            Assert.True(s.Journal.Verify().IsValid);
            Assert.DoesNotContain(s.Compliance.Run(), f => f.RuleId is "HW-AUT-001" or "HW-AUT-003" or "HW-AUT-004");
        }
    }

    [Fact]
    public void A_Graph_connection_with_no_state_store_is_refused_and_never_falls_back_to_a_per_user_folder()
    {
        GraphConnectionOptions o = _site.Options();
        o.StateSite = null;
        HwException ex = Assert.ThrowsAny<HwException>(() => new HwEngine(Repo.PolicyPath, "unused").ConnectGraph(o, null, null, _clock));
        Assert.Equal(ErrorIds.StateStoreRequired, ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ErrorIds.KindOf(ex.ErrorId));
    }

    [Fact]
    public void Two_admins_and_the_monthly_job_see_one_journal_and_no_HW_AUT_001_for_each_others_grants()
    {
        HwServices alice = Connect(), bob = Connect();
        OfficialAccount a = NewAccount(alice);
        Assert.True(alice.Access.Grant(a.Name, TestOrg.Staff1, "Covers events").Changed);
        Assert.True(bob.Access.Grant(a.Name, TestOrg.Staff2, "Covers the newsletter").Changed);

        HwServices job = Connect();
        Assert.StartsWith("https://hwsefton.sharepoint.com/sites/healthwatch/", job.Connection.StatePath, StringComparison.Ordinal);
        foreach (HwServices s in new[] { alice, bob, job })
        {
            IReadOnlyList<JournalEntry> entries = s.Journal.ReadAll();
            Assert.Equal(new[] { JournalActions.AccountCreated, JournalActions.ChangeIntended, JournalActions.PostingAccessGranted,
                    JournalActions.ChangeIntended, JournalActions.PostingAccessGranted },
                entries.Select(e => e.Action).Take(5));
            Assert.True(s.Journal.Verify().IsValid);
            Assert.DoesNotContain(s.Compliance.Run(), f => f.RuleId == "HW-AUT-001");
        }
        Assert.Equal(new[] { TestOrg.Staff1, TestOrg.Staff2 }, job.Access.Get(a.Name, null).Select(x => x.User).OrderByDescending(u => u));
    }

    [Fact]
    public async Task Eight_admins_granting_at_once_hold_the_poster_limit_on_the_shared_lock()
    {
        HwServices first = Connect();
        OfficialAccount a = NewAccount(first);
        string[] candidates = { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3, TestOrg.Volunteer, TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3, TestOrg.Volunteer };
        List<HwServices> admins = candidates.Select(_ => Connect()).ToList();
        using var start = new Barrier(admins.Count);
        var outcomes = await Task.WhenAll(admins.Select((s, i) => Task.Run(() =>
        {
            start.SignalAndWait();
            return s.Access.Grant(a.Name, candidates[i], "r" + i);
        })));

        int posters = first.Access.Get(a.Name, null).Count();
        Assert.Equal(3, posters);                                                     // never a fourth
        Assert.Equal(3, outcomes.Count(o => o.Changed));
        Assert.All(outcomes.Where(o => !o.Changed && o.Refusals.Count > 0), o => Assert.Equal("PosterLimitReached", Assert.Single(o.Refusals).ErrorId));
        IReadOnlyList<JournalEntry> journal = first.Journal.ReadAll();
        Assert.Equal(3, journal.Count(e => e.Action == JournalActions.PostingAccessGranted));
        Assert.True(first.Journal.Verify().IsValid);
        Assert.DoesNotContain(first.Compliance.Run(), f => f.RuleId == "HW-AUT-001");
        Assert.Null(_site.Fake.GetFile(_site.SiteId, "Documents", "HealthwatchPolicy/locks/state.lock"));   // every holder let go
    }

    public void Dispose()
    {
        _tenant.Dispose();
        _org.Dispose();
    }
}
