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
/// overview. Reads every *.json under the folders given; needs no connection.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HwOrganisationSummary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OrganisationSummary))]
public sealed class GetHwOrganisationSummaryCommand : HwCmdlet
{
    /// <summary>Folders (searched with their subfolders) or files of summary documents.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Also write the HTML overview (organisations by worst severity, overdue reviews, finding counts) to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    private readonly List<OrganisationSummary> _read = new();

    protected override void ProcessRecord()
    {
        foreach (string given in Path)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
            IEnumerable<string> files = Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*.json", SearchOption.AllDirectories)
                : File.Exists(full) ? new[] { full } : Array.Empty<string>();
            if (!Directory.Exists(full) && !File.Exists(full))
            {
                WriteHwError(new HwException(ErrorIds.OrganisationSummaryPathNotFound, $"No folder or file '{full}'.", full, null, input: "Path"), full);
                continue;
            }
            foreach (string file in files)
            {
                try
                {
                    _read.Add(OrganisationSummary.Parse(File.ReadAllText(file), file));
                }
                catch (FormatException ex)
                {
                    WriteHwError(new HwException(ErrorIds.OrganisationSummaryUnreadable, ex.Message, file, ex, input: "Path"), file);
                }
            }
        }
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<OrganisationSummary> merged = OrganisationSummary.Merge(_read);
        WriteObject(merged, enumerateCollection: true);
        if (OutFile is null)
            return;
        string target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
        if (ShouldProcess(target, $"Write the HTML overview of {merged.Count} organisations"))
            AtomicFile.WriteAllText(target, OrganisationSummary.RenderHtml(merged));
    }
}
