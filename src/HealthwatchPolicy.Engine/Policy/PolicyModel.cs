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
    /// <summary>A paragraph of its own.</summary>
    Paragraph,
    /// <summary>An item of the list its section's paragraphs introduce.</summary>
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
        Roles = Text.TextList.Of(roles);
        Parameters = parameters;
        Sections = Text.TextList.Of(sections);
        Clauses = Text.TextList.Of(clauses);
    }

    /// <summary>The full path of the policy file it was loaded from.</summary>
    public string Path { get; }
    /// <summary>The document's <c>apiVersion</c> (<c>healthwatch.policy/v1</c>).</summary>
    public string ApiVersion { get; }
    /// <summary>The <c>metadata</c> block: name, title, organisation, version and dates.</summary>
    public PolicyMetadata Metadata { get; }
    /// <summary><c>metadata.name</c>: the policy's stable machine name.</summary>
    public string Name => Metadata.Name;
    /// <summary><c>metadata.title</c>: the title readers see.</summary>
    public string Title => Metadata.Title;
    /// <summary><c>metadata.organisation</c>: the organisation the policy belongs to.</summary>
    public string Organisation => Metadata.Organisation;
    /// <summary><c>metadata.version</c>: the policy's own version, recorded in every journal entry and finding.</summary>
    public string Version => Metadata.Version;
    /// <summary><c>metadata.effective</c>: the date the version took effect.</summary>
    public DateTime Effective => Metadata.Effective;
    /// <summary><c>metadata.nextReviewDue</c>: the date the policy itself is next due for review.</summary>
    public DateTime NextReviewDue => Metadata.NextReviewDue;
    /// <summary><c>spec.scope</c>: who the policy covers and the platforms it names.</summary>
    public PolicyScope Scope { get; }
    /// <summary><c>spec.roles</c>: the named roles, in file order.</summary>
    public IReadOnlyList<PolicyRole> Roles { get; }
    /// <summary><c>spec.parameters</c>: the values the checks enforce.</summary>
    public PolicyParameters Parameters { get; }
    /// <summary><c>spec.sections</c>, in file order.</summary>
    public IReadOnlyList<PolicySection> Sections { get; }
    /// <summary><c>spec.clauses</c>, in file order.</summary>
    public IReadOnlyList<PolicyClause> Clauses { get; }
    /// <summary>How many clauses are <c>enforced</c> (backed by checks).</summary>
    public int EnforcedCount => Clauses.Count(c => c.Kind == ClauseKind.Enforced);
    /// <summary>How many clauses are <c>acknowledged</c> (agreed to, not checked).</summary>
    public int AcknowledgedCount => Clauses.Count(c => c.Kind == ClauseKind.Acknowledged);

    /// <summary>The clause with id <paramref name="id"/> (ordinal, case-insensitive), or null.</summary>
    public PolicyClause? FindClause(string id) =>
        Clauses.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The role with id <paramref name="id"/> (for example <c>Manager</c>), or null.</summary>
    public PolicyRole? FindRole(string id) =>
        Roles.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>&lt;title&gt; v&lt;version&gt;</c>.</summary>
    public override string ToString() => $"{Title} v{Version}";
}

/// <summary>The policy's <c>metadata</c> block.</summary>
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

    /// <summary>The policy's stable machine name.</summary>
    public string Name { get; }
    /// <summary>The title readers see.</summary>
    public string Title { get; }
    /// <summary>The organisation the policy belongs to.</summary>
    public string Organisation { get; }
    /// <summary>The policy's own version (a string such as <c>1.2</c>).</summary>
    public string Version { get; }
    /// <summary>The date the version took effect.</summary>
    public DateTime Effective { get; }
    /// <summary>How often the policy itself is reviewed, in months.</summary>
    public int ReviewIntervalMonths { get; }
    /// <summary>The date the policy is next due for review.</summary>
    public DateTime NextReviewDue { get; }
    /// <summary>Who to ask for the policy in another format (large print, easy read), or null.</summary>
    public string? AlternativeFormatsContact { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): title and version.</summary>
    public override string ToString() => $"{Title} v{Version}";
}

/// <summary><c>spec.scope</c>: who the policy covers and the platforms it names.</summary>
public sealed class PolicyScope
{
    internal PolicyScope(IReadOnlyList<string> covers, IReadOnlyList<string> platforms)
    {
        Covers = Text.TextList.Of(covers);
        Platforms = Text.TextList.Of(platforms);
    }

