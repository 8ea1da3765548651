using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>Filters over the journal for Get-HwAuditLog. Every filter is optional; patterns take '*' wildcards.</summary>
public static class AuditQuery
{
    /// <summary>The entries that match every filter given, in journal order: <paramref name="account"/>, <paramref name="user"/> and <paramref name="action"/> as '*'/'?' wildcards (case-insensitive, normalised like every identifier), <paramref name="after"/> inclusive, <paramref name="before"/> exclusive, then the <paramref name="last"/> n of them. Reads nothing itself.</summary>
    public static IEnumerable<JournalEntry> Filter(IEnumerable<JournalEntry> entries, string? account, string? user, string? action,
        DateTimeOffset? after, DateTimeOffset? before, int? last)
    {
        (account, user, action) = (Identifiers.NormaliseOptional(account), Identifiers.NormaliseOptional(user), Identifiers.NormaliseOptional(action));
        IEnumerable<JournalEntry> result = entries.Where(e =>
            (account is null || (e.Account is not null && Wildcard.IsMatch(e.Account, account)))
            && (user is null || (e.User is not null && Wildcard.IsMatch(e.User, user)))
            && (action is null || Wildcard.IsMatch(e.Action, action))
            && (after is null || e.Time >= after)
            && (before is null || e.Time < before));
        return last is { } n ? result.Reverse().Take(n).Reverse() : result;
    }
}
