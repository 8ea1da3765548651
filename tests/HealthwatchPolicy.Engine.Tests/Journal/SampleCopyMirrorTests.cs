using System;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using Xunit;

namespace HealthwatchPolicy.Engine.Tests.Journal;

/// <summary>
/// A fresh copy of the sample organisation is a new journal: the head mirror left by an earlier copy at the same path
/// must not read it as tampering (the Demo recreates its copy on every run), while a journal replaced under a
/// connection the module did not make afresh still is.
/// </summary>
public sealed class SampleCopyMirrorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hw-samplecopy-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, true);
    }

    private HwEngine Engine() =>
        new(Repo.PolicyPath, Path.Combine(Repo.Root, "policy", "sample-org")) { HeadMirrorFolder = Path.Combine(_root, "mirrors") };

    private static void Change(HwServices s)
    {
        // The sample's leaver who can still post (docs/compliance-rules.md, planted case (a)).
        Assert.True(s.Access.Revoke("facebook-healthwatchsefton", "jason.turner@hwsefton.example", "Left the organisation").Changed);
    }

    [Fact]
    public void A_new_copy_at_the_path_of_an_earlier_one_starts_its_own_journal()
    {
        string copy = Path.Combine(_root, "demo");
        HwServices first = Engine().ConnectSample(copy, null);
        Change(first); // the mirror now records a journal longer than the bundled one
        Assert.True(first.Journal.Verify().IsValid);

        Directory.Delete(copy, true);
        HwServices second = Engine().ConnectSample(copy, null);
        Assert.True(second.Journal.Verify().IsValid, second.Journal.Verify().Problem);
        Change(second);
        Assert.True(second.Journal.Verify().IsValid, second.Journal.Verify().Problem);
    }

    [Fact]
    public void The_same_journal_cut_short_under_an_existing_copy_is_still_caught()
    {
        string copy = Path.Combine(_root, "existing");
        HwServices first = Engine().ConnectSample(copy, null);
        Change(first);
        string journal = Path.Combine(copy, "state", "journal.jsonl");
        string[] lines = File.ReadAllLines(journal);
        File.WriteAllLines(journal, lines.Take(lines.Length - 2)); // the last change (intent and outcome) removed

        HwServices again = Engine().ConnectLocal(copy, null, null);
        Assert.False(again.Journal.Verify().IsValid);
        HwException e = Assert.Throws<HwException>(() => Change(again));
        Assert.Equal(ErrorIds.JournalCorrupt, e.ErrorId);
    }
}
