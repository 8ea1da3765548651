using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Benchmarks;

internal sealed class GraphReportResult
{
    public required MinimumPlan Minimum { get; init; }
    public required int RoundTrips { get; init; }
    public required int LogicalRequests { get; init; }
    public required double WallMs { get; init; }
    public required double[] RunsMs { get; init; }
    public required double FirstRunMs { get; init; }
    public required IReadOnlyDictionary<string, int> Breakdown { get; init; }
    /// <summary>Median time per run spent waiting on round trips (the rest is the engine, the SDK and the journal).</summary>
    public required double InRoundTripsMs { get; init; }
    public required int Findings { get; init; }
    public required int NaiveRoundTrips { get; init; }
    public required double NaiveWallMs { get; init; }
    public required int NaiveConcurrency { get; init; }
    public required bool SameFindings { get; init; }
    /// <summary>Export-HwComplianceReport with nothing piped: BuildReport (which runs the report) and the HTML.</summary>
    public required int ExportRoundTrips { get; init; }
    public required double ExportWallMs { get; init; }
}

/// <summary>
/// The compliance report through the real engine and Graph adapter against the loopback fake Graph with injected
/// latency, and the same report through <see cref="NaiveGraphDirectory"/>. Round trips are the fake's
/// <see cref="FakeGraphServer.HttpRequestCount"/> (a <c>$batch</c> counts once); a client-side recorder sorts them by kind.
/// </summary>
internal static class GraphReportBench
{
    private const string Token = "hw-bench-token";

    public static async Task<GraphReportResult> RunAsync(GeneratedOrganisation org, string policyPath, TimeSpan latency, int measuredRuns,
        int naiveConcurrency, Action<string> log)
    {
        await using FakeGraphServer fake = await FakeGraphServer.StartAsync().ConfigureAwait(false);
        fake.Faults.RetryAfterSeconds = 0;
        fake.LoadOrganisation(org.DirectoryJson);
        GraphConnectionOptions options = Options(fake.BaseUrl);

        // ---- the report through the adapter
        var recorder = new RoundTripRecorder();
        var directory = new GraphDirectory(GraphDirectoryFactory.CreateClient(options, recorder), options);
        HwServices session = new HwEngine(policyPath, "unused").ConnectTo(directory, "Graph", org.StateFolder, null, null);
        MinimumPlan minimum = MinimumPlan.FromDirectory(org.DirectoryJson, "HW-Posting-",
            session.Policy.Roles.Where(r => r.User is not null).Select(r => r.User!).ToList());
        fake.Faults.Latency = latency;

        log($"  warm-up report run ({latency.TotalMilliseconds:0} ms latency; the first connection, JIT)");
        fake.ResetCounters();
        var firstWatch = Stopwatch.StartNew();
        IReadOnlyList<ComplianceFinding> findings = session.Compliance.Run();
        firstWatch.Stop();
        log($"  first run: {fake.HttpRequestCount} round trips, {firstWatch.Elapsed.TotalMilliseconds:0} ms");
        var runs = new List<double>();
        int roundTrips = 0, logical = 0;
        Dictionary<string, int> breakdown = new();
        var inRoundTrips = new List<double>();
        for (int i = 0; i < measuredRuns; i++)
        {
            fake.ResetCounters();
            recorder.Reset();
            var sw = Stopwatch.StartNew();
            findings = session.Compliance.Run();
            sw.Stop();
            runs.Add(sw.Elapsed.TotalMilliseconds);
            int rt = fake.HttpRequestCount;
            if (i > 0 && rt != roundTrips)
                log($"  note: run {i + 1} took {rt} round trips, run 1 took {roundTrips}");
            roundTrips = Math.Max(roundTrips, rt);
            logical = fake.LogicalRequestCount;
            breakdown = recorder.Snapshot();
            inRoundTrips.Add(recorder.RoundTripMs);
            log($"  report run {i + 1}: {rt} round trips ({logical} logical requests, {string.Join(", ", breakdown.Select(b => $"{b.Value} {b.Key}"))}), "
                + $"{sw.Elapsed.TotalMilliseconds:0} ms of which {recorder.RoundTripMs:0} ms in round trips; {findings.Count} findings");
        }
        if (breakdown.Values.Sum() != roundTrips)
            log($"  note: the client saw {breakdown.Values.Sum()} round trips, the fake {roundTrips}");

        // ---- Export-HwComplianceReport with nothing piped: what the cmdlet calls (the report and its contacts), then the HTML
        fake.ResetCounters();
        var exportWatch = Stopwatch.StartNew();
        ComplianceReport report = session.Compliance.BuildReport();
        string html = ComplianceReportRenderer.ToHtml(report);
        exportWatch.Stop();
        int exportRoundTrips = fake.HttpRequestCount;
        log($"  export: {exportRoundTrips} round trips, {exportWatch.Elapsed.TotalMilliseconds:0} ms, {report.Findings.Count} findings, {html.Length / 1024} KB of HTML");

        // ---- the same report, the naive way (same SDK client setup, same fake, same latency)
        var naiveDirectory = new NaiveGraphDirectory(GraphDirectoryFactory.CreateClient(options), naiveConcurrency);
        HwServices naiveSession = new HwEngine(policyPath, "unused").ConnectTo(naiveDirectory, "Graph", org.StateFolder, null, null);
        fake.Faults.Latency = TimeSpan.Zero;
        naiveDirectory.FindUser("sarah.whitfield@hwsefton.example"); // JIT and connection warm-up, not counted
        fake.Faults.Latency = latency;
        fake.ResetCounters();
        log($"  naive reference run ({naiveConcurrency} request(s) at a time)");
        var naiveWatch = Stopwatch.StartNew();
        IReadOnlyList<ComplianceFinding> naiveFindings = naiveSession.Compliance.Run();
        naiveWatch.Stop();
        int naiveRoundTrips = fake.HttpRequestCount;
        log($"  naive run: {naiveRoundTrips} round trips, {naiveWatch.Elapsed.TotalMilliseconds:0} ms, {naiveFindings.Count} findings");

        return new GraphReportResult
        {
            Minimum = minimum,
            RoundTrips = roundTrips,
            LogicalRequests = logical,
            WallMs = Stats.Median(runs),
            RunsMs = runs.ToArray(),
            FirstRunMs = firstWatch.Elapsed.TotalMilliseconds,
            Breakdown = breakdown,
            InRoundTripsMs = Stats.Median(inRoundTrips),
            Findings = findings.Count,
            NaiveRoundTrips = naiveRoundTrips,
            NaiveWallMs = naiveWatch.Elapsed.TotalMilliseconds,
            NaiveConcurrency = naiveConcurrency,
            SameFindings = Keys(findings).SequenceEqual(Keys(naiveFindings)),
            ExportRoundTrips = exportRoundTrips,
            ExportWallMs = exportWatch.Elapsed.TotalMilliseconds,
        };
    }

