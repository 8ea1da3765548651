using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Access;

/// <summary>
/// Who may post (SMP-3.2, "only authorised staff ... access strictly limited"): the policy's eligibility rules,
/// in one place, used by Grant-HwPostingAccess before a change and by the compliance report after the fact.
/// </summary>
public static class Eligibility
{
    /// <summary>Every reason the user may not post to the account (empty when they may).</summary>
    public static IReadOnlyList<PolicyRefusalException> Check(PolicyDocument policy, DirectoryUser user, string account)
    {
        var refusals = new List<PolicyRefusalException>();
        PolicyClause? clause = PolicyRefusalException.ClauseFor(policy, "PosterEligibility");
        string upn = user.UserPrincipalName;
        void Refuse(string id, HwErrorKind kind, string why) => refusals.Add(new PolicyRefusalException(id, kind, clause, account, upn, why));

        if (!user.AccountEnabled)
            Refuse("PosterDisabled", HwErrorKind.InvalidOperation, $"'{upn}' cannot post to '{account}': their directory account is disabled.");
        if (user.IsGuest && !policy.Parameters.GuestsMayPost)
            Refuse("PosterIsGuest", HwErrorKind.PermissionDenied, $"'{upn}' cannot post to '{account}': guest accounts may not post (policy parameter guestsMayPost).");
        if (!policy.Parameters.EligibleEmployeeTypes.Contains(user.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase))
            Refuse("PosterTypeNotEligible", HwErrorKind.PermissionDenied,
                $"'{upn}' cannot post to '{account}': employee type '{user.EmployeeType ?? "(none)"}' is not one of {string.Join(", ", policy.Parameters.EligibleEmployeeTypes)}.");
        if (policy.Parameters.AcknowledgementRequiredToPost && !AcknowledgementRecord.Read(user.Extension).Has(policy.Version))
            Refuse("PolicyNotAcknowledged", HwErrorKind.PermissionDenied,
                $"'{upn}' cannot post to '{account}': they have not acknowledged policy version {policy.Version} (Add-HwPolicyAcknowledgement).");
        return refusals;
    }

    /// <summary>The poster limit: null when one more poster fits.</summary>
    public static PolicyRefusalException? CheckLimit(PolicyDocument policy, string account, string user, int currentPosters)
    {
        int max = policy.Parameters.MaxPostersPerAccount;
        return currentPosters < max
            ? null
            : new PolicyRefusalException("PosterLimitReached", HwErrorKind.LimitsExceeded, PolicyRefusalException.ClauseFor(policy, "PosterLimit"),
                account, user, $"'{account}' already has {currentPosters} posters; the policy allows at most {max}, so '{user}' cannot be added.");
    }
}
