using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>One line of the printed table; <see cref="Pass"/> is null for a figure without a target.</summary>
internal sealed record Row(string Metric, string Value, string? Target, bool? Pass, string? Key = null);

/// <summary>Everything measured, the targets (issue 6 item 4), the table and results.json.</summary>
internal sealed class Results
{
    public const double MaxRatioToMinimum = 1.2;
    public const double MinNaiveToReportRoundTrips = 20;
    public const double MaxImportMs = 150;
    public const double MaxSampleReportMs = 1000;
    public const double MaxPeakMB = 200;
    public const double MaxGrantRatio100kTo100 = 1.5;
    public const double MinOrganisationsSpeedup8 = 4;

    public GraphReportResult? Graph { get; set; }
    public GeneratedOrganisation? GraphOrg { get; set; }
    public ImportModuleResult? Import { get; set; }
    public SampleReportResult? Sample { get; set; }
    public MemoryResult? Memory { get; set; }
    public JournalGrowthResult? Growth { get; set; }
    public OrganisationsResult? Organisations { get; set; }
    public GeneratedOrganisation? MemoryOrg { get; set; }
    public JsonObject? Machine { get; set; }
    public Options? Settings { get; set; }
    public double TotalSeconds { get; set; }
    public double? LoadAtStart { get; set; }
    public double? LoadAtEnd { get; set; }

    private double RatioToMin => Graph!.RoundTrips / (double)Graph.Minimum.Total;
    private double NaiveRoundTripRatio => Graph!.NaiveRoundTrips / (double)Graph.RoundTrips;
    private double NaiveWallRatio => Graph!.NaiveWallMs / Graph.WallMs;

    public List<Row> Rows()
    {
        var rows = new List<Row>();
        if (Graph is { } g)
        {
            string lat = $"{Settings!.LatencyMs} ms";
            rows.Add(new Row($"report.roundTrips (Graph, {lat} latency)", N(g.RoundTrips),
                $"<= {N(MaxRatioToMinimum * g.Minimum.Total, 1)} (1.2 x min)", null));
            rows.Add(new Row("report.minRoundTrips", N(g.Minimum.Total),
                $"{g.Minimum.GroupPages}+{g.Minimum.MemberBatches}{(g.Minimum.ExtraMemberPages > 0 ? "+" + g.Minimum.ExtraMemberPages : "")}+{g.Minimum.UserBatches}+{g.Minimum.PosterFactBatches}", null));
            rows.Add(new Row("report.roundTrips at the minimum", N(g.RoundTrips), $"= {N(g.Minimum.Total)} (min)", g.RoundTrips == g.Minimum.Total, "reportAtMinimum"));
            rows.Add(new Row("export.roundTrips (Export-HwComplianceReport)", N(g.ExportRoundTrips), $"= {N(g.Minimum.Total)} (min)", g.ExportRoundTrips == g.Minimum.Total, "exportAtMinimum"));
            rows.Add(new Row("report.wallMs", N(g.WallMs, 0), $"{N(g.InRoundTripsMs, 0)} in round trips", null));
            rows.Add(new Row($"naive.roundTrips", N(g.NaiveRoundTrips), null, null));
            rows.Add(new Row($"naive.wallMs ({g.NaiveConcurrency} concurrent)", N(g.NaiveWallMs, 0), null, null));
            rows.Add(new Row("ratio report / min round trips", N(RatioToMin, 2), $"<= {N(MaxRatioToMinimum, 2)}", RatioToMin <= MaxRatioToMinimum + 1e-9, "reportRoundTrips"));
            rows.Add(new Row("ratio naive / report round trips", N(NaiveRoundTripRatio, 1) + "x", $">= {N(MinNaiveToReportRoundTrips)}x", NaiveRoundTripRatio >= MinNaiveToReportRoundTrips, "fewerRequestsThanNaive"));
            rows.Add(new Row("ratio naive / report wall time", N(NaiveWallRatio, 1) + "x", "> 1x (faster)", NaiveWallRatio > 1, "fasterThanNaive"));
            rows.Add(new Row("naive and report findings identical", g.SameFindings ? "yes" : "no", "yes", g.SameFindings, "sameFindings"));
        }
        if (Import is { } i)
        {
            rows.Add(new Row($"importModule.ms (median of {i.RunsMs.Length}, in pwsh)", N(i.Ms, 0), $"<= {N(MaxImportMs)}", i.Ms <= MaxImportMs, "importModule"));
            rows.Add(new Row("importModule.processMs (whole dotnet pwsh)", N(i.ProcessMs, 0), $"empty pwsh {N(i.PwshBaselineMs, 0)}", null));
            rows.Add(new Row("importModule.graphLoaded", i.GraphLoaded ? "true" : "false", "false", !i.GraphLoaded, "graphNotLoaded"));
        }
        if (Sample is { } s)
            rows.Add(new Row("localReport.sampleOrg.ms (warm median)", N(s.Ms, 1), $"< {N(MaxSampleReportMs)}", s.Ms < MaxSampleReportMs, "localReport"));
        if (Memory is { } m)
            rows.Add(new Row($"memory.report20kUsers.peakMB ({MemoryOrg!.Users / 1000}k users)", N(m.PeakMB, 1), $"< {N(MaxPeakMB)}", m.PeakMB < MaxPeakMB, "memory"));
        if (Growth is { } j)
        {
            rows.Add(new Row($"journalGrowth.grantMs ({j.SmallEntries} entries, median of {j.Pairs})", N(j.GrantMsSmall, 1), null, null));
            rows.Add(new Row($"journalGrowth.grantMs ({j.LargeEntries:N0} entries)", N(j.GrantMsLarge, 1), null, null));
            rows.Add(new Row("journalGrowth.directoryReadsPerGrant", N(j.DirectoryReadsPerGrant, 1), $"{N(j.DirectoryLocksPerGrant, 1)} directory.lock", null));
            rows.Add(new Row("journalGrowth.grantRatio100kTo100", N(j.GrantRatio, 2), $"<= {N(MaxGrantRatio100kTo100, 1)}",
                j.GrantRatio <= MaxGrantRatio100kTo100, "journalGrowth"));
        }
        if (Organisations is { } og)
        {
            foreach (OrganisationsRun r in og.Runs)
                rows.Add(new Row($"organisations.perMinute (parallelism {r.Parallelism}, {og.Organisations} orgs, {og.LatencyMs} ms)", N(r.PerMinute, 1), null, null));
            rows.Add(new Row("organisations.peakMB (pwsh running the loop)", N(og.PeakMB, 0), null, null));
            rows.Add(new Row("organisations.speedup8 (8 over 1)", N(og.Speedup8, 2), $">= {N(MinOrganisationsSpeedup8)}", og.Speedup8 >= MinOrganisationsSpeedup8, "organisationsSpeedup8"));
        }
        return rows;
    }

