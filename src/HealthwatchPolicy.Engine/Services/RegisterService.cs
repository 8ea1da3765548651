using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>The official-account register: one posting group per account, the entry riding on the group.</summary>
public sealed class RegisterService
{
    private readonly HwSession _session;
    private IReadOnlyList<OfficialAccount>? _accountCache;
    private IReadOnlyList<DirectoryUser>? _userCache;

    internal RegisterService(HwSession session) => _session = session;

    /// <summary>The accounts as last read (read once if never): for tab completion, which must not wait on the network.</summary>
    public IReadOnlyList<OfficialAccount> CachedAccounts() => _accountCache ?? GetAccounts(includeRetired: true);

    /// <summary>The users as last read (read once if never): for tab completion.</summary>
    public IReadOnlyList<DirectoryUser> CachedUsers() => _userCache ??= Directory.GetUsers();

    private PolicyDocument Policy => _session.Policy;
    private IDirectory Directory => _session.Directory;
    internal string GroupPrefix => Policy.Parameters.PostingGroupPrefix + "-";

    /// <summary>Every account in the register (one bulk read of groups and users).</summary>
    public IReadOnlyList<OfficialAccount> GetAccounts(bool includeRetired = false)
    {
        List<OfficialAccount> accounts = ReadRegister().Accounts;
        _accountCache = accounts;
        return accounts.Where(a => includeRetired || a.IsActive).ToList();
    }

    /// <summary>
    /// The whole register in bulk: the posting groups (with entries and members), then only the users behind
    /// them (owners, consenters, posters), and in the same read the people named in <paramref name="userPrincipalNames"/>
    /// (the compliance report's role holders). Two reads however many accounts there are; the adapter batches them.
    /// </summary>
    internal RegisterSnapshot ReadRegister(string? namePrefix = null, IReadOnlyCollection<string>? userPrincipalNames = null)
    {
        var groups = Directory.GetGroups(GroupPrefix + (namePrefix ?? ""))
            .Select(g => (Group: g, Entry: RegisterEntry.FromJson(g.Extension)))
            .ToList();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((DirectoryGroup g, RegisterEntry? e) in groups)
        {
            ids.UnionWith(g.MemberIds);
            if (e is not null)
            {
                ids.Add(e.OwnerId);
                if (e.ConsentById is not null)
                    ids.Add(e.ConsentById);
            }
        }
        ids.RemoveWhere(string.IsNullOrEmpty);
        Dictionary<string, DirectoryUser> users = Directory.GetUsers(ids, userPrincipalNames).ToDictionary(u => u.Id, StringComparer.OrdinalIgnoreCase);
        List<OfficialAccount> accounts = groups.Where(x => x.Entry is not null)
            .Select(x => new OfficialAccount(x.Entry!, x.Group, users))
            .OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        return new RegisterSnapshot(accounts, groups.Where(x => x.Entry is null).Select(x => x.Group).ToList(), users);
    }

    /// <summary>An account by register name or posting-group name; throws AccountNotFound.</summary>
    public OfficialAccount GetAccount(string name, bool includeRetired = true)
    {
        name = Identifiers.Normalise(name);
        bool Matches(OfficialAccount a) =>
            string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(a.GroupName, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(a.GroupId, name, StringComparison.OrdinalIgnoreCase);
        // Read just the groups whose name could be this account's (a register name or a posting-group name);
        // only a group id needs the whole register.
        string registerName = name.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase) ? name.Substring(GroupPrefix.Length) : name;
        OfficialAccount? account = ReadRegister(registerName).Accounts.FirstOrDefault(Matches)
                                   ?? GetAccounts(includeRetired: true).FirstOrDefault(Matches);
        if (account is null || (!includeRetired && !account.IsActive))
            throw new HwException(ErrorIds.AccountNotFound,
                account is null
                    ? $"There is no official account '{name}' in the register. Get-HwOfficialAccount lists them."
                    : $"The official account '{name}' is retired (Get-HwOfficialAccount -IncludeRetired shows it).",
                name);
        return account;
    }

    /// <summary>A user by principal name or object id; throws UserNotFound naming <paramref name="input"/> (owner, consentBy, user).</summary>
    internal DirectoryUser ResolveUser(string reference, string input)
    {
        reference = Identifiers.Normalise(reference);
        if (string.IsNullOrWhiteSpace(reference))
            throw new HwException(ErrorIds.UserNotFound, "No user was named (the reference is empty).", reference, input: input);
        return Directory.FindUser(reference.Trim())
            ?? throw new HwException(ErrorIds.UserNotFound,
                $"There is no user '{reference}' in the directory ({Directory.Description}).", reference, input: input);
    }

