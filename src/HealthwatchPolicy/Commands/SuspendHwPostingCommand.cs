using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Issue 15: pauses posting: removes the posters of every (or the named) active account, recording exactly who.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "HwPosting", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PostingPauseResult))]
public sealed class SuspendHwPostingCommand : PostingPauseCmdlet
{
    protected override void EndProcessing()
    {
        // Say exactly who would be removed from which account, one confirmation per account.
        List<PostingAccess>? current = TryEngine(() => Accounts.Count == 0
            ? Session.Access.Get(null, null).ToList()
            : Accounts.SelectMany(a => Session.Access.Get(a, null)).ToList(), null);
        if (current is null)
            return;
        // Every active account named (an account without posters is paused too: no grant until the pause ends); a name
        // without wildcards that matches none goes to the engine, which says AccountNotFound.
        List<string>? active = TryEngine(() => Session.Register.GetAccounts().Select(a => a.Name).ToList(), null);
        if (active is null)
            return;
        List<string> names = Accounts.Count == 0
            ? active
            : active.Where(n => Accounts.Any(a => global::HealthwatchPolicy.Engine.Policy.Wildcard.IsMatch(n, a)))
                .Concat(Accounts.Where(a => a.IndexOfAny(new[] { '*', '?' }) < 0 && !active.Any(n => string.Equals(n, a, System.StringComparison.OrdinalIgnoreCase))))
                .Distinct(System.StringComparer.OrdinalIgnoreCase).ToList();
        var approved = new List<string>();
        foreach (string name in names)
        {
            string who = string.Join(", ", current.Where(c => string.Equals(c.Account, name, System.StringComparison.OrdinalIgnoreCase)).Select(c => c.User));
            string remove = who.Length == 0 ? "nobody (no posters)" : who;
            // -WhatIf plans the pause (plan mode, decision 0161): an account already paused "would change nothing: already
            // paused since ...", not "remove nobody"; an unknown name "would be refused: ..."; else who would be removed.
            string target = $"official account '{name}'";
            bool go = WhatIfActive
                ? ShouldProcessPlanned(target, "Pause posting", () => Session.Lifecycle.Suspend(new[] { name }, Reason), $"would remove {remove}",
                    unchanged: r => r is IReadOnlyList<PostingPauseResult> { Count: > 0 } done && done[0].State is "Paused" or "Resuming"
                        ? $"already {done[0].State.ToLowerInvariant()} since {done[0].Since.ToUniversalTime():yyyy-MM-dd HH:mm} UTC ({done[0].Reason})"
                        : null)
                : ShouldProcess(target, $"Pause posting: remove {remove}");
            if (go)
                approved.Add(name);
        }
        if (approved.Count == 0)
            return;
        ReportProgress("Pausing posting", string.Join(", ", approved));
        IReadOnlyList<PostingPauseResult>? results = TryEngine(() => Session.Lifecycle.Suspend(approved, Reason), string.Join(", ", approved));
        if (results is not null)
            WriteObject(results, enumerateCollection: true);
        CompleteProgress();
    }
}
