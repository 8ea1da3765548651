using System;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Engine.Tests.Access;

/// <summary>
/// Register, access and acknowledgement behaviour, written once and run over every directory adapter.
/// </summary>
public abstract class SessionContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private protected readonly TestClock Clock = new();
    private HwServices? _session;

    protected abstract IDirectory CreateDirectory(string organisationFolder);

    private protected HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, null, Clock);

    private OfficialAccount NewAccount(string handle = "healthwatchsefton", string owner = TestOrg.Comms, string consent = TestOrg.Manager) =>
        Session.Register.Create("Facebook", handle, "https://www.facebook.com/" + handle, "News and events", owner, consent, null, "New page for events");

    private int JournalCount => Session.Journal.ReadAll().Count;

    [Fact]
    public void A_guest_who_posts_is_revoked_by_user_principal_name()
    {
        // HW-ELG-002's fix: a guest put in the posting group outside the module, taken out by UPN (#EXT# and all).
        OfficialAccount a = NewAccount();
        Assert.True(Session.Session.Directory.AddMember(a.GroupId, "u-priya"));
        var outcome = Session.Access.Revoke(a.Name, TestOrg.Guest, "Guests may not post (HW-ELG-002)");
        Assert.True(outcome.Changed);
        Assert.DoesNotContain("u-priya", Session.Session.Directory.GetGroup(a.GroupId)!.MemberIds);
        Assert.Equal(JournalActions.PostingAccessRevoked, Session.Journal.ReadAll().Last().Action);
    }

    [Fact]
    public void Creating_an_account_with_line_manager_consent_makes_group_entry_and_journal_entry()
    {
        OfficialAccount a = NewAccount();
        Assert.Equal("facebook-healthwatchsefton", a.Name);
        Assert.Equal("HW-Posting-facebook-healthwatchsefton", a.GroupName);
        Assert.Equal(TestOrg.Comms, a.Owner);
        Assert.Equal(TestOrg.Manager, a.ConsentBy);
        OfficialAccount listed = Assert.Single(Session.Register.GetAccounts());
        Assert.Equal("News and events", listed.Purpose);
        JournalEntry e = Assert.Single(Session.Journal.ReadAll());
        Assert.Equal(JournalActions.AccountCreated, e.Action);
        Assert.Equal("New page for events", e.Reason);
        Assert.Equal("2018.10", e.PolicyVersion);
        Assert.Equal(Clock.UtcNow, e.Time);
    }

    [Theory]
    [InlineData(TestOrg.Staff1, "is not the line manager")]     // a colleague
    [InlineData(TestOrg.Comms, "cannot consent to their own")]  // the owner
    [InlineData(TestOrg.Leaver, "is disabled")]                 // a disabled manager
    public void Consent_from_anyone_but_the_line_manager_is_refused_and_nothing_is_created(string consentBy, string why)
    {
        var ex = Assert.Throws<PolicyRefusalException>(() => NewAccount(consent: consentBy));
        Assert.Equal("AccountConsentInvalid", ex.ErrorId);
        Assert.Equal("SMP-3.1", ex.ClauseId);
        Assert.Contains(why, ex.Message);
        Assert.Contains("SMP-3.1", ex.Message);
        Assert.Empty(Session.Register.GetAccounts(includeRetired: true));
        Assert.Equal(0, JournalCount);
    }

    [Fact]
    public void Unknown_people_and_duplicate_accounts_are_refused_by_name()
    {
        Assert.Equal("UserNotFound", Assert.ThrowsAny<HwException>(() => NewAccount(owner: "ghost@hwsefton.example")).ErrorId);
        NewAccount();
        Assert.Equal("AccountExists", Assert.ThrowsAny<HwException>(() => NewAccount()).ErrorId);
        Assert.Equal("AccountNotFound", Assert.ThrowsAny<HwException>(() => Session.Access.Grant("nope", TestOrg.Staff1, "r")).ErrorId);
        Assert.Equal("UserNotFound", Assert.ThrowsAny<HwException>(() => Session.Access.Grant("facebook-healthwatchsefton", "ghost", "r")).ErrorId);
    }

    [Fact]
    public void Granting_is_journaled_once_and_idempotent()
    {
        OfficialAccount a = NewAccount();
        var first = Session.Access.Grant(a.Name, TestOrg.Staff1, "Covers events");
        Assert.True(first.Changed);
        Assert.Equal("Granted", first.Access!.Status);
        var again = Session.Access.Grant(a.Name, TestOrg.Staff1.ToUpperInvariant(), "Covers events");
        Assert.False(again.Changed);
        Assert.Equal("AlreadyGranted", again.Access!.Status);
        Assert.Equal(3, JournalCount); // account + one grant's intent and outcome (decision 0150)
        JournalEntry intent = Session.Journal.ReadAll()[1], grant = Session.Journal.ReadAll().Last();
        Assert.Equal((JournalActions.ChangeIntended, a.Name, TestOrg.Staff1), (intent.Action, intent.Account, intent.User));
        Assert.Equal((JournalActions.PostingAccessGranted, a.Name, TestOrg.Staff1), (grant.Action, grant.Account, grant.User));
        Assert.Equal(JournalIntents.IntentId(intent), JournalIntents.IntentId(grant));
        Assert.NotNull(JournalIntents.IntentId(grant));
        Assert.Equal(new[] { TestOrg.Staff1 }, Session.Access.Get(null, null).Select(x => x.User));
    }

    [Theory]
    [InlineData(TestOrg.Leaver, "PosterDisabled")]
    [InlineData(TestOrg.Trustee, "PosterTypeNotEligible")]
    [InlineData(TestOrg.NotAcknowledged, "PolicyNotAcknowledged")]
    public void Ineligible_posters_are_refused_naming_clause_user_and_account(string user, string errorId)
    {
        OfficialAccount a = NewAccount();
        var outcome = Session.Access.Grant(a.Name, user, "r");
        PolicyRefusal r = Assert.Single(outcome.Refusals);
        Assert.Equal(errorId, r.ErrorId);
        Assert.Equal("SMP-3.2", r.ClauseId);
        Assert.Equal(user, r.User);
        Assert.Equal(a.Name, r.Account);
        Assert.Contains(user, r.Message);
        Assert.Contains(a.Name, r.Message);
        Assert.False(outcome.Changed);
        Assert.Empty(Session.Access.Get(null, null));
        Assert.Equal(1, JournalCount);
    }

    [Fact]
    public void A_guest_volunteer_is_refused_for_being_a_guest()
    {
        var outcome = Session.Access.Grant(NewAccount().Name, TestOrg.Guest, "r");
        Assert.Equal(new[] { "PosterIsGuest" }, outcome.Refusals.Select(r => r.ErrorId));
    }

    [Fact]
    public void The_poster_limit_holds()
    {
        OfficialAccount a = NewAccount();
        foreach (string u in new[] { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3 })
            Assert.True(Session.Access.Grant(a.Name, u, "r").Changed);
        var fourth = Session.Access.Grant(a.Name, TestOrg.Volunteer, "r");
        PolicyRefusal r = Assert.Single(fourth.Refusals);
        Assert.Equal("PosterLimitReached", r.ErrorId);
        Assert.Equal(HwErrorKind.LimitsExceeded, r.Kind);
        Assert.Equal("SMP-3.2", r.ClauseId);
        Assert.Equal(3, Session.Access.Get(a.Name, null).Count());
    }

    [Fact]
    public void A_plan_runs_the_checks_and_writes_nothing()
    {
        // -WhatIf's plan mode (docs/decisions/0161): the real change method, reads and checks only; on both adapters.
        OfficialAccount a = NewAccount();
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        int journal = JournalCount;
        string[] members = Session.Session.Directory.GetGroup(a.GroupId)!.MemberIds.OrderBy(x => x).ToArray();
        string[] locks = System.IO.Directory.GetFiles(Org.Folder, "*.lock", System.IO.SearchOption.AllDirectories).OrderBy(x => x).ToArray();

        ChangePlan guest = Session.Plan(() => Session.Access.Grant(a.Name, TestOrg.Guest, "Helper"));
        Assert.False(guest.WouldChange);
        Assert.Contains(Assert.IsType<HealthwatchPolicy.Engine.Access.AccessOutcome>(guest.Result).Refusals, r => r.Reason == RefusalReason.PosterIsGuest);
        Assert.Equal(ErrorIds.UserNotFound, Session.Plan(() => Session.Access.Grant(a.Name, "nobody@hwsefton.example", "x")).Refusal!.ErrorId);
        Assert.Equal(ErrorIds.ReasonRequired, Session.Plan(() => Session.Access.Grant(a.Name, TestOrg.Staff2, " ")).Refusal!.ErrorId);
        // The first write of a grant that passes the checks is its write-ahead intent (docs/decisions/0150).
        Assert.Equal("write a journal entry", Session.Plan(() => Session.Access.Grant(a.Name, TestOrg.Staff2, "x")).FirstWrite);
        Assert.Equal("write a journal entry", Session.Plan(() => Session.Access.Revoke(a.Name, TestOrg.Staff1, "x")).FirstWrite);
        Assert.False(Session.Plan(() => Session.Access.Revoke(a.Name, TestOrg.Staff2, "x")).WouldChange);
        Assert.Equal("create a posting group", Session.Plan(() => NewAccount("other")).FirstWrite);
        Assert.Equal(RefusalReason.ConsentBySelf, Assert.IsType<PolicyRefusalException>(Session.Plan(() => NewAccount("other", TestOrg.Comms, TestOrg.Comms)).Refusal).Refusal.Reason);
        Assert.True(Session.Plan(() => Session.Register.Retire(a.Name, "x")).WouldChange);
        Assert.True(Session.Plan(() => Session.Reviews.Start(null)).WouldChange);

        Assert.Equal(journal, JournalCount);
        Assert.Equal(members, Session.Session.Directory.GetGroup(a.GroupId)!.MemberIds.OrderBy(x => x).ToArray());
        Assert.Single(Session.Register.GetAccounts());
        Assert.Empty(Session.Reviews.Get(null));
        Assert.Equal(locks, System.IO.Directory.GetFiles(Org.Folder, "*.lock", System.IO.SearchOption.AllDirectories).OrderBy(x => x).ToArray());
    }

    [Fact]
    public void A_grant_to_a_poster_who_fails_the_checks_is_AlreadyGranted_with_the_failing_check()
    {
        OfficialAccount a = NewAccount();
        Session.Session.Directory.AddMember(a.GroupId, Session.Session.Directory.FindUser(TestOrg.Leaver)!.Id);
        var outcome = Session.Access.Grant(a.Name, TestOrg.Leaver, "Back");
        Assert.False(outcome.Changed);
        Assert.Equal("AlreadyGranted", outcome.Access!.Status);
        Assert.Empty(outcome.Refusals);
        Assert.Contains(outcome.Warnings, w => w.Reason == RefusalReason.PosterDisabled);
        Assert.DoesNotContain(outcome.Warnings, w => w.Reason == RefusalReason.PosterLimitReached);
    }

    [Fact]
    public void Revoking_is_idempotent_and_journaled_once()
    {
        OfficialAccount a = NewAccount();
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        Assert.True(Session.Access.Revoke(a.Name, TestOrg.Staff1, "Left the comms rota").Changed);
        var again = Session.Access.Revoke(a.Name, TestOrg.Staff1, "Left the comms rota");
        Assert.False(again.Changed);
        Assert.Equal("NotGranted", again.Access!.Status);
        Assert.Equal(5, JournalCount); // account, grant (intent + outcome), revoke (intent + outcome)
        Assert.Equal(JournalActions.PostingAccessRevoked, Session.Journal.ReadAll().Last().Action);
    }

    [Fact]
    public void Retiring_revokes_every_poster_and_keeps_the_record()
    {
        OfficialAccount a = NewAccount();
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        Session.Access.Grant(a.Name, TestOrg.Staff2, "r");
        OfficialAccount retired = Session.Register.Retire(a.Name, "Page closed");
        Assert.Equal("Retired", retired.Status);
        Assert.Equal(0, retired.PosterCount);
        Assert.Empty(Session.Register.GetAccounts());
        Assert.Single(Session.Register.GetAccounts(includeRetired: true));
        var actions = Session.Journal.ReadAll().Select(e => e.Action).ToList();
        Assert.Equal(2, actions.Count(x => x == JournalActions.PostingAccessRevoked));
        Assert.Equal(JournalActions.AccountRetired, actions.Last());
        Assert.Equal("AccountNotFound", Assert.ThrowsAny<HwException>(() => Session.Access.Grant(a.Name, TestOrg.Staff1, "r")).ErrorId);
    }

    [Fact]
    public void Updating_records_before_and_after()
    {
        OfficialAccount a = NewAccount();
        OfficialAccount updated = Session.Register.Update(a.Name, null, "Events only", TestOrg.Staff1, "Emma runs events now");
        Assert.Equal(TestOrg.Staff1, updated.Owner);
        Assert.Equal("Events only", updated.Purpose);
        JournalEntry e = Session.Journal.ReadAll().Last();
        Assert.Equal(JournalActions.AccountUpdated, e.Action);
        Assert.Contains("u-comms", e.Before);
        Assert.Contains("u-emma", e.After);
    }

    [Fact]
    public void Acknowledging_lets_a_person_post_and_is_idempotent()
    {
        OfficialAccount a = NewAccount();
        Assert.Contains(Session.Acknowledgements.Get(null, null, missing: true), m => m.User == TestOrg.NotAcknowledged);
        var (ack, changed) = Session.Acknowledgements.Add(TestOrg.NotAcknowledged, null, "Read it at induction");
        Assert.True(changed);
        Assert.Equal("2018.10", ack.Version);
        Assert.False(Session.Acknowledgements.Add(TestOrg.NotAcknowledged, null, "again").Changed);
        Assert.DoesNotContain(Session.Acknowledgements.Get(null, null, missing: true), m => m.User == TestOrg.NotAcknowledged);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.NotAcknowledged, "r").Changed);
        Assert.Equal(1, Session.Journal.ReadAll().Count(e => e.Action == JournalActions.PolicyAcknowledged));
    }

    [Fact]
    public void Missing_acknowledgements_cover_only_enabled_people_in_scope()
    {
        var missing = Session.Acknowledgements.Get(null, "2026.01", missing: true).Select(m => m.User).ToList();
        Assert.DoesNotContain(TestOrg.Leaver, missing);            // disabled
        Assert.Contains(TestOrg.Trustee, missing);                 // trustees are covered by the policy
        Assert.Contains(TestOrg.Guest, missing);                   // an enabled volunteer, guest or not
    }

    [Fact]
    public void A_change_the_journal_cannot_record_is_refused_before_it_is_made()
    {
        OfficialAccount a = NewAccount();
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        string journal = System.IO.Path.Combine(Org.StateFolder, "journal.jsonl");
        System.IO.File.WriteAllLines(journal, System.IO.File.ReadAllLines(journal).Take(1)); // cut the tail
        var ex = Assert.ThrowsAny<HwException>(() => Session.Access.Grant(a.Name, TestOrg.Staff2, "r"));
        Assert.Equal("JournalCorrupt", ex.ErrorId);
        Assert.DoesNotContain(TestOrg.Staff2, Session.Access.Get(a.Name, null).Select(x => x.User));
    }

    [Fact]
    public void A_snapshot_opens_locally_with_the_same_register_and_access_and_a_journal_that_verifies()
    {
        OfficialAccount a = NewAccount();
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        Session.Access.Grant(a.Name, TestOrg.Staff2, "r");
        Session.Access.Revoke(a.Name, TestOrg.Staff2, "r");
        string target = System.IO.Path.Combine(Org.Folder, "..", System.IO.Path.GetFileName(Org.Folder) + "-snapshot");
        try
        {
            DirectorySnapshot s = Session.Snapshots.Export(target);

            Assert.Equal(7, s.JournalEntries); // the account, then an intent and an outcome per change
            Assert.Equal(1, s.PostingGroups);
            Assert.Equal(1, s.Posters);
            HwServices copy = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(target), "Snapshot",
                System.IO.Path.Combine(target, "state"), null, Clock);
            Assert.Equal(Session.Access.Get(a.Name, null).Select(x => x.User), copy.Access.Get(a.Name, null).Select(x => x.User));
            Assert.Equal(Session.Journal.ReadAll().Select(e => e.Hash), copy.Journal.ReadAll().Select(e => e.Hash));
            Assert.True(copy.Journal.Verify().IsValid);
            Assert.True(copy.Access.Grant(a.Name, TestOrg.Staff3, "the copy takes changes").Changed);
        }
        finally
        {
            if (System.IO.Directory.Exists(target))
                System.IO.Directory.Delete(target, recursive: true);
        }
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalSessionContractTests : SessionContract
{
    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);
}
