using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// SMP-3.2, issue 15: access that should have ended (a past leave date, time-bound access that has ended) and paused
/// accounts. Whether Sync-HwPostingAccess revokes or only flags is the policy's <c>lifecycle</c>; the evidence says which
/// (a flagged one is pending a person's decision). Disabled, deleted, guest and employee-type posters are HW-ELG's.
/// </summary>
internal sealed class AccessLifecycleCheck : PolicyCheck
{
    public const string CheckName = "AccessLifecycle";
    internal static readonly ComplianceRule PastLeaveDate = new("HW-LIF-001", CheckName, Severity.High, "Poster is past their leave date", "This person's leave date has passed: ask IT support to remove their access today.");
    internal static readonly ComplianceRule AccessExpired = new("HW-LIF-002", CheckName, Severity.High, "Time-bound access has ended but the poster can still post", "The agreed posting period has ended: ask IT support to remove the access, or agree a new period with a reason.");
    internal static readonly ComplianceRule Paused = new("HW-LIF-003", CheckName, Severity.Info, "Posting to the account is paused", "Posting is paused on this account: when it is safe again, ask IT support to resume it.");
    internal static readonly ComplianceRule PausedTooLong = new("HW-LIF-004", CheckName, Severity.Medium, "Posting has been paused for longer than the policy allows", "This account has been paused for longer than the policy allows: decide whether to resume it or close it.");
    internal static readonly ComplianceRule LeaveDatesNotEvaluated = new("HW-LIF-005", CheckName, Severity.Info, "Leave dates not evaluated", "Ask IT support to give the module permission to read leave dates, so leavers are caught automatically.");

    public override string Name => CheckName;
    public override int Order => 55;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { PastLeaveDate, AccessExpired, Paused, PausedTooLong, LeaveDatesNotEvaluated };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        LifecycleParameters p = s.Policy.Parameters.Lifecycle;
        PosterFacts? facts = s.Facts;
        foreach (OfficialAccount a in s.ActiveAccounts)
        {
            foreach (string id in a.PosterIds)
            {
                s.Register.Users.TryGetValue(id, out DirectoryUser? user);
                DateTimeOffset? leave = facts is not null && facts.LeaveDates.TryGetValue(id, out DateTimeOffset l) ? l : null;
                if (LifecycleRules.Evaluate(s.Policy, a.Name, id, user, leave, s.Lifecycle.ExpiryOf(a.Name, id), s.Now) is not { } why)
                    continue;
                ComplianceRule? rule = why.Reason switch
                {
                    LifecycleReason.LeaveDate => PastLeaveDate,
                    LifecycleReason.AccessExpired => AccessExpired,
                    _ => null,
                };
                if (rule is null)
                    continue;
                bool revoke = p.ActionFor(why.Reason) == LifecycleAction.Revoke;
                string pending = revoke
                    ? $" The policy revokes (lifecycle.{LifecycleParameters.KeyOf(why.Reason)}: Revoke): Sync-HwPostingAccess removes them on its next run."
                    : $" The policy flags only (lifecycle.{LifecycleParameters.KeyOf(why.Reason)}: Flag): the revocation is pending a person's decision.";
                yield return Finding(s, rule, a.Name, user?.UserPrincipalName ?? id, why.Evidence + pending,
                    $"Sync-HwPostingAccess, or Revoke-HwPostingAccess -Account {a.Name} -User {user?.UserPrincipalName ?? id}"
                    + (why.Reason == LifecycleReason.AccessExpired ? "; to extend, Grant-HwPostingAccess -Until with a reason." : "."));
            }
            if (s.Lifecycle.PauseOf(a.Name) is { } pause)
            {
                string who = pause.Removed.Count == 0 ? "nobody" : string.Join(", ", pause.Removed.Select(r => r.User));
                yield return Finding(s, Paused, a.Name, a.Name,
                    $"Posting to '{a.Name}' is {(pause.State == "Paused" ? "paused" : pause.State.ToLowerInvariant() + " (interrupted: run it again)")} since {LifecycleRules.Day(pause.Since)} by {pause.By}: \"{pause.Reason}\". Removed: {who}.",
                    $"Resume-HwPosting -Account {a.Name} -Reason <why> when it is safe to post again.");
                double days = (s.Now - pause.Since).TotalDays;
                if (days > p.MaxPauseDays)
                    yield return Finding(s, PausedTooLong, a.Name, a.Name,
                        $"Posting to '{a.Name}' has been paused for {Math.Floor(days):0} days, more than lifecycle.maxPauseDays ({p.MaxPauseDays}).",
                        $"Decide: Resume-HwPosting -Account {a.Name}, or retire the account (Remove-HwOfficialAccount).");
            }
        }
        if (facts?.LeaveDatesNotEvaluated is { } reason && reason != PosterFacts.NotAsked && s.ActiveAccounts.Any(a => a.PosterCount > 0))
            yield return Finding(s, LeaveDatesNotEvaluated, null, "employeeLeaveDateTime",
                $"Leave dates were not evaluated: {reason}. Posters past their leave date are neither flagged nor revoked.",
                "Grant the connection's app User-LifeCycleInfo.Read.All (docs/graph-permissions.md).");
    }
}
