using System.IO;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using HealthwatchPolicy.Engine;

namespace HealthwatchPolicy.Hosting;

/// <summary>
/// The session's engine: one per PowerShell runspace, so that runspaces in one process (ForEach-Object -Parallel
/// over many organisations, thread jobs, a host's runspace pool) each hold their own connection, state store and
/// journal (docs/decisions/0190). Touching this class is what loads the engine (and so the dependencies): cmdlets
/// reach it only inside method bodies, so Import-Module loads nothing from dependencies/.
/// </summary>
internal static class EngineSession
{
    private static readonly object s_gate = new();
    private static readonly ConditionalWeakTable<Runspace, HwEngine> s_byRunspace = new();
    private static HwEngine? s_noRunspace;

    public static string BundledPolicyPath =>
        Path.Combine(DependencyLoader.ModuleBase, "policy", "social-media-policy.yaml");

    public static string SampleOrganisationPath => Path.Combine(DependencyLoader.ModuleBase, "policy", "sample-org");

    /// <summary>The engine of the runspace on this thread (a process-wide one on a thread without a runspace).</summary>
    public static HwEngine Engine
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            lock (s_gate)
            {
                if (runspace is null)
                    return s_noRunspace ??= new HwEngine(BundledPolicyPath, SampleOrganisationPath);
                return s_byRunspace.GetValue(runspace, _ => new HwEngine(BundledPolicyPath, SampleOrganisationPath));
            }
        }
    }
}
