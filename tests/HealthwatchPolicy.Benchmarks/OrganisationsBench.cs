using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>Organisations per minute of one run over many organisations at one parallelism, and the run's peak memory.</summary>
internal sealed record OrganisationsRun(int Parallelism, int Organisations, int Failed, double Seconds, double PerMinute, double PeakMB);

/// <summary>The organisations figures: runs at each parallelism and the speed-up at 8 over 1.</summary>
internal sealed record OrganisationsResult(int Organisations, int LatencyMs, IReadOnlyList<OrganisationsRun> Runs)
{
    public double Speedup8 => Runs.FirstOrDefault(r => r.Parallelism == 8) is { } r8 && Runs.FirstOrDefault(r => r.Parallelism == 1) is { } r1 && r1.PerMinute > 0
        ? r8.PerMinute / r1.PerMinute : 0;
    public double PeakMB => Runs.Count == 0 ? 0 : Runs.Max(r => r.PeakMB);
}

/// <summary>
/// deploy/organisations/Invoke-HwOrganisations.ps1 over N organisations (each a SharePoint site of its own on the
/// in-process fake Graph holding the sample organisation, with the given latency on every request), signed in with
/// the managed identity of the fake sign-in server, in a fresh <c>dotnet pwsh</c> per parallelism. The time is
/// measured inside pwsh around the runner (module import in each runspace included, pwsh start-up not); the peak
/// memory is the pwsh process's peak working set at the end.
/// </summary>
internal static class OrganisationsBench
{
    private const string Marker = "HWBENCH-ORGS ";

    public static async Task<OrganisationsResult> RunAsync(string module, string repo, string sampleOrg, int organisations, TimeSpan latency,
        int[] parallelism, string work, Action<string> log)
    {
        await using FakeGraphServer fake = await FakeGraphServer.StartAsync().ConfigureAwait(false);
        await using FakeSignInServer signIn = await FakeSignInServer.StartAsync().ConfigureAwait(false);
        fake.LoadOrganisation(Path.Combine(sampleOrg, "directory.json"));
        string runner = Path.Combine(repo, "deploy", "organisations", "Invoke-HwOrganisations.ps1");
        var runs = new List<OrganisationsRun>();
        foreach (int p in parallelism)
        {
            // Fresh sites for every run: each organisation starts from an empty store, as the first run of a month does.
            var orgs = new JsonArray();
            for (int i = 1; i <= organisations; i++)
            {
                string name = $"p{p}-org-{i:000}";
                fake.AddSite("hwsefton.sharepoint.com", "/sites/" + name);
                orgs.Add(new JsonObject { ["name"] = name, ["tenantId"] = "00000000-0000-4000-8000-00000000f4e1", ["stateSite"] = "https://hwsefton.sharepoint.com/sites/" + name });
            }
            string dir = Path.Combine(work, "organisations-p" + p);
            Directory.CreateDirectory(dir);
            string tenants = Path.Combine(dir, "tenants.json");
            File.WriteAllText(tenants, new JsonObject { ["organisations"] = orgs }.ToJsonString());
            fake.Faults.Latency = latency;
            string script =
                $"$env:IDENTITY_ENDPOINT = '{signIn.ManagedIdentityEndpoint}'; $env:IDENTITY_HEADER = '{signIn.IdentityHeader}'; " +
                $"$sw = [Diagnostics.Stopwatch]::StartNew(); " +
                $"$r = @(& '{runner}' -TenantsFile '{tenants}' -SummaryPath '{Path.Combine(dir, "summaries")}' -ThrottleLimit {p} -GraphEndpoint '{fake.BaseUrl}' -ModulePath '{module}'); " +
                $"$sw.Stop(); $me = [Diagnostics.Process]::GetCurrentProcess(); $me.Refresh(); " +
                $"'{Marker}' + (@{{ seconds = $sw.Elapsed.TotalSeconds; count = $r.Count; failed = @($r | Where-Object Failed).Count; " +
                $"errors = @($r | Where-Object Failed | Select-Object -First 3 | ForEach-Object {{ $_.Organisation + ': ' + ($_.Errors -join '; ') }}); peakBytes = $me.PeakWorkingSet64 }} | ConvertTo-Json -Compress)";
            JsonObject result = Pwsh(script, repo);   // dotnet pwsh: the local tool of the repository's manifest
            fake.Faults.Latency = TimeSpan.Zero;
            double seconds = result["seconds"]!.GetValue<double>();
            int count = result["count"]!.GetValue<int>(), failed = result["failed"]!.GetValue<int>();
            if (count != organisations || failed > 0)
                throw new InvalidOperationException($"The run at parallelism {p} returned {count} results with {failed} failed: {result["errors"]?.ToJsonString()}");
            var run = new OrganisationsRun(p, organisations, failed, seconds, organisations / (seconds / 60), result["peakBytes"]!.GetValue<long>() / 1024.0 / 1024.0);
            runs.Add(run);
            log($"  parallelism {p}: {organisations} organisations in {seconds:0.0} s = {run.PerMinute:0.0} per minute; peak working set {run.PeakMB:0} MB");
        }
        return new OrganisationsResult(organisations, (int)latency.TotalMilliseconds, runs);
    }

    private static JsonObject Pwsh(string script, string workingDirectory)
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
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet pwsh.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string? line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (p.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"dotnet pwsh exited with {p.ExitCode} (no result line: {line is null}).\n{stdout}\n{stderr.Result}");
        return (JsonObject)JsonNode.Parse(line.Substring(Marker.Length))!;
    }
}
