using System.Management.Automation;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommunications.Send, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ReviewerSet)]
[OutputType(typeof(ReviewMailRecord))]
public sealed class SendHwAccessReviewCommand : MailCmdlet
{
    private const string ReviewerSet = "Reviewers";
    private const string EscalateSet = "Escalate";

    [Parameter(Position = 0)]
    [Identifier]
    public string? Period { get; set; }

    /// <summary>Mail only the reviewers who still have undecided items, listing those.</summary>
    [Parameter(ParameterSetName = ReviewerSet)]
    public SwitchParameter Reminder { get; set; }

    /// <summary>If the review is past its due date with undecided items, mail the Manager and Communications Officer (once).</summary>
    [Parameter(Mandatory = true, ParameterSetName = EscalateSet)]
    public SwitchParameter Escalate { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        string what = Escalate ? "Mail the Manager and Communications Officer about overdue decisions"
            : Reminder ? "Remind reviewers with undecided items" : "Mail each reviewer their accounts and posters";
        if (!ShouldProcess($"access review {Period ?? "(the open one)"}", what))
            return;
        ReportProgress("Sending access review mail", what);
        var sent = TryEngine(() =>
        {
            IMailer mailer = CreateMailer();
            string from = FromAddress;
            return Escalate ? Session.Reviews.Escalate(Period, mailer, from) : Session.Reviews.Send(Period, mailer, from, Reminder);
        }, Period);
        CompleteProgress();
        if (sent is null)
            return;
        foreach (ReviewMailRecord record in sent)
        {
            if (record.Kind == "NoMailbox")
                WriteWarning($"Nobody could be mailed for {record.Recipient}'s {record.Items} item(s): neither they, their line manager nor the Manager has a mailbox.");
            WriteObject(record);
        }
    }
}
