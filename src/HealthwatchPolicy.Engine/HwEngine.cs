using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine;

/// <summary>
/// The one facade the cmdlets call. Synchronous; never calls back into PowerShell.
/// Later areas (register, access, reviews, compliance) hang off it the same way.
/// </summary>
public sealed class HwEngine
{
    public HwEngine(string bundledPolicyPath)
    {
        Policies = new PolicyService(bundledPolicyPath);
    }

    public PolicyService Policies { get; }
}
