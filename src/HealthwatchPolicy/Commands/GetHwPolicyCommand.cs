using System;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwPolicy", DefaultParameterSetName = PolicySet)]
[OutputType(typeof(PolicyDocument), ParameterSetName = new[] { PolicySet })]
[OutputType(typeof(PolicyClause), ParameterSetName = new[] { ClauseSet })]
public sealed class GetHwPolicyCommand : HwCmdlet
{
    private const string PolicySet = "Policy";
    private const string ClauseSet = "Clause";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = ClauseSet)]
    [ArgumentCompleter(typeof(PolicyClauseIdCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Id { get; set; }

    [Parameter(ParameterSetName = ClauseSet)]
    [ValidateSet("Enforced", "Acknowledged")]
    [Identifier("Enforced", "Acknowledged")]
    public string? Kind { get; set; }

    [Parameter(ParameterSetName = ClauseSet)]
    [ArgumentCompleter(typeof(PolicySectionCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Section { get; set; }

    protected override void ProcessRecord()
    {
        string? path = Path is null ? null : ResolvePath(Path);
        PolicyDocument policy;
        try
        {
            policy = Engine.Policies.Load(path);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, path ?? Engine.Policies.BundledPolicyPath);
            return;
        }

        if (ParameterSetName == PolicySet)
        {
            WriteObject(policy);
            return;
        }
        ClauseKind? kind = Kind is null ? null : (ClauseKind)Enum.Parse(typeof(ClauseKind), Kind, ignoreCase: true);
        foreach (PolicyClause clause in Engine.Policies.Clauses(policy, Id, kind, Section))
            WriteObject(clause);
    }
}
