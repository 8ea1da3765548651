using System.Collections.Generic;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Reviews;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Reads the review mailbox for reviewers' Keep and Remove replies (made from the links of the review mail) and
/// applies each one that passes every check, as Complete-HwAccessReview would; refuses and journals the rest.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "HwAccessReviewDecision", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ReviewDecisionReceipt))]
public sealed class ReceiveHwAccessReviewDecisionCommand : MailCmdlet
{
    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        ReportProgress("Receiving access review decisions", "reading the review mailbox " + FromAddress);
        IReadOnlyList<ReviewDecisionReceipt>? receipts = TryEngine(() =>
            Session.Reviews.ReceiveDecisions(Session.Reviews.OpenInbox(FromAddress), CreateMailer(), FromAddress, r =>
            {
                string target = $"decision mail from {r.From ?? "(no sender)"}: {r.Subject}";
                string action = r.RefusedBecause is null
                    ? (r.Outcome == "Unchanged" ? $"Record nothing ({r.Decision} is already recorded for {r.User} on {r.Account}), reply and file the mail"
                        : $"Apply {r.Decision} for {r.User} on {r.Account}{(r.Decision == "Remove" ? " (revokes posting access)" : "")}, confirm by mail and file the mail")
                    : $"Refuse ({r.RefusedBecause}: {r.Detail}), journal it and file the mail";
                return ShouldProcess(target, action);
            }), FromAddress);
        CompleteProgress();
        if (receipts is null)
            return;
        foreach (ReviewDecisionReceipt receipt in receipts)
        {
            if (receipt.Outcome == "Refused")
                WriteVerbose($"Refused decision mail {receipt.MessageId} ({receipt.RefusedBecause}): {receipt.Detail}");
            WriteObject(receipt);
        }
    }
}
