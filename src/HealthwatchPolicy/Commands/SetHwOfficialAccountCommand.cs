using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Set, "HwOfficialAccount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OfficialAccount))]
public sealed class SetHwOfficialAccountCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Account", "AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Name { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    [Identifier]
    public string? Url { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    public string? Purpose { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Owner { get; set; }

    /// <summary>Record line-manager consent for an account that has none (for example one imported from an old register).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? ConsentBy { get; set; }

    [Parameter]
    public System.DateTime? ConsentDate { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Updating official accounts", Name);
        if (!ShouldProcessPlanned($"official account '{Name}'", "Update the register entry",
                () => Session.Register.Update(Name, Url, Purpose, Owner, Reason, ConsentBy, ConsentDate), "would update it",
                _ => "the register entry already says so"))
            return;
        OfficialAccount? account = TryEngine(() => Session.Register.Update(Name, Url, Purpose, Owner, Reason, ConsentBy, ConsentDate), Name);
        if (account is not null && PassThru)
            WriteObject(account);
    }

    protected override void EndProcessing() => CompleteProgress();
}
