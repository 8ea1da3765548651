using System.Collections.Generic;
using System.Linq;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>The rules, one or more per enforced check. Ids are stable: scripts and suppressions refer to them.</summary>
public static class ComplianceRules
{
    public static readonly ComplianceRule ConsentMissing = new("HW-CON-001", "LineManagerConsent", Severity.High, "Account set up without recorded line-manager consent");
    public static readonly ComplianceRule ConsentNotManager = new("HW-CON-002", "LineManagerConsent", Severity.High, "Consent given by someone who is not the owner's line manager");
    public static readonly ComplianceRule OwnerMissing = new("HW-OWN-001", "AccountOwner", Severity.High, "Account owner is not in the directory");
    public static readonly ComplianceRule OwnerDisabled = new("HW-OWN-002", "AccountOwner", Severity.High, "Account owner is disabled");
    public static readonly ComplianceRule GroupNotInRegister = new("HW-REG-001", "RegisterIntegrity", Severity.Medium, "Posting group is not in the register");
    public static readonly ComplianceRule RegisterGroupGone = new("HW-REG-002", "RegisterIntegrity", Severity.Medium, "Registered account's posting group is gone");
    public static readonly ComplianceRule PosterNotJournaled = new("HW-AUT-001", "AuthorisedPosters", Severity.High, "Poster added outside the module (no grant in the journal)");
    public static readonly ComplianceRule PosterDisabled = new("HW-ELG-001", "PosterEligibility", Severity.Critical, "Disabled account can post");
    public static readonly ComplianceRule PosterIsGuest = new("HW-ELG-002", "PosterEligibility", Severity.High, "Guest account can post");
    public static readonly ComplianceRule PosterTypeNotEligible = new("HW-ELG-003", "PosterEligibility", Severity.High, "Poster's employee type is not eligible");
    public static readonly ComplianceRule PosterNotAcknowledged = new("HW-ELG-004", "PosterEligibility", Severity.Medium, "Poster has not acknowledged the current policy");
    public static readonly ComplianceRule PosterLimit = new("HW-LIM-001", "PosterLimit", Severity.Medium, "Account has more posters than the policy allows");
    public static readonly ComplianceRule RoleUnassigned = new("HW-ESC-001", "EscalationContacts", Severity.High, "Escalation contact role is not assigned");
    public static readonly ComplianceRule RoleHolderUnavailable = new("HW-ESC-002", "EscalationContacts", Severity.High, "Escalation contact is missing or disabled");
    public static readonly ComplianceRule PolicyReviewOverdue = new("HW-POL-001", "PolicyReview", Severity.Medium, "The policy is past its review date");
    public static readonly ComplianceRule AccessReviewOverdue = new("HW-REV-001", "AccessReview", Severity.Medium, "The monthly access review is overdue");
    public static readonly ComplianceRule AccessNotConfirmed = new("HW-REV-002", "AccessReview", Severity.Medium, "Access was not confirmed in the last access review");

    public static IReadOnlyList<ComplianceRule> All { get; } = new[]
    {
        ConsentMissing, ConsentNotManager, OwnerMissing, OwnerDisabled, GroupNotInRegister, RegisterGroupGone, PosterNotJournaled,
        PosterDisabled, PosterIsGuest, PosterTypeNotEligible, PosterNotAcknowledged, PosterLimit, RoleUnassigned, RoleHolderUnavailable,
        PolicyReviewOverdue, AccessReviewOverdue, AccessNotConfirmed,
    };

    public static ComplianceRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);

    /// <summary>The rule for an eligibility refusal (the same rules Grant-HwPostingAccess applies).</summary>
    internal static ComplianceRule ForRefusal(string errorId) => errorId switch
    {
        "PosterDisabled" => PosterDisabled,
        "PosterIsGuest" => PosterIsGuest,
        "PosterTypeNotEligible" => PosterTypeNotEligible,
        _ => PosterNotAcknowledged,
    };
}
