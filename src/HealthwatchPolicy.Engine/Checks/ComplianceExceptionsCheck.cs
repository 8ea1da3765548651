using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// Compliance exceptions (New-HwComplianceException): a current exception marks the findings it covers as suppressed
/// (still found and listed, never a pass); an expired one leaves them open and is a finding itself (HW-EXC-001); a
/// current one that covers no finding of this run is stale (HW-EXC-002). It judges the other checks' findings, so
/// <see cref="Apply"/> runs after them (<c>ComplianceService.Evaluate</c>); its own <see cref="PolicyCheck.Find"/> finds nothing.
/// </summary>
internal sealed class ComplianceExceptionsCheck : PolicyCheck
{
    public const string CheckName = "ComplianceExceptions";
    internal static readonly ComplianceRule ExceptionExpired = new("HW-EXC-001", CheckName, Severity.Medium, "A compliance exception has expired", "The agreed exception has run out: either get the problem fixed, or ask the approver whether to agree a new exception.");
    internal static readonly ComplianceRule ExceptionStale = new("HW-EXC-002", CheckName, Severity.Low, "A compliance exception matches no finding", "Ask IT support to remove this exception: what it excused is no longer there.");

    public override string Name => CheckName;
    public override int Order => 100;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { ExceptionExpired, ExceptionStale };

    /// <summary>True for the rules of this check: an exception may not cover them.</summary>
    internal static bool IsExceptionRule(string ruleId) => ruleId.StartsWith("HW-EXC-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Marks the findings the current exceptions cover and adds the expired and stale exceptions' findings.</summary>
    internal void Apply(List<ComplianceFinding> findings, CheckSnapshot s)
    {
        var added = new List<ComplianceFinding>();
        foreach (ComplianceException e in s.Exceptions.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            string scope = Scope(e);
            string expires = e.Expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
            if (e.IsExpiredAt(s.Now))
            {
                int back = findings.Count(f => f.ExceptionId is null && e.Matches(f));
                added.Add(Finding(s, ExceptionExpired, e.Account, e.Id,
                    $"Exception {e.Id} for {scope} (approved by {e.ApprovedBy}: \"{e.Justification}\") expired on {expires}; "
                    + $"{back} finding{(back == 1 ? " is" : "s are")} open again.",
                    $"Fix the finding, or ask the approver for a new exception (New-HwComplianceException); then Remove-HwComplianceException -Id {e.Id}."));
                continue;
            }
            List<ComplianceFinding> covered = findings.Where(f => f.ExceptionId is null && e.Matches(f)).ToList();
            foreach (ComplianceFinding f in covered)
                f.Suppress(e);
            if (covered.Count == 0)
                added.Add(Finding(s, ExceptionStale, e.Account, e.Id,
                    $"Exception {e.Id} for {scope} (until {expires}) covers no finding of this run: what it excused is gone or was renamed.",
                    $"Remove it: Remove-HwComplianceException -Id {e.Id}."));
        }
        findings.AddRange(added);
    }

    private static string Scope(ComplianceException e) =>
        e.RuleId + (e.Account is null ? "" : $" on '{e.Account}'") + (e.Subject is null ? "" : $" about '{e.Subject}'");
}
