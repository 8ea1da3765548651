using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Access;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsSecurity.Revoke, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PostingAccess))]
public sealed class RevokeHwPostingAccessCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [ValidateNotNullOrEmpty]
    public string Account { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "Mail", "UserId")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    public string User { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Revoking posting access", $"{User} on {Account}");
        if (!ShouldProcess($"'{User}' on official account '{Account}'", "Revoke posting access"))
            return;
        AccessOutcome? outcome = TryEngine(() => Session.Access.Revoke(Account, User, Reason), User);
        if (outcome?.Access is not { } access)
            return;
        if (!outcome.Changed)
            WriteVerbose($"'{access.User}' could not post to '{access.Account}': nothing changed, nothing journaled.");
        WriteObject(access);
    }

    protected override void EndProcessing() => CompleteProgress();
}
