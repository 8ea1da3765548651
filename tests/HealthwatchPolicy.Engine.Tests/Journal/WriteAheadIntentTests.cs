using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// Issue 13, deliverable 4 (docs/decisions/0150-write-ahead-intent.md): an intent before every membership change and
/// its outcome after it; an intent a stopped process left open is reported (HW-AUT-004) and reconciled against the
/// directory by the next change, once; a directory call that fails is recorded truthfully. A session over real files
/// (the local directory and state folder). A process stopped between the intent and the outcome is reproduced by
/// writing the intent (and, for "applied", making the directory change) exactly as the module does, without the
/// outcome; the real kill -9 runs are tests/module/Scenarios/KillDuringChanges.Tests.ps1.
/// </summary>
public sealed class WriteAheadIntentTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly string _mirrors = Path.Combine(Path.GetTempPath(), "hw-mirror-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly FaultyDirectory _directory;
    private readonly HwServices _session;
    private readonly OfficialAccount _account;

    public WriteAheadIntentTests()
    {
        _directory = new FaultyDirectory(new LocalDirectory(_org.Folder));
        var engine = new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = _mirrors };
        _session = engine.ConnectTo(_directory, "Test", _org.StateFolder, null, _clock);
        _account = _session.Register.Create("Facebook", "intents", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page");
    }

    public void Dispose()
    {
        _org.Dispose();
        try { Directory.Delete(_mirrors, true); } catch (IOException) { }
    }

    private IReadOnlyList<JournalEntry> Entries => _session.Journal.ReadAll();
    private string UserId(string upn) => _session.Session.Directory.FindUser(upn)!.Id;
    private bool IsMember(string upn) => _session.Session.Directory.GetGroup(_account.GroupId)!.DirectMemberIds.Contains(UserId(upn));
    private IEnumerable<string> Rules(string user) => _session.Compliance.Run().Where(f => f.Subject == user).Select(f => f.RuleId);

    /// <summary>What a process killed after the intent leaves: the intent, optionally the directory change, no outcome.</summary>
    private JournalEntry LeaveIntentOpen(string upn, bool grant, bool applied)
    {
        JournalEntry intent = _session.Session.Record(JournalActions.ChangeIntended, _account.Name, upn, "stopped half way",
            new JsonObject { ["member"] = !grant },
            new JsonObject
            {
                ["member"] = grant, ["intent"] = Guid.NewGuid().ToString("N"),
                ["change"] = grant ? JournalActions.PostingAccessGranted : JournalActions.PostingAccessRevoked,
                ["groupId"] = _account.GroupId, ["userId"] = UserId(upn),
            });
        if (applied)
            Assert.True(grant ? _session.Session.Directory.AddMember(_account.GroupId, UserId(upn)) : _session.Session.Directory.RemoveMember(_account.GroupId, UserId(upn)));
        return intent;
    }

    /// <summary>Any change reconciles first; this one (a revocation of someone who never posted) changes nothing else.</summary>
    private void NextRun() => Assert.Equal("NotGranted", _session.Access.Revoke(_account.Name, TestOrg.Trustee, "next run").Access!.Status);

    [Fact]
    public void A_grant_and_a_revoke_each_write_an_intent_then_their_outcome_with_the_same_id()
    {
        Assert.True(_session.Access.Grant(_account.Name, TestOrg.Staff1, "Covers events").Changed);
        Assert.True(_session.Access.Revoke(_account.Name, TestOrg.Staff1, "Left").Changed);
        JournalEntry[] e = Entries.Skip(1).ToArray();
        Assert.Equal(new[] { JournalActions.ChangeIntended, JournalActions.PostingAccessGranted, JournalActions.ChangeIntended, JournalActions.PostingAccessRevoked },
            e.Select(x => x.Action));
        Assert.Equal(JournalIntents.IntentId(e[0]), JournalIntents.IntentId(e[1]));
        Assert.Equal(JournalIntents.IntentId(e[2]), JournalIntents.IntentId(e[3]));
        Assert.NotEqual(JournalIntents.IntentId(e[0]), JournalIntents.IntentId(e[2]));
        JsonObject intent = (JsonObject)JsonNode.Parse(e[0].After!)!;
        Assert.Equal((true, JournalActions.PostingAccessGranted, _account.GroupId, UserId(TestOrg.Staff1)),
            ((bool)intent["member"]!, (string)intent["change"]!, (string)intent["groupId"]!, (string)intent["userId"]!));
        Assert.Equal("Covers events", e[0].Reason);
        Assert.Empty(JournalIntents.Read(Entries).Open);

        // Get-HwAuditLog leaves out closed intents unless asked for them by action.
        Assert.DoesNotContain(AuditQuery.Filter(Entries, null, null, null, null, null, null), x => x.Action == JournalActions.ChangeIntended);
        Assert.Equal(2, AuditQuery.Filter(Entries, null, null, JournalActions.ChangeIntended, null, null, null).Count());
    }

    [Fact]
    public void An_open_grant_intent_the_directory_shows_made_is_reported_then_recorded_as_the_grant_by_the_next_change()
    {
        JournalEntry intent = LeaveIntentOpen(TestOrg.Staff1, grant: true, applied: true);
        ComplianceFinding f = Assert.Single(_session.Compliance.Run(), x => x.RuleId == "HW-AUT-004");
        Assert.Equal((TestOrg.Staff1, _account.Name, Severity.Medium), (f.Subject, f.Account, f.Severity));
        Assert.Contains("the directory shows the change was made", f.Evidence);
        Assert.Contains("HW-AUT-001", Rules(TestOrg.Staff1)); // in the group with no grant on record: until reconciled
        // The open intent is shown by Get-HwAuditLog.
        Assert.Contains(AuditQuery.Filter(Entries, null, null, null, null, null, null), x => x.Sequence == intent.Sequence);

        NextRun();
        JournalEntry outcome = Entries.Single(x => x.Sequence == intent.Sequence + 1);
        Assert.Equal((JournalActions.PostingAccessGranted, TestOrg.Staff1, "stopped half way"), (outcome.Action, outcome.User, outcome.Reason));
        JsonObject after = (JsonObject)JsonNode.Parse(outcome.After!)!;
        Assert.Equal((JournalIntents.IntentId(intent), true, true, intent.Sequence),
            ((string?)after["intent"], (bool)after["member"]!, (bool)after["reconciled"]!, (long)after["intendedAt"]!));
        Assert.DoesNotContain("HW-AUT-001", Rules(TestOrg.Staff1));
        Assert.DoesNotContain(_session.Compliance.Run(), x => x.RuleId == "HW-AUT-004");
        // Reconciled once: the next change finds nothing open.
        int count = Entries.Count;
        NextRun();
        Assert.Equal(count, Entries.Count);
        Assert.True(_session.Journal.Verify().IsValid);
    }

    [Fact]
    public void An_open_grant_intent_not_made_is_recorded_as_reconciled_not_applied()
    {
        JournalEntry intent = LeaveIntentOpen(TestOrg.Staff1, grant: true, applied: false);
        Assert.Contains("the directory shows the change was not made", Assert.Single(_session.Compliance.Run(), x => x.RuleId == "HW-AUT-004").Evidence);
        NextRun();
        JournalEntry outcome = Entries.Single(x => x.Sequence == intent.Sequence + 1);
        Assert.Equal(JournalActions.IntentReconciled, outcome.Action);
        JsonObject after = (JsonObject)JsonNode.Parse(outcome.After!)!;
        Assert.Equal((JournalIntents.IntentId(intent), false), ((string?)after["intent"], (bool)after["applied"]!));
        Assert.False(IsMember(TestOrg.Staff1));
        Assert.Empty(Rules(TestOrg.Staff1)); // no grant on record, not in the group: nothing to say
        Assert.DoesNotContain(_session.Compliance.Run(), x => x.RuleId == "HW-AUT-004");
    }

    [Fact]
    public void An_open_revoke_intent_the_directory_shows_made_becomes_the_revocation_so_HW_AUT_003_does_not_stay()
    {
        Assert.True(_session.Access.Grant(_account.Name, TestOrg.Staff2, "Covers the newsletter").Changed);
        LeaveIntentOpen(TestOrg.Staff2, grant: false, applied: true);
        Assert.Contains("HW-AUT-003", Rules(TestOrg.Staff2)); // the last word is still the grant
        Assert.Contains("HW-AUT-004", Rules(TestOrg.Staff2));
        NextRun();
        Assert.Equal(JournalActions.PostingAccessRevoked, Entries.Last().Action);
        Assert.Empty(Rules(TestOrg.Staff2));
    }

    [Fact]
    public void An_open_revoke_intent_not_made_leaves_the_grant_as_the_last_word()
    {
        Assert.True(_session.Access.Grant(_account.Name, TestOrg.Staff2, "Covers the newsletter").Changed);
        LeaveIntentOpen(TestOrg.Staff2, grant: false, applied: false);
        NextRun();
        Assert.Equal(JournalActions.IntentReconciled, Entries.Last().Action);
        Assert.True(IsMember(TestOrg.Staff2));
        Assert.Empty(Rules(TestOrg.Staff2));
    }

    [Fact]
    public void A_second_outcome_for_the_same_intent_does_not_count()
    {
        // Two writers that both reconcile one intent (the lock-free shared store): the later, stale outcome is a duplicate.
        JournalEntry intent = LeaveIntentOpen(TestOrg.Staff1, grant: true, applied: true);
        NextRun();
        JournalEntry first = Entries.Last();
        Assert.True(_session.Access.Revoke(_account.Name, TestOrg.Staff1, "Left").Changed);
        JournalEntry stale = _session.Session.Record(JournalActions.PostingAccessGranted, _account.Name, TestOrg.Staff1, "stopped half way",
            new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true, ["intent"] = JournalIntents.IntentId(intent), ["reconciled"] = true });
        JournalIntents intents = JournalIntents.Read(Entries);
        Assert.False(intents.IsDuplicate(first));
        Assert.True(intents.IsDuplicate(stale));
        Assert.Empty(intents.Open);
        Assert.False(IsMember(TestOrg.Staff1));
        Assert.Empty(Rules(TestOrg.Staff1)); // without the rule the stale grant would be the last word: HW-AUT-003
    }

    [Fact]
    public void A_directory_call_that_fails_before_the_change_is_recorded_as_abandoned_and_the_error_stands()
    {
        _directory.FailBeforeAdd = true;
        HwException e = Assert.Throws<HwException>(() => _session.Access.Grant(_account.Name, TestOrg.Staff1, "Covers events"));
        Assert.Equal(ErrorIds.DirectoryUnreadable, e.ErrorId);
        JournalEntry last = Entries.Last();
        Assert.Equal(JournalActions.IntentAbandoned, last.Action);
        Assert.Equal(JournalIntents.IntentId(Entries[Entries.Count - 2]), JournalIntents.IntentId(last));
        Assert.False(IsMember(TestOrg.Staff1));
        Assert.Empty(Rules(TestOrg.Staff1));
    }

    [Fact]
    public void A_directory_call_that_fails_after_the_change_reached_the_directory_is_recorded_as_made()
    {
        _directory.FailAfterAdd = true; // a timeout after Graph applied it
        Assert.Throws<HwException>(() => _session.Access.Grant(_account.Name, TestOrg.Staff1, "Covers events"));
        Assert.Equal(JournalActions.PostingAccessGranted, Entries.Last().Action);
        Assert.True(IsMember(TestOrg.Staff1));
        Assert.Empty(Rules(TestOrg.Staff1));
    }

    [Fact]
    public void An_intent_before_a_repaired_torn_line_is_reconciled_at_the_next_change()
    {
        // Killed while the outcome line was being written: the intent, then a torn line.
        LeaveIntentOpen(TestOrg.Staff1, grant: true, applied: true);
        string journal = Path.Combine(_org.StateFolder, "journal.jsonl");
        File.AppendAllText(journal, "{\"seq\":" + (Entries.Count + 1) + ",\"time\":\"2026-11-0");
        Assert.Equal(ErrorIds.JournalCorrupt, Assert.Throws<HwException>(NextRun).ErrorId);
        Assert.Equal(JournalActions.JournalRepaired, _session.Session.RepairJournal("killed mid-line")!.Action);
        NextRun();
        Assert.Equal(JournalActions.PostingAccessGranted, Entries.Last().Action);
        Assert.Empty(JournalIntents.Read(Entries).Open);
        Assert.Empty(Rules(TestOrg.Staff1));
        Assert.True(_session.Journal.Verify().IsValid);
    }

    [Fact]
    public void Retiring_an_account_writes_an_intent_and_an_outcome_per_poster()
    {
        Assert.True(_session.Access.Grant(_account.Name, TestOrg.Staff1, "a").Changed);
        Assert.True(_session.Access.Grant(_account.Name, TestOrg.Staff2, "b").Changed);
        int before = Entries.Count;
        _session.Register.Retire(_account.Name, "Page closed");
        Assert.Equal(new[] { JournalActions.ChangeIntended, JournalActions.PostingAccessRevoked, JournalActions.ChangeIntended, JournalActions.PostingAccessRevoked, JournalActions.AccountRetired },
            Entries.Skip(before).Select(x => x.Action));
        Assert.Empty(JournalIntents.Read(Entries).Open);
    }

    /// <summary>The local directory with a fault injected into AddMember: failing before it reaches the file, or after.</summary>
    private sealed class FaultyDirectory : IDirectory
    {
        private readonly IDirectory _inner;
        public FaultyDirectory(IDirectory inner) => _inner = inner;
        public bool FailBeforeAdd { get; set; }
        public bool FailAfterAdd { get; set; }
        public string Description => _inner.Description;
        public IReadOnlyList<DirectoryUser> GetUsers() => _inner.GetUsers();
        public IReadOnlyList<DirectoryUser> GetUsers(IReadOnlyCollection<string> ids, IReadOnlyCollection<string>? userPrincipalNames = null) => _inner.GetUsers(ids, userPrincipalNames);
        public DirectoryUser? FindUser(string idOrName) => _inner.FindUser(idOrName);
        public IReadOnlyList<DirectoryGroup> GetGroups(string displayNamePrefix) => _inner.GetGroups(displayNamePrefix);
        public DirectoryGroup? GetGroup(string groupId) => _inner.GetGroup(groupId);
        public DirectoryGroup CreateGroup(NewGroup group, JsonObject extension) => _inner.CreateGroup(group, extension);
        public void SetGroupExtension(string groupId, JsonObject extension) => _inner.SetGroupExtension(groupId, extension);
        public bool RemoveMember(string groupId, string userId) => _inner.RemoveMember(groupId, userId);
        public void SetUserExtension(string userId, JsonObject extension) => _inner.SetUserExtension(userId, extension);

        public bool AddMember(string groupId, string userId)
        {
            if (FailBeforeAdd)
                throw new HwException(ErrorIds.DirectoryUnreadable, "injected: the directory call failed before it was made", groupId);
            bool changed = _inner.AddMember(groupId, userId);
            if (FailAfterAdd)
                throw new HwException(ErrorIds.DirectoryUnreadable, "injected: the call timed out after the directory made the change", groupId);
            return changed;
        }
    }
}
