using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-3.1: every active account has an owner who is in the directory and enabled.</summary>
internal sealed class AccountOwnerCheck : PolicyCheck
{
    public const string CheckName = "AccountOwner";
    internal static readonly ComplianceRule OwnerMissing = new("HW-OWN-001", CheckName, Severity.High, "Account owner is not in the directory", "Choose a current member of staff to own this account, and tell IT support who it is.");
    internal static readonly ComplianceRule OwnerDisabled = new("HW-OWN-002", CheckName, Severity.High, "Account owner is disabled", "The owner has left or is switched off: choose a current member of staff to own this account, and tell IT support who it is.");

    public override string Name => CheckName;
    public override int Order => 20;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { OwnerMissing, OwnerDisabled };

    public override IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context)
    {
        if (change is ProposedConsent { Owner.AccountEnabled: false } c)
            yield return Refusal(context, RefusalReason.OwnerDisabled, c.Account, c.Owner.UserPrincipalName,
                $"The owner '{c.Owner.UserPrincipalName}' is disabled in the directory.");
        else if (change is ProposedOwner { NewOwner.AccountEnabled: false } o)
            yield return Refusal(context, RefusalReason.OwnerDisabled, o.Account, o.NewOwner.UserPrincipalName,
                $"The new owner '{o.NewOwner.UserPrincipalName}' is disabled in the directory.");
    }

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (OfficialAccount a in s.ActiveAccounts)
        {
            if (!s.Register.Users.TryGetValue(a.OwnerId, out DirectoryUser? owner))
                yield return Finding(s, OwnerMissing, a.Name, a.OwnerId, $"The owner of '{a.Name}' (object id {a.OwnerId}) is not in the directory.",
                    "Give the account a current owner: Set-HwOfficialAccount -Owner.");
            else if (!owner.AccountEnabled)
                yield return Finding(s, OwnerDisabled, a.Name, owner.UserPrincipalName, $"The owner of '{a.Name}', {owner.UserPrincipalName}, is disabled.",
                    "Give the account a current owner: Set-HwOfficialAccount -Owner.");
        }
    }
}
