using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Tests.Adapters;

namespace HealthwatchPolicy.Engine.Tests.Access;

/// <summary>
/// Groups nested in a posting group, and posting groups of a kind the module cannot manage (issue 12, items 1 and 3;
/// docs/decisions/0090). Written once and run over the local directory and the Graph adapter against the fake Graph,
/// from the same directory.json, so both must see the same posters and the same findings.
/// </summary>
public abstract class GroupShapeContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private protected readonly TestClock Clock = new();
    private HwServices? _session;

    protected abstract IDirectory CreateDirectory(string organisationFolder);

    private protected HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, null, Clock);

    private const string Twitter = "twitter-hw-sefton";
    private const string TwitterGroup = "HW-Posting-twitter-hw-sefton";

    /// <summary>Adds groups to the test organisation's directory.json before any adapter reads it.</summary>
    private void Seed(params JsonObject[] groups)
    {
        string path = Path.Combine(Org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (JsonObject g in groups)
            doc["groups"]!.AsArray().Add(g);
        File.WriteAllText(path, doc.ToJsonString());
    }

    private static JsonObject Group(string id, string name, string? account, params string[] members)
    {
        var g = new JsonObject
        {
            ["id"] = id,
            ["displayName"] = name,
            ["mailNickname"] = name.Replace(' ', '-'),
            ["members"] = new JsonArray(members.Select(m => (JsonNode?)m).ToArray()),
        };
        if (account is not null)
            g["extension"] = new RegisterEntry
            {
                Name = account, Platform = "Twitter", Handle = "@hw_sefton", OwnerId = "u-comms", ConsentById = "u-manager",
                ConsentDate = new DateTime(2026, 1, 5), CreatedAt = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero),
            }.ToJson();
        return g;
    }

    private static JsonObject Kind(JsonObject group, bool mailEnabled, bool securityEnabled, params string[] groupTypes)
    {
        group["mailEnabled"] = mailEnabled;
        group["securityEnabled"] = securityEnabled;
        group["groupTypes"] = new JsonArray(groupTypes.Select(t => (JsonNode?)t).ToArray());
        return group;
    }

    /// <summary>
    /// The example: twitter-hw-sefton's posting group holds Daniel and Emma, and a group "Comms Team" that
    /// holds only "Weekend Rota", which holds Tom (disabled, a leaver), Daniel again, and "Comms Team" (a cycle).
    /// </summary>
    private void SeedNested() => Seed(
        Group("g-twitter", TwitterGroup, Twitter, "u-comms", "u-emma", "g-team"),
        Group("g-team", "Comms Team", null, "g-rota"),
        Group("g-rota", "Weekend Rota", null, "u-tom", "u-comms", "g-team"));

    private int JournalCount => Session.Journal.ReadAll().Count;

    [Fact]
    public void A_group_nested_at_any_depth_gives_its_people_posting_access_three_posters_and_a_critical_finding()
    {
        SeedNested();
        OfficialAccount a = Session.Register.GetAccount(Twitter);
        Assert.Equal(new[] { TestOrg.Comms, TestOrg.Staff1, TestOrg.Leaver }, a.Posters.OrderBy(p => p, StringComparer.Ordinal));
        Assert.Equal(3, a.PosterCount);
        Assert.Equal(new[] { TestOrg.Comms, TestOrg.Staff1, TestOrg.Leaver },
            Session.Access.Get(Twitter, null).Select(p => p.User).OrderBy(p => p, StringComparer.Ordinal));

        var findings = Session.Compliance.Run();
        ComplianceFinding disabled = Assert.Single(findings, f => f.RuleId == "HW-ELG-001");
        Assert.Equal(Severity.Critical, disabled.Severity);
        Assert.Equal(TestOrg.Leaver, disabled.Subject);
        Assert.Equal(Twitter, disabled.Account);
        // each nested group is a finding of its own, naming who it lets post
        var nested = findings.Where(f => f.RuleId == "HW-AUT-002").OrderBy(f => f.Subject, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "Comms Team", "Weekend Rota" }, nested.Select(f => f.Subject));
        Assert.All(nested, f => Assert.Equal(Severity.High, f.Severity));
        Assert.All(nested, f => Assert.Equal(Twitter, f.Account));
        Assert.Contains(TestOrg.Leaver, nested[1].Evidence);
        Assert.Contains("g-rota", nested[1].Evidence);
        // the report's poster findings cover the person reached through nesting too (no grant in the journal)
        Assert.Contains(findings, f => f.RuleId == "HW-AUT-001" && f.Subject == TestOrg.Leaver);
        Assert.DoesNotContain(findings, f => f.Subject is "g-team" or "g-rota" && f.RuleId.StartsWith("HW-ELG", StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_snapshot_keeps_the_nesting_so_it_grants_the_same_access()
    {
        SeedNested();
        string target = Path.Combine(Org.Folder, "snapshot");
        Session.Snapshots.Export(target);
        DirectoryGroup copy = Assert.Single(new LocalDirectory(target).GetGroups(TwitterGroup));
        Assert.Equal(new[] { "u-comms", "u-emma", "u-tom" }, copy.MemberIds.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(new[] { "u-comms", "u-emma" }, copy.DirectMemberIds);
        Assert.Equal(new[] { "g-rota", "g-team" }, copy.NestedGroups.Select(n => n.Id).OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void People_in_a_nested_group_count_towards_the_limit_and_are_reviewed()
    {
        SeedNested();
        var fourth = Session.Access.Grant(Twitter, TestOrg.Staff2, "Covers events");
        Assert.Equal("PosterLimitReached", Assert.Single(fourth.Refusals).ErrorId);
        Assert.Equal(0, JournalCount);
        // someone who already posts through a nested group is not granted again
        var again = Session.Access.Grant(Twitter, TestOrg.Leaver, "r");
        Assert.False(again.Changed);
        Assert.Equal("AlreadyGranted", again.Access!.Status);

        var (review, _) = Session.Reviews.Start(null);
        Assert.Equal(new[] { "u-comms", "u-emma", "u-tom" }, review.Items.Where(i => i.Account == Twitter).Select(i => i.UserId).OrderBy(x => x, StringComparer.Ordinal));
        Assert.False(review.Items.Single(i => i.UserId == "u-tom").Enabled);
    }

    [Fact]
    public void Revoking_someone_who_posts_through_a_nested_group_is_refused_naming_the_group()
    {
        SeedNested();
        var ex = Assert.ThrowsAny<HwException>(() => Session.Access.Revoke(Twitter, TestOrg.Leaver, "Left in October"));
        Assert.Equal("PosterThroughNestedGroup", ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidOperation, ex.Kind);
        Assert.Equal("user", ex.Input);
        Assert.Contains("'Weekend Rota' (g-rota)", ex.Message);
        Assert.Contains("nothing was changed", ex.Message);
        // Daniel is a direct member and also in the rota: removing the direct membership would not stop him posting
        var both = Assert.ThrowsAny<HwException>(() => Session.Access.Revoke(Twitter, TestOrg.Comms, "r"));
        Assert.Equal("PosterThroughNestedGroup", both.ErrorId);
        Assert.Contains("directly and also through", both.Message);
        Assert.Equal(0, JournalCount);
        Assert.Equal(3, Session.Register.GetAccount(Twitter).PosterCount);
        // a direct poster who is in no nested group is revoked as before
        var emma = Session.Access.Revoke(Twitter, TestOrg.Staff1, "Moved team");
        Assert.True(emma.Changed);
        Assert.Equal("Revoked", emma.Access!.Status);
        Assert.Equal(new[] { TestOrg.Comms, TestOrg.Leaver }, Session.Register.GetAccount(Twitter).Posters.OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public void A_review_cannot_remove_access_through_a_nested_group_and_closing_flags_it_instead_of_failing()
    {
        string policy = Path.Combine(Org.Folder, "policy.yaml");
        File.WriteAllText(policy, File.ReadAllText(Repo.PolicyPath).Replace("undecidedAction: Flag", "undecidedAction: Revoke"));
        SeedNested();
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(CreateDirectory(Org.Folder), "Test", Org.StateFolder, policy, Clock);
        Session.Reviews.Start(null);
        var remove = Assert.ThrowsAny<HwException>(() => Session.Reviews.Decide(null, Twitter, TestOrg.Leaver, "Remove", "Left in October"));
        Assert.Equal("PosterThroughNestedGroup", remove.ErrorId);
        Assert.Null(Session.Reviews.Items(null, pendingOnly: false).Single(i => i.UserId == "u-tom").Decision);
        Clock.UtcNow = Clock.UtcNow.AddDays(22);
        var closed = Session.Reviews.Close(null);
        Assert.NotNull(closed.ClosedAt);
        Assert.Equal("RevokedUndecided", closed.Items.Single(i => i.UserId == "u-emma").Outcome);
        Assert.Equal("Flagged", closed.Items.Single(i => i.UserId == "u-tom").Outcome);
        Assert.Equal("Flagged", closed.Items.Single(i => i.UserId == "u-comms").Outcome);
        Assert.Equal(new[] { "u-comms", "u-tom" }, Session.Compliance.Run().Where(f => f.RuleId == "HW-REV-002").Select(f => Session.Session.Directory.FindUser(f.Subject)!.Id).OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void A_mail_enabled_security_posting_group_is_flagged_and_its_members_are_left_alone()
    {
        Seed(Kind(Group("g-mesg", TwitterGroup, Twitter, "u-emma"), mailEnabled: true, securityEnabled: true));
        ComplianceFinding f = Assert.Single(Session.Compliance.Run(), x => x.RuleId == "HW-REG-003");
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal(TwitterGroup, f.Subject);
        Assert.Equal(Twitter, f.Account);
        Assert.Contains("mail-enabled security group", f.Evidence);

        var grant = Assert.ThrowsAny<HwException>(() => Session.Access.Grant(Twitter, TestOrg.Staff2, "r"));
        Assert.Equal("GroupNotManageable", grant.ErrorId);
        Assert.Contains("mail-enabled security group", grant.Message);
        var revoke = Assert.ThrowsAny<HwException>(() => Session.Access.Revoke(Twitter, TestOrg.Staff1, "r"));
        Assert.Equal("GroupNotManageable", revoke.ErrorId);
        Assert.Equal(0, JournalCount);
        Assert.Equal(new[] { TestOrg.Staff1 }, Session.Register.GetAccount(Twitter).Posters);
        // the adapter itself refuses the same way (Graph: its 400 on members/$ref; local: the same rule)
        var direct = Assert.ThrowsAny<HwException>(() => Session.Session.Directory.AddMember("g-mesg", "u-ben"));
        Assert.Equal("GroupNotManageable", direct.ErrorId);
        if (direct is HealthwatchPolicy.Engine.Graph.GraphRequestException g)
        {
            // Graph's own words are kept on the mapped error (docs/decisions/0102)
            Assert.False(string.IsNullOrEmpty(g.GraphMessage));
            Assert.Contains(g.GraphMessage!, g.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(g.RequestId));
            Assert.False(string.IsNullOrEmpty(g.ClientRequestId));
        }
        Assert.Equal("GroupNotManageable", Assert.ThrowsAny<HwException>(() => Session.Session.Directory.RemoveMember("g-mesg", "u-emma")).ErrorId);
        Assert.Equal(new[] { "u-emma" }, Session.Session.Directory.GetGroup("g-mesg")!.MemberIds);
    }

    [Fact]
    public void A_Microsoft_365_posting_group_is_flagged_as_the_wrong_kind()
    {
        Seed(Kind(Group("g-m365", TwitterGroup, Twitter, "u-emma"), mailEnabled: true, securityEnabled: false, "Unified"));
        ComplianceFinding f = Assert.Single(Session.Compliance.Run(), x => x.RuleId == "HW-REG-003");
        Assert.Contains("Microsoft 365 group", f.Evidence);
        Assert.DoesNotContain(Session.Compliance.Run(), x => x.RuleId == "HW-REG-003" && x.Subject != TwitterGroup);
    }

    [Fact]
    public void A_security_posting_group_is_not_flagged_for_its_kind()
    {
        Seed(Group("g-twitter", TwitterGroup, Twitter, "u-emma"));
        Assert.DoesNotContain(Session.Compliance.Run(), x => x.RuleId is "HW-REG-003" or "HW-AUT-002");
        Assert.True(Session.Access.Grant(Twitter, TestOrg.Staff2, "r").Changed);
    }

    [Fact]
    public void The_register_will_not_create_an_account_over_a_mail_enabled_group_of_its_name()
    {
        Seed(Kind(Group("g-dl", "HW-Posting-facebook-healthwatchsefton", null, "u-emma"), mailEnabled: true, securityEnabled: true));
        var ex = Assert.ThrowsAny<HwException>(() => Session.Register.Create("Facebook", "healthwatchsefton", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page"));
        Assert.Equal("GroupNotManageable", ex.ErrorId);
        Assert.Contains("mail-enabled security group", ex.Message);
        Assert.Contains("g-dl", ex.Message);
        Assert.Empty(Session.Register.GetAccounts(includeRetired: true));
        Assert.Single(Session.Session.Directory.GetGroups("HW-Posting-facebook-healthwatchsefton"));
        Assert.Equal(0, JournalCount);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalGroupShapeContractTests : GroupShapeContract
{
    protected override IDirectory CreateDirectory(string organisationFolder) => new LocalDirectory(organisationFolder);
}

public sealed class GraphGroupShapeContractTests : GroupShapeContract
{
    private GraphTestHost? _host;

    protected override IDirectory CreateDirectory(string organisationFolder) => (_host = GraphTestHost.Start(organisationFolder)).Directory;

    [Fact]
    public void Nesting_of_any_depth_costs_at_most_two_more_round_trips_and_none_without_nesting()
    {
        // HW-Posting-deep ⊃ g1 ⊃ g2 ⊃ … ⊃ g6 ⊃ Tom; HW-Posting-flat holds Emma only.
        string path = Path.Combine(Org.Folder, "directory.json");
        JsonObject doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        JsonArray groups = doc["groups"]!.AsArray();
        groups.Add(new JsonObject { ["id"] = "g-deep", ["displayName"] = "HW-Posting-deep", ["members"] = new JsonArray("u-emma", "g1") });
        for (int i = 1; i <= 6; i++)
            groups.Add(new JsonObject { ["id"] = $"g{i}", ["displayName"] = $"Level {i}", ["members"] = new JsonArray(i < 6 ? $"g{i + 1}" : "u-tom") });
        groups.Add(new JsonObject { ["id"] = "g-flat", ["displayName"] = "HW-Posting-flat", ["members"] = new JsonArray("u-emma") });
        File.WriteAllText(path, doc.ToJsonString());
        IDirectory dir = CreateDirectory(Org.Folder);

        int before = _host!.Fake.HttpRequestCount;
        DirectoryGroup flat = Assert.Single(dir.GetGroups("HW-Posting-flat"));
        Assert.Equal(2, _host.Fake.HttpRequestCount - before);   // the list, and one $batch of members: as before nesting was read
        Assert.Equal(new[] { "u-emma" }, flat.MemberIds);
        Assert.Empty(flat.NestedGroups);

        before = _host.Fake.HttpRequestCount;
        DirectoryGroup deep = Assert.Single(dir.GetGroups("HW-Posting-deep"));
        Assert.Equal(4, _host.Fake.HttpRequestCount - before);   // + transitiveMembers, + the nested groups' members
        Assert.Equal(new[] { "u-emma", "u-tom" }, deep.MemberIds);
        Assert.Equal(new[] { "u-emma" }, deep.DirectMemberIds);
        Assert.Equal(new[] { "g1" }, deep.GroupIds);
        Assert.Equal(new[] { "g1", "g2", "g3", "g4", "g5", "g6" }, deep.NestedGroups.Select(n => n.Id).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal("Level 6", Assert.Single(deep.NestedGroupsOf("u-tom")).DisplayName);
    }

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
