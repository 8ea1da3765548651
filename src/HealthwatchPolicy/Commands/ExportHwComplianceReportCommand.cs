using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Writes the report: one self-contained HTML file or Markdown for people, a saved JSON report (versioned, with its
/// provenance and schema; Compare-HwComplianceReport reads it), or an action-plan CSV (one row per open finding with
/// empty Owner, DueDate and Notes columns).
/// </summary>
[Cmdlet(VerbsData.Export, "HwComplianceReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportHwComplianceReportCommand : HwCmdlet
{
    private readonly List<ComplianceFinding> _piped = new();
    private bool _sawInvalidInput;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Html, Markdown, Json or ActionPlan; by default from the extension (.md Markdown, .json Json, .csv ActionPlan), else Html.</summary>
    [Parameter]
    [ValidateSet("Html", "Markdown", "Json", "ActionPlan")]
    [Identifier("Html", "Markdown", "Json", "ActionPlan")]
    public string? Format { get; set; }

    /// <summary>A saved JSON report to compare with: adds a "Since the last report" section (and, in Json, carries its seen keys on).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Previous { get; set; }

    /// <summary>Findings from Get-HwComplianceReport (filtered as you like); without them the whole report is run.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [Alias("PolicyPath")]
    [ValidateNotNullOrEmpty]
    public string? Policy { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        if (InputObject is null)
            return;
        if (InputObject.BaseObject is ComplianceFinding finding)
            _piped.Add(finding);
        else
        {
            _sawInvalidInput = true;
            WriteError(ErrorMapping.ToErrorRecord(new ArgumentException("Only findings from Get-HwComplianceReport can be exported."),
                ErrorIds.InputNotAFinding, InputObject));
        }
    }

    protected override void EndProcessing()
    {
        string target = ResolvePath(Path);
        string format = Format ?? (target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "Markdown"
            : target.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "Json"
            : target.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "ActionPlan" : "Html");
        if (_sawInvalidInput)
            return; // never write a report that silently left something out
        if (!ShouldProcess(target, $"Write the {format} compliance report"))
            return;
        try
        {
            PolicyDocument? policy = Policy is null ? null : Engine.Policies.Load(ResolvePath(Policy));
            SavedComplianceReport? previous = Previous is null ? null : LoadPrevious();
            // Piped findings (even none, when a filter matched nothing) are the report; no pipeline runs the whole report.
            ComplianceReport report = Session.Compliance.BuildReportSince(previous, MyInvocation.ExpectingInput ? _piped : null, policy);
            string text = format switch
            {
                "Markdown" => ComplianceReportRenderer.ToMarkdown(report),
                "Json" => SavedComplianceReport.From(report, previous).ToJson(),
                "ActionPlan" => ActionPlan.ToCsv(report),
                _ => ComplianceReportRenderer.ToHtml(report),
            };
            AtomicFile.WriteAllText(target, text);
            WriteObject(InvokeProvider.Item.Get(new[] { target }, force: false, literalPath: true), enumerateCollection: true);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, ex.ErrorId == ErrorIds.PolicyInvalid ? Policy : ex.ErrorId == ErrorIds.ReportInvalid ? Previous : target);
        }
    }

    private SavedComplianceReport LoadPrevious()
    {
        try
        {
            return SavedComplianceReport.Load(ResolvePath(Previous!));
        }
        catch (HwException ex) when (ex.Input == "path")
        {
            // The engine's "path" is this cmdlet's -Previous.
            throw new HwException(ex.ErrorId, ex.Message, Previous, ex, input: "previous");
        }
    }
}
