using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// The checks an enforced clause may name: every class in the engine that implements <see cref="IPolicyCheck"/>,
/// found once by reflection and ordered by <see cref="IPolicyCheck.Order"/>. The policy loader refuses a clause that
/// names a check not listed here; the access, register and compliance services run these classes and nothing else.
/// </summary>
public static class CheckCatalog
{
    private static readonly Lazy<IReadOnlyList<IPolicyCheck>> s_checks = new(Discover);

    /// <summary>The names of every known check, in catalogue order.</summary>
    public static IEnumerable<string> Names => Checks.Select(c => c.Name);

    public static bool IsKnown(string name) => Checks.Any(c => c.Name == name);

    /// <summary>The check classes, in catalogue order.</summary>
    internal static IReadOnlyList<IPolicyCheck> Checks => s_checks.Value;

    /// <summary>Every check's refusals of a proposed change, in catalogue order (empty when the policy allows it).</summary>
    internal static IReadOnlyList<Errors.PolicyRefusal> Refuse(ProposedChange change, CheckContext context) =>
        Checks.SelectMany(c => c.Refuse(change, context)).ToList();

    private static IReadOnlyList<IPolicyCheck> Discover()
    {
        var checks = typeof(IPolicyCheck).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IPolicyCheck).IsAssignableFrom(t))
            .Select(t => (IPolicyCheck)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(c => c.Order).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        string? duplicate = checks.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
            throw new InvalidOperationException($"Two check classes are named '{duplicate}'.");
        return checks;
    }
}