    /// <summary>Who the policy covers (staff, volunteers, trustees, associates).</summary>
    public IReadOnlyList<string> Covers { get; }
    /// <summary>The platforms the policy names.</summary>
    public IReadOnlyList<string> Platforms { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): what the policy covers and on which platforms.</summary>
    public override string ToString() => $"Covers {string.Join(", ", Covers)}. Platforms {string.Join(", ", Platforms)}.";
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

    /// <summary>The role's id, which clauses and parameters refer to (for example <c>CommunicationsOfficer</c>).</summary>
    public string Id { get; }
    /// <summary>The role's title, as documents show it.</summary>
    public string Title { get; }
    /// <summary>User principal name of the person holding the role, if a person holds it.</summary>
    public string? User { get; }
    /// <summary>Display name of the directory group holding the role, if a group holds it.</summary>
    public string? Group { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): the role and who holds it.</summary>
    public override string ToString() => $"{Title}: {User ?? Group ?? "(unassigned)"}";
    /// <summary>True when the role names a user or a group.</summary>
    public bool IsAssigned => !string.IsNullOrEmpty(User) || !string.IsNullOrEmpty(Group);
}

/// <summary>The parameters the checks use.</summary>
public sealed class PolicyParameters
{
    internal PolicyParameters(int maxPostersPerAccount, IReadOnlyList<string> eligibleEmployeeTypes, bool guestsMayPost,
        bool acknowledgementRequiredToPost, IReadOnlyList<string> accountConsentFrom, string postingGroupPrefix,
        AccessReviewParameters accessReview, ExceptionParameters? exceptions = null, LifecycleParameters? lifecycle = null)
    {
        Exceptions = exceptions ?? ExceptionParameters.Default;
        Lifecycle = lifecycle ?? LifecycleParameters.Default;
        MaxPostersPerAccount = maxPostersPerAccount;
        EligibleEmployeeTypes = Text.TextList.Of(eligibleEmployeeTypes);
        GuestsMayPost = guestsMayPost;
        AcknowledgementRequiredToPost = acknowledgementRequiredToPost;
        AccountConsentFrom = Text.TextList.Of(accountConsentFrom);
        PostingGroupPrefix = postingGroupPrefix;
        AccessReview = accessReview;
    }

    /// <summary><c>maxPostersPerAccount</c>: the most people who may post as one official account.</summary>
    public int MaxPostersPerAccount { get; }
    /// <summary><c>eligibleEmployeeTypes</c>: the directory <c>employeeType</c> values that may post.</summary>
    public IReadOnlyList<string> EligibleEmployeeTypes { get; }
    /// <summary><c>guestsMayPost</c>: whether guest users may be posters.</summary>
    public bool GuestsMayPost { get; }
    /// <summary><c>acknowledgementRequiredToPost</c>: whether a poster must have acknowledged the current version first.</summary>
    public bool AcknowledgementRequiredToPost { get; }
    /// <summary>Who may consent to a new official account: <c>LineManager</c> (the owner's manager) and/or a role id.</summary>
    public IReadOnlyList<string> AccountConsentFrom { get; }
    /// <summary><c>postingGroupPrefix</c>: the display-name prefix of the security groups that hold each account's posters.</summary>
    public string PostingGroupPrefix { get; }
    /// <summary><c>accessReview</c>: the access review's interval, due and grace days and undecided action.</summary>
    public AccessReviewParameters AccessReview { get; }
    /// <summary><c>exceptions</c>: the longest term of a compliance exception and the role that approves one
    /// (defaults when the policy leaves them out: 12 months, <c>Manager</c>).</summary>
    public ExceptionParameters Exceptions { get; }
    /// <summary><c>lifecycle</c> (issue 15): what Sync-HwPostingAccess does for each reason, time-bound access, pauses, sign-in inactivity.</summary>
    public LifecycleParameters Lifecycle { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): every parameter as name=value.</summary>
    public override string ToString() =>
        $"maxPostersPerAccount={MaxPostersPerAccount}, eligibleEmployeeTypes={string.Join("/", EligibleEmployeeTypes)}, guestsMayPost={GuestsMayPost}, "
        + $"acknowledgementRequiredToPost={AcknowledgementRequiredToPost}, accountConsentFrom={string.Join("/", AccountConsentFrom)}, postingGroupPrefix={PostingGroupPrefix}, accessReview=({AccessReview}), exceptions=({Exceptions})";
}

