using System;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>
/// A change on the local directory reads directory.json once and takes directory.lock once, however many
/// directory calls it makes; between changes nothing is kept, so another writer's change is seen.
/// </summary>
public sealed class LocalDirectoryChangeTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly LocalDirectory _directory;
    private readonly HwServices _session;

    public LocalDirectoryChangeTests()
    {
        _directory = new LocalDirectory(_org.Folder);
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(_directory, "Local", _org.StateFolder, null, new TestClock());
    }

    private OfficialAccount NewAccount() =>
        _session.Register.Create("Facebook", "healthwatchsefton", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page");

    /// <summary>(reads of directory.json, acquisitions of directory.lock) made by <paramref name="action"/>.</summary>
    private (int Reads, int Locks) Count(Action action)
    {
        int reads = _directory.DocumentReads, locks = _directory.LockAcquisitions;
        action();
        return (_directory.DocumentReads - reads, _directory.LockAcquisitions - locks);
    }

    private string[] MembersOnDisk(OfficialAccount account) =>
        new LocalDirectory(_org.Folder).GetGroup(account.GroupId)!.MemberIds.OrderBy(x => x, StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_grant_and_a_revoke_each_read_the_directory_once_and_lock_it_once()
    {
        OfficialAccount account = NewAccount();

        Assert.Equal((1, 1), Count(() => Assert.True(_session.Access.Grant(account.Name, TestOrg.Staff1, "events").Changed)));
        Assert.Equal(new[] { "u-emma" }, MembersOnDisk(account));

        Assert.Equal((1, 1), Count(() => Assert.True(_session.Access.Revoke(account.Name, TestOrg.Staff1, "moved on").Changed)));
        Assert.Empty(MembersOnDisk(account));
    }

    [Fact]
    public void A_refused_grant_and_an_idempotent_grant_read_once_and_write_nothing()
    {
        OfficialAccount account = NewAccount();
        Assert.Equal((1, 1), Count(() => Assert.NotEmpty(_session.Access.Grant(account.Name, TestOrg.Leaver, "r").Refusals)));
        _session.Access.Grant(account.Name, TestOrg.Staff1, "events");
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(_org.Folder, LocalDirectory.FileName));

        Assert.Equal((1, 1), Count(() => Assert.False(_session.Access.Grant(account.Name, TestOrg.Staff1, "again").Changed)));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(_org.Folder, LocalDirectory.FileName)));
    }

    [Fact]
    public void Retiring_an_account_with_three_posters_is_one_read_for_four_writes()
    {
        OfficialAccount account = NewAccount();
        foreach (string user in new[] { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3 })
            _session.Access.Grant(account.Name, user, "events");

        Assert.Equal((1, 1), Count(() => _session.Register.Retire(account.Name, "page closed")));
        Assert.Empty(MembersOnDisk(account));
        OfficialAccount retired = new HwEngine(Repo.PolicyPath, "unused")
            .ConnectTo(new LocalDirectory(_org.Folder), "Local", _org.StateFolder, null, new TestClock())
            .Register.GetAccount(account.Name, includeRetired: true);
        Assert.False(retired.IsActive);
    }

    [Fact]
    public void Reads_outside_a_change_are_fresh_and_each_change_starts_from_the_file()
    {
        OfficialAccount account = NewAccount();
        // another process (its own LocalDirectory on the same folder) adds a poster between two changes
        Assert.True(new LocalDirectory(_org.Folder).AddMember(account.GroupId, "u-aisha"));

        Assert.Equal(new[] { "u-aisha" }, _session.Register.GetAccount(account.Name).PosterIds.ToArray());
        Assert.False(_session.Access.Grant(account.Name, TestOrg.Staff2, "events").Changed); // already a member: seen
        Assert.True(_session.Access.Grant(account.Name, TestOrg.Staff1, "events").Changed);
        Assert.Equal(new[] { "u-aisha", "u-emma" }, MembersOnDisk(account));
    }

    [Fact]
    public void A_change_that_fails_releases_the_directory_lock()
    {
        OfficialAccount account = NewAccount();
        Assert.Equal("UserNotFound", Assert.ThrowsAny<HwException>(() => _session.Access.Grant(account.Name, "ghost@hwsefton.example", "r")).ErrorId);

        // Held, this open would fail at once (the lock file is opened exclusively).
        using (new FileStream(Path.Combine(_org.Folder, "directory.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
        }
        Assert.True(_session.Access.Grant(account.Name, TestOrg.Staff1, "events").Changed);
    }

    public void Dispose() => _org.Dispose();
}
