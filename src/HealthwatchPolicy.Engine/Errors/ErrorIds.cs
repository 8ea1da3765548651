using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace HealthwatchPolicy.Engine.Errors;

/// <summary>The error kind of a catalogue id (one per id).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ErrorKindAttribute : Attribute
{
    /// <summary>Gives the error id its one category.</summary>
    public ErrorKindAttribute(HwErrorKind kind) => Kind = kind;

    /// <summary>The category every error with this id carries.</summary>
    public HwErrorKind Kind { get; }
}

/// <summary>
/// Every error id the module writes, once, with its one kind (the cmdlets turn the kind into an ErrorCategory).
/// Ids are stable and PascalCase <c>SubjectProblem</c>: scripts match on them (<c>FullyQualifiedErrorId</c>).
/// No id is written as a string anywhere else; <c>ErrorCatalogTests</c> holds both rules.
/// </summary>
public static class ErrorIds
{
    /// <summary>No official account in the register by that name (or it is retired and only active ones count).</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string AccountNotFound = nameof(AccountNotFound);

    /// <summary>An official account of that name is already in the register.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string AccountExists = nameof(AccountExists);

    /// <summary>An account handle with no letters or digits.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string AccountHandleInvalid = nameof(AccountHandleInvalid);

    /// <summary>A platform name with no letters or digits.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string AccountPlatformInvalid = nameof(AccountPlatformInvalid);

    /// <summary>An account address that is not an absolute https address.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string AccountUrlInvalid = nameof(AccountUrlInvalid);

    /// <summary>SMP-3.1: the (new) owner of an account is disabled.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string AccountOwnerDisabled = nameof(AccountOwnerDisabled);

    /// <summary>SMP-3.1: the person consenting is the owner, is disabled, or may not consent.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string AccountConsentInvalid = nameof(AccountConsentInvalid);

    /// <summary>SMP-3.2: the proposed poster is disabled.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string PosterDisabled = nameof(PosterDisabled);

    /// <summary>SMP-3.2: the proposed poster is a guest and guests may not post.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string PosterIsGuest = nameof(PosterIsGuest);

    /// <summary>SMP-3.2: the proposed poster's employee type is not eligible.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string PosterTypeNotEligible = nameof(PosterTypeNotEligible);

    /// <summary>SMP-3.2: the proposed poster has not acknowledged the current policy.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string PolicyNotAcknowledged = nameof(PolicyNotAcknowledged);

    /// <summary>SMP-3.2: the account already has as many posters as the policy allows.</summary>
    [ErrorKind(HwErrorKind.LimitsExceeded)] public const string PosterLimitReached = nameof(PosterLimitReached);

    /// <summary>No user in the directory by that name or id (an empty reference included).</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string UserNotFound = nameof(UserNotFound);

    /// <summary>No group in the directory with that id.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string GroupNotFound = nameof(GroupNotFound);

    /// <summary>
    /// The group is a mail-enabled security group, a distribution list or a Microsoft 365 group: Graph will not change
    /// a mail-enabled group's members, and the register creates and adopts only security groups (docs/decisions/0090).
    /// </summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string GroupNotManageable = nameof(GroupNotManageable);

    /// <summary>
    /// The person posts only through a group nested in the posting group: removing a direct membership cannot take
    /// that access away; the nested group is named (docs/decisions/0090).
    /// </summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string PosterThroughNestedGroup = nameof(PosterThroughNestedGroup);

    /// <summary>No directory connection in this session.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string NotConnected = nameof(NotConnected);

    /// <summary>The folder for a copy of the sample organisation is not empty.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string SampleTargetNotEmpty = nameof(SampleTargetNotEmpty);

    /// <summary>The sample organisation is not where the module expects it.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string SampleMissing = nameof(SampleMissing);

    /// <summary>The Microsoft Graph adapter assembly is not in the module.</summary>
    [ErrorKind(HwErrorKind.ResourceUnavailable)] public const string GraphAdapterMissing = nameof(GraphAdapterMissing);

    /// <summary>Connecting to Microsoft Graph failed.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string GraphConnectFailed = nameof(GraphConnectFailed);

    /// <summary>A Microsoft Graph connection lacks a tenant, a client or a way to sign in.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string GraphConnectionIncomplete = nameof(GraphConnectionIncomplete);

    /// <summary>A certificate file that cannot be read (password, format, no private key).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string CertificateUnreadable = nameof(CertificateUnreadable);

    /// <summary>No certificate with that thumbprint in the personal stores.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string CertificateNotFound = nameof(CertificateNotFound);

    /// <summary>An open extension document without its extensionName.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string ExtensionNameMissing = nameof(ExtensionNameMissing);

