using System.Linq;
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
        // Time-bound or not, a grant goes through the lifecycle service (the end date, a paused account); -WhatIf runs it in
        // plan mode (decision 0161).
        AccessOutcome Run() => ParameterSetName switch
        {
            "Until" => Session.Lifecycle.Grant(Account, User, Reason ?? "", new System.DateTimeOffset(Until)),
            "For" => Session.Lifecycle.GrantFor(Account, User, Reason ?? "", For),
            _ => Session.Lifecycle.Grant(Account, User, Reason ?? "", null),
        };
        if (!ShouldProcessPlanned($"'{User}' on official account '{Account}'", "Grant posting access" + ends,
                Run, "would grant" + ends,
                r => r is AccessOutcome { Access: { } a } o
                    ? $"'{a.User}' can already post to '{a.Account}'" + string.Concat(o.Warnings.Select(w => "; but " + Refused(w)))
                    : null))
            return;
        AccessOutcome? outcome = TryRow(Run, Account, User);
        if (outcome is null)
            return;
        foreach (PolicyRefusal refusal in outcome.Refusals)
            WriteRowError(new PolicyRefusalException(refusal), Account, User);     // one error per failing condition; nothing changed
        if (outcome.Access is { } access)
        {
            if (!outcome.Changed)
                WriteVerbose($"'{access.User}' can already post to '{access.Account}': nothing changed, nothing journaled.");
            foreach (PolicyRefusal failing in outcome.Warnings)
                WriteWarning($"'{access.User}' can already post to '{access.Account}' (nothing changed), but this access fails a check: {Refused(failing)}. "
                    + "Get-HwComplianceReport lists it as a finding; Revoke-HwPostingAccess removes it.");
            WriteObject(access);
        }
    }
}
