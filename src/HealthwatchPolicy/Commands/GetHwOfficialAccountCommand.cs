using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwOfficialAccount")]
[OutputType(typeof(OfficialAccount))]
public sealed class GetHwOfficialAccountCommand : HwCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Account", "AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Name { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(PlatformCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Platform { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Owner { get; set; }

    /// <summary>Include retired accounts.</summary>
    [Parameter]
    public SwitchParameter IncludeRetired { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        var accounts = TryEngine(() => Session.Register.GetAccounts(IncludeRetired), Name);
        if (accounts is null)
            return;
        foreach (OfficialAccount a in accounts)
        {
            if (Name is not null && !Name.Any(n => Wildcard.IsMatch(a.Name, n) || Wildcard.IsMatch(a.GroupName, n)))
                continue;
            if (Platform is not null && !Wildcard.IsMatch(a.Platform, Platform))
                continue;
            if (Owner is not null && !(a.Owner is not null && Wildcard.IsMatch(a.Owner, Owner)) && !(a.OwnerDisplayName is not null && Wildcard.IsMatch(a.OwnerDisplayName, Owner)))
                continue;
            WriteObject(a);
        }
        // Like Get-Item: a name without wildcards that matches nothing is an error; a wildcard that matches nothing is not.
        if (Name is not null)
            foreach (string n in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !accounts.Any(a => Wildcard.IsMatch(a.Name, n) || Wildcard.IsMatch(a.GroupName, n))))
                WriteHwError(new HwException(ErrorIds.AccountNotFound,
                    $"There is no official account '{n}' in the register.", n), n);
    }
}
