using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Mails the compliance report (accessible HTML with a plain-text alternative) to the Manager or to -To.</summary>
[Cmdlet(VerbsCommunications.Send, "HwComplianceReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ReviewMailRecord))]
public sealed class SendHwComplianceReportCommand : MailCmdlet
{
    /// <summary>Who receives it (default: the policy's Manager).</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? To { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        if (!ShouldProcess(To ?? "the Manager", "Mail the compliance report"))
            return;
        ReviewMailRecord? sent = TryEngine(() => Session.Compliance.SendComplianceReport(CreateMailer(), FromAddress, To), To);
        if (sent is not null)
            WriteObject(sent);
    }
}
