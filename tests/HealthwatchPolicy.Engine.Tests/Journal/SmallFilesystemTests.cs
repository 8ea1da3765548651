using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using Xunit.Abstractions;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// Issue 13 acceptance, "a write-failure test": the state folder (journal, head, reviews, locks) on a real 48 KB tmpfs,
/// pre-filled so that space runs out at a different point in each round, and grants and revocations made until the
/// writes fail. Asserted every round: no torn line (the journal verifies, so Repair-HwAuditLog is never needed), every
/// outcome reported is true (an operation reported done is in the directory and is the next journal entry; one
/// reported failed left no entry), a change applied and journaled whose head could not be written is reported done
/// with a warning, and a failed operation whose directory change had been made before the failure is not silent at the
/// next run (the compliance report flags the disagreement between the directory and the journal's last word).
/// Where mount is not permitted (not root, no CAP_SYS_ADMIN), the same operations run with the fault injected at the
/// file layer's seam; the output says which ran. docs/decisions/0155-write-failures-on-a-real-small-filesystem.md.
/// </summary>
public sealed class SmallFilesystemTests : IDisposable
{
    private const int FilesystemBytes = 48 * 1024;
    private readonly ITestOutputHelper _output;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hw-smallfs-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly string _mount;
    private readonly bool _mounted;

    public SmallFilesystemTests(ITestOutputHelper output)
    {
        _output = output;
        _mount = Path.Combine(_root, "fs");
        Directory.CreateDirectory(_mount);
        (_mounted, string why) = Mount(_mount);
        _output.WriteLine(_mounted
            ? $"Using a real {FilesystemBytes / 1024} KB tmpfs at {_mount}."
            : $"mount was not permitted ({why}); using the fault-injecting seam of the file layer instead.");
    }

