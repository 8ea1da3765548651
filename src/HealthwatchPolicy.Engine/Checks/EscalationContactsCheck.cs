using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-2.4, 3.8, 3.9: the people staff are told to go to (the policy's required roles) exist and are enabled.</summary>
internal sealed class EscalationContactsCheck : PolicyCheck
{
    public const string CheckName = "EscalationContacts";
    internal static readonly ComplianceRule RoleUnassigned = new("HW-ESC-001", CheckName, Severity.High, "Escalation contact role is not assigned", "Say who the Manager or Communications Officer is now, and ask for the policy to be updated and published again.");
    internal static readonly ComplianceRule RoleHolderUnavailable = new("HW-ESC-002", CheckName, Severity.High, "Escalation contact is missing or disabled", "The person named for this role has left or is switched off: say who holds the role now, and ask for the policy to be updated.");

    public override string Name => CheckName;
    public override int Order => 70;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { RoleUnassigned, RoleHolderUnavailable };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (string roleId in PolicyLoader.RequiredRoles)
        {
            PolicyRole? role = s.Policy.FindRole(roleId);
            if (role is null || !role.IsAssigned)
                yield return Finding(s, RoleUnassigned, null, roleId, $"The policy's {role?.Title ?? roleId} role names nobody.",
                    $"Name the {role?.Title ?? roleId} in the policy file's spec.roles.");
            else if (role.User is not null && (!s.RoleHolders.TryGetValue(role.Id, out DirectoryUser? holder) || holder is null || !holder.AccountEnabled))
                yield return Finding(s, RoleHolderUnavailable, null, role.User,
                    $"The {role.Title}, {role.User}, is {(holder is not null ? "disabled" : "not in the directory")}.",
                    $"Name the current {role.Title} in the policy file's spec.roles.");
        }
    }
}
