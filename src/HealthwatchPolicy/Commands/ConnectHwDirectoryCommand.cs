using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommunications.Connect, "HwDirectory", DefaultParameterSetName = LocalSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DirectoryConnection))]
public sealed class ConnectHwDirectoryCommand : HwCmdlet
{
    private const string LocalSet = "Local";
    private const string SampleSet = "Sample";

    /// <summary>The organisation folder (directory.json); with -Sample, where to put the copy.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocalSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Position = 0, ParameterSetName = SampleSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SampleSet)]
    public SwitchParameter Sample { get; set; }

    /// <summary>Where the journal and reviews live (default: the organisation folder's state/ subfolder).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary>The policy to apply (default: the bundled policy).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyPath { get; set; }

    protected override void ProcessRecord()
    {
        string? path = Path is null ? null : ResolvePath(Path);
        string? policy = PolicyPath is null ? null : ResolvePath(PolicyPath);
        string target = Sample ? (path ?? "a new temporary folder") : path!;
        if (!ShouldProcess(target, Sample ? "Copy the bundled sample organisation and connect to the copy" : "Connect to the local directory"))
            return;
        try
        {
            HwSession session = Sample
                ? Engine.ConnectSample(path, policy)
                : Engine.ConnectLocal(path!, StatePath is null ? null : ResolvePath(StatePath), policy);
            WriteObject(session.Connection);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, ex.ErrorId == "PolicyInvalid" ? policy ?? ex.Target : path ?? ex.Target);
        }
    }
}
