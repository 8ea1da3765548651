using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Benchmarks;

internal sealed class SampleReportResult
{
    public required double Ms { get; init; }
    public required double[] RunsMs { get; init; }
    public required double FirstRunMs { get; init; }
    public required int Findings { get; init; }
}

internal sealed class MemoryResult
{
    public required double PeakMB { get; init; }
    public required double PeakManagedMB { get; init; }
    public required double BaselineWorkingSetMB { get; init; }
    public required double AllocatedMB { get; init; }
    public required double Ms { get; init; }
    public required int Findings { get; init; }
}

/// <summary>The compliance report through the local adapter: warm on a copy of the sample organisation, and its peak memory at 20,000 users.</summary>
internal static class LocalReportBench
{
    private const string Marker = "BENCH:";

    /// <summary>Connects to a fresh copy of the bundled sample organisation (as Connect-HwDirectory -Sample does) and times Run() warm.</summary>
    public static SampleReportResult SampleOrganisation(string policyPath, string sampleOrganisation, string workFolder, int warmups, int runs)
    {
        var engine = new HwEngine(policyPath, sampleOrganisation);
        HwServices session = engine.ConnectSample(Path.Combine(workFolder, "sample-copy"), null);
        var first = Stopwatch.StartNew();
        IReadOnlyList<ComplianceFinding> findings = session.Compliance.Run();
        first.Stop();
        for (int i = 1; i < warmups; i++)
            session.Compliance.Run();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            findings = session.Compliance.Run();
            sw.Stop();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return new SampleReportResult { Ms = Stats.Median(times), RunsMs = times.ToArray(), FirstRunMs = first.Elapsed.TotalMilliseconds, Findings = findings.Count };
    }

    /// <summary>Runs the report once in a child process of this program (so nothing else is in its memory) and reads its peaks.</summary>
    public static MemoryResult MemoryInChild(GeneratedOrganisation org, string policyPath)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (string a in new[] { "--child-memory", org.Folder, "--policy", policyPath })
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the memory child.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string? line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (p.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The memory child failed ({p.ExitCode}).\n{stdout}\n{stderr.Result}");
        var o = (JsonObject)JsonNode.Parse(line.Substring(Marker.Length))!;
        return new MemoryResult
        {
            PeakMB = (double)o["peakWorkingSetMB"]!,
            PeakManagedMB = (double)o["peakManagedMB"]!,
            BaselineWorkingSetMB = (double)o["baselineWorkingSetMB"]!,
            AllocatedMB = (double)o["allocatedMB"]!,
            Ms = (double)o["ms"]!,
            Findings = (int)o["findings"]!,
        };
    }

    /// <summary>The child: connect to the organisation folder, run the report once, print the peaks.</summary>
    public static int ChildMemory(string organisationFolder, string policyPath)
    {
        const double MB = 1024.0 * 1024.0;
        long peakManaged = 0;
        var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            do
            {
                long now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref peakManaged))
                    Interlocked.Exchange(ref peakManaged, now);
            }
            while (!done.Wait(2));
        }) { IsBackground = true, Name = "managed-heap sampler" };

        using Process me = Process.GetCurrentProcess();
        var engine = new HwEngine(policyPath, "unused");
        me.Refresh();
        double baseline = me.WorkingSet64 / MB;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        sampler.Start();
        var sw = Stopwatch.StartNew();
        HwServices session = engine.ConnectLocal(organisationFolder, Path.Combine(organisationFolder, "state"), null);
        IReadOnlyList<ComplianceFinding> findings = session.Compliance.Run();
        sw.Stop();
        done.Set();
        sampler.Join();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long managed = Math.Max(Interlocked.Read(ref peakManaged), GC.GetTotalMemory(false));
        me.Refresh();
        var result = new JsonObject
        {
            ["peakWorkingSetMB"] = Math.Round(me.PeakWorkingSet64 / MB, 1),
            ["peakManagedMB"] = Math.Round(managed / MB, 1),
            ["baselineWorkingSetMB"] = Math.Round(baseline, 1),
            ["allocatedMB"] = Math.Round(allocated / MB, 1),
            ["ms"] = Math.Round(sw.Elapsed.TotalMilliseconds, 1),
            ["findings"] = findings.Count,
        };
        Console.WriteLine(Marker + result.ToJsonString());
        return 0;
    }
}
