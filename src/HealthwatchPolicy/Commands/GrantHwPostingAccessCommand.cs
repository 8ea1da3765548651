using System.Linq;
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
        if (!ShouldProcessPlanned($"'{User}' on official account '{Account}'", "Grant posting access",
                () => Session.Access.Grant(Account, User, Reason ?? ""), "would grant",
                r => r is AccessOutcome { Access: { } a } o
                    ? $"'{a.User}' can already post to '{a.Account}'" + string.Concat(o.Warnings.Select(w => "; but " + Refused(w)))
                    : null))
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
            foreach (PolicyRefusal failing in outcome.Warnings)
                WriteWarning($"'{access.User}' can already post to '{access.Account}' (nothing changed), but this access fails a check: {Refused(failing)}. "
                    + "Get-HwComplianceReport lists it as a finding; Revoke-HwPostingAccess removes it.");
            WriteObject(access);
        }
    }
}
