using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-7.4: the policy itself is reviewed by its <c>nextReviewDue</c> date.</summary>
internal sealed class PolicyReviewCheck : PolicyCheck
{
    public const string CheckName = "PolicyReview";
    internal static readonly ComplianceRule PolicyReviewOverdue = new("HW-POL-001", CheckName, Severity.Medium, "The policy is past its review date", "Arrange for the policy to be reviewed, then publish the new version and ask staff to read it.");

    public override string Name => CheckName;
    public override int Order => 80;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { PolicyReviewOverdue };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        if (s.Policy.NextReviewDue < s.Now.UtcDateTime)
            yield return Finding(s, PolicyReviewOverdue, null, $"{s.Policy.Title} v{s.Policy.Version}",
                $"The policy (version {s.Policy.Version}, dated {EnglishDate.MonthYear(s.Policy.Effective)}) was due for review on {EnglishDate.Long(s.Policy.NextReviewDue)}.",
                "Review the policy, publish a new version (Compare-HwPolicy shows what changed), and ask staff to acknowledge it.");
    }
}
