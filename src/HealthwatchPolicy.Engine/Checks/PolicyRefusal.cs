using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>Why a check refused a proposed change. Each reason has one error id (<see cref="PolicyRefusal.ErrorId"/>).</summary>
public enum RefusalReason
{
    /// <summary>The proposed poster's directory account is disabled.</summary>
    PosterDisabled,
    /// <summary>The proposed poster is a guest and the policy's <c>guestsMayPost</c> is false.</summary>
    PosterIsGuest,
    /// <summary>The proposed poster's employee type is not in <c>eligibleEmployeeTypes</c>.</summary>
    PosterTypeNotEligible,
    /// <summary>The proposed poster has not acknowledged the policy's current version (<c>acknowledgementRequiredToPost</c>).</summary>
    PolicyNotAcknowledged,
    /// <summary>The account already has <c>maxPostersPerAccount</c> posters.</summary>
    PosterLimitReached,
    /// <summary>The (new) owner of an account is disabled.</summary>
    OwnerDisabled,
    /// <summary>The owner named themselves as the one consenting.</summary>
    ConsentBySelf,
    /// <summary>The person consenting is disabled.</summary>
    ConsenterDisabled,
    /// <summary>The person consenting is none of those <c>accountConsentFrom</c> allows (the owner's line manager, a role).</summary>
    ConsenterNotAllowed,
}

/// <summary>
/// The policy says no, as data: the reason, the check and clause behind it, the policy parameter and value that
/// decided it (when one did), the account and the user. Nothing in it names a cmdlet parameter; cmdlets turn it
/// into an ErrorRecord (through <see cref="PolicyRefusalException"/>).
/// </summary>
public sealed class PolicyRefusal
{
    internal PolicyRefusal(RefusalReason reason, string check, PolicyClause? clause, string? parameter, object? value,
        string? account, string? user, string explanation)
    {
        Reason = reason;
        Check = check;
        ClauseId = clause?.Id;
        ClauseText = clause?.Text;
        Parameter = parameter;
        Value = value;
        Account = account;
        User = user;
        Explanation = explanation;
    }

    /// <summary>Why the policy refuses the change; <see cref="ErrorId"/> is its stable error id.</summary>
    public RefusalReason Reason { get; }
    /// <summary>The check that refused (a name an enforced clause's <c>checks</c> lists).</summary>
    public string Check { get; }
    /// <summary>The first clause whose <c>checks</c> names <see cref="Check"/> (null if none does).</summary>
    public string? ClauseId { get; }
    /// <summary>The exact text of <see cref="ClauseId"/>'s clause, or null.</summary>
    public string? ClauseText { get; }
    /// <summary>The policy parameter (<c>spec.parameters</c> key) that decided the refusal, or null.</summary>
    public string? Parameter { get; }
    /// <summary>That parameter's value in the policy, or null.</summary>
    public object? Value { get; }
    /// <summary>The register name of the account concerned, or null.</summary>
    public string? Account { get; }
    /// <summary>The person the refusal is about (user principal name).</summary>
    public string? User { get; }
    /// <summary>What is wrong, in a sentence, without the clause.</summary>
    public string Explanation { get; }

    /// <summary>The explanation followed by the clause it stands on.</summary>
    public string Message => ClauseId is null ? Explanation : $"{Explanation} Policy clause {ClauseId}: \"{ClauseText}\"";

    /// <summary>The stable error id of <see cref="Reason"/>.</summary>
    public string ErrorId => Reason switch
    {
        RefusalReason.PosterDisabled => ErrorIds.PosterDisabled,
        RefusalReason.PosterIsGuest => ErrorIds.PosterIsGuest,
        RefusalReason.PosterTypeNotEligible => ErrorIds.PosterTypeNotEligible,
        RefusalReason.PolicyNotAcknowledged => ErrorIds.PolicyNotAcknowledged,
        RefusalReason.PosterLimitReached => ErrorIds.PosterLimitReached,
        RefusalReason.OwnerDisabled => ErrorIds.AccountOwnerDisabled,
        _ => ErrorIds.AccountConsentInvalid,
    };

    /// <summary>The kind of <see cref="ErrorId"/>, from the catalogue.</summary>
    public HwErrorKind Kind => ErrorIds.KindOf(ErrorId);

    /// <summary><see cref="Message"/>: the explanation and the clause it stands on.</summary>
    public override string ToString() => Message;
}

/// <summary>A <see cref="PolicyRefusal"/> thrown: a change that is refused as a whole (a new account, a change of owner).</summary>
public sealed class PolicyRefusalException : HwException
{
    /// <summary>Throws <paramref name="refusal"/> as an error: its id is the refusal's <see cref="PolicyRefusal.ErrorId"/>, its message <see cref="PolicyRefusal.Message"/>.</summary>
    public PolicyRefusalException(PolicyRefusal refusal)
        : base(refusal.ErrorId, refusal.Message, refusal.User ?? refusal.Account)
    {
        Refusal = refusal;
    }

    /// <summary>The typed refusal this error carries.</summary>
    public PolicyRefusal Refusal { get; }
    /// <summary>The clause the refusal stands on (<see cref="PolicyRefusal.ClauseId"/>).</summary>
    public string? ClauseId => Refusal.ClauseId;
    /// <summary>The account concerned (<see cref="PolicyRefusal.Account"/>).</summary>
    public string? Account => Refusal.Account;
    /// <summary>The person concerned (<see cref="PolicyRefusal.User"/>).</summary>
    public string? User => Refusal.User;
}
