using System;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.New, "HwOfficialAccount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OfficialAccount))]
public sealed class NewHwOfficialAccountCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PlatformCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Platform { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Handle { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    [Identifier]
    public string? Url { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    public string? Purpose { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Owner { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string ConsentBy { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DateTime? ConsentDate { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        string name = OfficialAccount.MakeName(Platform, Handle);
        ReportProgress("Setting up official accounts", name);
        if (!ShouldProcessPlanned($"official {Platform} account '{Handle}' ({name}), owner '{Owner}', consent by '{ConsentBy}'", "Create the posting group and register entry",
                () => Session.Register.Create(Platform, Handle, Url, Purpose, Owner, ConsentBy, ConsentDate, Reason), "would create it"))
            return;
        OfficialAccount? account = TryEngine(() => Session.Register.Create(Platform, Handle, Url, Purpose, Owner, ConsentBy, ConsentDate, Reason), name);
        if (account is not null)
            WriteObject(account);
    }

    protected override void EndProcessing() => CompleteProgress();
}
