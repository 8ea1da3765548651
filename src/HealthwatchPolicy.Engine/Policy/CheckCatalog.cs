using System;
using System.Collections.Generic;
using System.Linq;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// A check as the policy knows it: by name only. The check classes (<c>Checks/</c>) implement it through
/// <c>IPolicyCheck</c>; the policy layer never names them, so it sits below them.
/// </summary>
internal interface INamedCheck
{
    /// <summary>The name a clause's <c>checks</c> uses.</summary>
    string Name { get; }

    /// <summary>Where the check stands in the catalogue (ascending).</summary>
    int Order { get; }
}

/// <summary>
/// The checks an enforced clause may name: every class in the engine that implements <see cref="INamedCheck"/>
/// (every check class), found once by reflection and ordered by <see cref="INamedCheck.Order"/>, then name.
/// The policy loader refuses a clause whose <c>checks</c> names a check not listed here.
/// </summary>
public static class CheckCatalog
{
    private static readonly Lazy<IReadOnlyList<INamedCheck>> s_checks = new(Discover);

    /// <summary>The names of every known check, in catalogue order (for example <c>PosterLimit</c>).</summary>
    public static IEnumerable<string> Names => Checks.Select(c => c.Name);

    /// <summary>Whether <paramref name="name"/> is a known check's name (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string name) => Checks.Any(c => c.Name == name);

    /// <summary>One instance of each check class, in catalogue order.</summary>
    internal static IReadOnlyList<INamedCheck> Checks => s_checks.Value;

    private static IReadOnlyList<INamedCheck> Discover()
    {
        var checks = typeof(INamedCheck).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(INamedCheck).IsAssignableFrom(t))
            .Select(t => (INamedCheck)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(c => c.Order).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        string? duplicate = checks.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
            throw new InvalidOperationException($"Two check classes are named '{duplicate}'.");
        return checks;
    }
}
