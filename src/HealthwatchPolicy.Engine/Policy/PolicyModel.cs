using System;
using System.Collections.Generic;
using System.Linq;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>Whether software checks a clause or staff acknowledge it.</summary>
public enum ClauseKind
{
    /// <summary>A compliance check backs the clause.</summary>
    Enforced,
    /// <summary>Conduct and guidance software cannot check: staff confirm they read it.</summary>
    Acknowledged,
}

/// <summary>How a clause stands in the policy text: its own paragraph, or an item of the section's list.</summary>
public enum ClauseForm
{
    Paragraph,
    Item,
}

/// <summary>A loaded, validated policy. Immutable once loaded.</summary>
public sealed class PolicyDocument
{
    internal PolicyDocument(string path, string apiVersion, PolicyMetadata metadata, PolicyScope scope,
        IReadOnlyList<PolicyRole> roles, PolicyParameters parameters, IReadOnlyList<PolicySection> sections,
        IReadOnlyList<PolicyClause> clauses)
    {
        Path = path;
        ApiVersion = apiVersion;
        Metadata = metadata;
        Scope = scope;
        Roles = roles;
        Parameters = parameters;
        Sections = sections;
        Clauses = clauses;
    }

    public string Path { get; }
    public string ApiVersion { get; }
    public PolicyMetadata Metadata { get; }
    public string Name => Metadata.Name;
    public string Title => Metadata.Title;
    public string Organisation => Metadata.Organisation;
    public string Version => Metadata.Version;
    public DateTime Effective => Metadata.Effective;
    public DateTime NextReviewDue => Metadata.NextReviewDue;
    public PolicyScope Scope { get; }
    public IReadOnlyList<PolicyRole> Roles { get; }
    public PolicyParameters Parameters { get; }
    public IReadOnlyList<PolicySection> Sections { get; }
    public IReadOnlyList<PolicyClause> Clauses { get; }
    public int EnforcedCount => Clauses.Count(c => c.Kind == ClauseKind.Enforced);
    public int AcknowledgedCount => Clauses.Count(c => c.Kind == ClauseKind.Acknowledged);

    public PolicyClause? FindClause(string id) =>
        Clauses.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    public PolicyRole? FindRole(string id) =>
        Roles.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{Title} v{Version}";
}

public sealed class PolicyMetadata
{
    internal PolicyMetadata(string name, string title, string organisation, string version, DateTime effective,
        int reviewIntervalMonths, DateTime nextReviewDue, string? alternativeFormatsContact)
    {
        Name = name;
        Title = title;
        Organisation = organisation;
        Version = version;
        Effective = effective;
        ReviewIntervalMonths = reviewIntervalMonths;
        NextReviewDue = nextReviewDue;
        AlternativeFormatsContact = alternativeFormatsContact;
    }

    public string Name { get; }
    public string Title { get; }
    public string Organisation { get; }
    public string Version { get; }
    public DateTime Effective { get; }
    public int ReviewIntervalMonths { get; }
    public DateTime NextReviewDue { get; }
    public string? AlternativeFormatsContact { get; }
}

public sealed class PolicyScope
{
    internal PolicyScope(IReadOnlyList<string> covers, IReadOnlyList<string> platforms)
    {
        Covers = covers;
        Platforms = platforms;
    }

    /// <summary>Who the policy covers (staff, volunteers, trustees, associates).</summary>
    public IReadOnlyList<string> Covers { get; }
    /// <summary>The platforms the policy names.</summary>
    public IReadOnlyList<string> Platforms { get; }
}

/// <summary>A named role (Manager, Communications Officer) resolvable to a directory user or group.</summary>
public sealed class PolicyRole
{
    internal PolicyRole(string id, string title, string? user, string? group)
    {
        Id = id;
        Title = title;
        User = user;
        Group = group;
    }

    public string Id { get; }
    public string Title { get; }
    /// <summary>User principal name of the person holding the role, if a person holds it.</summary>
    public string? User { get; }
    /// <summary>Display name of the directory group holding the role, if a group holds it.</summary>
    public string? Group { get; }
    public bool IsAssigned => !string.IsNullOrEmpty(User) || !string.IsNullOrEmpty(Group);
}

/// <summary>The parameters the checks use.</summary>
public sealed class PolicyParameters
{
    internal PolicyParameters(int maxPostersPerAccount, IReadOnlyList<string> eligibleEmployeeTypes, bool guestsMayPost,
        bool acknowledgementRequiredToPost, IReadOnlyList<string> accountConsentFrom, string postingGroupPrefix,
        AccessReviewParameters accessReview)
    {
        MaxPostersPerAccount = maxPostersPerAccount;
        EligibleEmployeeTypes = eligibleEmployeeTypes;
        GuestsMayPost = guestsMayPost;
        AcknowledgementRequiredToPost = acknowledgementRequiredToPost;
        AccountConsentFrom = accountConsentFrom;
        PostingGroupPrefix = postingGroupPrefix;
        AccessReview = accessReview;
    }

    public int MaxPostersPerAccount { get; }
    public IReadOnlyList<string> EligibleEmployeeTypes { get; }
    public bool GuestsMayPost { get; }
    public bool AcknowledgementRequiredToPost { get; }
    /// <summary>Who may consent to a new official account: <c>LineManager</c> (the owner's manager) and/or a role id.</summary>
    public IReadOnlyList<string> AccountConsentFrom { get; }
    public string PostingGroupPrefix { get; }
    public AccessReviewParameters AccessReview { get; }
}

public sealed class AccessReviewParameters
{
    internal AccessReviewParameters(int intervalMonths, int dueDays, int graceDays, string undecidedAction)
    {
        IntervalMonths = intervalMonths;
        DueDays = dueDays;
        GraceDays = graceDays;
        UndecidedAction = undecidedAction;
    }

    public int IntervalMonths { get; }
    public int DueDays { get; }
    public int GraceDays { get; }
    /// <summary><c>Flag</c> or <c>Revoke</c>: what happens to undecided access after the grace period.</summary>
    public string UndecidedAction { get; }
}

public sealed class PolicySection
{
    internal PolicySection(string id, string title, string? lead)
    {
        Id = id;
        Title = title;
        Lead = lead;
    }

    public string Id { get; }
    public string Title { get; }
    /// <summary>The sentence that introduces the section's list, as the seed words it.</summary>
    public string? Lead { get; }
}

public sealed class PolicyClause
{
    internal PolicyClause(string id, PolicySection section, ClauseKind kind, ClauseForm form,
        IReadOnlyList<string> checks, string text, string policyVersion)
    {
        Id = id;
        SectionId = section.Id;
        Section = section.Title;
        Kind = kind;
        Form = form;
        Checks = checks;
        Text = text;
        PolicyVersion = policyVersion;
    }

    public string Id { get; }
    public string SectionId { get; }
    /// <summary>The section's title.</summary>
    public string Section { get; }
    public ClauseKind Kind { get; }
    public ClauseForm Form { get; }
    /// <summary>The checks that back an enforced clause (empty for acknowledged clauses).</summary>
    public IReadOnlyList<string> Checks { get; }
    public string Text { get; }
    public string PolicyVersion { get; }

    public override string ToString() => $"{Id}: {Text}";
}