    public JsonObject ToJson(List<Row> rows)
    {
        var root = new JsonObject
        {
            ["generatedAt"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ["machine"] = Machine,
        };
        if (Graph is { } g)
        {
            root["report"] = new JsonObject
            {
                ["roundTrips"] = g.RoundTrips,
                ["minRoundTrips"] = g.Minimum.Total,
                ["wallMs"] = R(g.WallMs),
                ["runsMs"] = Array(g.RunsMs),
                ["inRoundTripsMs"] = R(g.InRoundTripsMs),
                ["firstRunMs"] = R(g.FirstRunMs),
                ["logicalRequests"] = g.LogicalRequests,
                ["findings"] = g.Findings,
                ["breakdown"] = new JsonObject(g.Breakdown.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))),
                ["minimum"] = new JsonObject
                {
                    ["postingGroups"] = g.Minimum.PostingGroups,
                    ["registeredGroups"] = g.Minimum.RegisteredGroups,
                    ["distinctUsers"] = g.Minimum.DistinctUsers,
                    ["roleHolders"] = g.Minimum.RoleHolders,
                    ["groupPages"] = g.Minimum.GroupPages,
                    ["memberBatches"] = g.Minimum.MemberBatches,
                    ["extraMemberPages"] = g.Minimum.ExtraMemberPages,
                    ["userBatches"] = g.Minimum.UserBatches,
                    ["posterFactBatches"] = g.Minimum.PosterFactBatches,
                },
                ["latencyMs"] = Settings!.LatencyMs,
                ["organisation"] = Org(GraphOrg!),
            };
            root["export"] = new JsonObject
            {
                ["roundTrips"] = g.ExportRoundTrips,
                ["minRoundTrips"] = g.Minimum.Total,
                ["wallMs"] = R(g.ExportWallMs),
            };
            root["naive"] = new JsonObject
            {
                ["roundTrips"] = g.NaiveRoundTrips,
                ["wallMs"] = R(g.NaiveWallMs),
                ["concurrency"] = g.NaiveConcurrency,
                ["sameFindings"] = g.SameFindings,
            };
            root["ratios"] = new JsonObject
            {
                ["reportToMinRoundTrips"] = R(RatioToMin, 3),
                ["naiveToReportRoundTrips"] = R(NaiveRoundTripRatio, 2),
                ["naiveToReportWallTime"] = R(NaiveWallRatio, 2),
            };
        }
        if (Import is { } i)
            root["importModule"] = new JsonObject
            {
                ["ms"] = R(i.Ms),
                ["graphLoaded"] = i.GraphLoaded,
                ["processMs"] = R(i.ProcessMs),
                ["pwshBaselineMs"] = R(i.PwshBaselineMs),
                ["runsMs"] = Array(i.RunsMs),
                ["processRunsMs"] = Array(i.ProcessRunsMs),
                ["engineLoadedByImport"] = i.EngineLoadedByImport,
                ["graphAssembliesAfterImport"] = new JsonArray(i.GraphAssembliesAfterImport.Select(a => (JsonNode?)a).ToArray()),
                ["graphAssembliesAfterLocalCommand"] = new JsonArray(i.GraphAssembliesAfterLocalCommand.Select(a => (JsonNode?)a).ToArray()),
                ["localCommand"] = i.LocalCommand,
            };
        if (Sample is { } s)
            root["localReport"] = new JsonObject
            {
                ["sampleOrg"] = new JsonObject
                {
                    ["ms"] = R(s.Ms, 2),
                    ["runsMs"] = Array(s.RunsMs, 2),
                    ["firstRunMs"] = R(s.FirstRunMs),
                    ["findings"] = s.Findings,
                },
            };
        if (Memory is { } m)
            root["memory"] = new JsonObject
            {
                ["report20kUsers"] = new JsonObject
                {
                    ["peakMB"] = R(m.PeakMB),
                    ["peakManagedMB"] = R(m.PeakManagedMB),
                    ["baselineWorkingSetMB"] = R(m.BaselineWorkingSetMB),
                    ["allocatedMB"] = R(m.AllocatedMB),
                    ["ms"] = R(m.Ms),
                    ["findings"] = m.Findings,
                    ["organisation"] = Org(MemoryOrg!),
                },
            };
        if (Growth is { } j)
            root["journalGrowth"] = new JsonObject
            {
                ["grantRatio100kTo100"] = R(j.GrantRatio, 2),
                ["grantMs100"] = R(j.GrantMsSmall, 2),
                ["grantMs100k"] = R(j.GrantMsLarge, 2),
                ["revokeMs100"] = R(j.RevokeMsSmall, 2),
                ["revokeMs100k"] = R(j.RevokeMsLarge, 2),
                ["grantRunsMs100"] = Array(j.GrantRunsMsSmall, 2),
                ["grantRunsMs100k"] = Array(j.GrantRunsMsLarge, 2),
                ["entriesSmall"] = j.SmallEntries,
                ["entriesLarge"] = j.LargeEntries,
                ["pairs"] = j.Pairs,
                ["largeJournalMB"] = R(j.LargeJournalMB, 2),
                ["generateSeconds"] = R(j.GenerateSeconds),
                ["directoryReadsPerGrant"] = R(j.DirectoryReadsPerGrant, 2),
                ["directoryLocksPerGrant"] = R(j.DirectoryLocksPerGrant, 2),
                ["account"] = j.Account,
                ["user"] = j.User,
            };
        if (Organisations is { } og)
        {
            root["organisations"] = new JsonObject
            {
                ["organisations"] = og.Organisations,
                ["latencyMs"] = og.LatencyMs,
                ["runs"] = new JsonArray(og.Runs.Select(r => (JsonNode?)new JsonObject
                {
                    ["parallelism"] = r.Parallelism,
                    ["seconds"] = R(r.Seconds, 2),
                    ["perMinute"] = R(r.PerMinute, 1),
                    ["peakMB"] = R(r.PeakMB, 1),
                }).ToArray()),
                ["perMinute1"] = R(og.Runs.FirstOrDefault(r => r.Parallelism == 1)?.PerMinute ?? 0, 1),
                ["perMinute4"] = R(og.Runs.FirstOrDefault(r => r.Parallelism == 4)?.PerMinute ?? 0, 1),
                ["perMinute8"] = R(og.Runs.FirstOrDefault(r => r.Parallelism == 8)?.PerMinute ?? 0, 1),
                ["peakMB"] = R(og.PeakMB, 1),
                ["speedup8"] = R(og.Speedup8, 2),
            };
        }
        root["targets"] = new JsonArray(rows.Where(r => r.Pass is not null).Select(r => (JsonNode?)new JsonObject
        {
            ["name"] = r.Key,
            ["metric"] = r.Metric,
            ["value"] = r.Value,
            ["target"] = r.Target,
            ["pass"] = r.Pass,
        }).ToArray());
        root["settings"] = new JsonObject
        {
            ["latencyMs"] = Settings!.LatencyMs,
            ["users"] = Settings.Users,
            ["accounts"] = Settings.Accounts,
            ["memoryUsers"] = Settings.MemoryUsers,
            ["graphRuns"] = Settings.GraphRuns,
            ["naiveConcurrency"] = Settings.NaiveConcurrency,
            ["importRuns"] = Settings.ImportRuns,
            ["localRuns"] = Settings.LocalRuns,
            ["growthPairs"] = Settings.GrowthPairs,
            ["growthEntries"] = Settings.GrowthEntries,
        };
        root["totalSeconds"] = R(TotalSeconds);
        return root;
    }

    private static JsonObject Org(GeneratedOrganisation o) => new()
    {
        ["users"] = o.Users,
        ["accounts"] = o.Accounts,
        ["postingGroups"] = o.PostingGroups,
        ["otherGroups"] = o.OtherGroups,
        ["journalEntries"] = o.JournalEntries,
        ["directoryMB"] = R(o.DirectoryBytes / 1024.0 / 1024.0, 2),
    };

    private static double R(double v, int digits = 1) => Math.Round(v, digits);
    private static JsonArray Array(IEnumerable<double> values, int digits = 1) => new(values.Select(v => (JsonNode?)R(v, digits)).ToArray());
    private static string N(double v, int digits = 0) => v.ToString("N" + digits, CultureInfo.InvariantCulture);
}
