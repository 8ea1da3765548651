using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>The compliance exceptions in the state store (expired ones included, until they are removed).</summary>
[Cmdlet(VerbsCommon.Get, "HwComplianceException")]
[OutputType(typeof(ComplianceException))]
public sealed class GetHwComplianceExceptionCommand : HwCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExceptionId")]
    [ArgumentCompleter(typeof(ComplianceExceptionCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Id { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ComplianceRuleCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? RuleId { get; set; }

    [Parameter]
    [Alias("AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Account { get; set; }

    protected override void ProcessRecord()
    {
        var found = TryEngine(() => Session.Exceptions.Get(Id, RuleId, Account), Id);
        if (found is null)
            return;
        if (found.Count == 0 && Id is not null && !WildcardPattern.ContainsWildcardCharacters(Id))
            WriteHwError(new HwException(ErrorIds.ExceptionNotFound, $"There is no compliance exception '{Id}'.", Id, input: "id"), Id);
        foreach (ComplianceException e in found)
            WriteObject(e);
    }
}
