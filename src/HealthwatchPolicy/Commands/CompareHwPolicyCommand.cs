using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsData.Compare, "HwPolicy")]
[OutputType(typeof(PolicyChange))]
public sealed class CompareHwPolicyCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = "";

    protected override void ProcessRecord()
    {
        PolicyDocument reference = LoadOrThrow(ReferencePath);
        PolicyDocument difference = LoadOrThrow(DifferencePath);
        WriteObject(Engine.Policies.Compare(reference, difference), enumerateCollection: true);
    }

    private PolicyDocument LoadOrThrow(string path)
    {
        string full = ResolvePath(path);
        try
        {
            return Engine.Policies.Load(full);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, full);
            throw; // not reached: ThrowTerminatingError throws
        }
    }
}
