using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Withdraws a compliance exception: the findings it covered are open again from the next run. Journaled.</summary>
[Cmdlet(VerbsCommon.Remove, "HwComplianceException", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ComplianceException))]
public sealed class RemoveHwComplianceExceptionCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExceptionId")]
    [ArgumentCompleter(typeof(ComplianceExceptionCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Id { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Removing compliance exceptions", Id);
        // -WhatIf runs the removal in plan mode (decision 0161): an unknown id or an empty reason "would be refused".
        if (!ShouldProcessPlanned($"compliance exception '{Id}'", "Remove it: the findings it suppresses are open again at the next report",
                () => Session.Exceptions.Remove(Id, Reason), "would remove it"))
            return;
        ComplianceException? removed = TryEngine(() => Session.Exceptions.Remove(Id, Reason), Id);
        if (removed is not null && PassThru)
            WriteObject(removed);
    }

    protected override void EndProcessing() => CompleteProgress();
}
