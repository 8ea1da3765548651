using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Services;

/// <summary>
/// Compliance exceptions (New-/Get-/Remove-HwComplianceException): accepted deviations with a justification, an
/// approver who holds the policy's approving role (<c>spec.parameters.exceptions.approverRole</c>) and an expiry no
/// later than the policy's longest term (<c>maxTermMonths</c>). Kept in the state store's <c>exceptions.json</c>,
/// written only over the version read (<c>StateConflict</c> otherwise); every change is journaled.
/// </summary>
public sealed class ExceptionService
{
    private readonly HwSession _session;
    private readonly RegisterService _register;

    // Made on each use from the session's state store, so in plan mode (-WhatIf, decision 0161) it is the planning view
    // whose first write stops the change: one made once in the constructor wrote exceptions.json under -WhatIf.
    private ExceptionStore _store => new(_session.State);

    internal ExceptionService(HwSession session, RegisterService register)
    {
        _session = session;
        _register = register;
    }

    /// <summary>
    /// Checks a proposed exception against the policy without writing anything (what -WhatIf reports): the rule exists
    /// and is not an exception rule (<c>ExceptionRuleUnknown</c>, input <c>ruleId</c>); the justification is a one-line
    /// reason (<c>ReasonRequired</c>/<c>FieldTooLong</c>, input <c>justification</c>); the approver is in the directory
    /// (<c>UserNotFound</c>) and holds the approving role (<c>ExceptionApproverNotInRole</c>, input <c>approvedBy</c>);
    /// the expiry is after now and no later than now plus <c>maxTermMonths</c> (<c>ExceptionTermTooLong</c>, input <c>expires</c>).
    /// </summary>
    /// <returns>The approver's user principal name and the rule id as the catalogue spells it.</returns>
    public (string ApprovedBy, string RuleId) Validate(string ruleId, string justification, string approvedBy, DateTimeOffset expires)
    {
        string id = Identifiers.Normalise(ruleId);
        ComplianceRule rule = ComplianceRules.All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new HwException(ErrorIds.ExceptionRuleUnknown, $"There is no compliance rule '{SafeText.Neutralise(id)}' (Get-HwComplianceReport -Summary lists them).", id, input: "ruleId");
        if (ComplianceExceptionsCheck.IsExceptionRule(rule.Id))
            throw new HwException(ErrorIds.ExceptionRuleUnknown, $"{rule.Id} reports on exceptions themselves; an exception cannot cover it.", rule.Id, input: "ruleId");
        FieldLimits.CheckReason(justification, "justification");

        ExceptionParameters terms = _session.Policy.Parameters.Exceptions;
        DateTimeOffset now = _session.Clock.UtcNow;
        DateTimeOffset latest = now.AddMonths(terms.MaxTermMonths);
        if (expires <= now)
            throw new HwException(ErrorIds.ExceptionTermTooLong, $"The expiry {Show(expires)} is not in the future (now is {Show(now)}).", Show(expires), input: "expires");
        if (expires > latest)
            throw new HwException(ErrorIds.ExceptionTermTooLong,
                $"The expiry {Show(expires)} is past the policy's longest term for an exception ({terms.MaxTermMonths} months, spec.parameters.exceptions.maxTermMonths): the latest allowed now is {Show(latest)}.",
                Show(expires), input: "expires");

        DirectoryUser approver = _register.ResolveUser(approvedBy, "approvedBy");
        PolicyRole? role = _session.Policy.Roles.FirstOrDefault(r => r.Id == terms.ApproverRole);
        if (role is null || !Holds(role, approver))
            throw new HwException(ErrorIds.ExceptionApproverNotInRole,
                $"'{approver.UserPrincipalName}' does not hold the policy role '{role?.Title ?? terms.ApproverRole}', which approves exceptions (spec.parameters.exceptions.approverRole"
                + (role?.User is { } holder ? $"; the role is held by {holder}" : role?.Group is { } g ? $"; the role is held by the group '{g}'" : "; the role is not assigned") + ").",
                approver.UserPrincipalName, input: "approvedBy");
        return (approver.UserPrincipalName, rule.Id);
    }

