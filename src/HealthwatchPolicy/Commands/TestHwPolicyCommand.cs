using System.Management.Automation;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsDiagnostic.Test, "HwPolicy")]
[OutputType(typeof(bool))]
[OutputType(typeof(PolicyDiagnostic))]
public sealed class TestHwPolicyCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = System.Array.Empty<string>();

    /// <summary>Emit the diagnostics (file, line, column, key, message) instead of true/false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string item in Path)
        {
            string path = ResolvePath(item);
            ReportProgress("Validating policy files", path);
            PolicyLoadResult result = Engine.Policies.Test(path);
            foreach (PolicyDiagnostic d in result.Diagnostics)
                WriteVerbose(d.ToString());
            if (Detailed)
                WriteObject(result.Diagnostics, enumerateCollection: true);
            else
                WriteObject(result.IsValid);
        }
    }

    protected override void EndProcessing() => CompleteProgress();
}
