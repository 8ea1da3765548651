using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwComplianceReport", DefaultParameterSetName = FindingsSet)]
[OutputType(typeof(ComplianceFinding), ParameterSetName = new[] { FindingsSet })]
[OutputType(typeof(ComplianceSummary), ParameterSetName = new[] { SummarySet })]
public sealed class GetHwComplianceReportCommand : HwCmdlet
{
    private const string FindingsSet = "Findings";
    private const string SummarySet = "Summary";

    [Parameter(Position = 0, ParameterSetName = FindingsSet)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Account { get; set; }

    [Parameter(ParameterSetName = FindingsSet)]
    [ArgumentCompleter(typeof(ComplianceRuleCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? RuleId { get; set; }

    [Parameter(ParameterSetName = FindingsSet)]
    [ValidateSet("Critical", "High", "Medium", "Low", "Info")]
    [Identifier("Critical", "High", "Medium", "Low", "Info")]
    public string[]? Severity { get; set; }

    /// <summary>Counts per rule and severity, and pass or fail, instead of the findings.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    /// <summary>Check against another version of the policy (a policy file) instead of the connected one.</summary>
    [Parameter]
    [Alias("PolicyPath")]
    [ValidateNotNullOrEmpty]
    public string? Policy { get; set; }

    protected override void EndProcessing()
    {
        ReportProgress("Checking the policy", Session.Connection.Directory);
        PolicyDocument? policy = null;
        IReadOnlyList<ComplianceFinding> findings;
        try
        {
            if (Policy is not null)
                policy = Engine.Policies.Load(ResolvePath(Policy));
            findings = Session.Compliance.Run(policy);
        }
        catch (HwException ex)
        {
            CompleteProgress();
            ThrowHwError(ex, ex.ErrorId == ErrorIds.PolicyInvalid ? Policy : Session.Connection.Directory);
            return;
        }
        CompleteProgress();
        if (Summary)
        {
            WriteObject(Session.Compliance.Summarise(findings, policy));
            return;
        }
        foreach (ComplianceFinding f in findings.Where(f =>
                     (Account is null || (f.Account is not null && Account.Any(a => Wildcard.IsMatch(f.Account, a))))
                     && (RuleId is null || RuleId.Any(r => Wildcard.IsMatch(f.RuleId, r)))
                     && (Severity is null || Severity.Any(s => string.Equals(s, f.Severity.ToString(), StringComparison.OrdinalIgnoreCase)))))
            WriteObject(f);
    }
}
