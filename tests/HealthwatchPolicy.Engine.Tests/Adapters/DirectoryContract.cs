using System;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>
/// What every directory adapter must do, the same way. Each adapter's test class supplies the directory over
/// the same test organisation; the Graph adapter's class runs these against the loopback fake Graph.
/// </summary>
public abstract class DirectoryContract : IDisposable
{
    private protected readonly TestOrg Org = new();
    private IDirectory? _directory;

    protected abstract IDirectory Create(string organisationFolder);

    /// <summary>An extension document as the port defines it: an extensionName and primitive properties.</summary>
    private protected static JsonObject Ext(params (string Key, JsonNode? Value)[] properties)
    {
        var o = new JsonObject { ["extensionName"] = "org.healthwatch.policy.test" };
        foreach ((string key, JsonNode? value) in properties)
            o[key] = value;
        return o;
    }
    protected IDirectory Dir => _directory ??= Create(Org.Folder);

    [Fact]
    public void Lists_every_user_with_the_fields_the_policy_needs()
    {
        var users = Dir.GetUsers();
        Assert.Equal(11, users.Count);
        DirectoryUser guest = users.Single(u => u.UserPrincipalName == TestOrg.Guest);
        Assert.True(guest.IsGuest);
        Assert.Equal("Volunteer", guest.EmployeeType);
        DirectoryUser leaver = users.Single(u => u.UserPrincipalName == TestOrg.Leaver);
        Assert.False(leaver.AccountEnabled);
        Assert.Equal("u-manager", leaver.ManagerId);
    }

    [Theory]
    [InlineData("u-emma")]
    [InlineData("emma.clarke@hwsefton.example")]
    [InlineData("EMMA.CLARKE@hwsefton.example")]
    public void Finds_a_user_by_id_or_name(string reference) => Assert.Equal("u-emma", Dir.FindUser(reference)!.Id);

    [Fact]
    public void Finds_a_guest_by_a_user_principal_name_with_EXT_in_it() => Assert.Equal("u-priya", Dir.FindUser(TestOrg.Guest)!.Id);

    [Theory]
    [InlineData("../groups/{group}?$select=id")]
    [InlineData("../groups/{group}#")]
    [InlineData("../groups/{group}/members#")]
    [InlineData("u-emma/../u-ben")]
    [InlineData("u-emma#")]
    [InlineData("u-emma?$select=id")]
    [InlineData("..")]
    [InlineData(".")]
    public void A_reference_that_would_change_the_path_finds_nothing(string reference)
    {
        DirectoryGroup group = Dir.CreateGroup(new NewGroup("HW-Posting-target", "HW-Posting-target", "d"), Ext(("name", "target")));
        Assert.True(Dir.AddMember(group.Id, "u-emma"));
        string hostile = reference.Replace("{group}", group.Id, StringComparison.Ordinal);
        Assert.Null(Dir.FindUser(hostile));
        Assert.Null(Dir.GetGroup(hostile));
        Assert.Equal(new[] { "u-emma" }, Dir.GetGroup(group.Id)!.MemberIds);
    }

    [Theory]
    [InlineData("../groups/{group}?$select=id")]
    [InlineData("../groups/{group}#")]
    [InlineData("../groups/{group}/members#")]
    [InlineData("{group}/..")]
    [InlineData("u-emma/../u-ben")]
    [InlineData("u-emma#")]
    [InlineData("u-emma?$select=id")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(" .. ")]
    public void A_reference_that_would_change_the_path_changes_nothing(string reference)
    {
        DirectoryGroup group = Dir.CreateGroup(new NewGroup("HW-Posting-target", "HW-Posting-target", "d"), Ext(("name", "target")));
        Assert.True(Dir.AddMember(group.Id, "u-emma"));
        var ack = Ext(("x", "kept"));
        ack["extensionName"] = HealthwatchPolicy.Engine.Acknowledgements.AcknowledgementRecord.ExtensionName;
        Dir.SetUserExtension("u-emma", ack);
        string hostile = reference.Replace("{group}", group.Id, StringComparison.Ordinal);

        Assert.False(Dir.RemoveMember(group.Id, hostile));
        Assert.Equal(ErrorIds.UserNotFound, Assert.ThrowsAny<HwException>(() => Dir.AddMember(group.Id, hostile)).ErrorId);
        Assert.Equal(ErrorIds.GroupNotFound, Assert.ThrowsAny<HwException>(() => Dir.AddMember(hostile, "u-ben")).ErrorId);
        Assert.Equal(ErrorIds.GroupNotFound, Assert.ThrowsAny<HwException>(() => Dir.RemoveMember(hostile, "u-emma")).ErrorId);
        Assert.Equal(ErrorIds.GroupNotFound, Assert.ThrowsAny<HwException>(() => Dir.SetGroupExtension(hostile, Ext(("name", "moved")))).ErrorId);
        var moved = Ext(("x", "moved"));
        moved["extensionName"] = ack["extensionName"]!.GetValue<string>();
        Assert.Equal(ErrorIds.UserNotFound, Assert.ThrowsAny<HwException>(() => Dir.SetUserExtension(hostile, moved)).ErrorId);

        DirectoryGroup after = Dir.GetGroup(group.Id)!;
        Assert.Equal(new[] { "u-emma" }, after.MemberIds);
        Assert.Equal("target", (string?)after.Extension!["name"]);
        Assert.Equal("kept", (string?)Dir.FindUser("u-emma")!.Extension!["x"]);
    }

