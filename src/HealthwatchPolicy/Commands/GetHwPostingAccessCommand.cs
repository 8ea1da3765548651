using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwPostingAccess")]
[OutputType(typeof(PostingAccess))]
public sealed class GetHwPostingAccessCommand : HwCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Account { get; set; }

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "Mail")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? User { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        var access = TryEngine(() => System.Linq.Enumerable.ToList(Session.Access.Get(Account, User)), Account);
        if (access is not null)
            WriteObject(access, enumerateCollection: true);
    }
}
