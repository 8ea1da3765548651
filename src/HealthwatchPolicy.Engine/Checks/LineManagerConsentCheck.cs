using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-3.1: an account is set up with consent from the owner's line manager (or a role <c>accountConsentFrom</c> allows), never the owner's own.</summary>
internal sealed class LineManagerConsentCheck : PolicyCheck
{
    public const string CheckName = "LineManagerConsent";
    internal static readonly ComplianceRule Missing = new("HW-CON-001", CheckName, Severity.High, "Account set up without recorded line-manager consent", "Ask the owner's line manager whether this account should exist, and tell IT support what they say.");
    internal static readonly ComplianceRule NotManager = new("HW-CON-002", CheckName, Severity.High, "Consent given by someone who is not the owner's line manager", "Ask the owner's current line manager to confirm this account, and tell IT support their answer.");

    public override string Name => CheckName;
    public override int Order => 10;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { Missing, NotManager };

    public override IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context)
    {
        // A disabled owner is the owner check's refusal: consent for an owner who may not own is moot.
        if (change is not ProposedConsent { Owner.AccountEnabled: true } c)
            yield break;
        DirectoryUser owner = c.Owner, consenter = c.Consenter;
        if (consenter.Id == owner.Id)
            yield return Refusal(context, RefusalReason.ConsentBySelf, c.Account, owner.UserPrincipalName,
                $"'{owner.UserPrincipalName}' cannot consent to their own account.");
        else if (!consenter.AccountEnabled)
            yield return Refusal(context, RefusalReason.ConsenterDisabled, c.Account, consenter.UserPrincipalName,
                $"The consenting person '{consenter.UserPrincipalName}' is disabled in the directory.");
        else if (!Allowed(context.Policy, owner, consenter.Id, consenter.UserPrincipalName))
        {
            DirectoryUser? manager = owner.ManagerId is null ? null : context.FindUser(owner.ManagerId);
            yield return Refusal(context, RefusalReason.ConsenterNotAllowed, c.Account, consenter.UserPrincipalName,
                $"'{consenter.UserPrincipalName}' is not the line manager of the owner '{owner.UserPrincipalName}' "
                + (manager is null ? "(the owner has no manager in the directory)." : $"(their line manager is '{manager.UserPrincipalName}')."),
                "accountConsentFrom", context.Policy.Parameters.AccountConsentFrom);
        }
    }

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (OfficialAccount a in s.ActiveAccounts)
        {
            s.Register.Users.TryGetValue(a.OwnerId, out DirectoryUser? owner);
            if (a.ConsentById is null)
                yield return Finding(s, Missing, a.Name, a.Name,
                    $"The register records no consent for '{a.Name}' (owner {owner?.UserPrincipalName ?? a.OwnerId}).",
                    "Ask the owner's line manager to confirm the account and record it, or retire the account (Remove-HwOfficialAccount).");
            else if (owner is not null && !Allowed(s.Policy, owner, a.ConsentById, s.Register.Users.TryGetValue(a.ConsentById, out DirectoryUser? c) ? c.UserPrincipalName : null))
                yield return Finding(s, NotManager, a.Name, s.Upn(a.ConsentById),
                    $"Consent for '{a.Name}' was given by {s.Upn(a.ConsentById)}; the owner {owner.UserPrincipalName}'s line manager is {(owner.ManagerId is null ? "not set" : s.Upn(owner.ManagerId))}.",
                    "Have the owner's line manager confirm the account, or change the owner.");
        }
    }

    /// <summary>The consent rule, once: the owner's line manager, or the holder of a role the policy allows to consent.</summary>
    private static bool Allowed(PolicyDocument policy, DirectoryUser owner, string consenterId, string? consenterUpn) =>
        policy.Parameters.AccountConsentFrom.Any(allowed =>
            (allowed == PolicyLoader.LineManager && owner.ManagerId is not null && string.Equals(owner.ManagerId, consenterId, StringComparison.OrdinalIgnoreCase))
            || (consenterUpn is not null && policy.FindRole(allowed) is { User: { } roleUser }
                && string.Equals(roleUser, consenterUpn, StringComparison.OrdinalIgnoreCase)));
}
