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

    public string User { get; }
    public string DisplayName { get; }
    public string? EmployeeType { get; }
    public string Version { get; }
    public DateTimeOffset? AcknowledgedAt { get; }
    public string? RecordedBy { get; }
    /// <summary><c>Acknowledged</c>, <c>AlreadyAcknowledged</c> or <c>Missing</c>.</summary>
    public string Status { get; }
}
