using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Compliance;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// The rules, one or more per enforced check, in catalogue order. Ids are stable: scripts and suppressions refer
/// to them. Each rule is defined by its check class (<c>Checks/</c>); this is the list of them all.
/// </summary>
public static class ComplianceRules
{
    /// <summary>HW-REV-002, named in the review mail.</summary>
    public static ComplianceRule AccessNotConfirmed => AccessReviewCheck.AccessNotConfirmed;

    /// <summary>Every rule of every check, in catalogue order (the order of the report's summary).</summary>
    public static IReadOnlyList<ComplianceRule> All { get; } = PolicyChecks.All.SelectMany(c => c.Rules).ToList();

    /// <summary>The rule with id <paramref name="id"/> (for example <c>HW-ELG-001</c>, ordinal), or null when no check defines it.</summary>
    public static ComplianceRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