    /// <summary>Sets up a new official account: its posting group and register entry together, or neither.</summary>
    /// <exception cref="HwException">AccountHandleInvalid, AccountPlatformInvalid, AccountUrlInvalid (inputs <c>handle</c>,
    /// <c>platform</c>, <c>url</c>), AccountExists, UserNotFound (input <c>owner</c> or <c>consentBy</c>), StateLocked or
    /// StateNotWritable, JournalWriteFailed, or a directory error of the adapter.</exception>
    /// <exception cref="PolicyRefusalException">AccountOwnerDisabled or AccountConsentInvalid (SMP-3.1), with the typed refusal.</exception>
    public OfficialAccount Create(string platform, string handle, string? url, string? purpose, string owner, string consentBy,
        DateTime? consentDate, string reason)
    {
        FieldLimits.Check("Platform", platform, FieldLimits.Platform);
        FieldLimits.Check("Handle", handle, FieldLimits.Handle);
        FieldLimits.Check("Url", url, FieldLimits.Url);
        FieldLimits.Check("Purpose", purpose, FieldLimits.Purpose);
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        platform = Identifiers.Normalise(platform);
        handle = Identifiers.Normalise(handle);
        if (OfficialAccount.MakeName("", handle).Length == 0)
            throw new HwException(ErrorIds.AccountHandleInvalid, $"The handle '{handle}' must contain letters or digits.", handle, input: "handle");
        if (OfficialAccount.MakeName(platform, "").Length == 0)
            throw new HwException(ErrorIds.AccountPlatformInvalid, $"The platform '{platform}' must contain letters or digits.", platform, input: "platform");
        string name = OfficialAccount.MakeName(platform, handle);
        IReadOnlyList<DirectoryGroup> existing = Directory.GetGroups(GroupPrefix + name);
        if (existing.Any(g => RegisterEntry.FromJson(g.Extension)?.Name == name))
            throw new HwException(ErrorIds.AccountExists,
                $"The official account '{name}' is already in the register.", name);
        RefuseGroupOfTheWrongKind(existing.Where(g => string.Equals(g.DisplayName, GroupPrefix + name, StringComparison.OrdinalIgnoreCase)));
        url = CheckUrl(url);
        purpose = Blank(purpose);

        DirectoryUser ownerUser = ResolveUser(owner, "owner");
        DirectoryUser consenter = ResolveUser(consentBy, "consentBy");
        Enforce(new ProposedConsent(name, ownerUser, consenter));
        CheckConsentDate(consentDate);

        DateTimeOffset now = _session.Clock.UtcNow;
        var entry = new RegisterEntry
        {
            Name = name,
            Platform = platform.Trim(),
            Handle = handle.Trim(),
            Url = url,
            Purpose = purpose,
            OwnerId = ownerUser.Id,
            ConsentById = consenter.Id,
            ConsentDate = (consentDate ?? now.UtcDateTime).Date,
            CreatedAt = now,
        };
        string groupName = GroupPrefix + name;
        if (groupName.Length > FieldLimits.GroupDisplayName)
            throw new HwException(ErrorIds.FieldTooLong, $"The posting group's name '{groupName.Substring(0, 40)}…' would be {groupName.Length} characters; Microsoft Graph allows "
                + $"{FieldLimits.GroupDisplayName}: shorten the handle or the platform.", "Handle", input: "Handle");
        FieldLimits.CheckEntry(entry.ToJson());
        string nickname = groupName.Length > 64 ? groupName.Substring(0, 64) : groupName;
        DirectoryGroup group = Directory.CreateGroup(
            new NewGroup(groupName, nickname, $"People who may post to the official {entry.Platform} account {entry.Handle} (HealthwatchPolicy register)."),
            entry.ToJson());
        _session.Record(JournalActions.AccountCreated, name, ownerUser.UserPrincipalName, reason, null, entry.ToJson());
        return new OfficialAccount(entry, group, new Dictionary<string, DirectoryUser> { [ownerUser.Id] = ownerUser, [consenter.Id] = consenter });
    }

    /// <summary>
    /// Consent is recorded as given: a date after today is refused. "Today" is the session clock's UTC date plus one
    /// day, so that an admin ahead of UTC may record their own today (docs/decisions/0070).
    /// </summary>
    private void CheckConsentDate(DateTime? consentDate)
    {
        DateTime today = _session.Clock.UtcNow.UtcDateTime.Date;
        if (consentDate is not { } date || date.Date <= today.AddDays(1))
            return;
        string given = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        throw new HwException(ErrorIds.ConsentDateInFuture,
            $"The consent date {given} has not come yet (today is {today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} UTC): record consent on or after the day it was given.",
            given, input: "consentDate");
    }

