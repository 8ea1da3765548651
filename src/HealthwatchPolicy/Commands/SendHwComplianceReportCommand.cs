using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Commands;

/// <summary>Mails the compliance report (accessible HTML with a plain-text alternative) to the Manager or to -To.</summary>
[Cmdlet(VerbsCommunications.Send, "HwComplianceReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ReviewMailRecord))]
public sealed class SendHwComplianceReportCommand : HwCmdlet
{
    /// <summary>Who receives it (default: the policy's Manager).</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    public string? To { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? From { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SmtpServer { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    [Parameter]
    [Credential]
    public PSCredential? SmtpCredential { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutboxPath { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        if (!ShouldProcess(To ?? "the Manager", "Mail the compliance report"))
            return;
        ReviewMailRecord? sent = TryEngine(() => Session.SendComplianceReport(
            Session.CreateMailer(From, SmtpServer, SmtpPort, SmtpCredential?.GetNetworkCredential(), OutboxPath is null ? null : ResolvePath(OutboxPath)),
            From ?? Session.DefaultFrom, To), To);
        if (sent is not null)
            WriteObject(sent);
    }
}
