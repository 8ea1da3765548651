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
    public string[]? Account { get; set; }

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
        // Several accounts (as Suspend-HwPosting and Resume-HwPosting take them): each name on its own, so one that does
        // not exist is an error for that name and the others are still listed; a poster matched twice is listed once.
        var seen = new System.Collections.Generic.HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
        foreach (string? name in Account is { Length: > 0 } names ? names : new string?[] { null })
        {
            var access = TryEngine(() => System.Linq.Enumerable.ToList(Session.Access.Get(name, User)), name);
            if (access is null)
                continue;
            foreach (PostingAccess a in access)
                if (seen.Add(a.Account + "\n" + a.User))
                    WriteObject(a);
        }
    }
}
