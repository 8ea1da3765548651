using System.Management.Automation;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsSecurity.Grant, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PostingAccess))]
public sealed class GrantHwPostingAccessCommand : PostingAccessCmdlet
{
    protected override void ProcessRecord()
    {
        ReportProgress("Granting posting access", $"{User} on {Account}");
        if (!ShouldProcess($"'{User}' on official account '{Account}'", "Grant posting access"))
            return;
        AccessOutcome? outcome = TryRow(() => Session.Access.Grant(Account, User, Reason ?? ""), Account, User);
        if (outcome is null)
            return;
        foreach (PolicyRefusal refusal in outcome.Refusals)
            WriteRowError(new PolicyRefusalException(refusal), Account, User);     // one error per failing condition; nothing changed
        if (outcome.Access is { } access)
        {
            if (!outcome.Changed)
                WriteVerbose($"'{access.User}' can already post to '{access.Account}': nothing changed, nothing journaled.");
            WriteObject(access);
        }
    }
}
