using System.Collections.Generic;
using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Tests.Adapters;

namespace HealthwatchPolicy.Engine.Tests.Lifecycle;

/// <summary>Issue 15 (leavers, time-bound access, pause, hygiene), written once and run over both directory adapters.</summary>
public abstract class LifecycleContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private protected readonly TestClock Clock = new();
    private HwServices? _session;

    protected abstract IDirectory CreateDirectory(string organisationFolder);

    private protected HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, null, Clock);

    /// <summary>Sets a field of one user in directory.json (before the session starts: the fake Graph loads it then).</summary>
    private protected void Plant(string userId, string field, JsonNode? value)
    {
        Assert.Null(_session);
        string path = Path.Combine(Org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        JsonObject user = doc["users"]!.AsArray().OfType<JsonObject>().Single(u => (string?)u["id"] == userId);
        user[field] = value;
        File.WriteAllText(path, doc.ToJsonString());
    }

    private OfficialAccount NewAccount(string handle = "healthwatchsefton") =>
        Session.Register.Create("Facebook", handle, "https://www.facebook.com/" + handle, "News and events", TestOrg.Comms, TestOrg.Manager, null, "New page");

    private int JournalCount => Outcomes().Count;

    /// <summary>The journal without its write-ahead intents (each membership change is an intent and then this
    /// outcome, docs/decisions/0150; the outcome names its intent).</summary>
    private List<JournalEntry> Outcomes() => Session.Journal.ReadAll().Where(e => e.Action != JournalActions.ChangeIntended).ToList();

    private string[] Members(OfficialAccount a) => Session.Session.Directory.GetGroup(a.GroupId)!.MemberIds.OrderBy(x => x).ToArray();

    [Fact]
    public void Sync_revokes_a_disabled_poster_a_past_leave_date_and_expired_access_each_journaled_once_and_WhatIf_and_a_second_run_change_nothing()
    {
        Plant("u-aisha", "employeeLeaveDateTime", "2026-11-10T17:00:00Z");
        OfficialAccount a = NewAccount();
        // emma: time-bound to the 12th; aisha: leaves on the 10th; ben: stays; tom (disabled) was put in outside the module.
        var emma = Session.Lifecycle.Grant(a.Name, TestOrg.Staff1, "Covers the autumn campaign", new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero));
        Assert.True(emma.Changed);
        Assert.Equal(new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero), emma.Access!.Expires);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff2, "Covers events").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "Covers events").Changed);
        Assert.True(Session.Session.Directory.AddMember(a.GroupId, "u-tom"));
        Assert.Equal(new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero), Session.Access.Get(a.Name, TestOrg.Staff1).Single().Expires);
        Assert.Null(Session.Access.Get(a.Name, TestOrg.Staff3).Single().Expires);

        // before the dates: only the disabled poster is due
        Assert.Equal(new[] { "u-tom" }, Session.Lifecycle.PlanSync(out _).Select(i => i.UserId));
        Assert.Equal(new[] { "u-tom" }, Session.Lifecycle.PlanSync(new[] { "facebook-*" }, out _).Select(i => i.UserId));
        Assert.Empty(Session.Lifecycle.PlanSync(new[] { "instagram-*" }, out _));
        Assert.Equal(ErrorIds.AccountNotFound, Assert.ThrowsAny<HwException>(() => Session.Lifecycle.PlanSync(new[] { "no-such-account" }, out _)).ErrorId);

        Clock.UtcNow = new DateTimeOffset(2026, 11, 15, 6, 0, 0, TimeSpan.Zero);
        int before = JournalCount;
        string[] members = Members(a);
        // -WhatIf: the whole plan, nothing changed
        var plan = Session.Lifecycle.PlanSync(out string? notEvaluated);
        Assert.Null(notEvaluated);
        Assert.Equal(new[] { ("u-aisha", LifecycleReason.LeaveDate), ("u-emma", LifecycleReason.AccessExpired), ("u-tom", LifecycleReason.Disabled) },
            plan.Select(i => (i.UserId, i.Reason)).OrderBy(x => x.UserId));
        Assert.All(plan, i => Assert.Equal("Planned", i.Outcome));
        Assert.Equal(before, JournalCount);
        Assert.Equal(members, Members(a));
        // the report shows them before the sync
        var findings = Session.Compliance.Run();
        Assert.Contains(findings, f => f.RuleId == "HW-LIF-001" && f.Subject == TestOrg.Staff2 && f.Evidence.Contains("Sync-HwPostingAccess removes them"));
        Assert.Contains(findings, f => f.RuleId == "HW-LIF-002" && f.Subject == TestOrg.Staff1);

        var done = Session.Lifecycle.Sync();
        Assert.Equal(3, done.Count(i => i.Outcome == "Revoked"));
        Assert.Equal(new[] { "u-ben" }, Members(a));
        var revoked = Outcomes().Skip(before).ToList();
        Assert.Equal(3, revoked.Count);
        Assert.All(revoked, e => Assert.Equal(JournalActions.PostingAccessRevoked, e.Action));
        Assert.All(revoked, e => Assert.Contains("\"intent\"", e.After!)); // each went through a write-ahead intent
        Assert.Contains(revoked, e => e.User == TestOrg.Staff2 && e.Reason.Contains("leaveDate"));
        Assert.Contains(revoked, e => e.User == TestOrg.Staff1 && e.Reason.Contains("accessExpired"));
        Assert.Contains(revoked, e => e.User == TestOrg.Leaver && e.Reason.Contains("disabled"));
        Assert.Empty(Session.Lifecycle.ReadState().Expiries);

        // a second run does nothing
        int after = JournalCount;
        Assert.Empty(Session.Lifecycle.Sync());
        Assert.Equal(after, JournalCount);
        Assert.DoesNotContain(Session.Compliance.Run(), f => f.RuleId is "HW-LIF-001" or "HW-LIF-002");
    }

    [Fact]
    public void A_reason_the_policy_only_flags_is_left_in_place_and_shown_pending()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Session.Directory.AddMember(a.GroupId, "u-robert")); // a trustee: lifecycle.ineligibleType is Flag
        int before = JournalCount;
        var item = Assert.Single(Session.Lifecycle.Sync());
        Assert.Equal((LifecycleReason.IneligibleType, LifecycleAction.Flag, "Flagged"), (item.Reason, item.Action, item.Outcome));
        Assert.Equal(before, JournalCount);
        Assert.Equal(new[] { "u-robert" }, Members(a));
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-ELG-003" && f.Subject == TestOrg.Trustee);
    }

    [Fact]
    public void Time_bound_access_respects_the_policy_maximum_and_extending_is_a_new_journaled_grant()
    {
        OfficialAccount a = NewAccount();
        var tooLong = Assert.ThrowsAny<HwException>(() => Session.Lifecycle.Grant(a.Name, TestOrg.Staff1, "r", Clock.UtcNow.AddDays(181)));
        Assert.Equal(ErrorIds.AccessExpiryInvalid, tooLong.ErrorId);
        Assert.Contains("maxAccessDays", tooLong.Message);
        Assert.Equal(ErrorIds.AccessExpiryInvalid, Assert.ThrowsAny<HwException>(() => Session.Lifecycle.Grant(a.Name, TestOrg.Staff1, "r", Clock.UtcNow.AddDays(-1))).ErrorId);
        Assert.Empty(Session.Access.Get(null, null));

        // a volunteer (lifecycle.timeBoundEmployeeTypes) is time-bound without being asked: maxAccessDays from now
        var liam = Session.Lifecycle.Grant(a.Name, TestOrg.Volunteer, "Placement", null);
        Assert.Equal(Clock.UtcNow.AddDays(180), liam.Access!.Expires);
        Assert.Contains("until", Outcomes().Last().After!);

        int before = JournalCount;
        var extended = Session.Lifecycle.Grant(a.Name, TestOrg.Volunteer, "Placement extended", Clock.UtcNow.AddDays(30));
        Assert.Equal("Extended", extended.Access!.Status);
        Assert.Equal(Clock.UtcNow.AddDays(30), Session.Access.Get(a.Name, TestOrg.Volunteer).Single().Expires);
        JournalEntry e = Assert.Single(Outcomes().Skip(before));
        Assert.Equal((JournalActions.PostingAccessExtended, "Placement extended"), (e.Action, e.Reason));
    }

    [Fact]
    public void Time_bound_access_that_has_ended_shows_Expired_until_the_sync_removes_it()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Lifecycle.Grant(a.Name, TestOrg.Staff1, "Campaign", Clock.UtcNow.AddDays(2)).Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "Staff").Changed);
        Assert.Equal(new[] { "Current", "Current" }, Session.Access.Get(a.Name, null).OrderBy(x => x.User).Select(x => x.Status));
        Clock.UtcNow = Clock.UtcNow.AddDays(3);
        var shown = Session.Access.Get(a.Name, null).ToDictionary(x => x.User, x => x.Status);
        Assert.Equal("Expired", shown[TestOrg.Staff1]);
        Assert.Equal("Current", shown[TestOrg.Staff3]);
        Session.Lifecycle.Sync();
        Assert.Equal(new[] { TestOrg.Staff3 }, Session.Access.Get(a.Name, null).Select(x => x.User));
    }

    [Fact]
    public void The_review_records_and_mails_when_time_bound_access_ends()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Lifecycle.Grant(a.Name, TestOrg.Volunteer, "Placement", new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero)).Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "Covers events").Changed);
        var review = Session.Reviews.Start(null).Review;
        Assert.Equal(new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero), review.Items.Single(i => i.User == TestOrg.Volunteer).Expires);
        Assert.Null(review.Items.Single(i => i.User == TestOrg.Staff1).Expires);
        var mail = HealthwatchPolicy.Engine.Services.ReviewMailBuilder.ForReviewer(review, Session.Policy, "Daniel", review.Items, false,
            new MimeKit.MailboxAddress("Review", "review@hwsefton.example"), new[] { new MimeKit.MailboxAddress("Daniel", TestOrg.Comms) });
        Assert.Contains("Time-bound access: ends 24 December 2026", mail.TextBody);
        Assert.Contains("Time-bound access: ends 24 December 2026", mail.HtmlBody);
    }

    [Fact]
    public void Suspend_then_Resume_restores_exactly_the_posters_still_eligible_and_a_grant_during_the_pause_is_refused_naming_it()
    {
        Plant("u-ben", "employeeLeaveDateTime", "2026-11-20T17:00:00Z");
        OfficialAccount a = NewAccount();
        OfficialAccount b = NewAccount("hwseftonevents");
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        Assert.True(Session.Access.Grant(b.Name, TestOrg.Staff2, "r").Changed);
        int before = JournalCount;

        var paused = Session.Lifecycle.Suspend(null, "Account compromised: password reset under way");
        Assert.Equal(new[] { a.Name, b.Name }.OrderBy(x => x), paused.Select(p => p.Account).OrderBy(x => x));
        Assert.Equal(new[] { TestOrg.Staff3, TestOrg.Staff1 }.OrderBy(x => x), paused.Single(p => p.Account == a.Name).Removed.OrderBy(x => x));
        Assert.Empty(Members(a));
        Assert.Empty(Members(b));
        Assert.Equal(3 + 2, JournalCount - before); // three removals, two PostingPaused
        // run again: nothing more
        int afterSuspend = JournalCount;
        Session.Lifecycle.Suspend(null, "again");
        Assert.Equal(afterSuspend, JournalCount);

        var refused = Assert.ThrowsAny<HwException>(() => Session.Access.Grant(a.Name, TestOrg.Staff2, "r"));
        Assert.Equal(ErrorIds.AccountPaused, refused.ErrorId);
        Assert.Contains("paused", refused.Message);
        Assert.Contains("Account compromised", refused.Message);
        Assert.Equal(ErrorIds.AccountPaused, Assert.ThrowsAny<HwException>(() => Session.Lifecycle.Grant(a.Name, TestOrg.Staff2, "r", Clock.UtcNow.AddDays(3))).ErrorId);
        Assert.Empty(Session.Lifecycle.ReadState().Expiries);
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-LIF-003" && f.Account == a.Name);

        Clock.UtcNow = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero); // ben has left meanwhile; the pause is 23 days old
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-LIF-004" && f.Account == a.Name);
        var resumed = Session.Lifecycle.Resume(null, "Passwords reset, MFA checked");
        PostingPauseResult ra = resumed.Single(r => r.Account == a.Name);
        Assert.Equal(new[] { TestOrg.Staff1 }, ra.Restored);
        Assert.Contains(ra.NotRestored, n => n.StartsWith(TestOrg.Staff3, StringComparison.Ordinal) && n.Contains("left on"));
        Assert.Equal(new[] { "u-emma" }, Members(a));
        Assert.Equal(new[] { "u-aisha" }, Members(b));
        Assert.Empty(Session.Lifecycle.ReadState().Pauses);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff2, "after the pause").Changed);
        int afterResume = JournalCount;
        Assert.Empty(Session.Lifecycle.Resume(null, "again"));
        Assert.Equal(afterResume, JournalCount);
    }

    [Fact]
    public void Resume_restores_only_posters_whose_access_was_on_record_and_a_revocation_during_the_pause_stands()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        Assert.True(Session.Session.Directory.AddMember(a.GroupId, "u-aisha")); // put on outside the module: no grant
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-AUT-001" && f.Subject == TestOrg.Staff2);
        Session.Lifecycle.Suspend(new[] { a.Name }, "Compromised");

        // a revocation during the pause is a decision on record, journaled once, and Resume honours it
        int before = JournalCount;
        AccessOutcome revoked = Session.Access.Revoke(a.Name, TestOrg.Staff3, "Moved to another team");
        Assert.True(revoked.Changed);
        Assert.Equal("Revoked", revoked.Access!.Status);
        JournalEntry entry = Assert.Single(Outcomes().Skip(before));
        Assert.Equal((JournalActions.PostingAccessRevoked, (string?)TestOrg.Staff3), (entry.Action, entry.User));
        Assert.False(Session.Access.Revoke(a.Name, TestOrg.Staff3, "again").Changed);
        Assert.Equal(before + 1, JournalCount);

        before = JournalCount;
        PostingPauseResult r = Assert.Single(Session.Lifecycle.Resume(null, "Safe again"));
        Assert.Equal(new[] { TestOrg.Staff1 }, r.Restored);
        Assert.Contains(r.NotRestored, n => n.StartsWith(TestOrg.Staff2, StringComparison.Ordinal) && n.Contains("no grant on record"));
        Assert.Contains(r.NotRestored, n => n.StartsWith(TestOrg.Staff3, StringComparison.Ordinal) && n.Contains("revoked") && n.Contains("Moved to another team"));
        Assert.Equal(new[] { "u-emma" }, Members(a));
        Assert.Equal(new[] { (JournalActions.PostingAccessGranted, (string?)TestOrg.Staff1), (JournalActions.PostingResumed, null) },
            Outcomes().Skip(before).Select(e => (e.Action, e.User)));
        Assert.DoesNotContain(Outcomes(), e => e.Action == JournalActions.PostingAccessGranted && e.User == TestOrg.Staff2);
    }

    [Fact]
    public void An_interrupted_suspend_is_finished_by_running_it_again()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        // what a suspend leaves when it stops after its write-ahead record and one removal
        new LifecycleStore(Session.Session.State).SetPause(new PostingPause(a.Name, a.GroupId, "Compromised", Clock.UtcNow, "Test", "Suspending",
            new[] { new PausedPoster("u-emma", TestOrg.Staff1), new PausedPoster("u-ben", TestOrg.Staff3) }));
        Assert.True(Session.Session.Directory.RemoveMember(a.GroupId, "u-emma"));
        int before = JournalCount;
        PostingPauseResult r = Assert.Single(Session.Lifecycle.Suspend(new[] { a.Name }, "Compromised"));
        Assert.Equal("Paused", r.State);
        Assert.Empty(Members(a));
        Assert.Equal(new[] { JournalActions.PostingAccessRevoked, JournalActions.PostingPaused }, Outcomes().Skip(before).Select(e => e.Action));
        Assert.Equal(TestOrg.Staff3, Outcomes().Skip(before).First().User);
        Assert.Equal("Paused", Assert.Single(Session.Lifecycle.ReadState().Pauses).State);
    }

    [Fact]
    public void An_interrupted_resume_is_finished_by_running_it_again_without_journaling_anyone_twice()
    {
        OfficialAccount a = NewAccount();
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        Session.Lifecycle.Suspend(new[] { a.Name }, "Compromised");
        // what a resume leaves when it stops after marking the pause and restoring one person (journaled)
        PostingPause pause = Assert.Single(Session.Lifecycle.ReadState().Pauses);
        new LifecycleStore(Session.Session.State).SetPause(new PostingPause(pause.Account, pause.GroupId, pause.Reason, pause.Since, pause.By, "Resuming", pause.Removed));
        Assert.True(Session.Session.Directory.AddMember(a.GroupId, "u-emma"));
        int before = JournalCount;
        PostingPauseResult r = Assert.Single(Session.Lifecycle.Resume(null, "Safe again"));
        Assert.Equal(new[] { TestOrg.Staff1, TestOrg.Staff3 }.OrderBy(x => x), r.Restored.OrderBy(x => x));
        Assert.Equal(new[] { "u-ben", "u-emma" }, Members(a));
        var added = Outcomes().Skip(before).ToList();
        Assert.Equal(new[] { (JournalActions.PostingAccessGranted, (string?)TestOrg.Staff3), (JournalActions.PostingResumed, null) },
            added.Select(e => (e.Action, e.User)));
        Assert.Empty(Session.Lifecycle.ReadState().Pauses);
    }

    [Fact]
    public void A_poster_without_MFA_and_one_long_inactive_are_findings()
    {
        Plant("u-emma", "mfaMethods", new JsonArray());
        Plant("u-ben", "mfaMethods", new JsonArray("microsoftAuthenticator"));
        Plant("u-ben", "lastSignInDateTime", "2026-06-01T08:00:00Z");
        Plant("u-emma", "lastSignInDateTime", "2026-10-30T08:00:00Z");
        OfficialAccount a = NewAccount();
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        var findings = Session.Compliance.Run();
        ComplianceFinding mfa = Assert.Single(findings, f => f.RuleId == "HW-MFA-001");
        Assert.Equal((TestOrg.Staff1, Severity.High, "SMP-3.2"), (mfa.Subject, mfa.Severity, mfa.ClauseId));
        ComplianceFinding idle = Assert.Single(findings, f => f.RuleId == "HW-SGN-001");
        Assert.Equal(TestOrg.Staff3, idle.Subject);
        Assert.DoesNotContain(findings, f => f.RuleId is "HW-MFA-002" or "HW-SGN-002" or "HW-LIF-005");
    }

    [Fact]
    public void Email_and_a_Temporary_Access_Pass_are_not_MFA_methods()
    {
        Plant("u-emma", "mfaMethods", new JsonArray("email", "temporaryAccessPass"));
        Plant("u-ben", "mfaMethods", new JsonArray("email", "phone"));
        Plant("u-aisha", "mfaMethods", new JsonArray("windowsHelloForBusiness"));
        OfficialAccount a = NewAccount();
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff2, "r").Changed);
        ComplianceFinding mfa = Assert.Single(Session.Compliance.Run(), f => f.RuleId == "HW-MFA-001");
        Assert.Equal(TestOrg.Staff1, mfa.Subject);
        Assert.Contains("not a second factor", mfa.Evidence);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalLifecycleContractTests : LifecycleContract
{
    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);
}

