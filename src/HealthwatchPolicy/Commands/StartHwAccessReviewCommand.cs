using System.Management.Automation;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsLifecycle.Start, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AccessReview))]
public sealed class StartHwAccessReviewCommand : HwCmdlet
{
    /// <summary>The month, yyyy-MM (default: this month).</summary>
    [Parameter(Position = 0)]
    [Identifier]
    public string? Period { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        string period = Period ?? Session.Reviews.CurrentPeriod;
        if (!ShouldProcessPlanned($"access review {period}", "Snapshot every account's posters and assign reviewers",
                () => Session.Reviews.Start(period).Review, "would start it",
                r => r is AccessReview started ? $"the access review {period} was already started on {started.StartedAt:yyyy-MM-dd}" : null))
            return;
        ReportProgress("Starting the access review", period);
        var result = TryEngine(() => Session.Reviews.Start(period), period);
        CompleteProgress();
        if (result.Review is null)
            return;
        if (!result.Created)
            WriteVerbose($"The access review {period} was already started on {result.Review.StartedAt:yyyy-MM-dd}: nothing new was opened.");
        WriteObject(result.Review);
    }
}