    /// <summary>
    /// A group already named as the new posting group that Graph will not let the module manage (a mail-enabled
    /// security group, a distribution list or a Microsoft 365 group) is not adopted, and no second group is made
    /// beside it: the register refuses, naming it (docs/decisions/0090).
    /// </summary>
    private static void RefuseGroupOfTheWrongKind(IEnumerable<DirectoryGroup> sameName)
    {
        if (sameName.FirstOrDefault(g => !g.Kind.IsManageableSecurityGroup) is { } wrong)
            throw new HwException(ErrorIds.GroupNotManageable,
                $"'{wrong.DisplayName}' already exists as a {wrong.Kind.Describe()} ({wrong.Id}); a posting group must be a security group that is not mail-enabled, "
                + "because Microsoft Graph does not let anyone change the members of a mail-enabled group. Rename or remove that group, then create the account.",
                wrong.DisplayName);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();

    /// <summary>An account's address: absolute https, or nothing (an empty value, as Import-Csv gives, is nothing).</summary>
    private static string? CheckUrl(string? url)
    {
        url = Blank(Identifiers.NormaliseOptional(url));
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps))
            throw new HwException(ErrorIds.AccountUrlInvalid, $"An account's address must be an absolute https:// address; '{url}' is not.", url, input: "url");
        return url;
    }

    /// <summary>The checks' verdict on a proposed account, owner or consent: throws the first refusal (SMP-3.1).</summary>
    private void Enforce(ProposedChange change)
    {
        if (PolicyChecks.Refuse(change, new CheckContext(_session.Policy, _session.Directory.FindUser)).FirstOrDefault() is { } refusal)
            throw new PolicyRefusalException(refusal);
    }

    /// <summary>Changes the URL, purpose or owner of an account, or records consent; journals before and after (<c>AccountUpdated</c>).</summary>
    /// <exception cref="HwException">AccountNotFound (no active account of that name), AccountUrlInvalid (input <c>url</c>),
    /// UserNotFound (input <c>owner</c> or <c>consentBy</c>, or the current owner gone), StateLocked or StateNotWritable,
    /// JournalWriteFailed, or a directory error of the adapter (Graph: <c>PATCH /groups/{id}/extensions/{name}</c>).</exception>
    /// <exception cref="PolicyRefusalException">AccountOwnerDisabled or AccountConsentInvalid (SMP-3.1), with the typed refusal.</exception>
    public OfficialAccount Update(string name, string? url, string? purpose, string? owner, string reason,
        string? consentBy = null, DateTime? consentDate = null)
    {
        FieldLimits.Check("Url", url, FieldLimits.Url);
        FieldLimits.Check("Purpose", purpose, FieldLimits.Purpose);
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        OfficialAccount account = GetAccount(name, includeRetired: false);
        RegisterEntry before = account.Entry.Clone();
        RegisterEntry after = account.Entry.Clone();
        url = CheckUrl(url);
        purpose = Blank(purpose);
        if (url is not null) after.Url = url;
        if (purpose is not null) after.Purpose = purpose;
        if (owner is not null)
        {
            DirectoryUser newOwner = ResolveUser(owner, "owner");
            Enforce(new ProposedOwner(account.Name, newOwner));
            after.OwnerId = newOwner.Id;
        }
        if (consentBy is not null)
        {
            // Recording consent after the fact (an imported account): the same rule as for a new account.
            DirectoryUser ownerUser = Directory.FindUser(after.OwnerId)
                ?? throw new HwException(ErrorIds.UserNotFound, $"The owner of '{account.Name}' is not in the directory; give the account a current owner first.", account.Name);
            DirectoryUser consenter = ResolveUser(consentBy, "consentBy");
            Enforce(new ProposedConsent(account.Name, ownerUser, consenter));
            CheckConsentDate(consentDate);
            after.ConsentById = consenter.Id;
            after.ConsentDate = (consentDate ?? _session.Clock.UtcNow.UtcDateTime).Date;
        }
        if (after.ToJson().ToJsonString() == before.ToJson().ToJsonString())
            return account;
        FieldLimits.CheckEntry(after.ToJson());
        Directory.SetGroupExtension(account.GroupId, after.ToJson());
        _session.Record(JournalActions.AccountUpdated, account.Name, null, reason, before.ToJson(), after.ToJson());
        return GetAccount(account.Name);
    }

    /// <summary>Retires an account: revokes every poster (each journaled), keeps the record marked Retired (<c>AccountRetired</c>).</summary>
    /// <exception cref="HwException">AccountNotFound, StateLocked or StateNotWritable, JournalWriteFailed, or a directory
    /// error of the adapter (Graph: <c>DELETE /groups/{id}/members/{userId}/$ref</c> per poster, then the extension).</exception>
    public OfficialAccount Retire(string name, string reason)
    {
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        OfficialAccount account = GetAccount(name, includeRetired: true);
        if (!account.IsActive)
            return account;
        // Only direct members can be removed; people who post through a nested group stay until the group is taken out.
        foreach ((string id, string upn) in account.PosterIds.Zip(account.Posters, (id, upn) => (id, upn))
                     .Where(p => account.Group.DirectMemberIds.Contains(p.id, StringComparer.OrdinalIgnoreCase)))
            WriteAheadIntent.ChangeMembership(_session, JournalActions.PostingAccessRevoked, account.Name, upn,
                account.GroupId, id, member: false, "Account retired: " + reason);
        RegisterEntry before = account.Entry.Clone();
        RegisterEntry after = account.Entry.Clone();
        after.Status = RegisterEntry.Retired;
        after.RetiredAt = _session.Clock.UtcNow;
        Directory.SetGroupExtension(account.GroupId, after.ToJson());
        _session.Record(JournalActions.AccountRetired, account.Name, null, reason, before.ToJson(), after.ToJson());
        return GetAccount(account.Name);
    }
}
