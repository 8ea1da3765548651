using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Retires an account: every poster's access is revoked (journaled); the register record is kept.</summary>
[Cmdlet(VerbsCommon.Remove, "HwOfficialAccount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(OfficialAccount))]
public sealed class RemoveHwOfficialAccountCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Account", "AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Retiring official accounts", Name);
        if (!ShouldProcessPlanned($"official account '{Name}'", "Retire: revoke every poster's access and mark the register entry retired",
                () => Session.Register.Retire(Name, Reason), "would retire it",
                _ => "it is already retired"))
            return;
        OfficialAccount? account = TryEngine(() => Session.Register.Retire(Name, Reason), Name);
        if (account is not null && PassThru)
            WriteObject(account);
    }

    protected override void EndProcessing() => CompleteProgress();
}