    private static IEnumerable<string> Keys(IReadOnlyList<ComplianceFinding> findings) =>
        findings.Select(f => $"{f.RuleId}|{f.Account}|{f.Subject}").OrderBy(k => k, StringComparer.Ordinal);

    private static GraphConnectionOptions Options(string baseUrl)
    {
        var token = new SecureString();
        foreach (char c in Token)
            token.AppendChar(c);
        token.MakeReadOnly();
        return new GraphConnectionOptions
        {
            TenantId = "00000000-0000-4000-8000-00000000f4e1",
            AccessToken = token,
            GraphEndpoint = new Uri(baseUrl),
        };
    }

    /// <summary>
    /// The SDK pipeline's final handler: counts each HTTP round trip by kind (group pages, member batches, user
    /// batches, single user reads) and passes it on unchanged.
    /// </summary>
    private sealed class RoundTripRecorder : DelegatingHandler
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private long _ticks;

        public RoundTripRecorder() : base(new HttpClientHandler()) { }

        public void Reset()
        {
            _counts.Clear();
            Interlocked.Exchange(ref _ticks, 0);
        }

        /// <summary>Time spent in round trips (sent until the whole response arrived): latency, the fake's work, transfer.</summary>
        public double RoundTripMs => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks)).TotalMilliseconds;

        public Dictionary<string, int> Snapshot() => _counts.OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary(k => k.Key, k => k.Value);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri?.AbsolutePath ?? "";
            string kind;
            if (path.EndsWith("/$batch", StringComparison.Ordinal) && request.Content is not null)
            {
                // Buffering the content here is harmless: HttpClientHandler sends the buffered copy.
                string body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                kind = body.Contains("/members", StringComparison.Ordinal) ? "memberBatches"
                    : body.Contains("/users", StringComparison.Ordinal) ? "userBatches" : "otherBatches";
            }
            else if (path.Contains("/groups", StringComparison.Ordinal))
                kind = "groupPages";
            else if (path.Contains("/users", StringComparison.Ordinal))
                kind = "singleUserReads";
            else
                kind = "other";
            _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
            long start = Stopwatch.GetTimestamp();
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false); // the transfer belongs to the round trip
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
            return response;
        }
    }
}
