using System;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Organisations;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Writes one organisation's summary document (healthwatch-organisation-summary/1: findings by severity, overdue access
/// reviews, the journal witness, or the errors that stopped the run) as a new file under -Path or a new blob in the
/// central Azure Blob container -ContainerUri, named &lt;organisation&gt;/&lt;time&gt;.json; never over another document.
/// The organisations runner (Invoke-HwOrganisations.ps1) calls it once per organisation; Get-HwOrganisationSummary
/// merges the latest of each. Needs no connection. docs/decisions/0190, 0195.
/// </summary>
[Cmdlet(VerbsData.Save, "HwOrganisationSummary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(OrganisationSummary))]
public sealed class SaveHwOrganisationSummaryCommand : OrganisationSummaryCmdlet
{
    /// <summary>The folder of summary documents (a subfolder per organisation is made in it).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Alias("SummaryPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The organisation's name, as the tenants file gives it (required unless -InputObject gives a whole summary).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Organisation { get; set; }

    /// <summary>A whole summary to save as it is (Get-HwOrganisationSummary's output: copying a folder's summaries into a
    /// container, say); its time, counts, witness and errors are kept, and the other source parameters are not used.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public OrganisationSummary? InputObject { get; set; }

    /// <summary>The organisation's Entra tenant id or domain (empty for a local directory).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [Identifier]
    public string? TenantId { get; set; }

    /// <summary>The organisation's compliance summary (Get-HwComplianceReport -Summary): its counts and witness.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public ComplianceSummary? ComplianceSummary { get; set; }

    /// <summary>Access reviews past their due date with undecided items (Get-HwAccessReview: Overdue or PastGrace).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, OrganisationSummary.MaxCount)]
    public int OverdueReviews { get; set; }

    /// <summary>The errors that stopped or marred the run, each "ErrorId: message": the summary says the run failed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Errors")]
    [ValidateNotNull]
    public string[]? ErrorMessage { get; set; }

    protected override void ProcessRecord()
    {
        string[] errors = (ErrorMessage ?? Array.Empty<string>()).Where(e => !string.IsNullOrWhiteSpace(e)).ToArray();
        if (InputObject is null && string.IsNullOrEmpty(Organisation))
        {
            WriteHwError(new HwException(ErrorIds.OrganisationSummaryIncomplete,
                "Name the organisation (-Organisation), or give a whole summary (-InputObject, as Get-HwOrganisationSummary returns it).",
                null, input: "Organisation"), null);
            return;
        }
        if (InputObject is null && ComplianceSummary is null && errors.Length == 0)
        {
            WriteHwError(new HwException(ErrorIds.OrganisationSummaryIncomplete,
                "Give the organisation's compliance summary (Get-HwComplianceReport -Summary) or the errors that stopped its run.",
                Organisation, input: "ComplianceSummary"), Organisation);
            return;
        }
        // The time of the run on this machine's clock: the document's name and generatedAt (no connection, so no session clock).
        DateTimeOffset now = DateTimeOffset.UtcNow;
        OrganisationSummary summary;
        try
        {
            summary = InputObject is not null ? OrganisationSummary.Copy(InputObject)
                : ComplianceSummary is not null
                ? OrganisationSummary.FromReport(Organisation!, TenantId, ComplianceSummary, OverdueReviews, now, errors)
                : OrganisationSummary.FromFailure(Organisation!, TenantId, errors, now, OverdueReviews);
        }
        catch (HwException ex)
        {
            WriteHwError(ex, ex.Target ?? Organisation);
            return;
        }
        try
        {
            IOrganisationSummaryStore store = UsesContainer ? OpenContainer() : new FolderSummaryStore(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path!));
            string what = summary.Failed ? $"the failed run ({summary.Errors.Count} error(s))" : $"{summary.Total} finding(s), {summary.OverdueReviews} overdue review(s)";
            if (!ShouldProcess($"{store.Location}/{summary.DocumentName()}", $"Save the summary of '{summary.Organisation}': {what}"))
                return;
            if (InputObject is not null && store.Contains(summary.DocumentName()))
            {
                // A copy that is already there (the same organisation and time): copying again adds nothing, so nothing is written.
                WriteWarning($"The summary of '{summary.Organisation}' of {summary.GeneratedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC is already in '{store.Location}' as {summary.DocumentName()}; not copied again.");
                return;
            }
            summary.Source = store.Write(summary);
        }
        catch (HwException ex)
        {
            WriteHwError(ex, UsesContainer ? ShownContainer : Path);
            return;
        }
        WriteObject(summary);
    }
}