/// <summary><c>spec.parameters.exceptions</c>: how long a compliance exception may last and who may approve it.</summary>
public sealed class ExceptionParameters
{
    internal ExceptionParameters(int maxTermMonths, string approverRole)
    {
        MaxTermMonths = maxTermMonths;
        ApproverRole = approverRole;
    }

    internal static ExceptionParameters Default { get; } = new(12, "Manager");

    /// <summary><c>maxTermMonths</c>: the longest an exception may run, in calendar months from the day it is made (1-36).</summary>
    public int MaxTermMonths { get; }
    /// <summary><c>approverRole</c>: the id of the policy role (<c>spec.roles[].id</c>) whose holder may approve an exception.</summary>
    public string ApproverRole { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160).</summary>
    public override string ToString() => $"maxTermMonths={MaxTermMonths}, approverRole={ApproverRole}";
}

/// <summary>What Sync-HwPostingAccess does about a poster who should no longer post: revoke, or flag only (the report shows it as pending).</summary>
public enum LifecycleAction
{
    /// <summary>Sync-HwPostingAccess removes the poster and journals the reason.</summary>
    Revoke,
    /// <summary>Sync-HwPostingAccess leaves the poster; the compliance report shows the revocation as pending.</summary>
    Flag,
}

/// <summary>Why a poster should no longer post (Sync-HwPostingAccess; docs/decisions/0170).</summary>
public enum LifecycleReason
{
    /// <summary>Their directory account is disabled.</summary>
    Disabled,
    /// <summary>They are no longer in the directory (deleted), or the member is not a user.</summary>
    Deleted,
    /// <summary>Their employee type is not one of <c>eligibleEmployeeTypes</c>.</summary>
    IneligibleType,
    /// <summary>They are a guest and <c>guestsMayPost</c> is false.</summary>
    Guest,
    /// <summary>Their <c>employeeLeaveDateTime</c> has passed.</summary>
    LeaveDate,
    /// <summary>Their time-bound access (Grant-HwPostingAccess -Until/-For) has ended.</summary>
    AccessExpired,
}

/// <summary><c>spec.parameters.lifecycle</c> (optional; issue 15): the action per reason, time-bound access, pause and sign-in limits.</summary>
public sealed class LifecycleParameters
{
    /// <summary>The values a policy without a <c>lifecycle</c> block has: revoke for disabled, deleted, past leave date and
    /// expired access; flag for employee type and guest; no type must be time-bound; at most 365 days; pauses flagged
    /// after 7 days; no sign-in for 90 days is a finding.</summary>
    public static readonly LifecycleParameters Default = new(new System.Collections.Generic.Dictionary<LifecycleReason, LifecycleAction>
    {
        [LifecycleReason.Disabled] = LifecycleAction.Revoke,
        [LifecycleReason.Deleted] = LifecycleAction.Revoke,
        [LifecycleReason.IneligibleType] = LifecycleAction.Flag,
        [LifecycleReason.Guest] = LifecycleAction.Flag,
        [LifecycleReason.LeaveDate] = LifecycleAction.Revoke,
        [LifecycleReason.AccessExpired] = LifecycleAction.Revoke,
    }, System.Array.Empty<string>(), 365, 7, 90);

    internal LifecycleParameters(IReadOnlyDictionary<LifecycleReason, LifecycleAction> actions, IReadOnlyList<string> timeBoundEmployeeTypes,
        int maxAccessDays, int maxPauseDays, int signInInactivityDays)
    {
        Actions = actions;
        TimeBoundEmployeeTypes = timeBoundEmployeeTypes;
        MaxAccessDays = maxAccessDays;
        MaxPauseDays = maxPauseDays;
        SignInInactivityDays = signInInactivityDays;
    }

