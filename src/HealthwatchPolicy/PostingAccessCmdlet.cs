using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy;

/// <summary>Account, User and Reason, as Grant-HwPostingAccess and Revoke-HwPostingAccess take them (by property name from Import-Csv and Get-HwPostingAccess).</summary>
public abstract class PostingAccessCmdlet : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [AllowEmptyString]
    [AllowNull]
    [Identifier]
    public string Account { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "Mail", "UserId")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [AllowEmptyString]
    [AllowNull]
    [Identifier]
    public string User { get; set; } = "";

    // An empty Account or User (a CSV row's cell left blank) reaches the engine too, whose AccountNotFound/UserNotFound
    // error names the row (decision 0162).
    // An empty Reason (a CSV row left blank) reaches the engine, whose ReasonRequired error names the row
    // (docs/decisions/0160), instead of PowerShell's binding error that names no row.
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string Reason { get; set; } = "";

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing() => CompleteProgress();
}
