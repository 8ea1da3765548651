using System.Management.Automation;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// What changed between two saved compliance reports (Export-HwComplianceReport -Format Json), or between a saved
/// report and a run now: one object per finding with its Change (New, Fixed, StillOpen, Reopened, Suppressed, ExceptionExpired).
/// </summary>
[Cmdlet(VerbsData.Compare, "HwComplianceReport")]
[OutputType(typeof(ComplianceChange))]
public sealed class CompareHwComplianceReportCommand : HwCmdlet
{
    /// <summary>The earlier saved report (a JSON file).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Path")]
    [ValidateNotNullOrEmpty]
    public string ReferenceReport { get; set; } = "";

    /// <summary>The later saved report; without it, the connected directory is checked now.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? DifferenceReport { get; set; }

    protected override void ProcessRecord()
    {
        string referencePath = ResolvePath(ReferenceReport);
        SavedComplianceReport reference, difference;
        try
        {
            reference = Load(referencePath, "referenceReport");
        }
        catch (HwException ex)
        {
            WriteHwError(ex, ReferenceReport);
            return;
        }
        try
        {
            if (DifferenceReport is not null)
                difference = Load(ResolvePath(DifferenceReport), "differenceReport");
            else
            {
                ReportProgress("Checking the policy", Session.Connection.Directory);
                difference = SavedComplianceReport.From(Session.Compliance.BuildReport(), reference);
                CompleteProgress();
            }
        }
        catch (HwException ex)
        {
            CompleteProgress();
            WriteHwError(ex, DifferenceReport ?? (object)referencePath);
            return;
        }
        foreach (ComplianceChange change in ComplianceReportComparer.Compare(reference, difference))
            WriteObject(change);
    }

    /// <summary>A saved report; the engine's "path" input is worded as this cmdlet's parameter.</summary>
    private static SavedComplianceReport Load(string path, string parameter)
    {
        try
        {
            return SavedComplianceReport.Load(path);
        }
        catch (HwException ex) when (ex.Input == "path")
        {
            throw new HwException(ex.ErrorId, ex.Message, path, ex, input: parameter);
        }
    }
}
