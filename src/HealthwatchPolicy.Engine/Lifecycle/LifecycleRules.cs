using System;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Lifecycle;

/// <summary>
/// Whether a poster should no longer post, and why: written once for Sync-HwPostingAccess, Resume-HwPosting and the
/// report's HW-LIF findings. The reasons in order: deleted, disabled, past the leave date, access expired, guest,
/// ineligible employee type (the first that applies is the one journaled).
/// </summary>
internal static class LifecycleRules
{
    /// <summary>The first reason <paramref name="user"/> (null: not in the directory) should no longer post to <paramref name="account"/>, with the evidence; null when none.
    /// With <paramref name="removedByPause"/> (Resume-HwPosting) the evidence says they are not given access back, instead of that they can still post.</summary>
    public static (LifecycleReason Reason, string Evidence)? Evaluate(PolicyDocument policy, string account, string memberId, DirectoryUser? user,
        DateTimeOffset? leaveDate, PostingExpiry? expiry, DateTimeOffset now, bool removedByPause = false)
    {
        if (removedByPause)
            return Evaluate(policy, account, memberId, user, leaveDate, expiry, now) is { } why
                ? (why.Reason, ForResume(why.Reason, user, memberId, leaveDate, expiry, account) ?? why.Evidence)
                : null;
        if (user is null)
            return (LifecycleReason.Deleted, $"Object {memberId} is in the posting group of '{account}' but is not a user in the directory (deleted or not a person).");
        if (!user.AccountEnabled)
            return (LifecycleReason.Disabled, $"{user.UserPrincipalName} is disabled in the directory but can still post to '{account}'.");
        if (leaveDate is { } leave && leave <= now)
            return (LifecycleReason.LeaveDate, $"{user.UserPrincipalName} left on {Day(leave)} (employeeLeaveDateTime) but can still post to '{account}'.");
        if (expiry is { } e && e.Until <= now)
            return (LifecycleReason.AccessExpired, $"{user.UserPrincipalName}'s time-bound access to '{account}' ended on {Day(e.Until)} but they can still post.");
        if (user.IsGuest && !policy.Parameters.GuestsMayPost)
            return (LifecycleReason.Guest, $"{user.UserPrincipalName} is a guest account and can post to '{account}' (guestsMayPost is false).");
        if (!policy.Parameters.EligibleEmployeeTypes.Contains(user.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase))
            return (LifecycleReason.IneligibleType, $"{user.UserPrincipalName} has employee type '{user.EmployeeType ?? "(none)"}', which may not post; they can post to '{account}'.");
        return null;
    }

    /// <summary>The evidence for someone the pause removed: why their access is not given back.</summary>
    private static string? ForResume(LifecycleReason reason, DirectoryUser? user, string memberId, DateTimeOffset? leaveDate, PostingExpiry? expiry, string account)
    {
        string back = $"so their access to '{account}' is not restored.";
        return reason switch
        {
            LifecycleReason.Deleted => $"Object {memberId} is no longer a user in the directory (deleted or not a person), {back}",
            LifecycleReason.Disabled => $"{user!.UserPrincipalName} is disabled in the directory, {back}",
            LifecycleReason.LeaveDate => $"{user!.UserPrincipalName} left on {Day(leaveDate!.Value)} (employeeLeaveDateTime), {back}",
            LifecycleReason.AccessExpired => $"{user!.UserPrincipalName}'s time-bound access to '{account}' ended on {Day(expiry!.Until)}, {back}",
            LifecycleReason.Guest => $"{user!.UserPrincipalName} is a guest account (guestsMayPost is false), {back}",
            LifecycleReason.IneligibleType => $"{user!.UserPrincipalName} has employee type '{user.EmployeeType ?? "(none)"}', which may not post, {back}",
            _ => null,
        };
    }

    /// <summary>A date for people: <c>2026-11-30 14:00 UTC</c>.</summary>
    public static string Day(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