    private static (bool Ok, string Why) Mount(string dir)
    {
        // Lets the fallback be run on purpose where mount works (HW_SMALLFS_SEAM=1).
        if (Environment.GetEnvironmentVariable("HW_SMALLFS_SEAM") == "1")
            return (false, "HW_SMALLFS_SEAM=1");
        if (!OperatingSystem.IsLinux())
            return (false, "not Linux");
        try
        {
            var psi = new ProcessStartInfo("mount", $"-t tmpfs -o size={FilesystemBytes / 1024}k,mode=700 tmpfs \"{dir}\"")
            { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? (true, "") : (false, err.Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (false, ex.Message);
        }
    }

    [Fact]
    public void Grants_and_revocations_until_the_disk_is_full_leave_no_torn_line_and_every_outcome_true()
    {
        if (!_mounted)
        {
            SeamFallback();
            return;
        }
        var seen = new Totals();
        // Leave 0.5 KB .. 20 KB free, in steps that are not a multiple of a page, so each round runs out at another point
        // of a line, of a page and of the head's temporary file.
        for (int free = 512; free <= 20 * 1024; free += 1411)
            Round(free, seen);
        _output.WriteLine($"Rounds: done {seen.Done}, done with a warning {seen.Warned}, failed {seen.Failed} ({string.Join(", ", seen.FailureIds.Distinct())}), "
            + $"failed after the directory change {seen.FailedAfterDirectory}.");
        // The sweep must have reached every case it claims to test, or it tested nothing.
        Assert.True(seen.Done > 0, "no operation succeeded");
        Assert.True(seen.Failed > 0, "the disk never filled");
        Assert.True(seen.Warned > 0, "no round reached 'entry written, head not'");
    }

    private sealed class Totals
    {
        public int Done, Warned, Failed, FailedAfterDirectory;
        public readonly List<string> FailureIds = new();
    }

    private void Round(int freeBytes, Totals totals)
    {
        foreach (string entry in Directory.GetFileSystemEntries(_mount))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, true);
            else
                File.Delete(entry);
        }
        using var org = new TestOrg(); // the directory lives on the ordinary disk: only the state runs out of space
        string state = Path.Combine(_mount, "state");
        string mirrors = Path.Combine(_root, "mirrors-" + freeBytes);
        var clock = new TestClock();
        var engine = new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = mirrors };
        HwServices session = engine.ConnectTo(new LocalDirectory(org.Folder), "Test", state, null, clock);
        string account = session.Register.Create("Facebook", "smallfs", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page").Name;
        session.Session.TakeWarnings();
        string journalPath = Path.Combine(state, "journal.jsonl");
        // Each change is an intent and then its outcome (decision 0150); an intent left open by a failed outcome write is
        // closed by the next change (its reconciled outcome). What a reported outcome must be true to: the outcome entries
        // the operations themselves wrote.
        int setupEntries = OwnOutcomes(journalPath).Count;
        Fill(freeBytes);

        string[] people = { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3 };
        var expected = new List<(string Action, string User)>();
        int consecutiveFailures = 0;
        for (int op = 0; op < 400 && consecutiveFailures < 6; op++)
        {
            clock.UtcNow = clock.UtcNow.AddMinutes(1);
            string user = people[op % 3];
            bool poster = Posters(session, account).Contains(user);
            bool grant = !poster;
            try
            {
                AccessOutcome outcome = grant
                    ? session.Access.Grant(account, user, $"op {op}")
                    : session.Access.Revoke(account, user, $"op {op}");
                IReadOnlyList<string> warnings = session.Session.TakeWarnings();
                Assert.True(outcome.Changed, $"op {op}: {(grant ? "grant" : "revoke")} of {user} changed nothing ({outcome.Refusals.FirstOrDefault()?.Message})");
                // Reported done: the directory has it, and it is the next entry of the journal.
                Assert.Equal(grant, Posters(session, account).Contains(user));
                expected.Add((grant ? JournalActions.PostingAccessGranted : JournalActions.PostingAccessRevoked, user));
                List<JsonObject> lines = OwnOutcomes(journalPath);
                Assert.Equal(setupEntries + expected.Count, lines.Count);
                Assert.Equal(expected[^1].Action, (string?)lines[^1]["action"]);
                Assert.Equal(user, (string?)lines[^1]["user"]);
                List<JsonObject> all = JournalLines(journalPath);
                Assert.Equal(expected[^1].Action, (string?)all[^1]["action"]); // its outcome is the last entry: nothing left open
                // A head that did not move to the entry: the operation is still done, and says so in a warning.
                long head = HeadSequence(state);
                if (head < (long)all[^1]["seq"]!)
                {
                    Assert.Contains(warnings, w => w.Contains("head could not be updated", StringComparison.Ordinal));
                    totals.Warned++;
                }
                totals.Done++;
                consecutiveFailures = 0;
            }
            catch (HwException e)
            {
                session.Session.TakeWarnings();
                Assert.True(e.ErrorId is ErrorIds.JournalWriteFailed or ErrorIds.FileWriteFailed or ErrorIds.StateNotWritable,
                    $"op {op} failed with {e.ErrorId}, not a write failure: {e.Message}");
                totals.Failed++;
                totals.FailureIds.Add(e.ErrorId);
                consecutiveFailures++;
                // Reported failed: no outcome for it (and no part of one); at most its intent, left open for the next change.
                Assert.Equal(setupEntries + expected.Count, OwnOutcomes(journalPath).Count);
                if (Posters(session, account).Contains(user) == grant)
                    totals.FailedAfterDirectory++;
            }
            // Never a torn line, and never a chain that a later change would refuse.
            Assert.True(File.Exists(journalPath) && File.ReadAllBytes(journalPath) is { Length: > 0 } bytes && bytes[^1] == (byte)'\n',
                $"op {op}: the journal does not end with a whole line");
        }

        // The next run, with space again: the journal verifies as it is (Repair-HwAuditLog has nothing to do), changes go
        // on, and any directory change the journal does not have is on the report.
        File.Delete(Path.Combine(_mount, "filler"));
        var next = new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = mirrors }
            .ConnectTo(new LocalDirectory(org.Folder), "Test", state, null, clock);
        JournalVerification v = next.Journal.Verify();
        Assert.True(v.IsValid, $"free {freeBytes}: {v.Problem}");
        Assert.Null(next.Journal.RepairTornTail(new JournalRecord("t", JournalActions.JournalRepaired, null, null, "check", "x", null, null)));
        IReadOnlyList<ComplianceFinding> findings = next.Compliance.Run();
        HashSet<string> posters = Posters(next, account);
        var lastWord = new Dictionary<string, string>();
        foreach (JsonObject line in JournalLines(journalPath))
            if ((string?)line["account"] == account && (string?)line["user"] is { } u
                && (string?)line["action"] is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked)
                lastWord[u] = (string)line["action"]!;
        foreach (string person in people)
        {
            bool journaledPoster = lastWord.TryGetValue(person, out string? w) && w == JournalActions.PostingAccessGranted;
            if (journaledPoster != posters.Contains(person))
                Assert.Contains(findings, f => f.RuleId is "HW-AUT-001" or "HW-AUT-003" or "HW-AUT-004"
                    && (f.Subject.Contains(person, StringComparison.OrdinalIgnoreCase) || f.RuleId == "HW-AUT-004"));
        }
        clock.UtcNow = clock.UtcNow.AddMinutes(1);
        string after = posters.Contains(TestOrg.Staff1) ? "revoke" : "grant";
        AccessOutcome last = after == "grant" ? next.Access.Grant(account, TestOrg.Staff1, "after the disk was freed") : next.Access.Revoke(account, TestOrg.Staff1, "after the disk was freed");
        Assert.True(last.Changed);
        Assert.True(next.Journal.Verify().IsValid, next.Journal.Verify().Problem);
        // That change first closed any intent left open: now the journal's last word and the directory agree for everyone.
        HashSet<string> postersNow = Posters(next, account);
        var lastWordNow = new Dictionary<string, string>();
        foreach (JsonObject line in JournalLines(journalPath))
            if ((string?)line["account"] == account && (string?)line["user"] is { } u
                && (string?)line["action"] is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked)
                lastWordNow[u] = (string)line["action"]!;
        foreach (string person in people)
            Assert.Equal(postersNow.Contains(person), lastWordNow.TryGetValue(person, out string? w2) && w2 == JournalActions.PostingAccessGranted);
    }

    /// <summary>Fills the filesystem so that about <paramref name="freeBytes"/> remain (tmpfs counts whole pages).</summary>
    private void Fill(int freeBytes)
    {
        var info = new DriveInfo(_mount);
        long toWrite = info.AvailableFreeSpace - freeBytes;
        if (toWrite <= 0)
            return;
        using var filler = new FileStream(Path.Combine(_mount, "filler"), FileMode.Create, FileAccess.Write);
        var block = new byte[1024];
        try
        {
            for (long written = 0; written < toWrite; written += block.Length)
                filler.Write(block, 0, (int)Math.Min(block.Length, toWrite - written));
            filler.Flush(true);
        }
        catch (IOException)
        {
            // full already: fine
        }
    }

    private static HashSet<string> Posters(HwServices session, string account) =>
        session.Access.Get(account, null).Select(a => a.User).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The grant and revoke entries the operations wrote themselves (not those a later change reconciled).</summary>
    private static List<JsonObject> OwnOutcomes(string path) =>
        JournalLines(path).Where(l => (string?)l["action"] is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked
                                      && l["after"]?["reconciled"] is null).ToList();

    private static List<JsonObject> JournalLines(string path) =>
        File.Exists(path)
            ? File.ReadAllText(path).Split('\n').Where(l => l.Length > 0).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList()
            : new List<JsonObject>();

    private static long HeadSequence(string state) =>
        File.Exists(Path.Combine(state, "journal.head")) ? (long)JsonNode.Parse(File.ReadAllText(Path.Combine(state, "journal.head")))!["sequence"]! : 0;

    /// <summary>
    /// Without mount: the journal's own writes fail as a full disk fails them (the entry's bytes cut off part-way once a
    /// byte budget is spent, the head's write refused when its turn comes), over real files, through <see cref="FileJournal"/>.
    /// </summary>
    private void SeamFallback()
    {
        string folder = Path.Combine(_root, "seam");
        Directory.CreateDirectory(folder);
        var clock = new TestClock();
        var entries = (LocalStateStore.LocalJournal)new LocalStateStore(folder).Journal("journal");
        var journal = new FileJournal(entries, clock, new LocalJournalMirror(Path.Combine(_root, "seam-mirror", "j.json"), entries.Location));
        long budget = 6000;
        bool headFails = false;
        entries.WriteEntry = (stream, bytes) =>
        {
            int n = (int)Math.Min(bytes.Length, Math.Max(0, budget));
            stream.Write(bytes, 0, n);
            budget -= n;
            stream.Flush();
            if (n < bytes.Length)
                throw new IOException("No space left on device");
        };
        entries.WriteHead = (path, text) =>
        {
            if (headFails)
                throw new IOException("No space left on device");
            HealthwatchPolicy.Engine.Storage.AtomicFile.WriteAllText(path, text);
        };
        int done = 0, failed = 0, warned = 0;
        for (int i = 0; i < 60; i++)
        {
            clock.UtcNow = clock.UtcNow.AddMinutes(1);
            headFails = i % 7 == 3;
            int before = File.Exists(entries.Location) ? File.ReadAllLines(entries.Location).Length : 0;
            try
            {
                JournalEntry e = journal.Append(new JournalRecord("admin@host", JournalActions.PostingAccessGranted, "a", $"user{i}@x", $"r{i}", "v", null, null));
                Assert.Equal(before + 1, File.ReadAllLines(entries.Location).Length);
                if (e.Warning is not null)
                    warned++;
                done++;
            }
            catch (HwException e) when (e.ErrorId == ErrorIds.JournalWriteFailed)
            {
                Assert.Equal(before, File.Exists(entries.Location) ? File.ReadAllLines(entries.Location).Length : 0);
                failed++;
                budget += 700; // some space comes free again
            }
            Assert.True(journal.Verify().IsValid, journal.Verify().Problem);
        }
        _output.WriteLine($"Seam: done {done}, done with a warning {warned}, failed {failed}.");
        Assert.True(done > 0 && failed > 0 && warned > 0);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            using Process? p = Process.Start(new ProcessStartInfo("umount", $"\"{_mount}\"") { UseShellExecute = false });
            p?.WaitForExit();
        }
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }
}
