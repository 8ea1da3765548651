using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwPolicyAcknowledgement")]
[OutputType(typeof(PolicyAcknowledgement))]
public sealed class GetHwPolicyAcknowledgementCommand : HwCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "Mail")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? User { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Version { get; set; }

    /// <summary>List the people the policy covers who have not acknowledged the version.</summary>
    [Parameter]
    public SwitchParameter Missing { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        var items = TryEngine(() => Session.Acknowledgements.Get(User, Version, Missing).ToList(), User);
        if (items is not null)
            WriteObject(items, enumerateCollection: true);
    }
}
