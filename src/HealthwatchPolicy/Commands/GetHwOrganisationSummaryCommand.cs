using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Organisations;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Merges the latest organisation summary documents (one per organisation, from a run over many organisations:
/// deploy/organisations/Invoke-HwOrganisations.ps1) into one list, worst first, and optionally an accessible HTML
/// overview. Reads every *.json under the folders given, or the latest blob of each organisation in an Azure Blob
/// container (<c>-ContainerUri</c>: List Blobs once, then one Get Blob per organisation); needs no connection.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HwOrganisationSummary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(OrganisationSummary))]
public sealed class GetHwOrganisationSummaryCommand : OrganisationSummaryCmdlet
{
    /// <summary>Folders (searched with their subfolders) or files of summary documents.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Also write the HTML overview (organisations by worst severity, overdue reviews, finding counts) to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    private readonly List<OrganisationSummary> _read = new();
    private readonly List<string> _unreadable = new();
    private string? _storeFailed;

    protected override void ProcessRecord()
    {
        if (UsesContainer)
        {
            IOrganisationSummaryStore store;
            IReadOnlyList<OrganisationSummaryRead> documents;
            try
            {
                store = OpenContainer();
                ReportProgress("Reading organisation summaries", store.Location);
                documents = store.ReadLatest(DateTimeOffset.UtcNow);
            }
            catch (HwException ex)
            {
                _storeFailed = ShownContainer;
                WriteHwError(ex, ShownContainer);
                return;
            }
            Take(documents);
            return;
        }
        foreach (string given in Path)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
            if (Directory.Exists(full))
                Take(new FolderSummaryStore(full).ReadLatest(DateTimeOffset.UtcNow));
            else if (File.Exists(full))
                Take(FolderSummaryStore.ForFiles(new[] { full }).ReadLatest(DateTimeOffset.UtcNow));
            else
            {
                _storeFailed = full;
                WriteHwError(new HwException(ErrorIds.OrganisationSummaryPathNotFound, $"No folder or file '{full}'.", full, null, input: "Path"), full);
            }
        }
    }

    private void Take(IReadOnlyList<OrganisationSummaryRead> documents)
    {
        foreach (OrganisationSummaryRead d in documents)
        {
            if (d.Summary is not null)
                _read.Add(d.Summary);
            else
            {
                _unreadable.Add(d.Source);
                WriteHwError(d.Error!, d.Source);
            }
        }
    }

    protected override void EndProcessing()
    {
        CompleteProgress();
        IReadOnlyList<OrganisationSummary> merged = OrganisationSummary.Merge(_read);
        WriteObject(merged, enumerateCollection: true);
        if (OutFile is null)
            return;
        string target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
        if (_storeFailed is not null)
        {
            // An overview of what could be read would look complete: a folder or container that could not be read at all
            // leaves the previous overview in place, said as a warning (the error itself is above).
            WriteWarning($"The HTML overview was not written to '{target}': '{_storeFailed}' could not be read, so it would leave organisations out.");
            return;
        }
        if (ShouldProcess(target, $"Write the HTML overview of {merged.Count} organisations"))
        {
            try
            {
                AtomicFile.WriteAllText(target, OrganisationSummary.RenderHtml(merged, _unreadable));
            }
            catch (HwException ex)
            {
                ThrowHwError(ex, OutFile);
            }
        }
    }
}
