using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-3.2, "access strictly limited": no account has more than <c>maxPostersPerAccount</c> posters.</summary>
internal sealed class PosterLimitCheck : PolicyCheck
{
    public const string CheckName = "PosterLimit";
    internal static readonly ComplianceRule PosterLimit = new("HW-LIM-001", CheckName, Severity.Medium, "Account has more posters than the policy allows", "Decide who no longer needs to post on this account, and ask IT support to remove their access.");

    public override string Name => CheckName;
    public override int Order => 60;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { PosterLimit };

    public override IEnumerable<PolicyRefusal> Refuse(ProposedChange change, CheckContext context)
    {
        int max = context.Policy.Parameters.MaxPostersPerAccount;
        if (change is ProposedGrant g && g.CurrentPosters >= max)
            yield return Refusal(context, RefusalReason.PosterLimitReached, g.Account, g.User.UserPrincipalName,
                $"'{g.Account}' already has {g.CurrentPosters} posters; the policy allows at most {max}, so '{g.User.UserPrincipalName}' cannot be added.",
                "maxPostersPerAccount", max);
    }

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        int max = s.Policy.Parameters.MaxPostersPerAccount;
        foreach (OfficialAccount a in s.ActiveAccounts)
            if (a.PosterCount > max)
                yield return Finding(s, PosterLimit, a.Name, a.Name,
                    $"'{a.Name}' has {a.PosterCount} posters ({string.Join(", ", a.Posters)}); the policy allows {max}.",
                    "Revoke the access that is no longer needed (Revoke-HwPostingAccess).");
    }
}
