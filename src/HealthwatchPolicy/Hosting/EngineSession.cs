using System.IO;
using HealthwatchPolicy.Engine;

namespace HealthwatchPolicy.Hosting;

/// <summary>
/// The session's engine. Touching this class is what loads the engine (and so the dependencies):
/// cmdlets reach it only inside method bodies, so Import-Module loads nothing from dependencies/.
/// </summary>
internal static class EngineSession
{
    private static readonly object s_gate = new();
    private static HwEngine? s_engine;

    public static string BundledPolicyPath =>
        Path.Combine(DependencyLoader.ModuleBase, "policy", "social-media-policy.yaml");

    public static string SampleOrganisationPath => Path.Combine(DependencyLoader.ModuleBase, "policy", "sample-org");

    public static HwEngine Engine
    {
        get
        {
            lock (s_gate)
                return s_engine ??= new HwEngine(BundledPolicyPath, SampleOrganisationPath);
        }
    }
}
