using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Add, "HwPolicyAcknowledgement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PolicyAcknowledgement))]
public sealed class AddHwPolicyAcknowledgementCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName", "Mail", "UserId")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string User { get; set; } = "";

    /// <summary>The policy version read (default: the connected policy's version).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Version { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "Confirmed they have read the social media policy";

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        string version = Version ?? Session.Policy.Version;
        ReportProgress("Recording policy acknowledgements", User);
        if (!ShouldProcessPlanned($"'{User}'", $"Record acknowledgement of policy version {version}",
                () => Session.Acknowledgements.Add(User, version, Reason).Acknowledgement, "would record it",
                a => a is PolicyAcknowledgement ack ? $"'{ack.User}' already acknowledged version {version}" : null))
            return;
        var result = TryEngine(() => Session.Acknowledgements.Add(User, version, Reason), User);
        if (result.Acknowledgement is null)
            return;
        if (!result.Changed)
            WriteVerbose($"'{result.Acknowledgement.User}' already acknowledged version {version}: nothing changed, nothing journaled.");
        WriteObject(result.Acknowledgement);
    }

    protected override void EndProcessing() => CompleteProgress();
}