    private bool Holds(PolicyRole role, DirectoryUser user)
    {
        if (role.User is not null)
            return string.Equals(role.User, user.UserPrincipalName, StringComparison.OrdinalIgnoreCase);
        if (role.Group is null)
            return false;
        return _session.Directory.GetGroups(role.Group)
            .Any(g => string.Equals(g.DisplayName, role.Group, StringComparison.OrdinalIgnoreCase) && g.MemberIds.Contains(user.Id));
    }

    /// <summary>Makes the exception (after <see cref="Validate"/>'s checks, which throw as described there), journals it as
    /// <c>ComplianceExceptionCreated</c> and returns it. <paramref name="account"/> and <paramref name="subject"/> narrow
    /// it to findings on that account and about that subject (null: any); an account the register does not have (active or
    /// retired; by register name, posting-group name or id, stored as its register name) is <c>AccountNotFound</c>.</summary>
    public ComplianceException New(string ruleId, string? account, string? subject, string justification, string approvedBy, DateTimeOffset expires)
    {
        account = Identifiers.NormaliseOptional(account);
        subject = Identifiers.NormaliseOptional(subject);
        FieldLimits.Check("account", account, 256);
        FieldLimits.Check("subject", subject, 256);
        using IDisposable _ = _session.BeginChange();
        (string approver, string rule) = Validate(ruleId, justification, approvedBy, expires);
        if (account is not null)
            account = _register.GetAccount(account).Name; // an account the register does not have: AccountNotFound (an exception for it would match nothing)
        (List<ComplianceException> all, int last, string? version) = _store.Read();
        int number = Math.Max(last, all.Select(e => Number(e.Id)).DefaultIfEmpty(0).Max()) + 1;
        var exception = new ComplianceException
        {
            Id = "EXC-" + number.ToString("0000", CultureInfo.InvariantCulture), RuleId = rule, Account = account, Subject = subject,
            Justification = justification, ApprovedBy = approver, Expires = expires.ToUniversalTime(),
            CreatedAt = _session.Clock.UtcNow, CreatedBy = _session.Actor,
        };
        all.Add(exception);
        _store.Write(all, number, version);
        _session.Record(JournalActions.ComplianceExceptionCreated, account, approver, justification, null, Json(exception));
        return exception;
    }

    /// <summary>The stored exceptions, by id; with <paramref name="id"/> (wildcards allowed) only those; expired ones included.</summary>
    public IReadOnlyList<ComplianceException> Get(string? id = null, string? ruleId = null, string? account = null)
    {
        id = Identifiers.NormaliseOptional(id);
        ruleId = Identifiers.NormaliseOptional(ruleId);
        account = Identifiers.NormaliseOptional(account);
        return _store.All()
            .Where(e => (id is null || Wildcard.IsMatch(e.Id, id)) && (ruleId is null || Wildcard.IsMatch(e.RuleId, ruleId))
                        && (account is null || (e.Account is not null && Wildcard.IsMatch(e.Account, account))))
            .OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Withdraws exception <paramref name="id"/> (the finding it covered is open again at the next run) and journals
    /// it as <c>ComplianceExceptionRemoved</c> with <paramref name="reason"/>. Throws <c>ExceptionNotFound</c> (input <c>id</c>).</summary>
    public ComplianceException Remove(string id, string reason)
    {
        id = Identifiers.Normalise(id);
        FieldLimits.CheckReason(reason);
        using IDisposable _ = _session.BeginChange();
        (List<ComplianceException> all, int last, string? version) = _store.Read();
        ComplianceException? found = all.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new HwException(ErrorIds.ExceptionNotFound, $"There is no compliance exception '{SafeText.Neutralise(id)}' (Get-HwComplianceException lists them).", id, input: "id");
        all.Remove(found);
        _store.Write(all, Math.Max(last, Number(found.Id)), version);
        _session.Record(JournalActions.ComplianceExceptionRemoved, found.Account, found.ApprovedBy, reason, Json(found), null);
        return found;
    }

    private static int Number(string id) =>
        id.StartsWith("EXC-", StringComparison.Ordinal) && int.TryParse(id.Substring(4), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;

    private static string Show(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static System.Text.Json.Nodes.JsonObject Json(ComplianceException e) => new()
    {
        ["id"] = e.Id, ["ruleId"] = e.RuleId, ["account"] = e.Account, ["subject"] = e.Subject, ["justification"] = e.Justification,
        ["approvedBy"] = e.ApprovedBy, ["expires"] = e.Expires.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
    };
}
