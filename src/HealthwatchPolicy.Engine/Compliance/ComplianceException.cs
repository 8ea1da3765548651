using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// An accepted deviation: the findings of one rule (for one account and/or subject) are reported as suppressed, with
/// the justification, approver and expiry, until <see cref="Expires"/>. Kept in the state store's
/// <c>exceptions.json</c>; every change is journaled. See docs/compliance-rules.md, "Exceptions".
/// </summary>
public sealed class ComplianceException
{
    /// <summary>The exception's id, <c>EXC-0001</c> onwards, never reused.</summary>
    public string Id { get; set; } = "";
    /// <summary>The rule whose findings it suppresses (for example <c>HW-LIM-001</c>).</summary>
    public string RuleId { get; set; } = "";
    /// <summary>The official account it is limited to, or null for any account.</summary>
    public string? Account { get; set; }
    /// <summary>The finding's subject (a user principal name, account, group or role) it is limited to, or null for any.</summary>
    public string? Subject { get; set; }
    /// <summary>Why the deviation is accepted (free text, as written).</summary>
    public string Justification { get; set; } = "";
    /// <summary>The user principal name of the approver (the holder of the policy's approving role when it was made).</summary>
    public string ApprovedBy { get; set; } = "";
    /// <summary>When it ends (UTC): from then on the finding is back and the exception is itself a finding (HW-EXC-001).</summary>
    public DateTimeOffset Expires { get; set; }
    /// <summary>When it was made (the session clock).</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Who made it: the journal's actor string.</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>True at <paramref name="now"/> when <see cref="Expires"/> has passed.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Expires <= now;

    /// <summary>Whether <paramref name="finding"/> is one this exception covers: the same rule, and the same account and
    /// subject where the exception names them (compared case-insensitively).</summary>
    public bool Matches(ComplianceFinding finding) =>
        string.Equals(finding.RuleId, RuleId, StringComparison.OrdinalIgnoreCase)
        && (Account is null || string.Equals(finding.Account, Account, StringComparison.OrdinalIgnoreCase))
        && (Subject is null || string.Equals(finding.Subject, Subject, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The exceptions as one state-store document, <c>exceptions.json</c>: read with its version, replaced only over
/// that version (a change made meanwhile is a <c>StateConflict</c>, never overwritten).
/// </summary>
internal sealed class ExceptionStore
{
    internal const string Name = "exceptions.json";
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private readonly IStateStore _store;

    public ExceptionStore(IStateStore store) => _store = store;

    private sealed class Document
    {
        public int SchemaVersion { get; set; } = 1;
        public int LastNumber { get; set; }
        public List<ComplianceException> Exceptions { get; set; } = new();
    }

    /// <summary>The stored exceptions (empty when there is no document) and the version read.</summary>
    public (List<ComplianceException> Exceptions, int LastNumber, string? Version) Read()
    {
        if (_store.Read(Name) is not { } document)
            return (new List<ComplianceException>(), 0, null);
        try
        {
            Document d = JsonSerializer.Deserialize<Document>(document.Content, s_json) ?? throw new JsonException("empty document");
            return (d.Exceptions ?? new List<ComplianceException>(), d.LastNumber, document.Version);
        }
        catch (JsonException ex)
        {
            string where = _store.Locate(Name);
            throw new HwException(ErrorIds.ExceptionStoreInvalid, $"The exceptions document '{where}' is damaged: {ex.Message}", where, ex);
        }
    }

    public IReadOnlyList<ComplianceException> All() => Read().Exceptions;

    /// <summary>Writes the list over <paramref name="version"/> (null: create); a conflict when it changed since it was read.</summary>
    public void Write(IEnumerable<ComplianceException> exceptions, int lastNumber, string? version)
    {
        string content = JsonSerializer.Serialize(new Document { LastNumber = lastNumber, Exceptions = exceptions.OrderBy(e => e.Id, StringComparer.Ordinal).ToList() }, s_json);
        if (version is null)
            _store.Create(Name, content);
        else
            _store.Replace(Name, content, version);
    }
}
