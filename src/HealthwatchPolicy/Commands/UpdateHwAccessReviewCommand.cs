using System.Collections.Generic;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Brings the monthly access review up to date with the calendar: does whatever is due now (start, mail,
/// reminder, escalation, close, the compliance report on the 1st), each step once, and returns what it did.
/// </summary>
[Cmdlet(VerbsData.Update, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ReviewScheduleStep))]
public sealed class UpdateHwAccessReviewCommand : MailCmdlet
{
    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        if (!ShouldProcess("the monthly access review", "Do what is due today: start, mail, remind, escalate, close (flagging or revoking undecided access as the policy says), mail the compliance report on the 1st"))
            return;
        ReportProgress("Updating the access review", "what is due now");
        IReadOnlyList<ReviewScheduleStep>? steps = TryEngine(() => Session.Reviews.Advance(CreateMailer(), FromAddress), null);
        CompleteProgress();
        if (steps is null)
            return;
        foreach (ReviewScheduleStep step in steps)
        {
            foreach (ReviewMailRecord record in step.Mail)
                if (record.Kind == "NoMailbox")
                    WriteWarning($"Nobody could be mailed for {record.Recipient}'s {record.Items} item(s): neither they, their line manager nor the Manager has a mailbox.");
            WriteObject(step);
        }
    }
}