public sealed class GraphLifecycleContractTests : LifecycleContract
{
    private GraphTestHost? _host;

    protected override IDirectory CreateDirectory(string organisationFolder) => (_host = GraphTestHost.Start(organisationFolder)).Directory;

    [Fact]
    public void Without_Entra_ID_P1_sign_in_inactivity_is_Info_not_evaluated_and_the_report_does_not_fail()
    {
        Plant("u-ben", "lastSignInDateTime", "2026-06-01T08:00:00Z");
        Plant("u-emma", "mfaMethods", new JsonArray());
        OfficialAccount a = Session.Register.Create("Facebook", "hwsefton", null, "News", TestOrg.Comms, TestOrg.Manager, null, "New page");
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff1, "r").Changed);
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff3, "r").Changed);
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-SGN-001");

        _host!.Fake.Faults.TenantWithoutPremium = true;
        var findings = Session.Compliance.Run();
        ComplianceFinding info = Assert.Single(findings, f => f.RuleId == "HW-SGN-002");
        Assert.Equal(Severity.Info, info.Severity);
        Assert.Contains("needs Entra ID P1", info.Evidence);
        Assert.DoesNotContain(findings, f => f.RuleId == "HW-SGN-001");
        Assert.Contains(findings, f => f.RuleId == "HW-MFA-001" && f.Subject == TestOrg.Staff1); // methods need no licence
        Assert.NotNull(Session.Compliance.BuildReport());
        Assert.Contains(_host.Fake.RequestLog, r => r.PathAndQuery.Contains("/authentication/methods", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_User_LifeCycleInfo_Read_All_leave_dates_are_not_evaluated_and_sync_still_runs()
    {
        Plant("u-aisha", "employeeLeaveDateTime", "2026-10-10T17:00:00Z");
        OfficialAccount a = Session.Register.Create("Facebook", "hwsefton", null, "News", TestOrg.Comms, TestOrg.Manager, null, "New page");
        Assert.True(Session.Access.Grant(a.Name, TestOrg.Staff2, "r").Changed);
        _host!.Fake.Faults.LifecycleInfoDenied = true;
        Assert.Empty(Session.Lifecycle.PlanSync(out string? why));
        Assert.Contains("User-LifeCycleInfo.Read.All", why);
        Assert.Contains(Session.Compliance.Run(), f => f.RuleId == "HW-LIF-005" && f.Severity == Severity.Info);
        _host.Fake.Faults.LifecycleInfoDenied = false;
        Assert.Equal(LifecycleReason.LeaveDate, Assert.Single(Session.Lifecycle.PlanSync(out _)).Reason);
    }

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
