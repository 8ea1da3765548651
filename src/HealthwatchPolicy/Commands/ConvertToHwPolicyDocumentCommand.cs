using System;
using System.IO;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsData.ConvertTo, "HwPolicyDocument", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
[OutputType(typeof(FileInfo))]
public sealed class ConvertToHwPolicyDocumentCommand : HwCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateSet("Html", "Markdown", "Text")]
    [Identifier("Html", "Markdown", "Text")]
    public string Format { get; set; } = "Html";

    /// <summary>Large print (18pt and up) HTML.</summary>
    [Parameter]
    public SwitchParameter LargePrint { get; set; }

    /// <summary>Write the document here (atomically) and output the file instead of the text.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    protected override void ProcessRecord()
    {
        string? path = Path is null ? null : ResolvePath(Path);
        try
        {
            PolicyDocument policy = Engine.Policies.Load(path);
            var format = (PolicyFormat)Enum.Parse(typeof(PolicyFormat), Format, ignoreCase: true);
            string document = Engine.Policies.Render(policy, format, LargePrint);
            if (OutFile is null)
            {
                WriteObject(document);
                return;
            }
            string target = ResolvePath(OutFile);
            if (!ShouldProcess(target, $"Write the {Format}{(LargePrint ? " large-print" : "")} policy document"))
                return;
            AtomicFile.WriteAllText(target, document);
            WriteObject(InvokeProvider.Item.Get(new[] { target }, force: false, literalPath: true), enumerateCollection: true);
        }
        catch (HwException ex)
        {
            WriteHwError(ex, ex.ErrorId == ErrorIds.LargePrintNeedsHtml ? Format : path ?? ex.Target);
        }
    }
}
