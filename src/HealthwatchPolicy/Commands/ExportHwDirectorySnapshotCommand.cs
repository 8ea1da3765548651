using System.Management.Automation;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Commands;

/// <summary>A point-in-time copy of the register, posting groups, posters and acknowledgements, for auditors and offline reports.</summary>
[Cmdlet(VerbsData.Export, "HwDirectorySnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DirectorySnapshot))]
public sealed class ExportHwDirectorySnapshotCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        string target = ResolvePath(Path);
        if (!ShouldProcess(target, $"Write a snapshot of {Session.Connection.Directory}"))
            return;
        ReportProgress("Exporting a directory snapshot", Session.Connection.Directory);
        DirectorySnapshot? snapshot = TryEngine(() => Session.Snapshots.Export(target), target);
        CompleteProgress();
        if (snapshot is not null)
            WriteObject(snapshot);
    }
}