    /// <summary>What Sync-HwPostingAccess does for each reason (<c>disabled</c>, <c>deleted</c>, <c>ineligibleType</c>, <c>guest</c>, <c>leaveDate</c>, <c>accessExpired</c>).</summary>
    public IReadOnlyDictionary<LifecycleReason, LifecycleAction> Actions { get; }
    /// <summary><c>timeBoundEmployeeTypes</c>: employee types whose access is always time-bound (a grant without -Until/-For ends after <see cref="MaxAccessDays"/>).</summary>
    public IReadOnlyList<string> TimeBoundEmployeeTypes { get; }
    /// <summary><c>maxAccessDays</c>: the longest time-bound access, in days from the grant.</summary>
    public int MaxAccessDays { get; }
    /// <summary><c>maxPauseDays</c>: a pause older than this many days is a finding (HW-LIF-004).</summary>
    public int MaxPauseDays { get; }
    /// <summary><c>signInInactivityDays</c>: a poster with no sign-in for this many days is a finding (HW-SGN-001).</summary>
    public int SignInInactivityDays { get; }

    /// <summary>The action for <paramref name="reason"/>.</summary>
    public LifecycleAction ActionFor(LifecycleReason reason) => Actions.TryGetValue(reason, out LifecycleAction a) ? a : LifecycleAction.Flag;

    /// <summary>The <c>lifecycle</c> key of <paramref name="reason"/> (for example <c>leaveDate</c>).</summary>
    public static string KeyOf(LifecycleReason reason)
    {
        string n = reason.ToString();
        return char.ToLowerInvariant(n[0]) + n.Substring(1);
    }
}

/// <summary><c>spec.parameters.accessReview</c>: when reviews run and what happens to undecided access.</summary>
public sealed class AccessReviewParameters
{
    internal AccessReviewParameters(int intervalMonths, int dueDays, int graceDays, string undecidedAction)
    {
        IntervalMonths = intervalMonths;
        DueDays = dueDays;
        GraceDays = graceDays;
        UndecidedAction = undecidedAction;
    }

    /// <summary>Months between reviews (a review starts in the first month of each interval).</summary>
    public int IntervalMonths { get; }
    /// <summary>Days from a review's start to its due date.</summary>
    public int DueDays { get; }
    /// <summary>Days after the due date before an undecided review is closed.</summary>
    public int GraceDays { get; }
    /// <summary><c>Flag</c> or <c>Revoke</c>: what happens to undecided access after the grace period.</summary>
    public string UndecidedAction { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): the review settings as name=value.</summary>
    public override string ToString() => $"intervalMonths={IntervalMonths}, dueDays={DueDays}, graceDays={GraceDays}, undecidedAction={UndecidedAction}";
}

/// <summary>A section of the policy: clauses belong to one.</summary>
public sealed class PolicySection
{
    internal PolicySection(string id, string title, string? lead)
    {
        Id = id;
        Title = title;
        Lead = lead;
    }

    /// <summary>The section's id (lower case, '-'), which clauses name.</summary>
    public string Id { get; }
    /// <summary>The section's heading.</summary>
    public string Title { get; }
    /// <summary>The sentence that introduces the section's list, as the seed words it.</summary>
    public string? Lead { get; }
    /// <summary>The text form (Export-Csv, interpolation; docs/decisions/0160): the section title.</summary>
    public override string ToString() => Title;
}

/// <summary>One clause of the policy: stable id, section, kind, form, the checks that back it and its exact text.</summary>
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
        Checks = HealthwatchPolicy.Engine.Text.TextList.Of(checks);
        Text = text;
        PolicyVersion = policyVersion;
    }

    /// <summary>The clause's stable id (for example <c>SM-3.2</c>).</summary>
    public string Id { get; }
    /// <summary>The id of the section it belongs to.</summary>
    public string SectionId { get; }
    /// <summary>The section's title.</summary>
    public string Section { get; }
    /// <summary><c>Enforced</c> (backed by checks) or <c>Acknowledged</c> (agreed to, not checked).</summary>
    public ClauseKind Kind { get; }
    /// <summary>A paragraph or a list item.</summary>
    public ClauseForm Form { get; }
    /// <summary>The checks that back an enforced clause (empty for acknowledged clauses).</summary>
    public IReadOnlyList<string> Checks { get; }
    /// <summary>The clause's exact text, whitespace normalised.</summary>
    public string Text { get; }
    /// <summary>The version of the policy the clause was loaded from.</summary>
    public string PolicyVersion { get; }

    /// <summary><c>&lt;id&gt;: &lt;text&gt;</c>.</summary>
    public override string ToString() => $"{Id}: {Text}";
}
