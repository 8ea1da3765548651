using System;
using System.Collections.Generic;
using System.Globalization;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// The limits a policy file must keep (docs/policy-limits.md lists them; policy/schema states the same ones and
/// PolicySchemaTests keeps the two in step). Each is checked before the file can cost more than it is worth, and a
/// file that breaks one is refused with a <c>PolicyInvalid</c> diagnostic at the position of the problem.
/// </summary>
public static class PolicyLimits
{
    /// <summary>Largest policy file read, in bytes (the bundled policy is about 17 KB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists (the policy's own shape needs 5).</summary>
    public const int MaxDepth = 16;

    /// <summary>Most YAML nodes (keys, values, lists, mappings) in one file.</summary>
    public const int MaxNodes = 50_000;

    /// <summary>Longest single scalar (key or value) of any kind; each field has its own, smaller limit below.</summary>
    public const int MaxScalarLength = 4_000;

    /// <summary>Longest value of each text field, in characters, by key (list items use the list's key).</summary>
    public static IReadOnlyDictionary<string, int> FieldLength { get; } = new Dictionary<string, int>
    {
        ["apiVersion"] = 64,
        ["kind"] = 64,
        ["metadata.name"] = 100,
        ["metadata.title"] = 200,
        ["metadata.organisation"] = 200,
        ["metadata.version"] = 32,
        ["metadata.effective"] = 10,
        ["metadata.nextReviewDue"] = 10,
        ["metadata.alternativeFormatsContact"] = 200,
        ["spec.scope.covers"] = 64,
        ["spec.scope.platforms"] = 64,
        ["spec.roles.id"] = 64,
        ["spec.roles.title"] = 200,
        ["spec.roles.user"] = 256,
        ["spec.roles.group"] = 256,
        ["spec.parameters.eligibleEmployeeTypes"] = 64,
        ["spec.parameters.accountConsentFrom"] = 64,
        ["spec.parameters.postingGroupPrefix"] = 30,
        ["spec.parameters.accessReview.undecidedAction"] = 16,
        ["spec.parameters.exceptions.approverRole"] = 64,
        ["spec.parameters.lifecycle.disabled"] = 16,
        ["spec.parameters.lifecycle.deleted"] = 16,
        ["spec.parameters.lifecycle.ineligibleType"] = 16,
        ["spec.parameters.lifecycle.guest"] = 16,
        ["spec.parameters.lifecycle.leaveDate"] = 16,
        ["spec.parameters.lifecycle.accessExpired"] = 16,
        ["spec.parameters.lifecycle.timeBoundEmployeeTypes"] = 64,
        ["spec.sections.id"] = 64,
        ["spec.sections.title"] = 200,
        ["spec.sections.lead"] = 1_000,
        ["spec.clauses.id"] = 32,
        ["spec.clauses.section"] = 64,
        ["spec.clauses.kind"] = 16,
        ["spec.clauses.form"] = 16,
        ["spec.clauses.checks"] = 64,
        ["spec.clauses.text"] = MaxScalarLength,
    };

    /// <summary>
    /// The identifier-like fields (ids, versions, names, prefixes, enum values, user principal names, employee types,
    /// platforms, dates): no white space at either end, no line break or tab, so a value that looks the same is the same.
    /// </summary>
    public static IReadOnlyCollection<string> TokenFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "apiVersion", "kind", "metadata.name", "metadata.version", "metadata.effective", "metadata.nextReviewDue",
        "spec.scope.covers", "spec.scope.platforms", "spec.roles.id", "spec.roles.user", "spec.roles.group",
        "spec.parameters.eligibleEmployeeTypes", "spec.parameters.accountConsentFrom", "spec.parameters.postingGroupPrefix",
        "spec.parameters.accessReview.undecidedAction", "spec.parameters.exceptions.approverRole", "spec.parameters.lifecycle.disabled", "spec.parameters.lifecycle.deleted",
        "spec.parameters.lifecycle.ineligibleType", "spec.parameters.lifecycle.guest", "spec.parameters.lifecycle.leaveDate",
        "spec.parameters.lifecycle.accessExpired", "spec.parameters.lifecycle.timeBoundEmployeeTypes", "spec.sections.id", "spec.clauses.id", "spec.clauses.section",
        "spec.clauses.kind", "spec.clauses.form", "spec.clauses.checks",
    };

    /// <summary>The one-line text fields (titles, the organisation, the contact): no line break. Clause text and a section's lead are prose and may span lines.</summary>
    public static IReadOnlyCollection<string> LineFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "metadata.title", "metadata.organisation", "metadata.alternativeFormatsContact", "spec.roles.title", "spec.sections.title",
    };

    /// <summary>The range of each whole-number parameter, by key (inclusive).</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> NumberRange { get; } = new Dictionary<string, (int, int)>
    {
        ["metadata.reviewIntervalMonths"] = (1, 60),
        ["spec.parameters.maxPostersPerAccount"] = (1, 100),
        ["spec.parameters.accessReview.intervalMonths"] = (1, 12),
        ["spec.parameters.accessReview.dueDays"] = (1, 90),
        ["spec.parameters.accessReview.graceDays"] = (0, 90),
        ["spec.parameters.exceptions.maxTermMonths"] = (1, 36),
        ["spec.parameters.lifecycle.maxAccessDays"] = (1, 3650),
        ["spec.parameters.lifecycle.maxPauseDays"] = (1, 365),
        ["spec.parameters.lifecycle.signInInactivityDays"] = (1, 730),
    };

    /// <summary>Years a policy date (<c>effective</c>, <c>nextReviewDue</c>) may name.</summary>
    public const int MinYear = 2000;

    /// <summary>Years a policy date (<c>effective</c>, <c>nextReviewDue</c>) may name.</summary>
    public const int MaxYear = 2099;

    /// <summary>
    /// Whether a character may stand in a policy file: no control characters other than tab and line breaks, no
    /// bidirectional overrides or isolates (they make text read differently from what it says), no line or paragraph
    /// separators, no U+FFFD (the mark of text that was decoded with the wrong encoding), and no invisible format
    /// character (Unicode category Cf: zero-width space, joiners, word joiner, soft hyphen, byte order mark...), which
    /// would make two values that look the same differ.
    /// </summary>
    public static bool IsRefusedCharacter(char c) =>
        (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        || (c >= 0x7F && c <= 0x9F)
        || (c >= 0x200E && c <= 0x200F)
        || (c >= 0x2028 && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x061C
        || c == 0xFFFD
        || c == 0xFEFF
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    internal static string Describe(char c) => $"U+{(int)c:X4}";
}
