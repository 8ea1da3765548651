using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>Policy acknowledgements: who has acknowledged which version, recorded on the user's extension and journaled.</summary>
public sealed class AcknowledgementService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;

    internal AcknowledgementService(HwSession session, RegisterService register)
    {
        _session = session;
        _register = register;
    }

    /// <summary>Records that the user read the policy version (default: the current one). Idempotent.</summary>
    public (PolicyAcknowledgement Acknowledgement, bool Changed) Add(string userReference, string? version, string reason)
    {
        FieldLimits.CheckReason(reason);
        string v = string.IsNullOrWhiteSpace(version) ? _session.Policy.Version : Identifiers.Normalise(version!);
        // Only the version the connected policy is can be acknowledged: a person reads a text, and the module knows
        // only this one. (Earlier versions' acknowledgements stay readable with Get-HwPolicyAcknowledgement -Version.)
        if (!string.Equals(v, _session.Policy.Version, StringComparison.Ordinal))
            throw new HwException(ErrorIds.PolicyVersionUnknown,
                $"Version '{Text.SafeText.Neutralise(v.Length > 40 ? v.Substring(0, 40) + "…" : v)}' is not the connected policy's version "
                + $"({_session.Policy.Version}). Acknowledge the version the policy has, or connect with that version's policy file.",
                v, input: "version");
        using IDisposable _ = _session.BeginChange();
        DirectoryUser user = _register.ResolveUser(userReference, "user");
        AcknowledgementRecord record = AcknowledgementRecord.Read(user.Extension);
        if (record.For(v) is { } existing)
            return (new PolicyAcknowledgement(user, v, existing, "AlreadyAcknowledged"), false);

        var item = new AcknowledgementItem(v, _session.Clock.UtcNow, _session.Actor);
        AcknowledgementRecord updated = record.With(item);
        _session.Directory.SetUserExtension(user.Id, updated.ToJson());
        _session.Record(JournalActions.PolicyAcknowledged, null, user.UserPrincipalName, reason,
            new() { ["acknowledged"] = false, ["version"] = v }, new() { ["acknowledged"] = true, ["version"] = v });
        return (new PolicyAcknowledgement(user, v, item, "Acknowledged"), true);
    }

    /// <summary>
    /// Acknowledgements of a version (default: current). With <paramref name="missing"/>: the enabled people the policy
    /// covers (their employee type is in its scope) who have not acknowledged it.
    /// </summary>
    public IEnumerable<PolicyAcknowledgement> Get(string? userPattern, string? version, bool missing)
    {
        userPattern = Identifiers.NormaliseOptional(userPattern);
        string v = string.IsNullOrWhiteSpace(version) ? _session.Policy.Version : Identifiers.Normalise(version!);
        IReadOnlyList<string> covers = _session.Policy.Scope.Covers;
        foreach (DirectoryUser user in _session.Directory.GetUsers().OrderBy(u => u.UserPrincipalName, StringComparer.OrdinalIgnoreCase))
        {
            if (userPattern is not null && !Policy.Wildcard.IsMatch(user.UserPrincipalName, userPattern) && !Policy.Wildcard.IsMatch(user.DisplayName, userPattern))
                continue;
            AcknowledgementItem? item = AcknowledgementRecord.Read(user.Extension).For(v);
            if (missing)
            {
                if (item is null && user.AccountEnabled && covers.Contains(user.EmployeeType ?? "", StringComparer.OrdinalIgnoreCase))
                    yield return new PolicyAcknowledgement(user, v, null, "Missing");
            }
            else if (item is not null)
                yield return new PolicyAcknowledgement(user, v, item, "Acknowledged");
        }
    }
}
