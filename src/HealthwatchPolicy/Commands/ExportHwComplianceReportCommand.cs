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
/// Writes the report a person reads: one self-contained HTML file (or Markdown). For CSV and JSON use
/// PowerShell's own: Get-HwComplianceReport | Export-Csv / ConvertTo-Json.
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

    /// <summary>Html or Markdown; by default, Markdown for a .md path and Html otherwise.</summary>
    [Parameter]
    [ValidateSet("Html", "Markdown")]
    [Identifier("Html", "Markdown")]
    public string? Format { get; set; }

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
        string format = Format ?? (target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "Markdown" : "Html");
        if (_sawInvalidInput)
            return; // never write a report that silently left something out
        if (!ShouldProcess(target, $"Write the {format} compliance report"))
            return;
        try
        {
            PolicyDocument? policy = Policy is null ? null : Engine.Policies.Load(ResolvePath(Policy));
            // Piped findings (even none, when a filter matched nothing) are the report; no pipeline runs the whole report.
            ComplianceReport report = Session.Compliance.BuildReport(MyInvocation.ExpectingInput ? _piped : null, policy);
            string text = format == "Markdown" ? ComplianceReportRenderer.ToMarkdown(report) : ComplianceReportRenderer.ToHtml(report);
            AtomicFile.WriteAllText(target, text);
            WriteObject(InvokeProvider.Item.Get(new[] { target }, force: false, literalPath: true), enumerateCollection: true);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, ex.ErrorId == ErrorIds.PolicyInvalid ? Policy : target);
        }
    }
}
