using System;
using System.Linq;
using System.Text;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Tests.Adapters;

namespace HealthwatchPolicy.Engine.Tests.Register;

/// <summary>
/// Field limits (docs/field-limits.md) and the acknowledged version, checked before any write, on both adapters:
/// a refused call leaves the directory and the journal exactly as they were.
/// </summary>
public abstract class FieldLimitContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private HwServices? _session;

    protected abstract IDirectory CreateDirectory(string organisationFolder);

    private HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, null, new TestClock());

    private OfficialAccount Create(string platform = "Facebook", string handle = "healthwatchsefton", string? url = null, string? purpose = "News") =>
        Session.Register.Create(platform, handle, url, purpose, TestOrg.Comms, TestOrg.Manager, null, "New page");

    /// <summary>The directory's posting groups and the journal, to prove a refusal wrote nothing.</summary>
    private (int Groups, int Entries) State() => (Session.Register.GetAccounts(includeRetired: true).Count, Session.Journal.ReadAll().Count);

    public static TheoryData<string, string, string?, string?, string> TooLong => new()
    {
        { new string('p', FieldLimits.Platform + 1), "handle", null, null, "Platform" },
        { "Facebook", new string('h', 100 * 1024), null, null, "Handle" },
        { "Facebook", new string('h', FieldLimits.Handle + 1), null, null, "Handle" },
        { "Facebook", "handle", "https://example.org/" + new string('u', FieldLimits.Url), null, "Url" },
        { "Facebook", "handle", null, new string('x', 100 * 1024), "Purpose" },
        { "Facebook", "handle", null, new string('x', FieldLimits.Purpose + 1), "Purpose" },
        { "Facebook", "handle", null, new string('\u0175', FieldLimits.Purpose), "Purpose" }, // fits 500 characters, not 2 KB of extension
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public void A_field_over_its_limit_is_refused_naming_it_before_any_write(string platform, string handle, string? url, string? purpose, string field)
    {
        Create(handle: "existing");
        (int, int) before = State();
        var ex = Assert.Throws<HwException>(() => Create(platform, handle, url, purpose));
        Assert.Equal("FieldTooLong", ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(field, ex.Target);
        Assert.True(ex.Message.Length < 400, "the message must not echo a huge value");
        Assert.Equal(before, State());
    }

    [Theory]
    [InlineData("Face\u001b[31mbook", "handle", null, "Platform")]
    [InlineData("Facebook", "hand\u0007le", null, "Handle")]
    [InlineData("Facebook", "handle\0", null, "Handle")]
    [InlineData("Facebook", "handle", "News\r\n| forged | row |", "Purpose")]
    [InlineData("Facebook", "handle", "\u202Eevil", "Purpose")]
    [InlineData("Facebook", "handle", "C1 \u009B31m", "Purpose")]
    // F8: invisible format characters (category Cf) make '@o\u200Bk' look like '@ok'
    [InlineData("Facebook", "@o\u200Bk", null, "Handle")]
    [InlineData("Facebook", "@o\u200Ck", null, "Handle")]
    [InlineData("Facebook", "@o\u200Dk", null, "Handle")]
    [InlineData("Facebook", "@o\u2060k", null, "Handle")]
    [InlineData("Facebook", "@o\uFEFFk", null, "Handle")]
    [InlineData("Face\u00ADbook", "handle", null, "Platform")]
    [InlineData("Facebook", "handle", "News\u200E", "Purpose")]
    public void Control_characters_are_refused_naming_the_field(string platform, string handle, string? purpose, string field)
    {
        (int, int) before = State();
        var ex = Assert.Throws<HwException>(() => Create(platform, handle, null, purpose));
        Assert.Equal("FieldHasControlCharacters", ex.ErrorId);
        Assert.Equal(field, ex.Target);
        Assert.Equal(field, ex.Input);
        Assert.DoesNotContain(ex.Message, c => c < ' ' || (c >= '\u007F' && c <= '\u009F') || c == '\u202E' || c == '\u200B' || c == '\u2060' || c == '\u00AD');
        Assert.Equal(before, State());
    }

    [Fact]
    public void Values_at_their_limits_fit_Graph_and_are_kept_whole()
    {
        string platform = new('p', FieldLimits.Platform), handle = new('h', FieldLimits.Handle);
        string url = "https://example.org/" + new string('u', FieldLimits.Url - 20), purpose = new('x', FieldLimits.Purpose);
        OfficialAccount a = Create(platform, handle, url, purpose);
        Assert.Equal((platform, handle, url, purpose), (a.Platform, a.Handle, a.Url, a.Purpose));
        Assert.True(a.GroupName.Length <= FieldLimits.GroupDisplayName);
        Assert.True(Encoding.UTF8.GetByteCount(a.Entry.ToJson().ToJsonString()) <= FieldLimits.ExtensionBytes);
    }

    [Fact]
    public void Set_checks_the_same_limits_before_writing()
    {
        Create();
        (int, int) before = State();
        Assert.Equal("FieldTooLong", Assert.Throws<HwException>(() =>
            Session.Register.Update("facebook-healthwatchsefton", null, new string('x', 100 * 1024), null, "longer")).ErrorId);
        Assert.Equal("FieldHasControlCharacters", Assert.Throws<HwException>(() =>
            Session.Register.Update("facebook-healthwatchsefton", null, "bell\u0007", null, "bell")).ErrorId);
        Assert.Equal(before, State());
        Assert.Equal("News", Session.Register.GetAccount("facebook-healthwatchsefton").Purpose);
    }

    [Theory]
    [InlineData("2099.1")]
    [InlineData("2018.1")]
    [InlineData("not a version")]
    [InlineData("2018.10\u001b[2J")]
    public void Only_the_connected_policys_version_can_be_acknowledged(string version)
    {
        int entries = Session.Journal.ReadAll().Count;
        var ex = Assert.Throws<HwException>(() => Session.Acknowledgements.Add(TestOrg.NotAcknowledged, version, "read it"));
        Assert.Equal("PolicyVersionUnknown", ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(Session.Policy.Version, ex.Message);
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.Equal(entries, Session.Journal.ReadAll().Count);
        Assert.Empty(Session.Acknowledgements.Get(TestOrg.NotAcknowledged, version, missing: false));

        Assert.True(Session.Acknowledgements.Add(TestOrg.NotAcknowledged, " " + Session.Policy.Version + " ", "read it").Changed);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalFieldLimitTests : FieldLimitContract
{
    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);
}

public sealed class GraphFieldLimitTests : FieldLimitContract
{
    private GraphTestHost? _host;

    protected override IDirectory CreateDirectory(string organisationFolder) => (_host = GraphTestHost.Start(organisationFolder)).Directory;

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
