using HealthwatchPolicy.Engine.Checks;
namespace HealthwatchPolicy.Engine.Access;

/// <summary>One person's right to post to one official account (a posting-group membership).</summary>
public sealed class PostingAccess
{
    internal PostingAccess(string account, string platform, string user, string? displayName, string? employeeType, string? userType,
        bool? enabled, string? acknowledgedVersion, string status)
    {
        Account = account;
        Platform = platform;
        User = user;
        DisplayName = displayName;
        EmployeeType = employeeType;
        UserType = userType;
        Enabled = enabled;
        AcknowledgedVersion = acknowledgedVersion;
        Status = status;
    }

    /// <summary>The register name of the official account (the posting group's name without the prefix).</summary>
    public string Account { get; }
    /// <summary>The platform the account is on, as the register records it (for example <c>Facebook</c>).</summary>
    public string Platform { get; }
    /// <summary>The poster's user principal name (or object id when the user is no longer in the directory).</summary>
    public string User { get; }
    /// <summary>The poster's display name in the directory (null when the user is no longer there).</summary>
    public string? DisplayName { get; }
    /// <summary>The poster's <c>employeeType</c> in the directory (null when unset or the user is gone).</summary>
    public string? EmployeeType { get; }
    /// <summary>The poster's <c>userType</c>: <c>Member</c> or <c>Guest</c> (null when the user is gone).</summary>
    public string? UserType { get; }
    /// <summary>Whether the poster's account is enabled (null when the user is gone).</summary>
    public bool? Enabled { get; }
    /// <summary>The latest policy version the poster acknowledged.</summary>
    public string? AcknowledgedVersion { get; }
    /// <summary><c>Granted</c>, <c>AlreadyGranted</c>, <c>Extended</c> (a new end of time-bound access), <c>Revoked</c>, <c>NotGranted</c>, or <c>Current</c> or <c>Expired</c> (time-bound access ended, membership still there) from Get-HwPostingAccess.</summary>
    public string Status { get; }
    /// <summary>When time-bound access ends (UTC; Grant-HwPostingAccess -Until/-For), or null when it does not.</summary>
    public System.DateTimeOffset? Expires { get; private set; }

    internal PostingAccess WithStatus(string status, System.DateTimeOffset? expires) =>
        new(Account, Platform, User, DisplayName, EmployeeType, UserType, Enabled, AcknowledgedVersion, status) { Expires = expires };
}

/// <summary>What a grant or revoke did: the access, whether anything changed, or why the policy refused it.</summary>
public sealed class AccessOutcome
{
    internal AccessOutcome(PostingAccess? access, bool changed, System.Collections.Generic.IReadOnlyList<PolicyRefusal> refusals,
        System.Collections.Generic.IReadOnlyList<PolicyRefusal>? warnings = null)
    {
        Access = access;
        Changed = changed;
        Refusals = refusals;
        Warnings = warnings ?? System.Array.Empty<PolicyRefusal>();
    }

    /// <summary>
    /// For a grant to someone who can already post: the checks they would fail if granted now (a disabled leaver, a
    /// guest, an unacknowledged policy); nothing was changed, but the access is a compliance finding (empty otherwise).
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<PolicyRefusal> Warnings { get; }

    /// <summary>The poster as the register now has them; null when the account or user was not found.</summary>
    public PostingAccess? Access { get; }
    /// <summary>True when the grant or revoke changed the posting group; false when it was already so (idempotent).</summary>
    public bool Changed { get; }
    /// <summary>Every reason the policy refused the change, one per failing condition (empty when nothing was refused).</summary>
    public System.Collections.Generic.IReadOnlyList<PolicyRefusal> Refusals { get; }
}
