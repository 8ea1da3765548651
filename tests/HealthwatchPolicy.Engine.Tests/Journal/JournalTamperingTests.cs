using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// Issue 13, deliverables 2, 3, 5: each way of tampering with the journal is caught by Test-HwAuditLog (Verify) or by
/// a witness kept from an earlier report, and no change runs on the damaged chain afterwards (a grant fails with
/// JournalCorrupt and the directory is untouched). Real files: a session over the local directory, the state folder
/// and a head mirror in a folder of the test's own.
/// </summary>
public sealed class JournalTamperingTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private readonly string _mirrors = Path.Combine(Path.GetTempPath(), "hw-mirror-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly HwServices _session;
    private readonly string _account;
    private readonly string _headAfterTwo;
    private readonly string _witness;

    public JournalTamperingTests()
    {
        var engine = new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = _mirrors };
        _session = engine.ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, _clock);
        _account = _session.Register.Create("Facebook", "tamper", null, null, TestOrg.Comms, TestOrg.Manager, null, "New page").Name;
        Tick();
        Assert.True(_session.Access.Grant(_account, TestOrg.Staff1, "first").Changed);
        _headAfterTwo = File.ReadAllText(HeadPath);
        Tick();
        Assert.True(_session.Access.Grant(_account, TestOrg.Staff2, "second").Changed);
        Tick();
        Assert.True(_session.Access.Revoke(_account, TestOrg.Staff2, "third").Changed);
        JournalVerification v = _session.Journal.Verify();
        Assert.True(v.IsValid, v.Problem);
        // The account, then an intent and its outcome for each of the three changes (decision 0150).
        Assert.Equal(7, v.EntryCount);
        _witness = v.Witness!;
        Assert.StartsWith("7:", _witness);
    }

    private string JournalPath => Path.Combine(_org.StateFolder, "journal.jsonl");
    private string HeadPath => Path.Combine(_org.StateFolder, "journal.head");
    private List<string> Lines => File.ReadAllLines(JournalPath).ToList();
    private void WriteLines(IEnumerable<string> lines) => File.WriteAllText(JournalPath, string.Join("\n", lines) + "\n");
    private void Tick() => _clock.UtcNow = _clock.UtcNow.AddMinutes(1);

    /// <summary>No change runs on the damaged chain: a grant is refused with JournalCorrupt naming the first bad sequence, and nobody is added.</summary>
    private void AssertNoChange(long firstBad)
    {
        HwException e = Assert.Throws<HwException>(() => _session.Access.Grant(_account, TestOrg.Staff3, "after tampering"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Contains($"fails at entry {firstBad}", e.Message);
        Assert.DoesNotContain(_session.Access.Get(_account, null), a => a.User == TestOrg.Staff3);
    }

    private JournalVerification AssertCaught(long firstBad, string problem)
    {
        JournalVerification v = _session.Journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(firstBad, v.FirstBadSequence);
        Assert.Contains(problem, v.Problem);
        return v;
    }

    [Fact]
    public void An_edited_entry()
    {
        List<string> lines = Lines;
        lines[1] = lines[1].Replace("\"first\"", "\"fist\"");
        WriteLines(lines);
        AssertCaught(2, "does not match its hash (edited)");
        AssertNoChange(2);
    }

    [Fact]
    public void An_entry_deleted_from_the_middle()
    {
        WriteLines(Lines.Where((_, i) => i != 1));
        AssertCaught(2, "Entry 2 is missing");
        AssertNoChange(2);
    }

    [Fact]
    public void Two_entries_reordered()
    {
        List<string> lines = Lines;
        (lines[1], lines[2]) = (lines[2], lines[1]);
        WriteLines(lines);
        AssertCaught(2, "Entry 2 is missing: line 2 holds entry 3");
        AssertNoChange(2);
    }

    [Fact]
    public void An_entry_duplicated()
    {
        List<string> lines = Lines;
        lines.Insert(2, lines[1]);
        WriteLines(lines);
        AssertCaught(3, "Entry 2 stands where entry 3 belongs");
        AssertNoChange(3);
    }

    [Fact]
    public void The_last_entry_and_the_head_deleted()
    {
        WriteLines(Lines.Take(3));
        File.Delete(HeadPath);
        AssertCaught(4, "the head mirror");
        AssertNoChange(4);
    }

    [Fact]
    public void The_last_entry_deleted_and_the_head_rewritten_to_the_one_before()
    {
        List<string> lines = Lines;
        JsonObject third = (JsonObject)JsonNode.Parse(lines[2])!;
        WriteLines(lines.Take(3));
        File.WriteAllText(HeadPath, $"{{\"sequence\":3,\"hash\":\"{(string)third["hash"]!}\"}}\n");
        AssertCaught(4, "entries were removed from the end");
        AssertNoChange(4);
    }

    [Fact]
    public void Everything_deleted_is_not_an_empty_valid_journal()
    {
        File.Delete(JournalPath);
        File.Delete(HeadPath);
        JournalVerification v = AssertCaught(1, "the journal was deleted");
        Assert.Equal(0, v.EntryCount);
        AssertNoChange(1);
    }

    [Fact]
    public void A_head_without_its_journal()
    {
        File.Delete(JournalPath);
        AssertCaught(1, "the journal was deleted");
        AssertNoChange(1);
    }

    [Fact]
    public void Entries_without_a_head()
    {
        File.Delete(HeadPath);
        AssertCaught(7, "no head (the head was deleted)");
        AssertNoChange(7);
    }

    [Fact]
    public void The_head_rolled_back()
    {
        File.WriteAllText(HeadPath, _headAfterTwo);
        AssertCaught(4, "(the head was rolled back)");
        AssertNoChange(4);
    }

    [Fact]
    public void A_consistent_rewrite_is_caught_by_the_witness_and_the_mirror()
    {
        // Rewrite entry 2's reason and recompute every hash and the head, as a forger with the code would.
        List<JournalEntry> entries = _session.Journal.ReadAll().ToList();
        string scratch = Path.Combine(_org.Folder, "forge");
        Directory.CreateDirectory(scratch);
        var forger = new FileJournal(scratch, _clock);
        foreach (JournalEntry e in entries)
            forger.Append(new JournalRecord(e.Actor, e.Action, e.Account, e.User, e.Sequence == 2 ? "rewritten" : e.Reason, e.PolicyVersion,
                e.Before is null ? null : (JsonObject)JsonNode.Parse(e.Before)!, e.After is null ? null : (JsonObject)JsonNode.Parse(e.After)!));
        File.Copy(Path.Combine(scratch, "journal.jsonl"), JournalPath, overwrite: true);
        File.Copy(Path.Combine(scratch, "journal.head"), HeadPath, overwrite: true);

        // The chain itself is whole: only what was kept outside the store can tell.
        Assert.True(new FileJournal(_org.StateFolder, _clock).Verify().IsValid);
        JournalVerification byWitness = new FileJournal(_org.StateFolder, _clock).Verify(new[] { _witness });
        Assert.False(byWitness.IsValid);
        Assert.Equal(7, byWitness.FirstBadSequence);
        Assert.Contains($"no longer passes through the witness {_witness}", byWitness.Problem);
        AssertCaught(7, "is not the entry the head mirror");
        Assert.False(_session.Journal.Verify(new[] { _witness }).IsValid);
        AssertNoChange(7);
    }

    /// <summary>A second "user" of the same state folder: another OS account (an admin, the scheduled job) whose head mirror is its own.</summary>
    private HwServices OtherUser(string mirrors)
    {
        var engine = new HwEngine(Repo.PolicyPath, "unused") { HeadMirrorFolder = mirrors };
        return engine.ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, _clock);
    }

    private JournalMark? MirroredPoint(string mirrors) => LocalJournalMirror.For(JournalPath, mirrors).Read()?.Verified;

    /// <summary>Rewrites entry <paramref name="sequence"/>'s reason and recomputes every hash and the head, as a forger with the code would.</summary>
    private void RewriteConsistently(long sequence)
    {
        List<JournalEntry> entries = new FileJournal(_org.StateFolder, _clock).ReadAll().ToList();
        string scratch = Path.Combine(_org.Folder, "forge-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(scratch);
        var forger = new FileJournal(scratch, _clock);
        foreach (JournalEntry e in entries)
            forger.Append(new JournalRecord(e.Actor, e.Action, e.Account, e.User, e.Sequence == sequence ? "rewritten" : e.Reason, e.PolicyVersion,
                e.Before is null ? null : (JsonObject)JsonNode.Parse(e.Before)!, e.After is null ? null : (JsonObject)JsonNode.Parse(e.After)!));
        File.Copy(Path.Combine(scratch, "journal.jsonl"), JournalPath, overwrite: true);
        File.Copy(Path.Combine(scratch, "journal.head"), HeadPath, overwrite: true);
        Assert.True(new FileJournal(_org.StateFolder, _clock).Verify().IsValid); // the chain itself is whole
    }

    private static void AssertNoChangeBy(HwServices session, string account, long firstBad)
    {
        HwException e = Assert.Throws<HwException>(() => session.Access.Grant(account, TestOrg.Staff3, "after tampering"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Contains($"fails at entry {firstBad}", e.Message);
        Assert.DoesNotContain(session.Access.Get(account, null), a => a.User == TestOrg.Staff3);
    }

    [Fact]
    public void A_forged_append_after_a_mirrors_point_is_caught_by_a_witness_printed_before_it()
    {
        // Another admin (a mirror of their own) makes entries 8-9 (an intent and its grant); this admin makes 10-11 and a
        // report prints the witness of 11.
        string otherMirrors = _mirrors + "-b";
        HwServices other = OtherUser(otherMirrors);
        Tick();
        Assert.True(other.Access.Grant(_account, TestOrg.Staff3, "fifth").Changed);
        string journalAtNine = File.ReadAllText(JournalPath), headAtNine = File.ReadAllText(HeadPath);
        Tick();
        Assert.True(_session.Access.Revoke(_account, TestOrg.Staff3, "sixth").Changed);
        string printed = _session.Compliance.BuildReport().Witness!;
        Assert.StartsWith("11:", printed);

        // A forger puts the journal back to entry 9 and appends a forged intent and grant (10, 11) with correct hashes and head.
        File.WriteAllText(JournalPath, journalAtNine);
        File.WriteAllText(HeadPath, headAtNine);
        Tick();
        var forger = new FileJournal(_org.StateFolder, _clock);
        forger.Append(new JournalRecord("forger", JournalActions.ChangeIntended, _account,
            TestOrg.Volunteer, "forged", "2018.10", new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true, ["intent"] = "f0", ["change"] = JournalActions.PostingAccessGranted }));
        forger.Append(new JournalRecord("forger", JournalActions.PostingAccessGranted, _account,
            TestOrg.Volunteer, "forged", "2018.10", new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true, ["intent"] = "f0" }));

        // To the other admin, whose mirror last saw entry 9, this is growth like any other: a mirror cannot tell.
        Assert.Equal(9, MirroredPoint(otherMirrors)!.Sequence);
        Assert.True(other.Journal.Verify().IsValid);
        // The witness printed before it can: the chain no longer passes through it.
        JournalVerification byWitness = other.Journal.Verify(new[] { printed });
        Assert.False(byWitness.IsValid);
        Assert.Equal(11, byWitness.FirstBadSequence);
        Assert.Contains($"no longer passes through the witness {printed}", byWitness.Problem);
        // So can the mirror of the admin who wrote the real entry 11.
        AssertCaught(11, "is not the entry the head mirror");
        AssertNoChange(11);
        try { Directory.Delete(otherMirrors, true); } catch (IOException) { }
    }

    [Fact]
    public void Two_users_with_mirrors_of_their_own_append_alternately_and_a_rewrite_both_saw_is_caught_by_both()
    {
        string otherMirrors = _mirrors + "-b";
        HwServices other = OtherUser(otherMirrors);
        try
        {
            // Alternate changes by two OS accounts sharing the state folder (an admin and the scheduled job, say).
            Tick();
            Assert.True(other.Access.Grant(_account, TestOrg.Staff3, "by the other").Changed);
            Tick();
            Assert.True(_session.Access.Grant(_account, TestOrg.Staff2, "by this one").Changed);
            Tick();
            Assert.True(other.Access.Revoke(_account, TestOrg.Staff3, "by the other").Changed);
            Tick();
            Assert.True(_session.Access.Revoke(_account, TestOrg.Staff2, "by this one").Changed);
            Assert.Empty(_session.Session.TakeWarnings());
            Assert.Empty(other.Session.TakeWarnings());
            // Each mirror moved on to the journal's end at its own last change.
            Assert.Equal(15, MirroredPoint(_mirrors)!.Sequence);
            Assert.Equal(13, MirroredPoint(otherMirrors)!.Sequence);
            foreach (HwServices s in new[] { _session, other })
            {
                JournalVerification v = s.Journal.Verify();
                Assert.True(v.IsValid, v.Problem);
                Assert.Equal(15, v.EntryCount); // 7, then an intent and an outcome for each of four changes
                Assert.True(s.Journal.Verify(new[] { _witness }).IsValid);
            }
            // And a check that passes moves a mirror on too (decision 0152).
            Assert.Equal(15, MirroredPoint(otherMirrors)!.Sequence);

            // A consistent rewrite of an entry both had seen: each one's mirrored point no longer has its hash.
            RewriteConsistently(3);
            AssertCaught(15, "is not the entry the head mirror");
            JournalVerification byOther = other.Journal.Verify();
            Assert.False(byOther.IsValid);
            Assert.Equal(15, byOther.FirstBadSequence);
            Assert.Contains("is not the entry the head mirror", byOther.Problem);
            AssertNoChange(15);
            AssertNoChangeBy(other, _account, 15);
        }
        finally
        {
            try { Directory.Delete(otherMirrors, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_witness_the_journal_still_passes_through_verifies_and_a_malformed_one_is_refused()
    {
        Assert.True(_session.Journal.Verify(new[] { _witness, _witness.ToUpperInvariant() }).IsValid);
        string second = _session.Journal.ReadAll()[1].Witness;
        Assert.True(_session.Journal.Verify(new[] { second }).IsValid);
        JournalVerification other = _session.Journal.Verify(new[] { "2:" + new string('a', 64) });
        Assert.Equal((false, 2L), (other.IsValid, other.FirstBadSequence));
        JournalVerification beyond = _session.Journal.Verify(new[] { "9:" + new string('a', 64) });
        Assert.Equal((false, 9L), (beyond.IsValid, beyond.FirstBadSequence));
        HwException e = Assert.Throws<HwException>(() => _session.Journal.Verify(new[] { "4-abc" }));
        Assert.Equal((ErrorIds.WitnessInvalid, HwErrorKind.InvalidArgument, "witness"), (e.ErrorId, e.Kind, e.Input));
        // Changes go on while the journal is whole, and the new entry becomes the witness.
        Tick();
        Assert.True(_session.Access.Grant(_account, TestOrg.Staff3, "fine").Changed);
        Assert.StartsWith("9:", _session.Journal.Verify().Witness); // its intent is 8
    }

    [Fact]
    public void The_report_runs_on_a_damaged_journal_and_reports_it_as_a_critical_finding()
    {
        List<string> lines = Lines;
        lines[2] = "{\"seq\":3,\"time\":"; // unparsable
        WriteLines(lines);
        ComplianceReport report = _session.Compliance.BuildReport();
        ComplianceFinding f = Assert.Single(report.Findings, x => x.RuleId == "HW-AUD-001");
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains("at entry 3 (line 3)", f.Evidence);
        Assert.Equal("Fail", report.Summary.Result);
        Assert.NotNull(report.Witness);
        Assert.Contains("Journal witness: <code>" + report.Witness, ComplianceReportRenderer.ToHtml(report));
        AssertNoChange(3);
    }

    [Fact]
    public void A_whole_journal_gives_no_integrity_finding_and_the_report_carries_the_witness()
    {
        ComplianceReport report = _session.Compliance.BuildReport();
        Assert.DoesNotContain(report.Findings, x => x.RuleId == "HW-AUD-001");
        Assert.Equal(_witness, report.Witness);
        Assert.Contains("Journal witness: `" + _witness + "`", ComplianceReportRenderer.ToMarkdown(report));
    }

    [Fact]
    public void A_torn_final_line_stops_changes_until_Repair_removes_it_and_records_its_bytes()
    {
        byte[] torn = System.Text.Encoding.UTF8.GetBytes("{\"seq\":8,\"time\":\"2026-11-02T09:0");
        using (var s = new FileStream(JournalPath, FileMode.Append))
            s.Write(torn, 0, torn.Length);
        AssertCaught(8, "not a readable journal entry");
        HwException e = Assert.Throws<HwException>(() => _session.Access.Grant(_account, TestOrg.Staff3, "after a torn write"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Contains("Repair-HwAuditLog", e.Message);

        Tick();
        JournalEntry repair = _session.RepairJournal("disk full, INC-1")!;
        Assert.Equal((8L, JournalActions.JournalRepaired, "disk full, INC-1"), (repair.Sequence, repair.Action, repair.Reason));
        JsonObject after = (JsonObject)JsonNode.Parse(repair.After!)!;
        Assert.Equal(Convert.ToBase64String(torn), (string)after["removedBase64"]!);
        using (var sha = SHA256.Create())
            Assert.Equal(BitConverter.ToString(sha.ComputeHash(torn)).Replace("-", "").ToLowerInvariant(), (string)after["removedSha256"]!);
        Assert.Equal(torn.Length, (int)after["removedBytes"]!);
        Assert.True(_session.Journal.Verify(new[] { _witness }).IsValid);
        Assert.Null(_session.RepairJournal("nothing torn"));
        Tick();
        Assert.True(_session.Access.Grant(_account, TestOrg.Staff3, "after the repair").Changed);
        Assert.Equal(10, _session.Journal.Verify().EntryCount); // the repair, then the grant's intent and outcome
    }

    [Fact]
    public void Repair_does_not_touch_any_other_damage()
    {
        List<string> lines = Lines;
        lines[1] = lines[1].Replace("\"first\"", "\"fist\"");
        WriteLines(lines);
        byte[] before = File.ReadAllBytes(JournalPath);
        HwException e = Assert.Throws<HwException>(() => _session.RepairJournal("try"));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(JournalPath));

        // A torn line after an edited entry is not a torn write alone: nothing is removed either.
        File.AppendAllText(JournalPath, "{\"seq\":5");
        before = File.ReadAllBytes(JournalPath);
        e = Assert.Throws<HwException>(() => _session.RepairJournal("try"));
        Assert.Contains("removes a torn final line only", e.Message);
        Assert.Equal(before, File.ReadAllBytes(JournalPath));
    }

    [Fact]
    public void A_revocation_made_without_its_entry_is_flagged_as_the_journal_disagreeing_with_the_directory()
    {
        Assert.DoesNotContain(_session.Compliance.Run(), f => f.RuleId == "HW-AUT-003");
        // A revoke applied in the directory, its journal entry never written (a crash, or a removal by hand).
        var directory = new LocalDirectory(_org.Folder);
        string staff1 = directory.FindUser(TestOrg.Staff1)!.Id;
        string groupId = _session.Register.GetAccounts(includeRetired: false).Single(a => a.Name == _account).Group.Id;
        Assert.True(directory.RemoveMember(groupId, staff1));
        ComplianceFinding f = Assert.Single(_session.Compliance.Run(), x => x.RuleId == "HW-AUT-003");
        Assert.Equal((Severity.Medium, _account, TestOrg.Staff1), (f.Severity, f.Account, f.Subject));
        Assert.Contains("last word on " + TestOrg.Staff1, f.Evidence);
    }

    public void Dispose()
    {
        _org.Dispose();
        try { Directory.Delete(_mirrors, true); } catch (IOException) { }
    }
}