    [Fact]
    public void Reads_users_by_id_and_by_user_principal_name_in_one_call_each_once()
    {
        var users = Dir.GetUsers(new[] { "u-ben", "u-emma", "u-nobody" },
            new[] { TestOrg.Manager.ToUpperInvariant(), TestOrg.Staff1, "ghost@hwsefton.example" });
        Assert.Equal(new[] { "u-ben", "u-emma", "u-manager" }, users.Select(u => u.Id).OrderBy(x => x, StringComparer.Ordinal));
        DirectoryUser manager = users.Single(u => u.Id == "u-manager");
        Assert.Equal("u-chair", manager.ManagerId);
        Assert.NotNull(manager.Extension); // the acknowledgement record comes with a user read by name, as by id
        Assert.Equal(new[] { "u-comms" }, Dir.GetUsers(Array.Empty<string>(), new[] { TestOrg.Comms }).Select(u => u.Id));
        Assert.Equal(new[] { "u-aisha" }, Dir.GetUsers(new[] { "u-aisha" }).Select(u => u.Id));
    }

    [Fact]
    public void Finds_no_one_for_an_unknown_user() => Assert.Null(Dir.FindUser("nobody@hwsefton.example"));

    [Fact]
    public void Creates_a_group_with_its_extension_and_lists_it_by_prefix()
    {
        DirectoryGroup g = Dir.CreateGroup(new NewGroup("HW-Posting-test-o'brien", "HW-Posting-test-obrien", "d"), Ext(("k", "v")));
        Assert.Contains(Dir.GetGroups("HW-Posting-"), x => x.Id == g.Id && (string?)x.Extension!["k"] == "v");
        Assert.Empty(Dir.GetGroups("Other-"));
        Assert.Equal("HW-Posting-test-o'brien", Dir.GetGroup(g.Id)!.DisplayName);
    }

    [Fact]
    public void Membership_writes_are_idempotent()
    {
        DirectoryGroup g = Dir.CreateGroup(new NewGroup("HW-Posting-x", "HW-Posting-x", "d"), Ext());
        Assert.True(Dir.AddMember(g.Id, "u-emma"));
        Assert.False(Dir.AddMember(g.Id, "u-emma"));
        Assert.Equal(new[] { "u-emma" }, Dir.GetGroup(g.Id)!.MemberIds);
        Assert.True(Dir.RemoveMember(g.Id, "u-emma"));
        Assert.False(Dir.RemoveMember(g.Id, "u-emma"));
        Assert.Empty(Dir.GetGroup(g.Id)!.MemberIds);
    }

    [Fact]
    public void Extensions_round_trip_on_groups_and_users()
    {
        DirectoryGroup g = Dir.CreateGroup(new NewGroup("HW-Posting-y", "HW-Posting-y", "d"), Ext(("a", 1)));
        Dir.SetGroupExtension(g.Id, Ext(("a", 2), ("b", "it’s")));
        Assert.Equal(2, (int)Dir.GetGroup(g.Id)!.Extension!["a"]!);
        Assert.Equal("it’s", (string?)Dir.GetGroup(g.Id)!.Extension!["b"]);
        // one extension document per object: the user's acknowledgement record is replaced, not joined by another
        var ack = Ext(("x", true));
        ack["extensionName"] = HealthwatchPolicy.Engine.Acknowledgements.AcknowledgementRecord.ExtensionName;
        Dir.SetUserExtension("u-ben", ack);
        Assert.True((bool)Dir.FindUser("u-ben")!.Extension!["x"]!);
    }

    [Fact]
    public void Writing_to_an_unknown_group_is_GroupNotFound()
    {
        var ex = Assert.ThrowsAny<HwException>(() => Dir.AddMember("no-such-group", "u-emma"));
        Assert.Equal("GroupNotFound", ex.ErrorId);
        Assert.Equal(HwErrorKind.ObjectNotFound, ex.Kind);
    }

    public virtual void Dispose() => Org.Dispose();
}

public sealed class LocalDirectoryContractTests : DirectoryContract
{
    protected override IDirectory Create(string organisationFolder) => new LocalDirectory(organisationFolder);

    [Fact]
    public void A_folder_without_directory_json_is_DirectoryNotFound()
    {
        var ex = Assert.Throws<HwException>(() => new LocalDirectory(System.IO.Path.GetTempPath()));
        Assert.Equal("DirectoryNotFound", ex.ErrorId);
    }

    [Fact]
    public void A_malformed_directory_json_names_the_file_and_line()
    {
        System.IO.File.WriteAllText(System.IO.Path.Combine(Org.Folder, "directory.json"), "{\n \"users\": [\n  {\"id\": }\n ]\n}");
        var ex = Assert.Throws<HwException>(() => new LocalDirectory(Org.Folder));
        Assert.Equal("DirectoryInvalid", ex.ErrorId);
        Assert.Contains("directory.json", ex.Message);
        Assert.Contains("line 3", ex.Message);
    }
}
