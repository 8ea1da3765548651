using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.State;

/// <summary>What every state-store adapter must do, written once (a shared-store adapter adds its own subclass).</summary>
public abstract class StateStoreContract : IDisposable
{
    protected abstract IStateStore Store { get; }

    [Fact]
    public void A_document_is_created_once_and_read_back_with_its_version()
    {
        Assert.Null(Store.Read("reviews/2026-11.json"));
        string version = Store.Create("reviews/2026-11.json", "{\"a\":1}");
        StateDocument read = Store.Read("reviews/2026-11.json")!;
        Assert.Equal("{\"a\":1}", read.Content);
        Assert.Equal(version, read.Version);
        Assert.Equal("StateConflict", Assert.Throws<StateConflictException>(() => Store.Create("reviews/2026-11.json", "{}")).ErrorId);
        Assert.Equal("{\"a\":1}", Store.Read("reviews/2026-11.json")!.Content);
    }

    [Fact]
    public void A_document_is_replaced_only_over_the_version_that_was_read()
    {
        string v1 = Store.Create("reviews/2026-11.json", "one");
        string v2 = Store.Replace("reviews/2026-11.json", "two", v1);
        Assert.NotEqual(v1, v2);
        Assert.Throws<StateConflictException>(() => Store.Replace("reviews/2026-11.json", "stale", v1));   // someone else's write won
        Assert.Equal("two", Store.Read("reviews/2026-11.json")!.Content);
        Assert.Throws<StateConflictException>(() => Store.Replace("reviews/2026-12.json", "x", v2));       // not there at all
        Assert.Null(Store.Read("reviews/2026-12.json"));
    }

    [Fact]
    public void Documents_are_listed_by_folder_in_order()
    {
        Assert.Empty(Store.List("reviews"));
        Store.Create("reviews/2026-12.json", "b");
        Store.Create("reviews/2026-11.json", "a");
        Store.Create("other/x.json", "c");
        Assert.Equal(new[] { "reviews/2026-11.json", "reviews/2026-12.json" }, Store.List("reviews"));
    }

    [Fact]
    public void A_journal_appends_only_at_the_next_sequence_and_reads_from_any_sequence()
    {
        IStateJournal journal = Store.Journal("journal");
        Assert.False(journal.ReadHead().Recorded);
        Assert.Null(journal.ReadHead().LastEntry);
        journal.Append(1, "{\"seq\":1}", "s1");
        journal.Append(2, "{\"seq\":2}", "s2");
        Assert.Equal("StateConflict", Assert.Throws<StateConflictException>(() => journal.Append(2, "{\"seq\":2,\"late\":true}", "sx")).ErrorId);
        journal.Append(3, "{\"seq\":3}", "s3");
        StateJournalHead head = journal.ReadHead();
        Assert.True(head.Recorded);
        Assert.Equal(3, head.Sequence);
        Assert.Equal("s3", head.Seal);
        Assert.Equal("{\"seq\":3}", head.LastEntry);
        Assert.Equal(new[] { "{\"seq\":2}", "{\"seq\":3}" }, journal.Read(2));
        Assert.Equal(3, journal.Read(1).Count());
        Assert.Throws<ArgumentException>(() => journal.Append(4, "two\nlines", "s4"));
    }

    public abstract void Dispose();
}

