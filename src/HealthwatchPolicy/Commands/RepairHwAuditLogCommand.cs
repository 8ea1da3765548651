using System.Management.Automation;
using HealthwatchPolicy.Engine.Journal;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Removes a torn final line from the journal (a last line that is not a whole entry: a write cut short by a crash
/// or a full disk) and records its bytes and SHA-256 in a <c>JournalRepaired</c> entry. It never removes or rewrites
/// a whole entry: any other damage is reported (<c>JournalCorrupt</c>) and nothing is changed.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "HwAuditLog", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(JournalEntry))]
public sealed class RepairHwAuditLogCommand : HwCmdlet
{
    /// <summary>Why the journal is repaired (recorded in the repair entry).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    protected override void EndProcessing()
    {
        string path = Session.Connection.StatePath;
        if (!ShouldProcessPlanned($"the audit journal in '{path}'", "Remove a torn final line, keeping its bytes in a repair entry",
                () => Session.RepairJournal(Reason), "would repair it",
                _ => "the journal has no torn final line"))
            return;
        JournalEntry? entry = TryEngine(() => Session.RepairJournal(Reason), path);
        if (entry is null)
        {
            WriteVerbose("The journal has no torn final line: nothing was changed.");
            return;
        }
        WriteObject(entry);
    }
}
