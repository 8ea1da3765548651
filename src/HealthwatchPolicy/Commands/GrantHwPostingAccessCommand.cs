using System.Management.Automation;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsSecurity.Grant, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Default")]
[OutputType(typeof(PostingAccess))]
public sealed class GrantHwPostingAccessCommand : PostingAccessCmdlet
{
    /// <summary>Issue 15: when the access ends (local time unless an offset is given).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Until", ValueFromPipelineByPropertyName = true)]
    public System.DateTime Until { get; set; }

    /// <summary>Issue 15: how long the access lasts, from now.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "For")]
    public System.TimeSpan For { get; set; }

    protected override void ProcessRecord()
    {
        ReportProgress("Granting posting access", $"{User} on {Account}");
        string ends = ParameterSetName switch
        {
            "Until" => $" until {new System.DateTimeOffset(Until).ToUniversalTime():yyyy-MM-dd HH:mm} UTC",
            "For" => $" for {For.TotalDays:0.##} days",
            _ => "",
        };
        if (!ShouldProcess($"'{User}' on official account '{Account}'", "Grant posting access" + ends))
            return;
        AccessOutcome? outcome = TryEngine(() => ParameterSetName switch
        {
            "Until" => Session.Lifecycle.Grant(Account, User, Reason, new System.DateTimeOffset(Until)),
            "For" => Session.Lifecycle.GrantFor(Account, User, Reason, For),
            _ => Session.Lifecycle.Grant(Account, User, Reason, null),
        }, User);
        if (outcome is null)
            return;
        foreach (PolicyRefusal refusal in outcome.Refusals)
            WriteHwError(new PolicyRefusalException(refusal), User);     // one error per failing condition; nothing changed
        if (outcome.Access is { } access)
        {
            if (!outcome.Changed)
                WriteVerbose($"'{access.User}' can already post to '{access.Account}': nothing changed, nothing journaled.");
            WriteObject(access);
        }
    }
}
