using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Benchmarks;

internal sealed class ImportModuleResult
{
    public required double Ms { get; init; }
    public required double[] RunsMs { get; init; }
    public required double ProcessMs { get; init; }
    public required double[] ProcessRunsMs { get; init; }
    public required double PwshBaselineMs { get; init; }
    public required bool GraphLoaded { get; init; }
    public required string[] GraphAssembliesAfterImport { get; init; }
    public required string[] GraphAssembliesAfterLocalCommand { get; init; }
    public required bool EngineLoadedByImport { get; init; }
    public required string LocalCommand { get; init; }
}

/// <summary>
/// Import-Module of the built module in fresh <c>dotnet pwsh</c> processes: the time inside the child
/// (Measure-Command around Import-Module), the child process as a whole, an empty pwsh for comparison, and whether
/// any Microsoft.Graph* or Azure.Identity assembly is loaded after the import and after a local command.
/// </summary>
internal static class ImportModuleBench
{
    private const string Marker = "BENCH:";
    public const string LocalCommand = "Get-HwPolicy; Connect-HwDirectory -Sample -Path <temp>; Get-HwComplianceReport -Summary";

    private const string GraphCheck = """
        function Get-GraphAssemblies {
            @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } |
                Where-Object { $_ -like 'Microsoft.Graph*' -or $_ -like 'Azure.Identity*' } | Sort-Object -Unique)
        }
        """;

    public static ImportModuleResult Run(string psd1, string workingDirectory, int runs, Action<string> log)
    {
        string quoted = "'" + psd1.Replace("'", "''") + "'";
        string importOnly = GraphCheck + $$"""

            $ErrorActionPreference = 'Stop'
            $ms = (Measure-Command { Import-Module -Name {{quoted}} }).TotalMilliseconds
            $engine = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HealthwatchPolicy.Engine' }).Count -gt 0
            '{{Marker}}' + (@{ importMs = $ms; graph = @(Get-GraphAssemblies); engineLoaded = $engine } | ConvertTo-Json -Compress)
            """;
        string withLocalCommand = GraphCheck + $$"""

            $ErrorActionPreference = 'Stop'
            Import-Module -Name {{quoted}}
            $afterImport = @(Get-GraphAssemblies)
            $target = Join-Path ([IO.Path]::GetTempPath()) ('hw-bench-import-' + [guid]::NewGuid().ToString('N'))
            try {
                $null = Get-HwPolicy
                $null = Connect-HwDirectory -Sample -Path $target
                $summary = Get-HwComplianceReport -Summary
                $afterCommand = @(Get-GraphAssemblies)
                Disconnect-HwDirectory
            } finally {
                if (Test-Path $target) { Remove-Item -Recurse -Force $target }
            }
            '{{Marker}}' + (@{ afterImport = $afterImport; afterCommand = $afterCommand; ran = ($null -ne $summary) } | ConvertTo-Json -Compress)
            """;

        log("  warm-up: one pwsh start and import, not counted");
        Pwsh("exit 0", workingDirectory, expectMarker: false);
        Pwsh(importOnly, workingDirectory, expectMarker: true);

        var baseline = new List<double>();
        for (int i = 0; i < runs; i++)
            baseline.Add(Pwsh("exit 0", workingDirectory, expectMarker: false).ProcessMs);
        log($"  empty pwsh: {string.Join(", ", baseline.Select(b => b.ToString("0")))} ms");

        var inside = new List<double>();
        var process = new List<double>();
        var graphAfterImport = new SortedSet<string>(StringComparer.Ordinal);
        bool engineLoaded = false;
        for (int i = 0; i < runs; i++)
        {
            (JsonObject? result, double processMs) = Pwsh(importOnly, workingDirectory, expectMarker: true);
            inside.Add((double)result!["importMs"]!);
            process.Add(processMs);
            foreach (JsonNode? n in result["graph"] as JsonArray ?? new JsonArray())
                graphAfterImport.Add((string)n!);
            engineLoaded |= (bool)result["engineLoaded"]!;
            log($"  import run {i + 1}: {inside[^1]:0} ms inside pwsh, {processMs:0} ms for the whole process");
        }

        (JsonObject? local, _) = Pwsh(withLocalCommand, workingDirectory, expectMarker: true);
        if (local?["ran"] is not JsonValue ran || !ran.GetValue<bool>())
            throw new InvalidOperationException("The local command in the import child did not produce a report summary.");
        foreach (JsonNode? n in local["afterImport"] as JsonArray ?? new JsonArray())
            graphAfterImport.Add((string)n!);
        string[] afterCommand = (local["afterCommand"] as JsonArray ?? new JsonArray()).Select(n => (string)n!).ToArray();
        log($"  after import + local command: Graph/Azure.Identity assemblies loaded: {(graphAfterImport.Count + afterCommand.Length == 0 ? "none" : string.Join(", ", graphAfterImport.Concat(afterCommand)))}");

        return new ImportModuleResult
        {
            Ms = Stats.Median(inside),
            RunsMs = inside.ToArray(),
            ProcessMs = Stats.Median(process),
            ProcessRunsMs = process.ToArray(),
            PwshBaselineMs = Stats.Median(baseline),
            GraphLoaded = graphAfterImport.Count > 0 || afterCommand.Length > 0,
            GraphAssembliesAfterImport = graphAfterImport.ToArray(),
            GraphAssembliesAfterLocalCommand = afterCommand,
            EngineLoadedByImport = engineLoaded,
            LocalCommand = LocalCommand,
        };
    }

    /// <summary>Runs <c>dotnet pwsh -NoProfile -NonInteractive -Command script</c>; returns the marker line's JSON and the wall time.</summary>
    private static (JsonObject? Result, double ProcessMs) Pwsh(string script, string workingDirectory, bool expectMarker)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet pwsh.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        sw.Stop();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"dotnet pwsh exited with {p.ExitCode}.\n{stdout}\n{stderr.Result}");
        if (!expectMarker)
            return (null, sw.Elapsed.TotalMilliseconds);
        string? line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (line is null)
            throw new InvalidOperationException($"dotnet pwsh printed no result line.\n{stdout}\n{stderr.Result}");
        return ((JsonObject)JsonNode.Parse(line.Substring(Marker.Length))!, sw.Elapsed.TotalMilliseconds);
    }
}
