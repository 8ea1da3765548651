using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;

namespace HealthwatchPolicy.Engine.Tests.Journal;

public sealed class JournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-journal-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly TestClock _clock = new();
    private readonly FileJournal _journal;

    public JournalTests()
    {
        Directory.CreateDirectory(_folder);
        _journal = new FileJournal(_folder, _clock);
        for (int i = 1; i <= 5; i++)
        {
            _clock.UtcNow = _clock.UtcNow.AddMinutes(1);
            _journal.Append(new JournalRecord("admin@host", JournalActions.PostingAccessGranted, "facebook-x", $"user{i}@hwsefton.example",
                $"reason {i} – it’s fine", "2018.10", new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true }));
        }
    }

    private string[] Lines => File.ReadAllLines(_journal.Path);
    private void Write(string[] lines) => File.WriteAllText(_journal.Path, string.Join("\n", lines) + "\n");

    [Fact]
    public void A_journal_as_written_verifies_and_reads_back()
    {
        JournalVerification v = _journal.Verify();
        Assert.True(v.IsValid, v.Problem);
        Assert.Equal(5, v.EntryCount);
        var all = _journal.ReadAll();
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, all.Select(e => e.Sequence));
        Assert.Equal("reason 3 – it’s fine", all[2].Reason);
        Assert.Equal(FileJournal.Genesis, all[0].PreviousHash);
        Assert.Equal(all[0].Hash, all[1].PreviousHash);
    }

    [Fact]
    public void An_edited_entry_is_named()
    {
        string[] lines = Lines;
        lines[2] = lines[2].Replace("reason 3", "reason 9");
        Write(lines);
        JournalVerification v = _journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(3, v.FirstBadSequence);
        Assert.Equal(3, v.FirstBadLine);
        Assert.Contains("edited", v.Problem);
    }

    [Fact]
    public void A_deleted_entry_is_named()
    {
        Write(Lines.Where((_, i) => i != 1).ToArray());
        JournalVerification v = _journal.Verify();
        Assert.Equal(2, v.FirstBadSequence);
        Assert.Contains("missing", v.Problem);
    }

    [Fact]
    public void An_inserted_entry_is_named()
    {
        var lines = Lines.ToList();
        lines.Insert(2, lines[1]);
        Write(lines.ToArray());
        JournalVerification v = _journal.Verify();
        Assert.Equal(3, v.FirstBadLine);
        Assert.Contains("inserted or reordered", v.Problem);
    }

    [Fact]
    public void Reordered_entries_are_named()
    {
        string[] lines = Lines;
        (lines[3], lines[4]) = (lines[4], lines[3]);
        Write(lines);
        JournalVerification v = _journal.Verify();
        Assert.Equal(4, v.FirstBadLine);
        Assert.False(v.IsValid);
    }

    [Fact]
    public void A_truncated_tail_is_detected_through_the_head()
    {
        Write(Lines.Take(4).ToArray());
        JournalVerification v = _journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(5, v.FirstBadSequence);
        Assert.Contains("removed from the end", v.Problem);
        // and nothing more is appended to a journal in that state
        Assert.Equal("JournalCorrupt", Assert.Throws<HwException>(() =>
            _journal.Append(new JournalRecord("a", "b", null, null, "c", "d", null, null))).ErrorId);
    }

    [Fact]
    public void A_recomputed_hash_after_an_edit_still_breaks_the_chain()
    {
        // Editing an entry and fixing its own hash leaves the next entry's 'prev' pointing at the old hash.
        string[] lines = Lines;
        var node = JsonNode.Parse(lines[1])!.AsObject();
        node["hash"] = new string('a', 64);
        lines[1] = node.ToJsonString();
        Write(lines);
        JournalVerification v = _journal.Verify();
        Assert.Equal(2, v.FirstBadSequence);
    }

    private JournalEntry AppendAt(DateTimeOffset time, string reason)
    {
        _clock.UtcNow = time;
        return _journal.Append(new JournalRecord("admin@host", JournalActions.PostingAccessGranted, "facebook-x", "late@hwsefton.example",
            reason, "2018.10", null, null));
    }

    /// <summary>Rewrites the entries from <paramref name="index"/> on with a consistent chain (as a forger would) and the head to match.</summary>
    private void Rechain(string[] lines, int index)
    {
        string previous = index == 0 ? FileJournal.Genesis : JsonNode.Parse(lines[index - 1])!["hash"]!.GetValue<string>();
        for (int i = index; i < lines.Length; i++)
        {
            JsonObject o = JsonNode.Parse(lines[i])!.AsObject();
            o["prev"] = previous;
            o.Remove("hash");
            string canonical = o.ToJsonString();
            using var sha = System.Security.Cryptography.SHA256.Create();
            previous = Convert.ToHexString(sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(previous + "\n" + canonical))).ToLowerInvariant();
            lines[i] = canonical.Substring(0, canonical.Length - 1) + ",\"hash\":\"" + previous + "\"}";
        }
        Write(lines);
        File.WriteAllText(Path.Combine(_folder, "journal.head"), $"{{\"sequence\":{lines.Length},\"hash\":\"{previous}\"}}\n");
    }

    [Fact]
    public void A_clock_set_back_between_two_entries_fails_verification_at_the_first_entry_written_under_it()
    {
        DateTimeOffset fifth = _journal.ReadAll()[4].Time;                        // 2026-11-02 09:05
        AppendAt(fifth.AddHours(-1), "written after the clock went back an hour");
        AppendAt(fifth.AddHours(-1).AddMinutes(1), "and another");
        Assert.Equal(1, _journal.Verify().FirstBadSequence);                     // under the wrong clock, entry 1 is in its future
        _clock.UtcNow = fifth.AddMinutes(5);                                       // the clock put right

        Assert.Equal(7, _journal.ReadAll().Count);                                 // the chain itself is whole
        JournalVerification v = _journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(6, v.FirstBadSequence);
        Assert.Equal(6, v.FirstBadLine);
        Assert.Equal("Time goes backwards: entry 6 is dated 2026-11-02 08:05:00Z, 1 hour(s) before entry 5 (2026-11-02 09:05:00Z); "
            + "entries are written in order, so a clock was wrong or the entry was forged.", v.Problem);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(240, true)]    // four minutes behind: clocks on two admins' machines
    [InlineData(300, true)]    // exactly the five minutes allowed
    [InlineData(301, false)]
    [InlineData(86400, false)]
    public void Time_may_step_back_by_the_clock_skew_and_no_more(int secondsBack, bool valid)
    {
        DateTimeOffset fifth = _journal.ReadAll()[4].Time;
        AppendAt(fifth.AddSeconds(-secondsBack), "from a machine whose clock is behind");
        _clock.UtcNow = fifth;
        JournalVerification v = _journal.Verify();
        Assert.Equal(valid, v.IsValid);
        Assert.Equal(valid ? null : 6, v.FirstBadSequence);
    }

    [Fact]
    public void An_entry_dated_in_the_future_fails_verification_until_its_time_has_come()
    {
        AppendAt(new DateTimeOffset(2031, 6, 10, 12, 0, 0, TimeSpan.Zero), "written under a clock set to 2031");
        _clock.UtcNow = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero); // back on the real clock
        JournalVerification v = _journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(6, v.FirstBadSequence);
        Assert.Equal("Entry 6 is dated in the future: 2031-06-10 12:00:00Z, 1681 day(s) after now (2026-11-02 10:00:00Z); a clock was wrong or the entry was forged.", v.Problem);

        _clock.UtcNow = new DateTimeOffset(2026, 11, 2, 10, 4, 0, TimeSpan.Zero);
        AppendAt(_clock.UtcNow.AddMinutes(4), "four minutes ahead of this clock is within the skew");
        Assert.Equal(6, _journal.Verify().FirstBadSequence);                     // still the 2031 entry, not entry 7 ...
        _clock.UtcNow = new DateTimeOffset(2031, 6, 10, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(7, _journal.Verify().FirstBadSequence);                     // ... which, seen from 2031, went backwards
        Assert.Contains("Time goes backwards: entry 7", _journal.Verify().Problem);
    }

    [Fact]
    public void A_forged_time_with_a_recomputed_chain_is_caught_by_its_time_alone()
    {
        string[] lines = Lines;
        Rechain(lines, 2);
        Assert.True(_journal.Verify().IsValid, _journal.Verify().Problem); // rechaining unchanged entries changes nothing

        lines = Lines;
        JsonObject third = JsonNode.Parse(lines[2])!.AsObject();
        third["time"] = "2026-11-01T09:03:00.0000000Z";                      // a day earlier than entry 2
        lines[2] = third.ToJsonString();
        Rechain(lines, 2);
        JournalVerification v = _journal.Verify();
        Assert.False(v.IsValid);
        Assert.Equal(3, v.FirstBadSequence);
        Assert.StartsWith("Time goes backwards: entry 3 is dated 2026-11-01 09:03:00Z, 23 hour(s) before entry 2 (2026-11-02 09:02:00Z)", v.Problem);
    }

    [Fact]
    public void A_time_range_that_ends_before_it_starts_is_refused_not_answered_with_nothing()
    {
        var all = _journal.ReadAll();
        DateTimeOffset second = all[1].Time, fourth = all[3].Time;
        Assert.Equal(new long[] { 2, 3 }, AuditQuery.Filter(all, null, null, null, second, fourth, null).Select(e => e.Sequence));
        HwException e = Assert.Throws<HwException>(() => AuditQuery.Filter(all, null, null, null, fourth, second, null));
        Assert.Equal(ErrorIds.TimeRangeInvalid, e.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("before", e.Input);
        Assert.Equal("The time range ends (2026-11-02 09:02:00Z) at or before its start (2026-11-02 09:04:00Z), so no entry could match: the end must be after the start.", e.Message);
        Assert.Equal(ErrorIds.TimeRangeInvalid, Assert.Throws<HwException>(() => AuditQuery.Filter(all, null, null, null, second, second, null)).ErrorId);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }
}
