using System.Collections.Generic;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>SMP-3.2: everyone who can post was granted it through the policy (the journal's last word on them is a grant).</summary>
internal sealed class AuthorisedPostersCheck : PolicyCheck
{
    public const string CheckName = "AuthorisedPosters";
    internal static readonly ComplianceRule PosterNotJournaled = new("HW-AUT-001", CheckName, Severity.High, "Poster added outside the module (no grant in the journal)", "Decide whether this person should post for us; IT support then puts the access on record or removes it.");

    public override string Name => CheckName;
    public override int Order => 40;
    internal static readonly ComplianceRule NestedGroup = new("HW-AUT-002", CheckName, Severity.High, "A group inside the posting group gives people access", "Ask IT support to take this group out, then give access one by one to the people who should post.");
    internal static readonly ComplianceRule GrantNotInDirectory = new("HW-AUT-003", CheckName, Severity.Medium, "The journal's last word is a grant but the person cannot post", "Ask IT support who removed this person's access, and decide whether they should have it back.");
    internal static readonly ComplianceRule IntentWithoutOutcome = new("HW-AUT-004", CheckName, Severity.Medium, "A change was started but its outcome is not on record", "Ask IT support to finish recording this change: the next change they make records whether it happened.");
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { PosterNotJournaled, NestedGroup, GrantNotInDirectory, IntentWithoutOutcome };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        foreach (ComplianceFinding f in FindNestedGroups(s))
            yield return f;

        // Grants and revocations in the journal: the last word on each (account, user). An outcome recorded a second
        // time for the same intent (two writers reconciling it on the lock-free shared store) does not count.
        JournalIntents intents = JournalIntents.Read(s.Journal);
        var lastAccessEvent = new Dictionary<(string, string), string>();
        foreach (KeyValuePair<(string, string), JournalEntry> e in LastAccessWords(s.Journal, intents, skipPauseRemovals: false))
            lastAccessEvent[e.Key] = e.Value.Action;

        // Write-ahead intents without an outcome (issue 13, item 4): a process stopped between the intent and its
        // outcome, and no change has run since (each change reconciles first). The report reads, it does not fix.
        foreach (JournalEntry intent in intents.Open)
            yield return Finding(s, IntentWithoutOutcome, intent.Account, intent.User ?? "",
                $"Entry {intent.Sequence} ({intent.Actor}, {intent.Time.UtcDateTime:yyyy-MM-dd HH:mm}Z) started '{JournalIntents.Field(intent.After, "change") ?? "a change"}' "
                + $"for {intent.User} on '{intent.Account}', but no outcome is on record: {AppliedInWords(s, intent)}",
                "Run any change (for example Grant-HwPostingAccess or Revoke-HwPostingAccess): it first compares the intent with the directory and records what it finds. "
                + "Then look at HW-AUT-001/HW-AUT-003 again.");

        // The other direction (issue 13, item 4): the journal's last word is a grant, but the person is not in the
        // posting group (removed outside the module, or a revoke applied whose entry was never written).
        foreach (OfficialAccount a in s.ActiveAccounts)
        {
            var posters = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
            foreach (string id in a.PosterIds)
                if (s.Register.Users.TryGetValue(id, out DirectoryUser? p))
                    posters.Add(p.UserPrincipalName);
            foreach (KeyValuePair<(string Account, string User), string> e in lastAccessEvent)
                if (e.Value == JournalActions.PostingAccessGranted && e.Key.Account == a.Name.ToLowerInvariant() && !posters.Contains(e.Key.User))
                    yield return Finding(s, GrantNotInDirectory, a.Name, e.Key.User,
                        $"The journal's last word on {e.Key.User} for '{a.Name}' is a grant, but they are not in '{a.GroupName}': they were removed outside the module, or a revocation was made without its journal entry.",
                        $"Find out who removed them (the directory's audit log). If they should post, Grant-HwPostingAccess -Account {a.Name} -User {e.Key.User} again; if not, put the removal on record: grant and then revoke with reasons that say so (Revoke-HwPostingAccess records nothing for someone who is not a poster).");
        }

        foreach (OfficialAccount a in s.ActiveAccounts)
            foreach (string id in a.PosterIds)
            {
                if (!s.Register.Users.TryGetValue(id, out DirectoryUser? poster))
                    continue;   // not a person: the eligibility check reports it
                lastAccessEvent.TryGetValue((a.Name.ToLowerInvariant(), poster.UserPrincipalName.ToLowerInvariant()), out string? last);
                if (last != JournalActions.PostingAccessGranted)
                    yield return Finding(s, PosterNotJournaled, a.Name, poster.UserPrincipalName,
                        last is null
                            ? $"{poster.UserPrincipalName} is in '{a.GroupName}' but the journal has no grant for them on '{a.Name}'."
                            : $"{poster.UserPrincipalName} is in '{a.GroupName}' but the journal's last word is that their access was revoked.",
                        $"If they should post, grant it through the policy (Revoke-HwPostingAccess, then Grant-HwPostingAccess with a reason); otherwise revoke it.");
            }
    }

    /// <summary>
    /// The journal's last word on each (account, user), both lower-cased: the last <c>PostingAccessGranted</c> or
    /// <c>PostingAccessRevoked</c> outcome (a duplicate outcome of one intent does not count). With
    /// <paramref name="skipPauseRemovals"/>, the removals Suspend-HwPosting journaled (<c>paused: true</c>) do not count
    /// either, so Resume-HwPosting sees what was on record for each person before the pause (docs/decisions/0177).
    /// This is how HW-AUT-001 decides whether a poster's access is on record.
    /// </summary>
    internal static Dictionary<(string Account, string User), JournalEntry> LastAccessWords(IEnumerable<JournalEntry> journal, JournalIntents intents, bool skipPauseRemovals)
    {
        var last = new Dictionary<(string, string), JournalEntry>();
        foreach (JournalEntry e in journal)
            if (e.Account is not null && e.User is not null && e.Action is JournalActions.PostingAccessGranted or JournalActions.PostingAccessRevoked
                && !intents.IsDuplicate(e)
                && !(skipPauseRemovals && e.Action == JournalActions.PostingAccessRevoked && JournalIntents.Flag(e.After, "paused") == true))
                last[(e.Account.ToLowerInvariant(), e.User.ToLowerInvariant())] = e;
        return last;
    }

    /// <summary>What the snapshot's directory says of an open membership intent, in words.</summary>
    private static string AppliedInWords(CheckSnapshot s, JournalEntry intent)
    {
        string? groupId = JournalIntents.Field(intent.After, "groupId");
        string? userId = JournalIntents.Field(intent.After, "userId");
        bool? member = JournalIntents.Flag(intent.After, "member");
        OfficialAccount? account = null;
        foreach (OfficialAccount a in s.Register.Accounts)
            if (string.Equals(a.GroupId, groupId, System.StringComparison.OrdinalIgnoreCase))
                account = a;
        if (account is null || userId is null || member is null)
            return "the directory cannot say whether it was made.";
        bool now = System.Linq.Enumerable.Contains(account.Group.DirectMemberIds, userId, System.StringComparer.OrdinalIgnoreCase);
        return now == member
            ? "the directory shows the change was made (the journal does not say so yet)."
            : "the directory shows the change was not made.";
    }

    /// <summary>
    /// A group nested in a posting group (at any depth) gives its members posting access that no grant decided and
    /// that whoever manages that group can widen at will: one finding per nested group, naming who it lets post.
    /// </summary>
    private IEnumerable<ComplianceFinding> FindNestedGroups(CheckSnapshot s)
    {
        foreach (OfficialAccount a in s.ActiveAccounts)
            foreach (Ports.NestedGroup n in a.Group.NestedGroups)
            {
                string people = n.DirectMemberIds.Count == 0 ? "nobody directly" : string.Join(", ", System.Linq.Enumerable.Select(n.DirectMemberIds, s.Upn));
                yield return Finding(s, NestedGroup, a.Name, n.DisplayName,
                    $"The group '{n.DisplayName}' ({n.Id}) is inside '{a.GroupName}', so everyone in it can post to '{a.Name}' without a grant: {people}"
                    + (n.GroupIds.Count > 0 ? $", and the members of {Text.EnglishCount.Of(n.GroupIds.Count, "group")} inside it." : "."),
                    $"Take '{n.DisplayName}' out of '{a.GroupName}' in the directory, then grant the people who should post one by one (Grant-HwPostingAccess -Account {a.Name} -User ...).");
            }
    }
}
