using System.Management.Automation;
using HealthwatchPolicy.Engine.Journal;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsDiagnostic.Test, "HwAuditLog")]
[OutputType(typeof(bool))]
[OutputType(typeof(JournalVerification))]
public sealed class TestHwAuditLogCommand : HwCmdlet
{
    /// <summary>Emit the verification (entry count, the first bad entry and what is wrong) instead of true/false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void EndProcessing()
    {
        JournalVerification result = Session.Journal.Verify();
        if (!result.IsValid)
            WriteWarning($"The journal '{result.Path}' fails verification at entry {result.FirstBadSequence} (line {result.FirstBadLine}): {result.Problem}");
        if (Detailed)
            WriteObject(result);
        else
            WriteObject(result.IsValid);
    }
}