    /// <summary>Microsoft Graph could not be reached.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string GraphUnavailable = nameof(GraphUnavailable);

    /// <summary>Microsoft Graph answered 401: the sign-in is not (or no longer) valid.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string GraphUnauthorized = nameof(GraphUnauthorized);

    /// <summary>Microsoft Graph answered 403: the app or account lacks a permission.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string GraphAccessDenied = nameof(GraphAccessDenied);

    /// <summary>Microsoft Graph answered 404.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string GraphObjectNotFound = nameof(GraphObjectNotFound);

    /// <summary>Microsoft Graph stayed busy (429, 503, 504) after the retries.</summary>
    [ErrorKind(HwErrorKind.ResourceUnavailable)] public const string GraphThrottled = nameof(GraphThrottled);

    /// <summary>Microsoft Graph answered 400.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string GraphBadRequest = nameof(GraphBadRequest);

    /// <summary>Microsoft Graph answered with another error status.</summary>
    [ErrorKind(HwErrorKind.NotSpecified)] public const string GraphRequestFailed = nameof(GraphRequestFailed);

    /// <summary>Microsoft Graph's answer could not be read (a $batch reply without its responses, or missing a step).</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string GraphResponseInvalid = nameof(GraphResponseInvalid);

    /// <summary>Signing in to Microsoft Entra failed.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string GraphSignInFailed = nameof(GraphSignInFailed);

    /// <summary>The state folder (journal, reviews, locks) cannot be written.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string StateNotWritable = nameof(StateNotWritable);

    /// <summary>A Microsoft Graph connection named no shared state store (-StateSite) and no local state folder (-StatePath).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string StateStoreRequired = nameof(StateStoreRequired);

    /// <summary>Both a shared state store (-StateSite) and a local state folder (-StatePath) were named: name one.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string StateStoreAmbiguous = nameof(StateStoreAmbiguous);

    /// <summary>The SharePoint site or document library named for the shared state cannot be found (or the app has no access to it).</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string StateSiteNotFound = nameof(StateSiteNotFound);

    /// <summary>The group named to keep the journal head's mirror on (an open extension) does not exist or the app cannot read it.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string HeadMirrorGroupNotFound = nameof(HeadMirrorGroupNotFound);

    /// <summary>Another process held the state lock for too long.</summary>
    [ErrorKind(HwErrorKind.ResourceUnavailable)] public const string StateLocked = nameof(StateLocked);

    /// <summary>A state-store write lost a race: the document or journal sequence changed since it was read.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string StateConflict = nameof(StateConflict);

    /// <summary>The journal could not take the entry.</summary>
    [ErrorKind(HwErrorKind.WriteError)] public const string JournalWriteFailed = nameof(JournalWriteFailed);

    /// <summary>A witness given to Test-HwAuditLog is not <c>&lt;sequence&gt;:&lt;hash&gt;</c>.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string WitnessInvalid = nameof(WitnessInvalid);

    /// <summary>The journal's chain or head does not verify.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string JournalCorrupt = nameof(JournalCorrupt);

    /// <summary>The local directory file is not there.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string DirectoryNotFound = nameof(DirectoryNotFound);

    /// <summary>The local directory file is not valid.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string DirectoryInvalid = nameof(DirectoryInvalid);

    /// <summary>The local directory file cannot be read.</summary>
    [ErrorKind(HwErrorKind.ResourceUnavailable)] public const string DirectoryUnreadable = nameof(DirectoryUnreadable);

    /// <summary>A file (a document, a snapshot, an outbox message) could not be written.</summary>
    [ErrorKind(HwErrorKind.WriteError)] public const string FileWriteFailed = nameof(FileWriteFailed);

    /// <summary>A file to write exists and is not a regular file (a device, FIFO, socket, directory or symbolic link): nothing was written.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string FileTargetNotRegular = nameof(FileTargetNotRegular);

    /// <summary>The folder for a directory snapshot is not empty.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string SnapshotTargetNotEmpty = nameof(SnapshotTargetNotEmpty);

    /// <summary>A sender (-From) that is not exactly one bare mail address: a display name, a second address or a header would ride along.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string MailFromInvalid = nameof(MailFromInvalid);

    /// <summary>An SMTP server that is not a host name or an IP address (a scheme, port, path, space or line break).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string SmtpServerInvalid = nameof(SmtpServerInvalid);

    /// <summary>Sending through Microsoft Graph needs the mailbox to send from.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string MailFromRequired = nameof(MailFromRequired);

    /// <summary>The mailbox to send from does not exist (or cannot send through Graph).</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string MailboxNotFound = nameof(MailboxNotFound);

