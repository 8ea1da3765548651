using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Benchmarks;

internal sealed class JournalGrowthResult
{
    public required int SmallEntries { get; init; }
    public required int LargeEntries { get; init; }
    public required int Pairs { get; init; }
    public required double GrantMsSmall { get; init; }
    public required double GrantMsLarge { get; init; }
    public required double RevokeMsSmall { get; init; }
    public required double RevokeMsLarge { get; init; }
    public required double[] GrantRunsMsSmall { get; init; }
    public required double[] GrantRunsMsLarge { get; init; }
    public required double LargeJournalMB { get; init; }
    public required double GenerateSeconds { get; init; }
    public required string Account { get; init; }
    public required string User { get; init; }
    /// <summary>Reads of directory.json and acquisitions of directory.lock per timed grant (LocalDirectory's own counters).</summary>
    public required double DirectoryReadsPerGrant { get; init; }
    public required double DirectoryLocksPerGrant { get; init; }
    public double GrantRatio => GrantMsLarge / GrantMsSmall;
}

/// <summary>
/// A grant's cost as the journal grows: the same grant and revoke, through the engine on the local adapter, against
/// one small organisation with a short journal (100 entries) and with a long one (100,000 entries). Both journals are
/// written by the engine's own <see cref="FileJournal"/>, so their hash chain and head are the real ones; pairs on
/// the two journals alternate, so a change in the machine's load falls on both alike.
/// </summary>
internal static class JournalGrowthBench
{
    private const string PolicyVersion = "2018.10";

    public static JournalGrowthResult Run(string policyPath, string workFolder, int smallEntries, int largeEntries, int pairs, Action<string> log)
    {
        GeneratedOrganisation org = OrganisationGenerator.Generate(Path.Combine(workFolder, "growth-org"), 200, 20, seed: 10, writeJournal: false);
        string smallState = Path.Combine(workFolder, "growth-state-small");
        string largeState = Path.Combine(workFolder, "growth-state-large");
        var engine = new HwEngine(policyPath, "unused");

        // Someone the policy lets post to an account they are not on yet (found by asking the engine, on the short journal).
        WriteJournal(smallState, smallEntries);
        HwServices small = engine.ConnectLocal(org.Folder, smallState, null);
        (string account, string user) = FindGrantablePair(small);

        var generate = Stopwatch.StartNew();
        WriteJournal(largeState, largeEntries);
        generate.Stop();
        JournalVerification check = new FileJournal(largeState, SystemClock()).Verify();
        if (!check.IsValid || check.EntryCount != largeEntries)
            throw new InvalidOperationException($"The generated journal is not valid: {check.Problem} ({check.EntryCount} entries).");
        double largeMB = new FileInfo(Path.Combine(largeState, "journal.jsonl")).Length / 1024.0 / 1024.0;
        log($"  {largeEntries:N0}-entry journal written by FileJournal in {generate.Elapsed.TotalSeconds:0.0} s ({largeMB:0.0} MB), verified");
        HwServices large = new HwEngine(policyPath, "unused").ConnectLocal(org.Folder, largeState, null);

        var grants = new Dictionary<HwServices, List<double>> { [small] = new(), [large] = new() };
        int reads = 0, locks = 0;
        var revokes = new Dictionary<HwServices, List<double>> { [small] = new(), [large] = new() };
        void Pair(HwServices session, bool measured)
        {
            var directory = (LocalDirectory)session.Session.Directory;
            int readsBefore = directory.DocumentReads, locksBefore = directory.LockAcquisitions;
            var sw = Stopwatch.StartNew();
            if (!session.Access.Grant(account, user, "bench: journal growth").Changed)
                throw new InvalidOperationException($"The bench grant of {user} to {account} changed nothing.");
            double grant = sw.Elapsed.TotalMilliseconds;
            if (measured)
            {
                reads += directory.DocumentReads - readsBefore;
                locks += directory.LockAcquisitions - locksBefore;
            }
            sw.Restart();
            if (!session.Access.Revoke(account, user, "bench: journal growth").Changed)
                throw new InvalidOperationException($"The bench revoke of {user} from {account} changed nothing.");
            double revoke = sw.Elapsed.TotalMilliseconds;
            if (measured)
            {
                grants[session].Add(grant);
                revokes[session].Add(revoke);
            }
        }
        Pair(small, measured: false); // warm-up: JIT, file cache
        Pair(large, measured: false);
        for (int i = 0; i < pairs; i++)
        {
            Pair(small, measured: true);
            Pair(large, measured: true);
        }
        log($"  grant ms, {smallEntries} entries: {string.Join(", ", grants[small].Select(t => t.ToString("0.0")))}");
        log($"  grant ms, {largeEntries:N0} entries: {string.Join(", ", grants[large].Select(t => t.ToString("0.0")))}");
        return new JournalGrowthResult
        {
            SmallEntries = smallEntries,
            LargeEntries = largeEntries,
            Pairs = pairs,
            GrantMsSmall = Stats.Median(grants[small]),
            GrantMsLarge = Stats.Median(grants[large]),
            RevokeMsSmall = Stats.Median(revokes[small]),
            RevokeMsLarge = Stats.Median(revokes[large]),
            GrantRunsMsSmall = grants[small].ToArray(),
            GrantRunsMsLarge = grants[large].ToArray(),
            LargeJournalMB = largeMB,
            GenerateSeconds = generate.Elapsed.TotalSeconds,
            Account = account,
            User = user,
            DirectoryReadsPerGrant = reads / (2.0 * pairs),
            DirectoryLocksPerGrant = locks / (2.0 * pairs),
        };
    }

