using System.Management.Automation;
using HealthwatchPolicy.Engine.Access;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsSecurity.Revoke, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PostingAccess))]
public sealed class RevokeHwPostingAccessCommand : PostingAccessCmdlet
{
    protected override void ProcessRecord()
    {
        ReportProgress("Revoking posting access", $"{User} on {Account}");
        if (!ShouldProcessPlanned($"'{User}' on official account '{Account}'", "Revoke posting access",
                () => Session.Access.Revoke(Account, User, Reason ?? ""), "would revoke",
                o => o is AccessOutcome { Access: { } a } ? $"'{a.User}' cannot post to '{a.Account}'" : null))
            return;
        AccessOutcome? outcome = TryRow(() => Session.Access.Revoke(Account, User, Reason ?? ""), Account, User);
        if (outcome?.Access is not { } access)
            return;
        if (!outcome.Changed)
            WriteVerbose($"'{access.User}' could not post to '{access.Account}': nothing changed, nothing journaled.");
        WriteObject(access);
    }
}
