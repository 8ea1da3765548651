using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwAccessReview", DefaultParameterSetName = ReviewSet)]
[OutputType(typeof(AccessReview), ParameterSetName = new[] { ReviewSet })]
[OutputType(typeof(AccessReviewItem), ParameterSetName = new[] { ItemSet })]
public sealed class GetHwAccessReviewCommand : HwCmdlet
{
    private const string ReviewSet = "Review";
    private const string ItemSet = "Item";

    [Parameter(Position = 0)]
    [Identifier]
    public string? Period { get; set; }

    /// <summary>List the review items (who can post where, and the decision) instead of the reviews.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ItemSet)]
    public SwitchParameter Item { get; set; }

    /// <summary>Only the items still waiting for a decision (of open reviews, or of -Period).</summary>
    [Parameter(ParameterSetName = ItemSet)]
    [Parameter(ParameterSetName = "Pending", Mandatory = true)]
    public SwitchParameter Pending { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void EndProcessing()
    {
        if (ParameterSetName == ReviewSet)
        {
            var reviews = TryEngine(() => Session.Reviews.Get(Period), Period);
            if (reviews is not null)
                WriteObject(reviews, enumerateCollection: true);
            return;
        }
        var items = TryEngine(() => Session.Reviews.Items(Period, Pending).ToList(), Period);
        if (items is not null)
            WriteObject(items, enumerateCollection: true);
    }
}
