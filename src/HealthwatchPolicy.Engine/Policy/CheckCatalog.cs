using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// The checks an enforced clause may name. The compliance report implements one rule per entry;
/// the policy loader refuses a clause that names a check not listed here.
/// </summary>
public static class CheckCatalog
{
    // What each check means, and its rules: docs/compliance-rules.md and Compliance/ComplianceRules.cs.
    private static readonly HashSet<string> s_checks = new(StringComparer.Ordinal)
    {
        "LineManagerConsent", "AccountOwner", "AuthorisedPosters", "PosterEligibility", "PosterLimit",
        "RegisterIntegrity", "EscalationContacts", "PolicyReview", "AccessReview",
    };

    /// <summary>The names of every known check.</summary>
    public static IEnumerable<string> Names => s_checks;

    public static bool IsKnown(string name) => s_checks.Contains(name);
}
