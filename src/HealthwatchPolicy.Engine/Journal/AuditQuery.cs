using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Journal;

/// <summary>Filters over the journal for Get-HwAuditLog. Every filter is optional; patterns take '*' wildcards.</summary>
public static class AuditQuery
{
    /// <summary>The entries that match every filter given, in journal order: <paramref name="account"/>, <paramref name="user"/> and <paramref name="action"/> as '*'/'?' wildcards (case-insensitive, normalised like every identifier), <paramref name="after"/> inclusive, <paramref name="before"/> exclusive, then the <paramref name="last"/> n of them. Without <paramref name="action"/>, an intent whose outcome is on record (<see cref="JournalActions.ChangeIntended"/>) is left out. Reads nothing itself. A range whose end is not after its start is refused (<see cref="ErrorIds.TimeRangeInvalid"/>) rather than answered with nothing.</summary>
    public static IEnumerable<JournalEntry> Filter(IEnumerable<JournalEntry> entries, string? account, string? user, string? action,
        DateTimeOffset? after, DateTimeOffset? before, int? last)
    {
        (account, user, action) = (Identifiers.NormaliseOptional(account), Identifiers.NormaliseOptional(user), Identifiers.NormaliseOptional(action));
        if (after is { } from && before is { } to && from >= to)
            throw new HwException(ErrorIds.TimeRangeInvalid,
                $"The time range ends ({Stamp(to)}) at or before its start ({Stamp(from)}), so no entry could match: the end must be after the start.",
                Stamp(to), input: "before");
        // Write-ahead intents whose outcome is on record are bookkeeping: shown only when asked for by action
        // (-Action ChangeIntended); an intent still without an outcome is shown (docs/decisions/0150).
        IReadOnlyList<JournalEntry> all = entries as IReadOnlyList<JournalEntry> ?? entries.ToList();
        JournalIntents intents = JournalIntents.Read(all);
        IEnumerable<JournalEntry> result = all.Where(e =>
            (action is not null || !intents.IsClosedIntent(e))
            && (account is null || (e.Account is not null && Wildcard.IsMatch(e.Account, account)))
            && (user is null || (e.User is not null && Wildcard.IsMatch(e.User, user)))
            && (action is null || Wildcard.IsMatch(e.Action, action))
            && (after is null || e.Time >= after)
            && (before is null || e.Time < before));
        return last is { } n ? result.Reverse().Take(n).Reverse() : result;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
