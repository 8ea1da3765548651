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

    public void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }
}
