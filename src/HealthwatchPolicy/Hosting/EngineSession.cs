using System.IO;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using HealthwatchPolicy.Engine;

namespace HealthwatchPolicy.Hosting;

/// <summary>
/// The session's engine. A runspace that runs <c>Connect-HwDirectory</c> gets a connection of its own, so runspaces in
/// one process (ForEach-Object -Parallel over many organisations, thread jobs, a host's runspace pool) each hold their
/// own connection, state store and journal (docs/decisions/0190). A runspace that has not connected uses the process's
/// first connection (the one the admin's own session made), as the Graph SDK's process-wide context does: a thread job
/// or a parallel script block started after Connect-HwDirectory works without connecting again. Touching this class is
/// what loads the engine (and so the dependencies): cmdlets reach it only inside method bodies, so Import-Module loads
/// nothing from dependencies/.
/// </summary>
internal static class EngineSession
{
    private static readonly object s_gate = new();
    private static readonly ConditionalWeakTable<Runspace, HwEngine> s_byRunspace = new();
    private static HwEngine? s_first;

    public static string BundledPolicyPath =>
        Path.Combine(DependencyLoader.ModuleBase, "policy", "social-media-policy.yaml");

    public static string SampleOrganisationPath => Path.Combine(DependencyLoader.ModuleBase, "policy", "sample-org");

    /// <summary>The engine the cmdlets on this thread use: this runspace's own (it connected), else the process's first.</summary>
    public static HwEngine Engine
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            lock (s_gate)
            {
                if (runspace is not null && s_byRunspace.TryGetValue(runspace, out HwEngine? own))
                    return own;
                return s_first ??= Register(runspace, new HwEngine(BundledPolicyPath, SampleOrganisationPath));
            }
        }
    }

    /// <summary>The engine Connect-HwDirectory connects: this runspace's own, made now if it has none (the process's
    /// first engine belongs to the first runspace that used one).</summary>
    public static HwEngine ForConnect
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            lock (s_gate)
            {
                if (runspace is null)
                    return s_first ??= new HwEngine(BundledPolicyPath, SampleOrganisationPath);
                if (s_byRunspace.TryGetValue(runspace, out HwEngine? own))
                    return own;
                var engine = new HwEngine(BundledPolicyPath, SampleOrganisationPath);
                s_byRunspace.Add(runspace, engine);
                s_first ??= engine;
                return engine;
            }
        }
    }

    private static HwEngine Register(Runspace? runspace, HwEngine engine)
    {
        if (runspace is not null)
            s_byRunspace.Add(runspace, engine);
        return engine;
    }
}
