using System.Linq;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Errors;

/// <summary>
/// The policy says no: a change refused because it would break a clause. Names the clause, the user and the
/// account, so the admin can read the rule that applies.
/// </summary>
public sealed class PolicyRefusalException : HwException
{
    public PolicyRefusalException(string errorId, HwErrorKind kind, PolicyClause? clause, string? account, string? user, string reason)
        : base(errorId, kind, Compose(clause, reason), user ?? account)
    {
        ClauseId = clause?.Id;
        Account = account;
        User = user;
    }

    public string? ClauseId { get; }
    public string? Account { get; }
    public string? User { get; }

    /// <summary>The clause an enforced check stands behind.</summary>
    public static PolicyClause? ClauseFor(PolicyDocument policy, string check) =>
        policy.Clauses.FirstOrDefault(c => c.Checks.Contains(check));

    private static string Compose(PolicyClause? clause, string reason) =>
        clause is null ? reason : $"{reason} Policy clause {clause.Id}: \"{clause.Text}\"";
}
