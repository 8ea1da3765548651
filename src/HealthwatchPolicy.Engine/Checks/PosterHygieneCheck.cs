using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Lifecycle;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// SMP-3.2, issue 15: the people who hold the keys to the charity's voice have MFA and use their account. A poster with
/// no MFA method registered is High; no sign-in for <c>lifecycle.signInInactivityDays</c> is Medium where sign-in activity
/// can be read (Entra ID P1); a facet the connection could not read is one Info finding saying why, never a failure.
/// Disabled posters are left to HW-ELG-001.
/// </summary>
internal sealed class PosterHygieneCheck : PolicyCheck
{
    public const string CheckName = "PosterHygiene";
    internal static readonly ComplianceRule NoMfa = new("HW-MFA-001", CheckName, Severity.High, "Poster has no MFA method registered", "Ask this person to set up a second sign-in step (such as the Authenticator app) before they post again.");
    internal static readonly ComplianceRule MfaNotEvaluated = new("HW-MFA-002", CheckName, Severity.Info, "MFA registration not evaluated", "Ask IT support to give the module permission to read sign-in methods, so this can be checked.");
    internal static readonly ComplianceRule Inactive = new("HW-SGN-001", CheckName, Severity.Medium, "Poster has not signed in for too long", "This person has not signed in for a long time: ask whether they still need to post, and if not, ask IT support to remove the access.");
    internal static readonly ComplianceRule SignInNotEvaluated = new("HW-SGN-002", CheckName, Severity.Info, "Sign-in activity not evaluated", "Sign-in activity needs a Microsoft Entra ID P1 licence: nothing to do unless the organisation buys one.");

    public override string Name => CheckName;
    public override int Order => 56;
    public override IReadOnlyList<ComplianceRule> Rules { get; } = new[] { NoMfa, MfaNotEvaluated, Inactive, SignInNotEvaluated };

    public override IEnumerable<ComplianceFinding> Find(CheckSnapshot s)
    {
        if (s.Facts is not { } facts)
            yield break;
        int days = s.Policy.Parameters.Lifecycle.SignInInactivityDays;
        bool anyPoster = false;
        foreach (OfficialAccount a in s.ActiveAccounts)
            foreach (string id in a.PosterIds)
            {
                if (!s.Register.Users.TryGetValue(id, out DirectoryUser? u))
                    continue;
                anyPoster = true;
                if (!u.AccountEnabled)
                    continue; // a disabled poster is HW-ELG-001 (Critical): asking them to set up MFA or sign in is no next step (decision 0174)
                if (facts.MfaNotEvaluated is null && facts.MfaMethods.TryGetValue(id, out IReadOnlyList<string>? methods) && !MfaMethodTypes.AnyMfa(methods))
                    yield return Finding(s, NoMfa, a.Name, u.UserPrincipalName,
                        $"{u.UserPrincipalName} can post to '{a.Name}' but has no MFA method registered ({(methods.Count == 0 ? "only a password" : "only a password and " + string.Join(", ", methods) + ", which are not a second factor")}).",
                        $"Ask {u.DisplayName} to register an authenticator app or security key, or Suspend-HwPosting -Account {a.Name} until they have.");
                if (facts.SignInsNotEvaluated is null && facts.LastSignIns.TryGetValue(id, out DateTimeOffset? last) && last is { } at
                    && (s.Now - at).TotalDays > days)
                    yield return Finding(s, Inactive, a.Name, u.UserPrincipalName,
                        $"{u.UserPrincipalName} can post to '{a.Name}' but last signed in on {LifecycleRules.Day(at)}, more than {days} days ago (lifecycle.signInInactivityDays).",
                        $"Ask whether {u.DisplayName} still needs to post; if not, Revoke-HwPostingAccess -Account {a.Name} -User {u.UserPrincipalName}.");
            }
        if (!anyPoster)
            yield break;
        if (facts.MfaNotEvaluated is { } mfaWhy && mfaWhy != PosterFacts.NotAsked)
            yield return Finding(s, MfaNotEvaluated, null, "authentication methods",
                $"MFA registration was not evaluated: {mfaWhy}.", "Grant the connection's app UserAuthenticationMethod.Read.All (docs/graph-permissions.md).");
        if (facts.SignInsNotEvaluated is { } signInWhy && signInWhy != PosterFacts.NotAsked)
            yield return Finding(s, SignInNotEvaluated, null, "signInActivity",
                $"Sign-in activity was not evaluated: {signInWhy}.", "Sign-in inactivity needs Entra ID P1 or P2 and AuditLog.Read.All (docs/graph-permissions.md); without them this stays Info.");
    }
}
