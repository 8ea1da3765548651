using System.Management.Automation;
using HealthwatchPolicy.Hosting;
using HealthwatchPolicy.Engine.Journal;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsDiagnostic.Test, "HwAuditLog")]
[OutputType(typeof(bool))]
[OutputType(typeof(JournalVerification))]
public sealed class TestHwAuditLogCommand : HwCmdlet
{
    /// <summary>Emit the verification (entry count, the first bad entry, what is wrong, the current witness) instead of true/false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Witnesses printed earlier (<c>&lt;sequence&gt;:&lt;hash&gt;</c>, from a compliance report or a review mail): the
    /// journal passes only if its chain still goes through every one of them.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Witness { get; set; }

    private readonly System.Collections.Generic.List<string> _witnesses = new();

    protected override void ProcessRecord()
    {
        if (Witness is not null)
            _witnesses.AddRange(Witness);
    }

    protected override void EndProcessing()
    {
        JournalVerification? result = TryEngine(() => Session.Journal.Verify(_witnesses), _witnesses.Count > 0 ? _witnesses[0] : null);
        if (result is null)
            return;
        if (!result.IsValid)
            WriteWarning($"The journal '{result.Path}' fails verification at entry {result.FirstBadSequence} (line {result.FirstBadLine}): {result.Problem}");
        if (Detailed)
            WriteObject(result);
        else
            WriteObject(result.IsValid);
    }
}
