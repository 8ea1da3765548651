using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// The check classes the catalogue found (<see cref="CheckCatalog"/>), as checks: the access, register and
/// compliance services run these and nothing else.
/// </summary>
internal static class PolicyChecks
{
    private static IReadOnlyList<IPolicyCheck>? s_all;

    /// <summary>Every check, in catalogue order.</summary>
    public static IReadOnlyList<IPolicyCheck> All => s_all ??= CheckCatalog.Checks.Cast<IPolicyCheck>().ToList();

    /// <summary>Every check's refusals of a proposed change, in catalogue order (empty when the policy allows it).</summary>
    public static IReadOnlyList<PolicyRefusal> Refuse(ProposedChange change, CheckContext context) =>
        All.SelectMany(c => c.Refuse(change, context)).ToList();
}
