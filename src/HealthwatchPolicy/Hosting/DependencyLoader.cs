using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace HealthwatchPolicy.Hosting;

/// <summary>
/// Loads the engine and its third-party dependencies from <c>dependencies/</c>, in isolation from whatever
/// other modules (Microsoft.Graph, Az, ExchangeOnlineManagement) loaded into the session.
/// PowerShell 7+: a private AssemblyLoadContext, built by reflection because netstandard2.0 cannot name it,
/// preloaded with our files so another module's newer copy in the default context cannot win.
/// Windows PowerShell 5.1: AssemblyResolve + LoadFrom (unverified here: no Windows on the build machine).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += DependencyLoader.Resolve;

    public void OnRemove(PSModuleInfo module) => AppDomain.CurrentDomain.AssemblyResolve -= DependencyLoader.Resolve;
}

internal static class DependencyLoader
{
    public const string ContextName = "HealthwatchPolicy";
    private static readonly Assembly s_self = typeof(DependencyLoader).Assembly;
    internal static readonly string ModuleBase = Path.GetDirectoryName(s_self.Location)!;
    private static readonly string s_dir = Path.Combine(ModuleBase, "dependencies");
    // The Graph adapter, the Graph SDK and Azure.Identity: loaded only when a Graph connection is made.
    private static readonly string s_graphDir = Path.Combine(s_dir, "graph");
    private static readonly Lazy<Func<string, Assembly>?> s_isolated = new(CreateIsolatedContext);
    private static readonly bool s_noLoadContext = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext") is null;
    private static readonly object s_graphGate = new();
    private static bool s_graphLoaded;

    internal static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        string file = new AssemblyName(args.Name).Name + ".dll";
        Assembly? requester = args.RequestingAssembly;
        // Only for us: the cmdlets or something we loaded from dependencies/. An unknown requester is answered only on
        // Windows PowerShell 5.1, where .NET Framework may not say who asks; on PowerShell 7 it always says, and an
        // unknown requester is another module's business.
        bool ours = requester is null ? s_noLoadContext
            : requester == s_self || (!requester.IsDynamic && requester.Location.StartsWith(s_dir, StringComparison.OrdinalIgnoreCase));
        string path = Path.Combine(s_dir, file);
        if (!File.Exists(path))
            path = Path.Combine(s_graphDir, file);
        if (!ours || !File.Exists(path))
            return null; // never answer for another module
        return s_isolated.Value is { } load ? load(path) : Assembly.LoadFrom(path);
    }

    /// <summary>
    /// Before the first Graph connection: load the Graph set into our context, so another module's Graph SDK,
    /// Azure.Core or MSAL already in the session cannot be bound in its place.
    /// </summary>
    internal static void PreloadGraph()
    {
        lock (s_graphGate)
        {
            if (s_graphLoaded || s_isolated.Value is not { } load || !Directory.Exists(s_graphDir))
                return;
            Preload(load, s_graphDir);
            s_graphLoaded = true;
        }
    }

    private static void Preload(Func<string, Assembly> load, string folder)
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (string dll in Directory.EnumerateFiles(folder, "*.dll"))
            if (!File.Exists(Path.Combine(runtimeDir, Path.GetFileName(dll))))
                load(dll);
    }

    private static Func<string, Assembly>? CreateIsolatedContext()
    {
        Type? alcType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
        if (alcType is null)
            return null; // Windows PowerShell 5.1
        object alc = alcType.GetConstructor(new[] { typeof(string), typeof(bool) })!
                            .Invoke(new object[] { ContextName, false });
        MethodInfo loadFromPath = alcType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
        Func<string, Assembly> load = p => (Assembly)loadFromPath.Invoke(alc, new object[] { p })!;

        // A plain ALC asks the default context first, so another module's copy would win: preload ours,
        // except the names the runtime itself ships (polyfills such as System.Memory belong to PowerShell).
        Preload(load, s_dir);
        return load;
    }
}
