using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// SMP-3.2, "only authorised staff": who may post. Each condition is written once and gives both the grant's
/// refusal and the report's finding for someone who can already post.
/// </summary>
internal sealed class PosterEligibilityCheck : PolicyCheck
{
    public const string CheckName = "PosterEligibility";
    internal static readonly ComplianceRule PosterDisabled = new("HW-ELG-001", CheckName, Severity.Critical, "Disabled account can post", "Act today: ask IT support to remove this person's access, then check on the site itself that they can no longer post.");
    internal static readonly ComplianceRule PosterIsGuest = new("HW-ELG-002", CheckName, Severity.High, "Guest account can post", "Ask IT support to remove this guest's access. If they are a volunteer who should post, arrange a staff or volunteer account for them.");
    internal static readonly ComplianceRule PosterTypeNotEligible = new("HW-ELG-003", CheckName, Severity.High, "Poster's employee type is not eligible", "Check this person's role. If they should no longer post, ask IT support to remove the access; if their role is recorded wrongly, ask for it to be put right.");
    internal static readonly ComplianceRule PosterNotAcknowledged = new("HW-ELG-004", CheckName, Severity.Medium, "Poster has not acknowledged the current policy", "Ask this person to read the current policy and confirm that they have, or ask IT support to remove their access.");

    public override string Name => CheckName;
    public override int Order => 50;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { PosterDisabled, PosterIsGuest, PosterTypeNotEligible, PosterNotAcknowledged };

    /// <summary>One condition: when it breaks, the reason a grant is refused and the rule a current poster breaks.</summary>
    private sealed class Condition
    {
        public Condition(ComplianceRule rule, RefusalReason reason, string? parameter, Func<PolicyParameters, object?> value,
            Func<PolicyDocument, DirectoryUser, bool> breaks, Func<PolicyDocument, DirectoryUser, string, string> refusal,
            Func<PolicyDocument, DirectoryUser, string, string> evidence, bool revoke = true)
        {
            Rule = rule;
            Reason = reason;
            Parameter = parameter;
            Value = value;
            Breaks = breaks;
            RefusalText = refusal;
            Evidence = evidence;
            Revoke = revoke;
        }

        public ComplianceRule Rule { get; }
        public RefusalReason Reason { get; }
        public string? Parameter { get; }
        public Func<PolicyParameters, object?> Value { get; }
        public Func<PolicyDocument, DirectoryUser, bool> Breaks { get; }
        public Func<PolicyDocument, DirectoryUser, string, string> RefusalText { get; }
        public Func<PolicyDocument, DirectoryUser, string, string> Evidence { get; }
        /// <summary>Whether the remedy is to revoke (otherwise: to acknowledge).</summary>
        public bool Revoke { get; }
    }

    private static readonly Condition[] s_conditions =
    {
        new(PosterDisabled, RefusalReason.PosterDisabled, null, _ => null,
            (_, u) => !u.AccountEnabled,
            (_, u, a) => $"'{u.UserPrincipalName}' cannot post to '{a}': their directory account is disabled.",
            (_, u, a) => $"{u.UserPrincipalName} is disabled in the directory but can still post to '{a}'."),
        new(PosterIsGuest, RefusalReason.PosterIsGuest, "guestsMayPost", p => p.GuestsMayPost,
            (p, u) => u.IsGuest && !p.Parameters.GuestsMayPost,
            (_, u, a) => $"'{u.UserPrincipalName}' cannot post to '{a}': guest accounts may not post (policy parameter guestsMayPost).",
            (_, u, a) => $"{u.UserPrincipalName} is a guest account and can post to '{a}'."),
        new(PosterTypeNotEligible, RefusalReason.PosterTypeNotEligible, "eligibleEmployeeTypes", p => p.EligibleEmployeeTypes,
            (p, u) => !p.Parameters.EligibleEmployeeTypes.Contains(u.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase),
            (p, u, a) => $"'{u.UserPrincipalName}' cannot post to '{a}': employee type '{u.EmployeeType ?? "(none)"}' is not one of {string.Join(", ", p.Parameters.EligibleEmployeeTypes)}.",
            (p, u, a) => $"{u.UserPrincipalName} has employee type '{u.EmployeeType ?? "(none)"}', which may not post ({string.Join(", ", p.Parameters.EligibleEmployeeTypes)} may); they can post to '{a}'."),
        new(PosterNotAcknowledged, RefusalReason.PolicyNotAcknowledged, "acknowledgementRequiredToPost", p => p.AcknowledgementRequiredToPost,
            (p, u) => p.Parameters.AcknowledgementRequiredToPost && !AcknowledgementRecord.Read(u.Extension).Has(p.Version),
            (p, u, a) => $"'{u.UserPrincipalName}' cannot post to '{a}': they have not acknowledged policy version {p.Version} (Add-HwPolicyAcknowledgement).",
            (p, u, a) => $"{u.UserPrincipalName} can post to '{a}' but has not acknowledged policy version {p.Version}.",
            revoke: false),
    };

    public override IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context)
    {
        if (change is not ProposedGrant g)
            yield break;
        foreach (Condition c in s_conditions.Where(c => c.Breaks(context.Policy, g.User)))
            yield return Refusal(context, c.Reason, g.Account, g.User.UserPrincipalName, c.RefusalText(context.Policy, g.User, g.Account),
                c.Parameter, c.Value(context.Policy.Parameters));
    }

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (OfficialAccount a in s.ActiveAccounts)
            foreach (string id in a.PosterIds)
            {
                if (!s.Register.Users.TryGetValue(id, out DirectoryUser? poster))
                {
                    yield return Finding(s, PosterDisabled, a.Name, id, $"Object {id} is in '{a.GroupName}' but is not a user in the directory (deleted or not a person).",
                        $"Revoke-HwPostingAccess -Account {a.Name} -User {id}");
                    continue;
                }
                foreach (Condition c in s_conditions.Where(c => c.Breaks(s.Policy, poster)))
                    yield return Finding(s, c.Rule, a.Name, poster.UserPrincipalName, c.Evidence(s.Policy, poster, a.Name),
                        c.Revoke
                            ? $"Revoke-HwPostingAccess -Account {a.Name} -User {poster.UserPrincipalName}"
                            : $"Ask {poster.DisplayName} to read policy version {s.Policy.Version}, then Add-HwPolicyAcknowledgement; or revoke their access.");
            }
    }
}
