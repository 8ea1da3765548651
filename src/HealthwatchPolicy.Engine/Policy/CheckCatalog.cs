using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// The checks an enforced clause may name. The compliance report implements one rule per entry;
/// the policy loader refuses a clause that names a check not listed here.
/// </summary>
public static class CheckCatalog
{
    private static readonly Dictionary<string, string> s_checks = new(StringComparer.Ordinal)
    {
        ["LineManagerConsent"] = "Every official account was set up with consent from the owner's line manager.",
        ["AccountOwner"] = "Every official account has an owner who is present and enabled in the directory.",
        ["AuthorisedPosters"] = "Everyone who can post was granted access through the policy (a journal entry exists).",
        ["PosterEligibility"] = "Everyone who can post is eligible: enabled, a member, an eligible employee type, policy acknowledged.",
        ["PosterLimit"] = "No official account has more posters than the policy allows.",
        ["RegisterIntegrity"] = "Every posting group is in the register and every register entry has its group.",
        ["EscalationContacts"] = "The Manager and Communications Officer roles are assigned to enabled people.",
        ["PolicyReview"] = "The policy itself is within its review date.",
        ["AccessReview"] = "The monthly access review is current.",
    };

    /// <summary>The names of every known check.</summary>
    public static IEnumerable<string> Names => s_checks.Keys;

    public static bool IsKnown(string name) => s_checks.ContainsKey(name);

    public static string Describe(string name) => s_checks.TryGetValue(name, out string? d) ? d : "";
}
