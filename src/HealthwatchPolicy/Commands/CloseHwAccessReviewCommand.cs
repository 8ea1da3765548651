using System.Management.Automation;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>After the grace period: undecided access is flagged or revoked, as the policy says, and the review closes.</summary>
[Cmdlet(VerbsCommon.Close, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(AccessReview))]
public sealed class CloseHwAccessReviewCommand : HwCmdlet
{
    [Parameter(Position = 0)]
    [Identifier]
    public string? Period { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        if (!ShouldProcessPlanned($"access review {Period ?? "(the open one)"}", "Close it, and flag or revoke undecided access as the review's policy says",
                () => Session.Reviews.Close(Period), "would close it"))
            return;
        AccessReview? review = TryEngine(() => Session.Reviews.Close(Period), Period);
        if (review is not null)
            WriteObject(review);
    }
}
