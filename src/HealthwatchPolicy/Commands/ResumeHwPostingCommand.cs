using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>Issue 15: ends a pause: restores the people it removed, each re-checked against the policy.</summary>
[Cmdlet(VerbsLifecycle.Resume, "HwPosting", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PostingPauseResult))]
public sealed class ResumeHwPostingCommand : PostingPauseCmdlet
{
    protected override void EndProcessing()
    {
        LifecycleState? state = TryEngine(() => Session.Lifecycle.ReadState(), null);
        if (state is null)
            return;
        List<PostingPause> pauses = state.Pauses
            .Where(p => Accounts.Count == 0 || Accounts.Any(a => Wildcard.IsMatch(p.Account, a.Trim()))).ToList();
        foreach (string missing in Accounts.Where(a => a.IndexOfAny(new[] { '*', '?' }) < 0 && !pauses.Any(p => Wildcard.IsMatch(p.Account, a.Trim()))))
            TryEngine(() => Session.Lifecycle.Resume(new[] { missing }, Reason), missing); // AccountNotFound: not paused
        var approved = new List<string>();
        foreach (PostingPause p in pauses)
            if (ShouldProcess($"official account '{p.Account}'", $"Resume posting: restore {(p.Removed.Count == 0 ? "nobody" : string.Join(", ", p.Removed.Select(r => r.User)))}, each re-checked against the policy"))
                approved.Add(p.Account);
        if (approved.Count == 0)
            return;
        ReportProgress("Resuming posting", string.Join(", ", approved));
        IReadOnlyList<PostingPauseResult>? results = TryEngine(() => Session.Lifecycle.Resume(approved, Reason), string.Join(", ", approved));
        if (results is null)
            return;
        foreach (PostingPauseResult r in results)
        {
            foreach (string n in r.NotRestored)
                WriteWarning($"Not restored to '{r.Account}' (no longer eligible): {n}");
            WriteObject(r);
        }
        CompleteProgress();
    }
}
