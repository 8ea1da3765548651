using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-3.1: the register has one home and two witnesses, the directory's posting groups and the journal; they agree.</summary>
internal sealed class RegisterIntegrityCheck : PolicyCheck
{
    public const string CheckName = "RegisterIntegrity";
    internal static readonly ComplianceRule GroupNotInRegister = new("HW-REG-001", CheckName, Severity.Medium, "Posting group is not in the register", "Find out who set up this group and whether it is one of our accounts, then tell IT support to register it or delete it.");
    internal static readonly ComplianceRule RegisterGroupGone = new("HW-REG-002", CheckName, Severity.Medium, "Registered account's posting group is gone", "Ask IT support to find out what happened to this account's group, and tell them whether the account is still in use.");

    public override string Name => CheckName;
    public override int Order => 30;
    internal static readonly ComplianceRule GroupWrongKind = new("HW-REG-003", CheckName, Severity.High, "Posting group is not a security group the module can manage", "Ask IT support to set this account up again in the right kind of group; until then, changes to who can post need their help.");
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { GroupNotInRegister, RegisterGroupGone, GroupWrongKind };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (DirectoryGroup g in s.Register.UnregisteredGroups)
            yield return Finding(s, GroupNotInRegister, null, g.DisplayName,
                $"'{g.DisplayName}' follows the posting-group naming convention but has no register entry ({Text.EnglishCount.Of(g.MemberIds.Count, "member")}).",
                "Register the account with New-HwOfficialAccount (with consent), or rename or remove the group.");
        var registered = new HashSet<string>(s.Register.Accounts.Select(a => a.Name), StringComparer.OrdinalIgnoreCase);
        var created = new Dictionary<string, JournalEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (JournalEntry e in s.Journal.Where(e => e.Account is not null))
        {
            if (e.Action == JournalActions.AccountCreated) created[e.Account!] = e;
            else if (e.Action == JournalActions.AccountRetired) created.Remove(e.Account!);
        }
        foreach (KeyValuePair<string, JournalEntry> c in created.Where(c => !registered.Contains(c.Key)))
            yield return Finding(s, RegisterGroupGone, c.Key, c.Key,
                $"The journal records '{c.Key}' as set up on {c.Value.Time:yyyy-MM-dd} and never retired, but its posting group is not in the directory.",
                "Find out who deleted the group (the directory's audit log); recreate the account or record its retirement.");
        // A posting group must be a plain security group: Graph will not change a mail-enabled group's members, and
        // a Microsoft 365 group brings a mailbox, a calendar and files its members share (docs/decisions/0090).
        foreach (Register.OfficialAccount a in s.ActiveAccounts.Where(a => !a.Group.Kind.IsManageableSecurityGroup))
            yield return Finding(s, GroupWrongKind, a.Name, a.GroupName,
                $"'{a.GroupName}' is a {a.Group.Kind.Describe()} (groupTypes [{string.Join(", ", a.Group.Kind.GroupTypes)}], mailEnabled {a.Group.Kind.MailEnabled.ToString().ToLowerInvariant()}, "
                + $"securityEnabled {a.Group.Kind.SecurityEnabled.ToString().ToLowerInvariant()}); the module manages posting access only through a security group that is not mail-enabled.",
                $"Set the account up again in a security group: retire '{a.Name}' (Remove-HwOfficialAccount) and create it anew (New-HwOfficialAccount), then grant its posters.");
    }
}
