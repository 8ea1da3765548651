using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Issue 15: compares every poster with the policy and revokes (or flags) those who should no longer post.</summary>
[Cmdlet(VerbsData.Sync, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AccessSyncItem))]
public sealed class SyncHwPostingAccessCommand : HwCmdlet
{
    /// <summary>Only these accounts (register names, wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Account { get; set; }

    private readonly List<string> _accounts = new();

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        if (Account is not null)
            _accounts.AddRange(Account);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<AccessSyncItem>? plan = TryEngine(() =>
        {
            IReadOnlyList<AccessSyncItem> p = Session.Lifecycle.PlanSync(_accounts, out string? notEvaluated);
            if (notEvaluated is not null)
                WriteWarning($"Leave dates were not evaluated ({notEvaluated}): posters past their leave date are neither revoked nor flagged.");
            return p;
        }, null);
        if (plan is null)
            return;
        foreach (AccessSyncItem item in plan)
        {
            ReportProgress("Synchronising posting access", $"{item.User} on {item.Account}");
            if (item.Outcome != "Planned")
            {
                WriteVerbose($"Flagged, not revoked (the policy's lifecycle.{LifecycleParameters.KeyOf(item.Reason)} is {item.Action}{(item.ThroughNestedGroup ? ", or they post through a nested group" : "")}): {item.Evidence}");
                WriteObject(item);
                continue;
            }
            if (!ShouldProcess($"'{item.User}' on official account '{item.Account}'", $"Revoke posting access ({LifecycleParameters.KeyOf(item.Reason)}: {item.Evidence})"))
            {
                WriteObject(item); // the plan: Outcome Planned, nothing changed
                continue;
            }
            AccessSyncItem? done = TryEngine(() => Session.Lifecycle.ApplySync(item), item.User);
            if (done is not null)
                WriteObject(done);
        }
        CompleteProgress();
    }
}
