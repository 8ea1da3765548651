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

    public string Account { get; }
    public string Platform { get; }
    /// <summary>The poster's user principal name (or object id when the user is no longer in the directory).</summary>
    public string User { get; }
    public string? DisplayName { get; }
    public string? EmployeeType { get; }
    public string? UserType { get; }
    public bool? Enabled { get; }
    /// <summary>The latest policy version the poster acknowledged.</summary>
    public string? AcknowledgedVersion { get; }
    /// <summary><c>Granted</c>, <c>AlreadyGranted</c>, <c>Revoked</c>, <c>NotGranted</c> or <c>Current</c> (from Get-HwPostingAccess).</summary>
    public string Status { get; }
}

/// <summary>What a grant or revoke did: the access, whether anything changed, or why the policy refused it.</summary>
public sealed class AccessOutcome
{
    internal AccessOutcome(PostingAccess? access, bool changed, System.Collections.Generic.IReadOnlyList<PolicyRefusal> refusals)
    {
        Access = access;
        Changed = changed;
        Refusals = refusals;
    }

    public PostingAccess? Access { get; }
    public bool Changed { get; }
    /// <summary>Every reason the policy refused the change, one per failing condition (empty when nothing was refused).</summary>
    public System.Collections.Generic.IReadOnlyList<PolicyRefusal> Refusals { get; }
}
