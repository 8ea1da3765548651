using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsLifecycle.Complete, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AccessReviewItem))]
public sealed class CompleteHwAccessReviewCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string Account { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "UserId")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string User { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Keep", "Remove")]
    [Identifier("Keep", "Remove")]
    public string Decision { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Justification { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Identifier]
    public string? Period { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Recording access review decisions", $"{Decision} {User} on {Account}");
        if (!ShouldProcess($"'{User}' on official account '{Account}'", Decision == "Remove" ? "Record Remove and revoke posting access" : "Record Keep"))
            return;
        AccessReviewItem? item = TryEngine(() => Session.Reviews.Decide(Period, Account, User, Decision, Justification), User);
        if (item is not null)
            WriteObject(item);
    }

    protected override void EndProcessing() => CompleteProgress();
}
