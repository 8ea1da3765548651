using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Journal;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// SMP-3.1: the journal is the register's second witness; a journal that does not verify (a broken chain, a head
/// that is missing, rolled back or not the mirror's, a time that goes the wrong way) is reported, with the first bad
/// sequence, instead of stopping the report. The other checks then read only the entries that can be read.
/// </summary>
internal sealed class JournalIntegrityCheck : PolicyCheck
{
    public const string CheckName = "JournalIntegrity";
    internal static readonly ComplianceRule JournalDamaged = new("HW-AUD-001", CheckName, Severity.Critical, "The audit journal does not verify", "Treat this as urgent: ask IT support to check the audit record and restore it from a backup. Do not change any files yourself.");

    public override string Name => CheckName;
    public override int Order => 35;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { JournalDamaged };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        if (s.JournalIntegrity is not { IsValid: false } v)
            yield break;
        // A document for people (HTML, Markdown, mail) names the journal, not a path on the computer that made it
        // (decision 0154); Test-HwAuditLog -Detailed keeps the paths (Path, MirrorLocation) for whoever investigates.
        yield return Finding(s, JournalDamaged, null, Subject,
            $"The journal fails verification at entry {v.FirstBadSequence} (line {v.FirstBadLine}): {WithoutPaths(v)} "
            + $"The findings that read the journal (HW-AUT-001, HW-REG-002) used the {s.Journal.Count} entries that could be read; no change is made until the journal is put right.",
            "Do not edit the journal. Keep a copy of the state folder, run Test-HwAuditLog -Detailed, and compare with the witnesses in earlier reports and review mails "
            + "(Test-HwAuditLog -Witness). A torn final line only (a write cut short) is removed by Repair-HwAuditLog; anything else is tampering or a lost file: restore the journal from a backup that verifies.");
    }

    /// <summary>The finding's subject: what it is, not where it is stored.</summary>
    internal const string Subject = "the audit journal";

    /// <summary>The problem as Verify words it, with the journal's and the head mirror's locations left out (they are
    /// quoted there as <c>'…'</c> after "journal" and "head mirror").</summary>
    internal static string WithoutPaths(JournalVerification v)
    {
        string text = v.Problem ?? "";
        foreach (string? location in new[] { v.MirrorLocation, v.Path })
            if (!string.IsNullOrEmpty(location))
                text = text.Replace(" '" + location + "'", "").Replace(location, "(its location)");
        return text;
    }
}
