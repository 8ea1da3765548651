using System;
using System.IO;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// Issue 13, deliverable 6: a failing write never leaves a torn line (the file is cut back to where it ended), and an
/// entry written whose head could not be updated is reported as done with a warning, not as a failure. The fault is
/// injected at the file layer (the entry's write and the head's write), on real files.
/// </summary>
public sealed class JournalWriteFailureTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-jwf-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly TestClock _clock = new();
    private readonly LocalStateStore.LocalJournal _entries;
    private readonly FileJournal _journal;

    public JournalWriteFailureTests()
    {
        Directory.CreateDirectory(_folder);
        _entries = (LocalStateStore.LocalJournal)new LocalStateStore(_folder).Journal("journal");
        _journal = new FileJournal(_entries, _clock, new LocalJournalMirror(Path.Combine(_folder + "-mirror", "j.json"), _entries.Location));
        for (int i = 1; i <= 3; i++)
            Append(i);
    }

    private JournalEntry Append(int i)
    {
        _clock.UtcNow = _clock.UtcNow.AddMinutes(1);
        return _journal.Append(new JournalRecord("admin@host", JournalActions.PostingAccessGranted, "facebook-x", $"user{i}@hwsefton.example",
            $"reason {i}", "2018.10", new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true }));
    }

    [Fact]
    public void A_write_that_fails_part_way_leaves_no_torn_line_and_is_reported_as_failed()
    {
        byte[] before = File.ReadAllBytes(_entries.Location);
        string head = File.ReadAllText(_entries.HeadPath);
        _entries.WriteEntry = (stream, bytes) =>
        {
            stream.Write(bytes, 0, bytes.Length / 2); // half the line reaches the disk, then the disk is full
            stream.Flush();
            throw new IOException("No space left on device");
        };
        HwException e = Assert.Throws<HwException>(() => Append(4));
        Assert.Equal(ErrorIds.JournalWriteFailed, e.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(_entries.Location));
        Assert.Equal(head, File.ReadAllText(_entries.HeadPath));

        _entries.WriteEntry = (stream, bytes) => stream.Write(bytes, 0, bytes.Length);
        Assert.Equal(4, Append(4).Sequence);
        Assert.True(_journal.Verify().IsValid, _journal.Verify().Problem);
    }

    [Fact]
    public void An_entry_whose_head_could_not_be_written_is_done_with_a_warning()
    {
        string head = File.ReadAllText(_entries.HeadPath);
        _entries.WriteHead = (_, _) => throw new IOException("No space left on device");
        JournalEntry entry = Append(4);
        Assert.Equal(4, entry.Sequence);
        Assert.Contains("its head could not be updated", entry.Warning);
        Assert.Contains("The change was made and recorded", entry.Warning);
        Assert.Equal(head, File.ReadAllText(_entries.HeadPath));
        // The head one behind, with the entry chained onto it, is the benign case: it verifies and changes go on.
        Assert.True(_journal.Verify().IsValid, _journal.Verify().Problem);
        _entries.WriteHead = HealthwatchPolicy.Engine.Storage.AtomicFile.WriteAllText;
        JournalEntry next = Append(5);
        Assert.Null(next.Warning);
        Assert.True(_journal.Verify().IsValid, _journal.Verify().Problem);
        Assert.Equal(5, _journal.Verify().EntryCount);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
        try { Directory.Delete(_folder + "-mirror", true); } catch (IOException) { }
    }
}
