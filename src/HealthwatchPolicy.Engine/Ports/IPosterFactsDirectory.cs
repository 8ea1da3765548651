using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// A directory that can tell, for a set of posters, their leave date, their registered MFA methods and their last
/// sign-in (issue 15). Each facet is read on its own so that one the connection may not read (a missing permission,
/// a missing licence) is "not evaluated" with its reason instead of a failure: on Graph the leave date needs
/// <c>User-LifeCycleInfo.Read.All</c>, the methods <c>UserAuthenticationMethod.Read.All</c>, and
/// <c>signInActivity</c> needs <c>AuditLog.Read.All</c> and an Entra ID P1 or P2 licence (403
/// <c>Authentication_RequestFromNonPremiumTenantOrB2CTenant</c> without it). Both adapters implement it.
/// </summary>
public interface IPosterFactsDirectory
{
    /// <summary>The facts of <paramref name="kinds"/> for the users with these object ids (unknown ids are left out of the maps;
    /// a facet not asked for is "not asked").</summary>
    PosterFacts ReadPosterFacts(IReadOnlyCollection<string> userIds, PosterFactKinds kinds);
}

/// <summary>Which facets <see cref="IPosterFactsDirectory.ReadPosterFacts"/> reads (each costs its own requests on Graph).</summary>
[Flags]
public enum PosterFactKinds
{
    /// <summary><c>employeeLeaveDateTime</c>.</summary>
    LeaveDate = 1,
    /// <summary>Registered authentication methods.</summary>
    Mfa = 2,
    /// <summary><c>signInActivity</c>.</summary>
    SignIn = 4,
    /// <summary>All three.</summary>
    All = LeaveDate | Mfa | SignIn,
}

/// <summary>What the directory says about some posters, facet by facet. A facet whose <c>...NotEvaluated</c> reason is
/// set was not read (the maps are then empty for it); otherwise a user missing from a map has no value there.</summary>
public sealed class PosterFacts
{
    /// <summary>Facts read: leave dates by user id, MFA method types by user id, last sign-in by user id, and why a facet was not evaluated (null: evaluated).</summary>
    public PosterFacts(IReadOnlyDictionary<string, DateTimeOffset> leaveDates, string? leaveDatesNotEvaluated,
        IReadOnlyDictionary<string, IReadOnlyList<string>> mfaMethods, string? mfaNotEvaluated,
        IReadOnlyDictionary<string, DateTimeOffset?> lastSignIns, string? signInsNotEvaluated)
    {
        LeaveDates = leaveDates;
        LeaveDatesNotEvaluated = leaveDatesNotEvaluated;
        MfaMethods = mfaMethods;
        MfaNotEvaluated = mfaNotEvaluated;
        LastSignIns = lastSignIns;
        SignInsNotEvaluated = signInsNotEvaluated;
    }

    /// <summary>The reason of a facet that was not asked for (not a finding).</summary>
    public const string NotAsked = "not asked";

    /// <summary>Nothing known and nothing evaluated (a directory that cannot tell), each facet with <paramref name="reason"/>.</summary>
    public static PosterFacts NotEvaluated(string reason) => new(
        new Dictionary<string, DateTimeOffset>(), reason, new Dictionary<string, IReadOnlyList<string>>(), reason,
        new Dictionary<string, DateTimeOffset?>(), reason);

    /// <summary><c>employeeLeaveDateTime</c> (UTC) of each user that has one, by object id (case-insensitive).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LeaveDates { get; }
    /// <summary>Why leave dates were not read (for example the missing <c>User-LifeCycleInfo.Read.All</c>), or null.</summary>
    public string? LeaveDatesNotEvaluated { get; }
    /// <summary>The MFA-capable authentication method types registered (Graph <c>@odata.type</c> without the prefix,
    /// <c>password</c> left out), by object id; an empty list means none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> MfaMethods { get; }
    /// <summary>Why MFA methods were not read, or null.</summary>
    public string? MfaNotEvaluated { get; }
    /// <summary>The last sign-in (<c>signInActivity.lastSignInDateTime</c>) by object id; null: never signed in (or before April 2020).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset?> LastSignIns { get; }
    /// <summary>Why sign-ins were not read (for example "needs Entra ID P1"), or null.</summary>
    public string? SignInsNotEvaluated { get; }
}
