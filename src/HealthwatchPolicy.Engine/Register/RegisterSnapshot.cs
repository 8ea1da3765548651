using System.Collections.Generic;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Register;

/// <summary>The register as read in one go: the accounts, the posting-prefixed groups with no register entry, and the users behind them.</summary>
internal sealed class RegisterSnapshot
{
    public RegisterSnapshot(List<OfficialAccount> accounts, List<DirectoryGroup> unregisteredGroups, Dictionary<string, DirectoryUser> users)
    {
        Accounts = accounts;
        UnregisteredGroups = unregisteredGroups;
        Users = users;
    }

    public List<OfficialAccount> Accounts { get; }
    public List<DirectoryGroup> UnregisteredGroups { get; }
    public Dictionary<string, DirectoryUser> Users { get; }
}