public sealed class LocalStateStoreTests : StateStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-state-" + Guid.NewGuid().ToString("N").Substring(0, 8));
    private readonly LocalStateStore _store;

    public LocalStateStoreTests() => _store = new LocalStateStore(_folder);

    protected override IStateStore Store => _store;

    [Fact]
    public void The_files_are_the_ones_the_module_always_wrote()
    {
        _store.Create("reviews/2026-11.json", "{}");
        _store.Journal("journal").Append(1, "{\"seq\":1}", "abc");
        Assert.True(File.Exists(Path.Combine(_folder, "reviews", "2026-11.json")));
        Assert.Equal("{\"seq\":1}\n", File.ReadAllText(Path.Combine(_folder, "journal.jsonl")));
        Assert.Equal("{\"sequence\":1,\"hash\":\"abc\"}\n", File.ReadAllText(Path.Combine(_folder, "journal.head")));
        Assert.Throws<ArgumentException>(() => _store.Read("../escape.json"));
    }

    [Fact]
    public void An_append_reads_the_end_of_the_journal_not_the_whole_of_it()
    {
        var clock = new TestClock();
        // The session's shape: the head mirrored outside the state folder; the writer and the later journal share it.
        var mirror = new LocalJournalMirror(Path.Combine(_folder + "-mirror", "journal.json"), Path.Combine(_folder, "journal.jsonl"));
        var writer = new FileJournal(_store.Journal("journal"), clock, mirror);
        for (int i = 0; i < 2000; i++)
            writer.Append(Record(i));
        long size = new FileInfo(Path.Combine(_folder, "journal.jsonl")).Length;
        Assert.True(size > 500_000, $"the journal is only {size} bytes");

        var entries = (LocalStateStore.LocalJournal)_store.Journal("journal");
        var journal = new FileJournal(entries, clock, mirror);
        journal.EnsureAppendable();
        journal.Append(Record(2000));
        journal.Append(Record(2001));
        // Each append reads the head file and the last line, in 4 KB steps from the end: a few KB, not the journal.
        Assert.InRange(entries.EntryBytesRead, 1, 3 * 2 * 4096);
        Assert.True(journal.Verify().IsValid);
        Assert.Equal(2002, journal.ReadAll().Count);
    }

    [Fact]
    public void The_chain_asks_the_port_for_the_head_only_when_it_appends()
    {
        var clock = new TestClock();
        var mirror = new LocalJournalMirror(Path.Combine(_folder + "-mirror", "journal.json"), Path.Combine(_folder, "journal.jsonl"));
        var writer = new FileJournal(_store.Journal("journal"), clock, mirror);
        for (int i = 0; i < 500; i++)
            writer.Append(Record(i));
        // A port without a fingerprint: the mirror's point, the head and the last entry agreeing is enough.
        var counting = new CountingJournal(_store.Journal("journal"));
        var journal = new FileJournal(counting, clock, mirror);
        journal.EnsureAppendable();
        Assert.Equal(501, journal.Append(Record(500)).Sequence);
        Assert.Equal(0, counting.EntriesRead);                                   // no entry read through Read()
        Assert.Equal(2, counting.HeadsRead);                                     // EnsureAppendable and Append
        Assert.Equal(501, journal.ReadAll().Count);                              // the readers still read them all
        Assert.Equal(501, counting.EntriesRead);
    }

    /// <summary>A port decorator that counts what the journal asks of it.</summary>
    private sealed class CountingJournal : IStateJournal
    {
        private readonly IStateJournal _inner;

        public CountingJournal(IStateJournal inner) => _inner = inner;

        public int HeadsRead { get; private set; }
        public int EntriesRead { get; private set; }
        public string Location => _inner.Location;

        public StateJournalHead ReadHead()
        {
            HeadsRead++;
            return _inner.ReadHead();
        }

        public void Append(long sequence, string entry, string seal) => _inner.Append(sequence, entry, seal);

        public System.Collections.Generic.IEnumerable<string> Read(long fromSequence)
        {
            foreach (string entry in _inner.Read(fromSequence))
            {
                EntriesRead++;
                yield return entry;
            }
        }
    }

    [Fact]
    public void A_lost_head_write_is_recovered_from_the_last_entry_and_an_edited_last_entry_is_refused()
    {
        var journal = new FileJournal(_folder, new TestClock());
        journal.Append(Record(1));
        string head = File.ReadAllText(Path.Combine(_folder, "journal.head"));
        journal.Append(Record(2));
        File.WriteAllText(Path.Combine(_folder, "journal.head"), head);        // the process died between append and head
        Assert.Equal(3, journal.Append(Record(3)).Sequence);
        Assert.True(journal.Verify().IsValid);

        // An editor who rewrites the last entry and its hash no longer matches the head: nothing more is chained onto it.
        string path = Path.Combine(_folder, "journal.jsonl");
        string[] lines = File.ReadAllLines(path);
        JsonObject last = JsonNode.Parse(lines[^1])!.AsObject();
        last["reason"] = "reason 9";
        last["hash"] = new string('a', 64);
        lines[^1] = last.ToJsonString();
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        Assert.Equal("JournalCorrupt", Assert.Throws<HwException>(() => journal.Append(Record(4))).ErrorId);
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    private static JournalRecord Record(int i) =>
        new("admin@host", JournalActions.PostingAccessGranted, "facebook-x", $"user{i}@hwsefton.example", $"reason {i}", "2018.10",
            new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true, ["padding"] = new string('p', 200) });

    public override void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
        try { Directory.Delete(_folder + "-mirror", true); } catch (IOException) { }
    }
}
