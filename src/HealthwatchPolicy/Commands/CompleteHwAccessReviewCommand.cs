using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsLifecycle.Complete, "HwAccessReview", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AccessReviewItem))]
public sealed class CompleteHwAccessReviewCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [AllowEmptyString]
    [AllowNull]
    [Identifier]
    public string Account { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "UserId")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [AllowEmptyString]
    [AllowNull]
    [Identifier]
    public string User { get; set; } = "";

    // Empty Decision (a row of Get-HwAccessReview -Pending | Export-Csv left undecided): skipped, named in one warning.
    // Empty Justification: the engine's ReasonRequired error, naming the row (docs/decisions/0160). A decision that is
    // neither Keep nor Remove ("Maybe") is the engine's DecisionInvalid, naming the row, not a ValidateSet binding error
    // that names no row (decision 0162); the engine takes any spelling of Keep/Remove.
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    [ArgumentCompleter(typeof(ReviewDecisionCompleter))]
    [Identifier]
    public string Decision { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string Justification { get; set; } = "";

    private readonly System.Collections.Generic.List<string> _undecided = new();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Identifier]
    public string? Period { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        if (string.IsNullOrWhiteSpace(Decision))
        {
            _undecided.Add($"'{User}' on '{Account}'");
            return;
        }
        ReportProgress("Recording access review decisions", $"{Decision} {User} on {Account}");
        if (!ShouldProcessPlanned($"'{User}' on official account '{Account}'", string.Equals(Decision, "Remove", System.StringComparison.OrdinalIgnoreCase) ? "Record Remove and revoke posting access" : "Record Keep",
                () => Session.Reviews.Decide(Period, Account, User, Decision, Justification ?? ""),
                string.Equals(Decision, "Remove", System.StringComparison.OrdinalIgnoreCase) ? "would record Remove and revoke" : "would record Keep",
                r => r is AccessReviewItem same ? $"the decision {same.Decision} is already recorded" : null))
            return;
        AccessReviewItem? item = TryRow(() => Session.Reviews.Decide(Period, Account, User, Decision, Justification ?? ""), Account, User);
        if (item is not null)
            WriteObject(item);
    }

    protected override void EndProcessing()
    {
        CompleteProgress();
        if (_undecided.Count > 0)
            WriteWarning($"{_undecided.Count} row(s) had no decision and were skipped (still undecided): {string.Join(", ", _undecided)}.");
    }
}
