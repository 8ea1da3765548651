using System.Management.Automation;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwConnection")]
[OutputType(typeof(DirectoryConnection))]
public sealed class GetHwConnectionCommand : HwCmdlet
{
    protected override void EndProcessing()
    {
        if (Engine.Session is { } session)
            WriteObject(session.Connection);
        else
            WriteVerbose("Not connected. Connect-HwDirectory -Sample connects to the bundled sample organisation.");
    }
}