    /// <summary>The mail transport (SMTP server, Microsoft Graph) did not take the message.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string MailNotSent = nameof(MailNotSent);

    /// <summary>The person to mail is not in the directory.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string RecipientNotFound = nameof(RecipientNotFound);

    /// <summary>The person to mail has no mailbox.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string RecipientHasNoMailbox = nameof(RecipientHasNoMailbox);

    /// <summary>Large print was asked for a format other than HTML.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string LargePrintNeedsHtml = nameof(LargePrintNeedsHtml);

    /// <summary>The policy file does not validate.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string PolicyInvalid = nameof(PolicyInvalid);

    /// <summary>The policy names no one to escalate an access review to.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string EscalationContactsMissing = nameof(EscalationContactsMissing);

    /// <summary>A review decision other than Keep or Remove.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string DecisionInvalid = nameof(DecisionInvalid);

    /// <summary>No item in the review for that account and person.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string ReviewItemNotFound = nameof(ReviewItemNotFound);

    /// <summary>The review item was already decided and applied.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string DecisionAlreadyApplied = nameof(DecisionAlreadyApplied);

    /// <summary>The review cannot be closed yet (before its due date and grace).</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string ReviewNotDue = nameof(ReviewNotDue);

    /// <summary>No access review for that period.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string ReviewNotFound = nameof(ReviewNotFound);

    /// <summary>The access review is closed.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string ReviewClosed = nameof(ReviewClosed);

    /// <summary>A review period not written yyyy-MM.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string PeriodInvalid = nameof(PeriodInvalid);

    /// <summary>A review period after the current month (by the session's clock): no review is started or changed in the future.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string PeriodInFuture = nameof(PeriodInFuture);

    /// <summary>A consent date more than a day after today (UTC): consent is recorded as given, never as to come.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string ConsentDateInFuture = nameof(ConsentDateInFuture);

    /// <summary>A time range that ends where or before it starts (Get-HwAuditLog -After at or after -Before).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string TimeRangeInvalid = nameof(TimeRangeInvalid);

    /// <summary>A stored access review that cannot be read.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string ReviewInvalid = nameof(ReviewInvalid);

    /// <summary>Pipeline input to Export-HwComplianceReport that is not a finding.</summary>
    [ErrorKind(HwErrorKind.InvalidType)] public const string InputNotAFinding = nameof(InputNotAFinding);

    /// <summary>A grant (or a restore) to an account whose posting is paused (Suspend-HwPosting); the message names the pause.</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string AccountPaused = nameof(AccountPaused);

    /// <summary>Resume-HwPosting named an active official account whose posting is not paused (an unknown name is <c>AccountNotFound</c>).</summary>
    [ErrorKind(HwErrorKind.InvalidOperation)] public const string AccountNotPaused = nameof(AccountNotPaused);

    /// <summary>Time-bound access that ends in the past or later than the policy's <c>lifecycle.maxAccessDays</c> allows.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string AccessExpiryInvalid = nameof(AccessExpiryInvalid);

    /// <summary>A lifecycle document in the state store (<c>lifecycle/expiries.json</c>, <c>lifecycle/pauses.json</c>) that cannot be read.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string LifecycleStateInvalid = nameof(LifecycleStateInvalid);

    /// <summary>Registering a scheduled task off Windows.</summary>
    [ErrorKind(HwErrorKind.NotImplemented)] public const string TaskSchedulerUnavailable = nameof(TaskSchedulerUnavailable);

    private static readonly Lazy<IReadOnlyDictionary<string, HwErrorKind>> s_kinds = new(() =>
        typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToDictionary(f => (string)f.GetRawConstantValue()!, f => f.GetCustomAttribute<ErrorKindAttribute>()?.Kind ?? HwErrorKind.NotSpecified,
                StringComparer.Ordinal));

    /// <summary>Every id and its kind.</summary>
    public static IReadOnlyDictionary<string, HwErrorKind> All => s_kinds.Value;

    /// <summary>The kind of <paramref name="errorId"/>; an id not in the catalogue is <see cref="HwErrorKind.NotSpecified"/>.</summary>
    public static HwErrorKind KindOf(string errorId) => All.TryGetValue(errorId, out HwErrorKind kind) ? kind : HwErrorKind.NotSpecified;

    /// <summary>A text field is longer than its documented limit (docs/field-limits.md, from Graph's limits).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string FieldTooLong = nameof(FieldTooLong);

    /// <summary>A reason or justification that is empty or only white space: every journaled change says why.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string ReasonRequired = nameof(ReasonRequired);

    /// <summary>A text field holds control characters (C0, C1, bidirectional overrides, invisible format characters).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string FieldHasControlCharacters = nameof(FieldHasControlCharacters);

