using System;
using System.Linq;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Tests.Register;

/// <summary>Consent is recorded as given, never as to come (issue 11, kind 9: time that goes the wrong way).</summary>
public sealed class ConsentDateTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new() { UtcNow = new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero) };
    private readonly HwServices _session;

    public ConsentDateTests() =>
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, _clock);

    private OfficialAccount Create(string handle, DateTime? consentDate) =>
        _session.Register.Create("Facebook", handle, null, null, TestOrg.Comms, TestOrg.Manager, consentDate, "New page");

    [Fact]
    public void A_consent_date_after_tomorrow_is_refused_and_nothing_is_made()
    {
        HwException e = Assert.Throws<HwException>(() => Create("events", new DateTime(2099, 12, 1)));
        Assert.Equal(ErrorIds.ConsentDateInFuture, e.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("2099-12-01", e.Target);
        Assert.Equal("consentDate", e.Input);
        Assert.Equal("The consent date 2099-12-01 has not come yet (today is 2026-11-30 UTC): record consent on or after the day it was given.", e.Message);
        Assert.Equal(ErrorIds.ConsentDateInFuture, Assert.Throws<HwException>(() => Create("events", new DateTime(2026, 12, 2))).ErrorId);
        Assert.Empty(_session.Register.GetAccounts(includeRetired: true));
        Assert.Empty(_session.Journal.ReadAll());
    }

    [Fact]
    public void Today_and_tomorrow_are_accepted_for_an_admin_ahead_of_UTC_and_earlier_dates_as_before()
    {
        Assert.Equal(new DateTime(2026, 12, 1), Create("tomorrow", new DateTime(2026, 12, 1, 0, 30, 0)).ConsentDate); // 00:30 on 1 December in UTC+1
        Assert.Equal(new DateTime(2026, 11, 30), Create("today", new DateTime(2026, 11, 30)).ConsentDate);
        Assert.Equal(new DateTime(2020, 3, 4), Create("imported", new DateTime(2020, 3, 4)).ConsentDate);
    }

    [Fact]
    public void Consent_recorded_later_is_held_to_the_same_rule()
    {
        OfficialAccount a = Create("events", null);
        int journaled = _session.Journal.ReadAll().Count;
        Assert.Equal(ErrorIds.ConsentDateInFuture, Assert.Throws<HwException>(() =>
            _session.Register.Update(a.Name, null, null, null, "consent found", TestOrg.Manager, new DateTime(2031, 6, 10))).ErrorId);
        Assert.Equal(journaled, _session.Journal.ReadAll().Count);
        Assert.Equal(new DateTime(2026, 11, 30), _session.Register.Update(a.Name, null, null, null, "consent found", TestOrg.Manager, new DateTime(2026, 11, 30)).ConsentDate);
    }

    public void Dispose() => _org.Dispose();
}
