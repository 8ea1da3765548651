using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// A review of the local store's journal (docs/decisions/0151-0154): a reader running beside a writer never reports an
/// append in progress as a rolled-back head; a check that passes records its point in the head mirror, so tampering
/// after a check only is caught; an outcome without its intent fails the chain; HW-AUD-001 shows no machine paths in
/// documents for people. Real files: sessions over the local directory, a state folder, head mirrors of the test's own.
/// </summary>
public sealed class JournalReviewFixesTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly string _writerMirrors = Path.Combine(Path.GetTempPath(), "hw-mirror-w-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly string _checkerMirrors = Path.Combine(Path.GetTempPath(), "hw-mirror-c-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly HwServices _writer;
    private readonly string _account;

    public JournalReviewFixesTests()
    {
        _writer = Connect(_writerMirrors);
        _account = _writer.Register.Create("Facebook", "review", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page").Name;
        Assert.True(_writer.Access.Grant(_account, TestOrg.Staff1, "first").Changed);
        Assert.True(_writer.Access.Grant(_account, TestOrg.Staff2, "second").Changed);
        Assert.True(_writer.Access.Revoke(_account, TestOrg.Staff2, "third").Changed);
        Assert.Equal(7, _writer.Journal.Verify().EntryCount);
    }

    private HwServices Connect(string mirrors) =>
        new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = mirrors }.ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, _clock);

    private string JournalPath => Path.Combine(_org.StateFolder, "journal.jsonl");
    private string HeadPath => Path.Combine(_org.StateFolder, "journal.head");
    private JournalMark? Mirrored(string mirrors) => LocalJournalMirror.For(JournalPath, mirrors).Read()?.Verified;

    private static void AssertRefused(HwServices session, string account, long firstBad)
    {
        HwException e = Assert.Throws<HwException>(() => session.Access.Grant(account, TestOrg.Staff3, "after tampering"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Contains($"fails at entry {firstBad}", e.Message);
    }

    private static void AssertReported(HwServices session, long firstBad)
    {
        ComplianceFinding f = Assert.Single(session.Compliance.BuildReport().Findings, x => x.RuleId == "HW-AUD-001");
        Assert.Contains($"at entry {firstBad} ", f.Evidence);
    }

    // ---- 1: a reader beside a writer (decision 0151) ----

    /// <summary>
    /// The reader's view of the local journal, with the window between reading the head and reading the entries held
    /// open until the writer has appended at least two more entries (a long journal read over a slow disk, as the 3,190
    /// entries of the review): without the second look at the head, every check here would report a rolled-back head.
    /// </summary>
    private sealed class ReaderWithAWideWindow : IFingerprintedStateJournal
    {
        private readonly IStateJournal _inner;
        private readonly Func<bool> _writerDone;
        private long _headSeen;
        public int Widened;
        public ReaderWithAWideWindow(IStateJournal inner, Func<bool> writerDone)
        {
            _inner = inner;
            _writerDone = writerDone;
        }
        public string Location => _inner.Location;
        public string? Fingerprint() => ((IFingerprintedStateJournal)_inner).Fingerprint();
        public StateJournalHead ReadHead()
        {
            StateJournalHead head = _inner.ReadHead();
            _headSeen = head.Sequence;
            return head;
        }
        public void Append(long sequence, string entry, string seal) => throw new InvalidOperationException("the reader does not write");
        public IEnumerable<string> Read(long fromSequence)
        {
            // Wait for the writer's signal (its head two entries on), not for a time.
            var limit = System.Diagnostics.Stopwatch.StartNew();
            while (_inner.ReadHead().Sequence < _headSeen + 2 && !_writerDone() && limit.Elapsed < TimeSpan.FromSeconds(30))
                Thread.Yield();
            if (_inner.ReadHead().Sequence >= _headSeen + 2)
                Widened++;
            return _inner.Read(fromSequence).ToList();
        }
    }

    [Fact]
    public async Task A_reader_beside_a_writer_never_reports_an_append_in_progress_as_tampering()
    {
        // One writer and readers of the same state folder and the same head mirror (one OS account), as
        // `Test-HwAuditLog -Detailed` and the compliance report looped beside a batch of grants and revocations.
        HwServices reader = Connect(_writerMirrors);
        var problems = new List<string>();
        int checks = 0, reports = 0;
        using var done = new CancellationTokenSource();
        var wide = new ReaderWithAWideWindow(new LocalStateStore(_org.StateFolder).Journal("journal"), () => done.IsCancellationRequested);
        var slowReader = new FileJournal(wide, _clock, LocalJournalMirror.For(JournalPath, _writerMirrors));
        Task writing = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < 120; i++)
                {
                    _writer.Access.Grant(_account, TestOrg.Staff3, $"pair {i}");
                    _writer.Access.Revoke(_account, TestOrg.Staff3, $"pair {i}");
                }
            }
            finally
            {
                done.Cancel();
            }
        });
        while (!done.IsCancellationRequested)
        {
            JournalVerification v = (checks % 2 == 0 ? slowReader : reader.Journal).Verify();
            checks++;
            if (!v.IsValid)
                problems.Add($"check {checks}: entry {v.FirstBadSequence}: {v.Problem}");
            if (checks % 5 == 0)
            {
                reports++;
                foreach (ComplianceFinding f in reader.Compliance.BuildReport().Findings.Where(f => f.RuleId == "HW-AUD-001"))
                    problems.Add($"report {reports}: {f.Evidence}");
            }
        }
        await writing;
        Assert.Empty(problems);
        Assert.True(checks >= 10, $"only {checks} checks ran beside the writer");
        Assert.True(wide.Widened >= 5, $"only {wide.Widened} checks read the entries two or more appends after the head");
        JournalVerification end = reader.Journal.Verify();
        Assert.True(end.IsValid, end.Problem);
        Assert.Equal(7 + 120 * 4, end.EntryCount);

        // Nobody writing now: the head rewritten to an earlier entry, entries intact, is still a rolled-back head.
        string[] lines = File.ReadAllLines(JournalPath);
        JsonObject earlier = (JsonObject)JsonNode.Parse(lines[lines.Length - 6])!;
        File.WriteAllText(HeadPath, new JsonObject { ["sequence"] = (long)earlier["seq"]!, ["hash"] = (string)earlier["hash"]! }.ToJsonString());
        foreach (JournalVerification rolled in new[] { reader.Journal.Verify(), slowReader.Verify() })
        {
            Assert.False(rolled.IsValid);
            Assert.Contains("(the head was rolled back)", rolled.Problem);
        }
    }

    // ---- 2: a check records its point (decision 0152) ----

    /// <summary>A checker (its own mirror) connected when the journal had 7 entries; the writer then made two changes
    /// (8-11) and the checker only ran Test-HwAuditLog: its mirror must now stand at 11.</summary>
    private HwServices CheckerWhoOnlyChecked()
    {
        HwServices checker = Connect(_checkerMirrors);
        Assert.Equal(7, Mirrored(_checkerMirrors)!.Sequence); // first use records where the journal stands
        Assert.True(_writer.Access.Grant(_account, TestOrg.Staff3, "fourth").Changed);
        Assert.True(_writer.Access.Revoke(_account, TestOrg.Staff3, "fifth").Changed);
        Assert.Equal(7, Mirrored(_checkerMirrors)!.Sequence);
        Assert.True(checker.Journal.Verify().IsValid);
        Assert.Equal(11, Mirrored(_checkerMirrors)!.Sequence);
        return Connect(_checkerMirrors); // the next session of the same account
    }

    [Fact]
    public void A_check_records_its_point_and_a_journal_deleted_after_it_is_caught()
    {
        HwServices checker = CheckerWhoOnlyChecked();
        File.Delete(JournalPath);
        File.Delete(HeadPath);
        JournalVerification v = checker.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Contains("the journal was deleted", v.Problem);
        AssertRefused(checker, _account, 1);
        AssertReported(checker, 1);
    }

    [Fact]
    public void A_check_records_its_point_and_the_last_entry_deleted_with_the_head_rewritten_is_caught()
    {
        HwServices checker = CheckerWhoOnlyChecked();
        string[] lines = File.ReadAllLines(JournalPath);
        File.WriteAllLines(JournalPath, lines.Take(10));
        JsonObject tenth = (JsonObject)JsonNode.Parse(lines[9])!;
        File.WriteAllText(HeadPath, new JsonObject { ["sequence"] = 10, ["hash"] = (string)tenth["hash"]! }.ToJsonString());
        Assert.False(checker.Journal.Verify().IsValid);
        AssertRefused(checker, _account, 11);
        AssertReported(checker, 11);
    }

    [Fact]
    public void A_check_records_its_point_and_a_journal_rolled_back_two_entries_is_caught()
    {
        HwServices checker = CheckerWhoOnlyChecked();
        string[] lines = File.ReadAllLines(JournalPath);
        File.WriteAllLines(JournalPath, lines.Take(9));
        JsonObject ninth = (JsonObject)JsonNode.Parse(lines[8])!;
        File.WriteAllText(HeadPath, new JsonObject { ["sequence"] = 9, ["hash"] = (string)ninth["hash"]! }.ToJsonString());
        // The connection's first-use point (7) would have let this pass: only the check's point (11) catches it.
        JournalVerification v = checker.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(10, v.FirstBadSequence);
        AssertRefused(checker, _account, 10);
        AssertReported(checker, 10);
    }

    [Fact]
    public void A_check_records_its_point_and_an_edit_with_every_later_hash_recomputed_is_caught()
    {
        HwServices checker = CheckerWhoOnlyChecked();
        // Entry 9 (after the first-use point) rewritten and the chain recomputed, as a forger with the code would.
        List<JournalEntry> entries = new FileJournal(_org.StateFolder, _clock).ReadAll().ToList();
        string scratch = Path.Combine(_org.Folder, "forge");
        Directory.CreateDirectory(scratch);
        var forger = new FileJournal(scratch, _clock);
        foreach (JournalEntry e in entries)
            forger.Append(new JournalRecord(e.Actor, e.Action, e.Account, e.User, e.Sequence == 9 ? "rewritten" : e.Reason, e.PolicyVersion,
                e.Before is null ? null : (JsonObject)JsonNode.Parse(e.Before)!, e.After is null ? null : (JsonObject)JsonNode.Parse(e.After)!));
        File.Copy(Path.Combine(scratch, "journal.jsonl"), JournalPath, overwrite: true);
        File.Copy(Path.Combine(scratch, "journal.head"), HeadPath, overwrite: true);
        JournalVerification v = checker.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Contains("is not the entry the head mirror", v.Problem);
        AssertRefused(checker, _account, 11);
        AssertReported(checker, 11);
    }

    [Fact]
    public void Connecting_to_a_state_folder_with_entries_and_no_mirror_records_where_it_stands()
    {
        Assert.Null(LocalJournalMirror.For(JournalPath, _checkerMirrors).Read());
        Connect(_checkerMirrors);
        Assert.Equal(_writer.Journal.Verify().Witness, Mirrored(_checkerMirrors)!.ToString());
    }

    [Fact]
    public void A_check_never_moves_the_mirror_back_nor_drops_a_writers_pending_append()
    {
        var mirror = LocalJournalMirror.For(JournalPath, _writerMirrors);
        JournalMark seven = Mirrored(_writerMirrors)!;
        var pending = new JournalMark(8, new string('b', 64));
        mirror.Write(new JournalMirrorState(seven, pending, null));
        Assert.True(Connect(_writerMirrors).Journal.Verify().IsValid);
        JournalMirrorState after = mirror.Read()!;
        Assert.Equal((seven, pending), (after.Verified, after.Pending)); // nothing past 7 to record; the pending point kept
        var ahead = new JournalMark(9, new string('c', 64));
        mirror.Write(new JournalMirrorState(ahead, null, null));
        Connect(_writerMirrors).Journal.Verify();
        Assert.Equal(ahead, mirror.Read()!.Verified); // a check records only forward
    }

    // ---- 3: an outcome without its intent (decision 0153) ----

    private void Forge(string action, string user, JsonObject after)
    {
        var forger = new FileJournal(_org.StateFolder, _clock);
        forger.Append(new JournalRecord("forger", action, _account, user, "forged", "2018.10", new JsonObject { ["member"] = false }, after));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("unknown")]
    [InlineData("claimed")]
    [InlineData("another person")]
    public void An_outcome_without_its_intent_fails_the_chain_stops_changes_and_is_reported(string kind)
    {
        string claimedIntent = JournalIntents.IntentId(_writer.Journal.ReadAll()[2])!; // entry 3, the grant to Staff1
        var after = new JsonObject { ["member"] = true };
        if (kind == "unknown")
            after["intent"] = "f0f0";
        if (kind == "claimed")
            after["intent"] = claimedIntent;
        string user = TestOrg.Volunteer;
        if (kind == "another person")
        {
            // An open intent for Staff3, then a grant naming it for the Volunteer.
            Forge(JournalActions.ChangeIntended, TestOrg.Staff3, new JsonObject { ["member"] = true, ["intent"] = "a1", ["change"] = JournalActions.PostingAccessGranted });
            after["intent"] = "a1";
        }
        Forge(JournalActions.PostingAccessGranted, user, after);
        long forged = kind == "another person" ? 9 : 8;
        JournalVerification v = Connect(_checkerMirrors).Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(forged, v.FirstBadSequence);
        Assert.Contains("an outcome without its intent (forged or written outside the module)", v.Problem);
        AssertRefused(_writer, _account, forged);
        AssertReported(_writer, forged);
    }

    [Fact]
    public void Outcomes_before_the_first_intent_are_not_held_to_it_and_a_walk_from_the_mirrors_point_finds_earlier_intents()
    {
        // A journal written before intents existed: a grant with no intent, then the module's changes with intents.
        string folder = Path.Combine(_org.Folder, "old");
        Directory.CreateDirectory(folder);
        var old = new FileJournal(folder, _clock);
        old.Append(new JournalRecord("admin", JournalActions.PostingAccessGranted, "a", TestOrg.Staff1, "before intents", "v", null, new JsonObject { ["member"] = true }));
        old.Append(new JournalRecord("admin", JournalActions.ChangeIntended, "a", TestOrg.Staff1, "r", "v", null,
            new JsonObject { ["member"] = false, ["intent"] = "i1", ["change"] = JournalActions.PostingAccessRevoked }));
        old.Append(new JournalRecord("admin", JournalActions.PostingAccessRevoked, "a", TestOrg.Staff1, "r", "v", null, new JsonObject { ["member"] = false, ["intent"] = "i1" }));
        Assert.True(new FileJournal(folder, _clock).Verify().IsValid);
        // A second outcome for the same intent, written by someone else: the next append of this journal walks and stops.
        new FileJournal(folder, _clock).Append(new JournalRecord("admin", JournalActions.PostingAccessRevoked, "a", TestOrg.Staff1, "again", "v", null, new JsonObject { ["member"] = false, ["intent"] = "i1" }));
        JournalVerification v = new FileJournal(folder, _clock).Verify();
        Assert.Equal((false, 4L), (v.IsValid, v.FirstBadSequence));
        HwException e = Assert.Throws<HwException>(() => old.Append(new JournalRecord("admin", JournalActions.AccountUpdated, "a", null, "x", "v", null, null)));
        Assert.Contains("fails at entry 4", e.Message);
    }

    /// <summary>A store that cannot say cheaply whether it changed (no fingerprint): a change walks from the mirror's point.</summary>
    private sealed class Unfingerprinted : IStateJournal
    {
        private readonly IStateJournal _inner;
        public Unfingerprinted(IStateJournal inner) => _inner = inner;
        public string Location => _inner.Location;
        public StateJournalHead ReadHead() => _inner.ReadHead();
        public void Append(long sequence, string entry, string seal) => _inner.Append(sequence, entry, seal);
        public IEnumerable<string> Read(long fromSequence) => _inner.Read(fromSequence);
    }

    [Fact]
    public void A_walk_from_the_mirrors_point_reads_the_intents_before_it_from_the_start()
    {
        string folder = Path.Combine(_org.Folder, "partial");
        Directory.CreateDirectory(folder);
        var journal = new FileJournal(new Unfingerprinted(new LocalStateStore(folder).Journal("journal")), _clock);
        journal.Append(new JournalRecord("admin", JournalActions.ChangeIntended, "a", TestOrg.Staff1, "r", "v", null,
            new JsonObject { ["member"] = true, ["intent"] = "i1", ["change"] = JournalActions.PostingAccessGranted }));
        journal.Append(new JournalRecord("admin", JournalActions.PostingAccessGranted, "a", TestOrg.Staff1, "r", "v", null, new JsonObject { ["member"] = true, ["intent"] = "i1" }));
        // Someone else appends a second outcome for intent i1 and then an honest-looking entry: this journal's point is 2.
        var other = new FileJournal(folder, _clock);
        other.Append(new JournalRecord("forger", JournalActions.PostingAccessGranted, "a", TestOrg.Staff1, "again", "v", null, new JsonObject { ["member"] = true, ["intent"] = "i1" }));
        HwException e = Assert.Throws<HwException>(() => journal.Append(new JournalRecord("admin", JournalActions.AccountUpdated, "a", null, "x", "v", null, null)));
        Assert.Contains("fails at entry 3", e.Message);
        Assert.Contains("an outcome without its intent", e.Message);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "journal.jsonl")).Length);
    }

    // ---- 4: no machine paths in documents for people (decision 0154) ----

    [Fact]
    public void The_journal_finding_names_the_audit_journal_not_paths_in_html_markdown_and_the_object()
    {
        HwServices checker = CheckerWhoOnlyChecked();
        File.WriteAllLines(JournalPath, File.ReadAllLines(JournalPath).Take(9));
        ComplianceReport report = checker.Compliance.BuildReport();
        ComplianceFinding f = Assert.Single(report.Findings, x => x.RuleId == "HW-AUD-001");
        Assert.Equal("the audit journal", f.Subject);
        string html = ComplianceReportRenderer.ToHtml(report), markdown = ComplianceReportRenderer.ToMarkdown(report);
        foreach (string text in new[] { f.Evidence, html, markdown })
        {
            Assert.DoesNotContain(_org.Folder, text);
            Assert.DoesNotContain(_checkerMirrors, text);
            Assert.DoesNotContain("journal.jsonl", text);
        }
        Assert.Contains("the head mirror recorded entry 11", f.Evidence);
        // Test-HwAuditLog keeps where things are, for whoever investigates.
        JournalVerification v = checker.Journal.Verify();
        Assert.Contains(_checkerMirrors, v.Problem);
        Assert.Equal(JournalPath, v.Path);
    }

    public void Dispose()
    {
        _org.Dispose();
        foreach (string d in new[] { _writerMirrors, _checkerMirrors })
            try { Directory.Delete(d, true); } catch (IOException) { }
    }
}
