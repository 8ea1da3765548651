using System;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Acknowledgements;

/// <summary>A person's acknowledgement of a policy version, as the cmdlets show it.</summary>
public sealed class PolicyAcknowledgement
{
    internal PolicyAcknowledgement(DirectoryUser user, string version, AcknowledgementItem? item, string status)
    {
        User = user.UserPrincipalName;
        DisplayName = user.DisplayName;
        EmployeeType = user.EmployeeType;
        Version = version;
        AcknowledgedAt = item?.At;
        RecordedBy = item?.RecordedBy;
        Status = status;
    }

    /// <summary>The person's user principal name.</summary>
    public string User { get; }
    /// <summary>The person's display name in the directory.</summary>
    public string DisplayName { get; }
    /// <summary>The person's <c>employeeType</c> (null when unset).</summary>
    public string? EmployeeType { get; }
    /// <summary>The policy version asked about (<c>metadata.version</c>).</summary>
    public string Version { get; }
    /// <summary>When that version was acknowledged (UTC offset as recorded), or null when it was not.</summary>
    public DateTimeOffset? AcknowledgedAt { get; }
    /// <summary>Who recorded the acknowledgement (the journal's actor), or null when none is recorded.</summary>
    public string? RecordedBy { get; }
    /// <summary><c>Acknowledged</c>, <c>AlreadyAcknowledged</c> or <c>Missing</c>.</summary>
    public string Status { get; }
}