    /// <summary>A policy version that is not the connected policy's version.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string PolicyVersionUnknown = nameof(PolicyVersionUnknown);

    /// <summary>A value for the scheduled job's command line that is not what it must be (GUID, domain, thumbprint, address, absolute path).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string TaskArgumentInvalid = nameof(TaskArgumentInvalid);

    /// <summary>The SMTP server offers no TLS, so neither credentials nor mail were sent to it.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string SmtpTlsUnavailable = nameof(SmtpTlsUnavailable);

    /// <summary>A Graph endpoint that is not an absolute http(s) address.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string GraphEndpointInvalid = nameof(GraphEndpointInvalid);

    /// <summary>A plain-http Graph endpoint off loopback: the bearer token would travel without TLS.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string GraphEndpointInsecure = nameof(GraphEndpointInsecure);

    /// <summary>New-HwComplianceException: the rule id names no compliance rule, or a rule an exception may not cover (HW-EXC-*).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string ExceptionRuleUnknown = nameof(ExceptionRuleUnknown);

    /// <summary>New-HwComplianceException: the expiry is not after now, or is later than the policy's longest term allows.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string ExceptionTermTooLong = nameof(ExceptionTermTooLong);

    /// <summary>New-HwComplianceException: the approver does not hold the policy role that approves exceptions.</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string ExceptionApproverNotInRole = nameof(ExceptionApproverNotInRole);

    /// <summary>Get-/Remove-HwComplianceException: no exception with that id.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string ExceptionNotFound = nameof(ExceptionNotFound);

    /// <summary>The exceptions document in the state store (<c>exceptions.json</c>) or a saved report does not read.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string ExceptionStoreInvalid = nameof(ExceptionStoreInvalid);

    /// <summary>Compare-HwComplianceReport / Export-HwComplianceReport -Previous: the file is not a saved JSON compliance report.</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string ReportInvalid = nameof(ReportInvalid);
    /// <summary>A file given to Get-HwOrganisationSummary is not a readable organisation summary document (docs/decisions/0190).</summary>
    [ErrorKind(HwErrorKind.InvalidData)] public const string OrganisationSummaryUnreadable = nameof(OrganisationSummaryUnreadable);

    /// <summary>A folder or file given to Get-HwOrganisationSummary does not exist.</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string OrganisationSummaryPathNotFound = nameof(OrganisationSummaryPathNotFound);

    /// <summary>A summary container address (<c>-ContainerUri</c>, <c>-SummaryContainer</c>) is not an https address of an Azure
    /// Blob container (<c>https://account.blob.core.windows.net/container</c>), or carries a query (a SAS) or user info (docs/decisions/0195).</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string SummaryContainerInvalid = nameof(SummaryContainerInvalid);

    /// <summary>The summary container does not exist (Blob storage answered 404 ContainerNotFound).</summary>
    [ErrorKind(HwErrorKind.ObjectNotFound)] public const string SummaryContainerNotFound = nameof(SummaryContainerNotFound);

    /// <summary>Blob storage refused the identity (403: no Storage Blob Data role on the container, or the token was refused).</summary>
    [ErrorKind(HwErrorKind.PermissionDenied)] public const string SummaryContainerDenied = nameof(SummaryContainerDenied);

    /// <summary>The summary container could not be reached, or no token could be had for it (the managed identity endpoint,
    /// Azure CLI sign-in ...), or Blob storage kept failing after the SDK's retries.</summary>
    [ErrorKind(HwErrorKind.ConnectionError)] public const string SummaryContainerUnavailable = nameof(SummaryContainerUnavailable);

    /// <summary>Save-HwOrganisationSummary could not write the summary document (a folder that cannot be written, or a
    /// blob of that name that already exists twice over).</summary>
    [ErrorKind(HwErrorKind.WriteError)] public const string OrganisationSummaryWriteFailed = nameof(OrganisationSummaryWriteFailed);

    /// <summary>Save-HwOrganisationSummary was given neither the compliance summary nor the errors of the run.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string OrganisationSummaryIncomplete = nameof(OrganisationSummaryIncomplete);

    /// <summary>Save-HwOrganisationSummary: the organisation's name is empty, longer than 256 characters, or holds a control or invisible character.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string OrganisationNameInvalid = nameof(OrganisationNameInvalid);

    /// <summary>Save-/Get-HwOrganisationSummary -ContainerUri: both -ManagedIdentity and -AccessToken, or -ClientId without -ManagedIdentity.</summary>
    [ErrorKind(HwErrorKind.InvalidArgument)] public const string SummaryContainerSignInAmbiguous = nameof(SummaryContainerSignInAmbiguous);
}
