using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Register;

/// <summary>An official social media account: its register entry and who can post to it.</summary>
public sealed class OfficialAccount
{
    internal OfficialAccount(RegisterEntry entry, DirectoryGroup group, IReadOnlyDictionary<string, DirectoryUser> usersById)
    {
        Entry = entry;
        Name = entry.Name;
        Platform = entry.Platform;
        Handle = entry.Handle;
        Url = entry.Url;
        Purpose = entry.Purpose;
        OwnerId = entry.OwnerId;
        Owner = usersById.TryGetValue(entry.OwnerId, out DirectoryUser? owner) ? owner.UserPrincipalName : null;
        OwnerDisplayName = owner?.DisplayName;
        ConsentById = entry.ConsentById;
        ConsentBy = entry.ConsentById is { } c && usersById.TryGetValue(c, out DirectoryUser? consenter) ? consenter.UserPrincipalName : null;
        ConsentDate = entry.ConsentDate;
        Status = entry.Status;
        CreatedAt = entry.CreatedAt;
        RetiredAt = entry.RetiredAt;
        Group = group;
        GroupId = group.Id;
        GroupName = group.DisplayName;
        PosterIds = Text.TextList.Of(group.MemberIds);
        Posters = Text.TextList.Of(group.MemberIds.Select(id => usersById.TryGetValue(id, out DirectoryUser? u) ? u.UserPrincipalName : id));
    }

    /// <summary>The register name: platform and handle, lower case (see <see cref="MakeName"/>).</summary>
    public string Name { get; }
    /// <summary>The platform (for example <c>Facebook</c>).</summary>
    public string Platform { get; }
    /// <summary>The account's handle on the platform.</summary>
    public string Handle { get; }
    /// <summary>The account's public address, or null.</summary>
    public string? Url { get; }
    /// <summary>What the account is for, or null.</summary>
    public string? Purpose { get; }
    /// <summary>The owner's user principal name (null when the owner is no longer in the directory).</summary>
    public string? Owner { get; }
    /// <summary>The owner's display name, or null when the owner is no longer in the directory.</summary>
    public string? OwnerDisplayName { get; }
    /// <summary>The owner's object id.</summary>
    public string OwnerId { get; }
    /// <summary>Who consented to the account being set up (user principal name), or null when no consent is recorded.</summary>
    public string? ConsentBy { get; }
    /// <summary>The object id of who consented to the account, or null.</summary>
    public string? ConsentById { get; }
    /// <summary>The date consent was given, or null.</summary>
    public DateTime? ConsentDate { get; }
    /// <summary><c>Active</c> or <c>Retired</c>.</summary>
    public string Status { get; }
    /// <summary>When the account was registered, or null for an entry written before this was recorded.</summary>
    public DateTimeOffset? CreatedAt { get; }
    /// <summary>When the account was retired, or null while active.</summary>
    public DateTimeOffset? RetiredAt { get; }
    /// <summary>The posting group's object id.</summary>
    public string GroupId { get; }
    /// <summary>The posting group's display name (the policy's prefix and the register name).</summary>
    public string GroupName { get; }
    /// <summary>The posters' user principal names (an object id when the user is gone).</summary>
    public IReadOnlyList<string> Posters { get; }
    /// <summary>The posters' object ids: the posting group's members.</summary>
    public IReadOnlyList<string> PosterIds { get; }
    /// <summary>How many posters the account has.</summary>
    public int PosterCount => PosterIds.Count;
    /// <summary>True while <see cref="Status"/> is <c>Active</c>.</summary>
    public bool IsActive => Status == RegisterEntry.Active;
    internal RegisterEntry Entry { get; }
    /// <summary>The posting group as read: direct members, nested groups, kind.</summary>
    internal DirectoryGroup Group { get; }

    /// <summary>The register name of an account: platform and handle, lower case, letters, digits and '-'.</summary>
    public static string MakeName(string platform, string handle)
    {
        var sb = new StringBuilder();
        foreach (char ch in (platform + "-" + handle.TrimStart('@')).ToLowerInvariant())
        {
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
                sb.Append(ch);
            else if (sb.Length > 0 && sb[sb.Length - 1] != '-')
                sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }
}

/// <summary>The register entry, kept as the posting group's extension so register and access cannot drift apart.</summary>
internal sealed class RegisterEntry
{
    public const string Active = "Active";
    public const string Retired = "Retired";
    public const string ExtensionName = "org.healthwatch.policy.register";

    public string Name { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Handle { get; set; } = "";
    public string? Url { get; set; }
    public string? Purpose { get; set; }
    public string OwnerId { get; set; } = "";
    public string? ConsentById { get; set; }
    public DateTime? ConsentDate { get; set; }
    public string Status { get; set; } = Active;
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }

    public JsonObject ToJson() => new()
    {
        ["extensionName"] = ExtensionName,
        ["name"] = Name,
        ["platform"] = Platform,
        ["handle"] = Handle,
        ["url"] = Url,
        ["purpose"] = Purpose,
        ["ownerId"] = OwnerId,
        ["consentById"] = ConsentById,
        ["consentDate"] = ConsentDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["status"] = Status,
        ["createdAt"] = CreatedAt?.ToString("o", CultureInfo.InvariantCulture),
        ["retiredAt"] = RetiredAt?.ToString("o", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a group's extension; null when the group carries no register entry.</summary>
    public static RegisterEntry? FromJson(JsonObject? json)
    {
        if (json is null || (string?)json["extensionName"] != ExtensionName || json["name"] is null)
            return null;
        return new RegisterEntry
        {
            Name = (string?)json["name"] ?? "",
            Platform = (string?)json["platform"] ?? "",
            Handle = (string?)json["handle"] ?? "",
            Url = (string?)json["url"],
            Purpose = (string?)json["purpose"],
            OwnerId = (string?)json["ownerId"] ?? "",
            ConsentById = (string?)json["consentById"],
            ConsentDate = Date((string?)json["consentDate"]),
            Status = (string?)json["status"] ?? Active,
            CreatedAt = Time((string?)json["createdAt"]),
            RetiredAt = Time((string?)json["retiredAt"]),
        };
    }

    public RegisterEntry Clone() => FromJson(ToJson())!;

    // Written as yyyy-MM-dd; read leniently, because Graph's SDK turns a date-like extension value into a full timestamp.
    private static DateTime? Date(string? s) =>
        DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime d) ? d
        : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset t) ? DateTime.SpecifyKind(t.UtcDateTime.Date, DateTimeKind.Unspecified) : null;

    private static DateTimeOffset? Time(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset t) ? t : null;
}
