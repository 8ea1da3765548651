using System.Management.Automation;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommunications.Disconnect, "HwDirectory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectHwDirectoryCommand : HwCmdlet
{
    protected override void EndProcessing()
    {
        if (Engine.Session is not { } session)
        {
            WriteVerbose("Not connected: nothing to do.");
            return;
        }
        if (ShouldProcess(session.Connection.Directory, "Disconnect"))
            Engine.Disconnect();
    }
}
