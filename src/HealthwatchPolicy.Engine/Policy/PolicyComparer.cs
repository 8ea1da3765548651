using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>What changed between two versions of the policy (Compare-HwPolicy).</summary>
public enum PolicyChangeType
{
    /// <summary>A clause in the difference that the reference has not.</summary>
    Added,
    /// <summary>A clause in the reference that the difference has not.</summary>
    Removed,
    /// <summary>A clause's text changed.</summary>
    TextChanged,
    /// <summary>A clause changed between <c>enforced</c> and <c>acknowledged</c>.</summary>
    KindChanged,
    /// <summary>An enforced clause names other checks.</summary>
    ChecksChanged,
    /// <summary>A clause moved to another section.</summary>
    SectionChanged,
    /// <summary>A <c>spec.parameters</c> value changed.</summary>
    ParameterChanged,
    /// <summary>A <c>metadata</c> value changed (title, effective date, review dates).</summary>
    MetadataChanged,
}

/// <summary>One difference between two policy versions.</summary>
public sealed class PolicyChange
{
    internal PolicyChange(PolicyChangeType changeType, string subject, string? before, string? after,
        bool requiresReacknowledgement, string referenceVersion, string differenceVersion)
    {
        ChangeType = changeType;
        Subject = subject;
        Before = before;
        After = after;
        RequiresReacknowledgement = requiresReacknowledgement;
        ReferenceVersion = referenceVersion;
        DifferenceVersion = differenceVersion;
    }

    /// <summary>What kind of change it is.</summary>
    public PolicyChangeType ChangeType { get; }
    /// <summary>The clause id, or the parameter or metadata key.</summary>
    public string Subject { get; }
    /// <summary>The value in the reference policy, or null when added.</summary>
    public string? Before { get; }
    /// <summary>The value in the difference policy, or null when removed.</summary>
    public string? After { get; }
    /// <summary>True when staff must acknowledge the new version because of this change.</summary>
    public bool RequiresReacknowledgement { get; }
    /// <summary>The reference policy's version.</summary>
    public string ReferenceVersion { get; }
    /// <summary>The difference policy's version.</summary>
    public string DifferenceVersion { get; }
}

internal static class PolicyComparer
{
    public static IReadOnlyList<PolicyChange> Compare(PolicyDocument a, PolicyDocument b)
    {
        var changes = new List<PolicyChange>();
        void Add(PolicyChangeType t, string subject, string? before, string? after, bool reack) =>
            changes.Add(new PolicyChange(t, subject, before, after, reack, a.Version, b.Version));

        foreach ((string key, string? before, string? after) in Flatten(a.Metadata, b.Metadata))
            Add(PolicyChangeType.MetadataChanged, key, before, after, false);

        foreach (PolicyClause old in a.Clauses)
        {
            PolicyClause? now = b.FindClause(old.Id);
            if (now is null)
            {
                Add(PolicyChangeType.Removed, old.Id, old.Text, null, false);
                continue;
            }
            if (old.Text != now.Text)
                // A changed obligation: anyone who acknowledged the old words has not acknowledged these.
                Add(PolicyChangeType.TextChanged, old.Id, old.Text, now.Text, true);
            if (old.Kind != now.Kind)
                // Becoming 'acknowledged' asks staff to confirm something new; becoming 'enforced' asks nothing of them.
                Add(PolicyChangeType.KindChanged, old.Id, Lower(old.Kind), Lower(now.Kind), now.Kind == ClauseKind.Acknowledged);
            if (!old.Checks.SequenceEqual(now.Checks))
                Add(PolicyChangeType.ChecksChanged, old.Id, string.Join(", ", old.Checks), string.Join(", ", now.Checks), false);
            if (old.SectionId != now.SectionId)
                Add(PolicyChangeType.SectionChanged, old.Id, old.SectionId, now.SectionId, false);
        }
        foreach (PolicyClause added in b.Clauses.Where(c => a.FindClause(c.Id) is null))
            Add(PolicyChangeType.Added, added.Id, null, added.Text, true);

        foreach ((string key, string? before, string? after) in Flatten(a.Parameters, b.Parameters))
            Add(PolicyChangeType.ParameterChanged, key, before, after, false);
        foreach ((string key, string? before, string? after) in Flatten(a.Parameters.AccessReview, b.Parameters.AccessReview, "AccessReview."))
            Add(PolicyChangeType.ParameterChanged, key, before, after, false);
        foreach ((string key, string? before, string? after) in Flatten(a.Parameters.Lifecycle, b.Parameters.Lifecycle, "Lifecycle."))
            Add(PolicyChangeType.ParameterChanged, key, before, after, false);
        foreach (string roleId in a.Roles.Select(r => r.Id).Union(b.Roles.Select(r => r.Id)))
        {
            string? before = Describe(a.FindRole(roleId));
            string? after = Describe(b.FindRole(roleId));
            if (before != after)
                Add(PolicyChangeType.ParameterChanged, "Roles." + roleId, before, after, false);
        }
        return changes;
    }

    private static string Lower(ClauseKind kind) => kind.ToString().ToLowerInvariant();

    private static string? Describe(PolicyRole? role) =>
        role is null ? null : $"{role.Title}: {role.User ?? role.Group ?? "(unassigned)"}";

    /// <summary>Compares the scalar and list properties of two objects of one type, by name.</summary>
    private static IEnumerable<(string Key, string? Before, string? After)> Flatten<T>(T a, T b, string prefix = "")
    {
        foreach (var property in typeof(T).GetProperties())
        {
            if (property.PropertyType == typeof(AccessReviewParameters) || property.PropertyType == typeof(LifecycleParameters))
                continue;
            string? before = Show(property.GetValue(a));
            string? after = Show(property.GetValue(b));
            if (before != after)
                yield return (prefix + property.Name, before, after);
        }
    }

    private static string? Show(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s => s,
        System.Collections.IEnumerable list => string.Join(", ", list.Cast<object>()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
