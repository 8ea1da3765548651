using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>
/// dotnet run --project tests/HealthwatchPolicy.Benchmarks -c Release -- --module out/HealthwatchPolicy/0.1.0/HealthwatchPolicy.psd1 --out out/bench/results.json
/// Prints a table (value, target, PASS/FAIL) and writes the figures as JSON. See docs/performance.md.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Options.Usage);
            return 64;
        }
        if (o.ChildMemory is not null)
            return LocalReportBench.ChildMemory(o.ChildMemory, o.Policy!);

        try
        {
            return await RunAsync(o).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine("The bench failed: " + ex);
            return 1;
        }
    }

    private static async Task<int> RunAsync(Options o)
    {
        var total = Stopwatch.StartNew();
        string repo = o.Repo ?? FindRepo();
        string work = Path.Combine(Path.GetTempPath(), "hw-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(work);
        // Measure a copy of the built module (the same files): a rebuild of out/ while the bench runs cannot pull it away.
        string? module = null;
        if (o.Module is not null)
        {
            string built = Path.GetDirectoryName(Path.GetFullPath(o.Module))!;
            string copy = Path.Combine(work, "module", Path.GetFileName(Path.GetDirectoryName(built)!), Path.GetFileName(built));
            CopyFolder(built, copy);
            module = Path.Combine(copy, Path.GetFileName(o.Module));
        }
        string? moduleDir = module is null ? null : Path.GetDirectoryName(module);
        // The module's bundled policy and sample organisation when a module is given; the repository's otherwise.
        string policyRoot = moduleDir is not null && File.Exists(Path.Combine(moduleDir, "policy", "social-media-policy.yaml"))
            ? Path.Combine(moduleDir, "policy") : Path.Combine(repo, "policy");
        string policyPath = Path.Combine(policyRoot, "social-media-policy.yaml");
        string sampleOrg = Path.Combine(policyRoot, "sample-org");
        void Log(string s) => Console.WriteLine(s);
        var results = new Results();
        try
        {
            Log($"HealthwatchPolicy bench: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
            Log($"policy: {policyPath}");
            results.LoadAtStart = LoadAverage();
            if (results.LoadAtStart is { } busy && busy > Environment.ProcessorCount)
                Log($"warning: the load average is {busy:0.0} on {Environment.ProcessorCount} cores; wall times will be inflated");

            if (o.Only is "organisations")
                goto organisations;

            // 1. Graph: the report through the adapter vs the naive reference
            Log($"[graph] generating an organisation of {o.Users:N0} users and {o.Accounts} accounts");
            var sw = Stopwatch.StartNew();
            GeneratedOrganisation graphOrg = OrganisationGenerator.Generate(Path.Combine(work, "graph-org"), o.Users, o.Accounts, seed: 6, writeJournal: true);
            Log($"  {graphOrg.DirectoryBytes / 1024.0 / 1024.0:0.0} MB directory.json, {graphOrg.JournalEntries} journal entries ({sw.Elapsed.TotalSeconds:0.0} s)");
            results.Graph = await GraphReportBench.RunAsync(graphOrg, policyPath, TimeSpan.FromMilliseconds(o.LatencyMs), o.GraphRuns, o.NaiveConcurrency, Log)
                .ConfigureAwait(false);
            results.GraphOrg = graphOrg;

            // 2. Import-Module in fresh pwsh processes
            if (module is not null)
            {
                Log($"[import] {o.Module} (copied to {module})");
                results.Import = ImportModuleBench.Run(module, repo, o.ImportRuns, Log);
            }
            else
                Log("[import] skipped: no --module");

            // 3. The local report on the sample organisation, warm
            Log($"[local] the sample organisation ({sampleOrg})");
            results.Sample = LocalReportBench.SampleOrganisation(policyPath, sampleOrg, work, warmups: 3, runs: o.LocalRuns);
            Log($"  first run {results.Sample.FirstRunMs:0.0} ms; warm runs {string.Join(", ", results.Sample.RunsMs.Select(r => r.ToString("0.0")))} ms");

            // 4. Peak memory of the report at 20,000 users (local adapter, child process)
            Log($"[memory] generating an organisation of {o.MemoryUsers:N0} users and {o.Accounts} accounts");
            GeneratedOrganisation memoryOrg = OrganisationGenerator.Generate(Path.Combine(work, "memory-org"), o.MemoryUsers, o.Accounts, seed: 20, writeJournal: true);
            results.MemoryOrg = memoryOrg;
            results.Memory = LocalReportBench.MemoryInChild(memoryOrg, policyPath);
            Log($"  peak working set {results.Memory.PeakMB:0.0} MB, peak managed heap {results.Memory.PeakManagedMB:0.0} MB, {results.Memory.Ms:0} ms, {results.Memory.Findings} findings");

            // 5. A grant's cost as the journal grows (local adapter, 100 and 100,000 entries)
            Log($"[growth] grant and revoke pairs with a 100-entry and a {o.GrowthEntries:N0}-entry journal");
            results.Growth = JournalGrowthBench.Run(policyPath, work, 100, o.GrowthEntries, o.GrowthPairs, Log);
            Log($"  median grant {results.Growth.GrantMsSmall:0.0} ms (100 entries), {results.Growth.GrantMsLarge:0.0} ms ({o.GrowthEntries:N0}): ratio {results.Growth.GrantRatio:0.00}");

            // 6. Many organisations: Invoke-HwOrganisations.ps1 at parallelism 1, 4 and 8 (docs/decisions/0190)
            organisations:
            if (module is not null)
            {
                Log($"[organisations] {o.Organisations} organisations, {o.LatencyMs} ms Graph latency, parallelism 1, 4, 8");
                results.Organisations = await OrganisationsBench.RunAsync(module, repo, sampleOrg, o.Organisations, TimeSpan.FromMilliseconds(o.LatencyMs),
                    new[] { 1, 4, 8 }, work, Log).ConfigureAwait(false);
                Log($"  speed-up at 8 over 1: {results.Organisations.Speedup8:0.00}");
            }
            else
                Log("[organisations] skipped: no --module");
        }
        finally
        {
            if (!o.Keep)
                TryDelete(work);
            else
                Log($"kept {work}");
        }

        results.LoadAtEnd = LoadAverage();
        results.Machine = Machine();
        results.Machine["loadAverage1mAtStart"] = results.LoadAtStart;
        results.Machine["loadAverage1mAtEnd"] = results.LoadAtEnd;
        results.Settings = o;
        results.TotalSeconds = total.Elapsed.TotalSeconds;
        List<Row> rows = results.Rows();
        Console.WriteLine();
        Console.WriteLine(Table(rows));
        JsonObject json = results.ToJson(rows);
        string outPath = Path.GetFullPath(o.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllText(outPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        int failed = rows.Count(r => r.Pass == false);
        Console.WriteLine($"{rows.Count(r => r.Pass == true)} targets met, {failed} missed; results: {outPath} ({results.TotalSeconds:0} s; "
            + $"load average {results.LoadAtStart?.ToString("0.0") ?? "?"} at the start, {results.LoadAtEnd?.ToString("0.0") ?? "?"} at the end, {Environment.ProcessorCount} cores)");
        return o.Strict && failed > 0 ? 2 : 0;
    }

    private static string Table(List<Row> rows)
    {
        string[] head = { "metric", "value", "target", "result" };
        var cells = rows.Select(r => new[] { r.Metric, r.Value, r.Target ?? "", r.Pass is null ? "" : r.Pass.Value ? "PASS" : "FAIL" }).ToList();
        int[] width = Enumerable.Range(0, 4).Select(i => Math.Max(head[i].Length, cells.Max(c => c[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(string[] c) => sb.AppendLine("| " + string.Join(" | ", c.Select((x, i) => i == 1 ? x.PadLeft(width[i]) : x.PadRight(width[i]))) + " |");
        Line(head);
        sb.AppendLine("|" + string.Join("|", width.Select((w, i) => i == 1 ? new string('-', w + 1) + ":" : new string('-', w + 2))) + "|");
        foreach (string[] c in cells)
            Line(c);
        return sb.ToString().TrimEnd();
    }

    private static JsonObject Machine()
    {
        string? cpu = null;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["cpu"] = cpu,
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        };
    }

    /// <summary>The 1-minute load average (Linux), or null: how busy the machine was while it was measured.</summary>
    private static double? LoadAverage()
    {
        try
        {
            string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string FindRepo()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "HealthwatchPolicy.slnx")))
                    return d.FullName;
        throw new InvalidOperationException("Cannot find the repository (HealthwatchPolicy.slnx); pass --repo.");
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

internal sealed class Options
{
    public const string Usage = """
        usage: HealthwatchPolicy.Benchmarks --module <built .psd1> --out <results.json>
                 [--latency-ms 50] [--users 5000] [--accounts 200] [--memory-users 20000]
                 [--graph-runs 3] [--naive-concurrency 8] [--import-runs 5] [--local-runs 10]
                 [--growth-pairs 7] [--growth-entries 100000] [--organisations 150] [--only organisations]
                 [--repo <path>] [--keep] [--strict]
          --naive-concurrency 1 runs the naive reference one request at a time (about 2 minutes at 50 ms).
          --strict exits 2 when a target is missed (default: 0 once the bench has run).
        """;

    public string? Module { get; private set; }
    public string Out { get; private set; } = Path.Combine("out", "bench", "results.json");
    public string? Repo { get; private set; }
    public int LatencyMs { get; private set; } = 50;
    public int Users { get; private set; } = 5000;
    public int Accounts { get; private set; } = 200;
    public int MemoryUsers { get; private set; } = 20000;
    public int GraphRuns { get; private set; } = 3;
    public int NaiveConcurrency { get; private set; } = 8;
    public int ImportRuns { get; private set; } = 5;
    public int LocalRuns { get; private set; } = 10;
    public int GrowthPairs { get; private set; } = 7;
    public int GrowthEntries { get; private set; } = 100000;
    public int Organisations { get; private set; } = 150;
    public string? Only { get; private set; }
    public bool Keep { get; private set; }
    public bool Strict { get; private set; }
    public string? ChildMemory { get; private set; }
    public string? Policy { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int()
            {
                string name = args[i];
                return int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
                    ? n : throw new ArgumentException($"{name} needs a whole number.");
            }
            switch (args[i])
            {
                case "--module": o.Module = Next(); break;
                case "--out": o.Out = Next(); break;
                case "--repo": o.Repo = Next(); break;
                case "--latency-ms": o.LatencyMs = Int(); break;
                case "--users": o.Users = Int(); break;
                case "--accounts": o.Accounts = Int(); break;
                case "--memory-users": o.MemoryUsers = Int(); break;
                case "--graph-runs": o.GraphRuns = Math.Max(1, Int()); break;
                case "--naive-concurrency": o.NaiveConcurrency = Math.Max(1, Int()); break;
                case "--import-runs": o.ImportRuns = Math.Max(1, Int()); break;
                case "--local-runs": o.LocalRuns = Math.Max(1, Int()); break;
                case "--growth-pairs": o.GrowthPairs = Math.Max(1, Int()); break;
                case "--growth-entries": o.GrowthEntries = Math.Max(100, Int()); break;
                case "--organisations": o.Organisations = Math.Max(1, Int()); break;
                case "--only": o.Only = Next() is "organisations" ? "organisations" : throw new ArgumentException("--only takes: organisations."); break;
                case "--keep": o.Keep = true; break;
                case "--strict": o.Strict = true; break;
                case "--child-memory": o.ChildMemory = Next(); break;
                case "--policy": o.Policy = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (o.ChildMemory is not null && o.Policy is null)
            throw new ArgumentException("--child-memory needs --policy.");
        if (o.Module is not null && !File.Exists(o.Module))
            throw new ArgumentException($"--module '{o.Module}' does not exist (build first: dotnet pwsh ./build.ps1 -Task Build).");
        return o;
    }
}