    private static (string Account, string User) FindGrantablePair(HwServices session)
    {
        IReadOnlyList<DirectoryUser> users = session.Register.CachedUsers();
        foreach (OfficialAccount a in session.Register.GetAccounts().Where(a => a.PosterCount < session.Policy.Parameters.MaxPostersPerAccount))
            foreach (DirectoryUser u in users.Where(u => !a.PosterIds.Contains(u.Id, StringComparer.OrdinalIgnoreCase)).Take(40))
                if (session.Access.Grant(a.Name, u.UserPrincipalName, "bench: finding a grantable pair").Changed)
                {
                    session.Access.Revoke(a.Name, u.UserPrincipalName, "bench: finding a grantable pair");
                    return (a.Name, u.UserPrincipalName);
                }
        throw new InvalidOperationException("No account and user the policy allows to grant in the generated organisation.");
    }

    /// <summary>
    /// Writes <paramref name="entries"/> grant and revoke entries into <paramref name="stateFolder"/> with the engine's
    /// <see cref="FileJournal.Append"/>, one entry after another in the state folder: an append finds the tail from
    /// journal.head and the last line (issue 10, item 7), so writing 100,000 entries this way is linear.
    /// </summary>
    private static void WriteJournal(string stateFolder, int entries)
    {
        Directory.CreateDirectory(stateFolder);
        var clock = new Stepping(new DateTimeOffset(2020, 1, 6, 9, 0, 0, TimeSpan.Zero));
        var journal = new FileJournal(stateFolder, clock);
        for (int i = 0; i < entries; i++)
            journal.Append(Record(i));
    }

    /// <summary>Grants and revokes on 20 accounts by 400 people, as a busy organisation's journal holds them.</summary>
    private static JournalRecord Record(int i)
    {
        bool grant = i % 2 == 0;
        string account = $"facebook-page{i / 2 % 20:D2}";
        string user = $"person{i / 2 % 400:D3}@hwsefton.example";
        return new JournalRecord("daniel.okafor@hwsefton.example", grant ? JournalActions.PostingAccessGranted : JournalActions.PostingAccessRevoked,
            account, user, grant ? "Covers the events calendar" : "No longer on the events team", PolicyVersion,
            new JsonObject { ["member"] = !grant }, new JsonObject { ["member"] = grant });
    }

    private static TimeProvider SystemClock() => new Stepping(DateTimeOffset.UtcNow);

    private sealed class Stepping : TimeProvider
    {
        private DateTimeOffset _now;

        public Stepping(DateTimeOffset start) => _now = start;

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMinutes(3);
    }
}
