using System;
using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommon.Get, "HwAuditLog")]
[OutputType(typeof(JournalEntry))]
public sealed class GetHwAuditLogCommand : HwCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Account { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("UserPrincipalName")]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? User { get; set; }

    [Parameter]
    [ValidateSet(JournalActions.AccountCreated, JournalActions.AccountUpdated, JournalActions.AccountRetired,
        JournalActions.PostingAccessGranted, JournalActions.PostingAccessRevoked, JournalActions.PolicyAcknowledged,
        JournalActions.AccessReviewStarted, JournalActions.AccessReviewMailSent, JournalActions.AccessReviewDecided,
        JournalActions.AccessReviewEscalated, JournalActions.AccessReviewClosed, JournalActions.JournalRepaired,
        JournalActions.ChangeIntended, JournalActions.IntentAbandoned, JournalActions.IntentReconciled,
        JournalActions.ComplianceExceptionCreated, JournalActions.ComplianceExceptionRemoved,
        JournalActions.PostingAccessExtended, JournalActions.PostingPaused, JournalActions.PostingResumed,
        JournalActions.AccessReviewDecisionReceived, JournalActions.AccessReviewDecisionRefused)]
    [Identifier(JournalActions.AccountCreated, JournalActions.AccountUpdated, JournalActions.AccountRetired, JournalActions.PostingAccessGranted, JournalActions.PostingAccessRevoked, JournalActions.PolicyAcknowledged, JournalActions.AccessReviewStarted, JournalActions.AccessReviewMailSent, JournalActions.AccessReviewDecided, JournalActions.AccessReviewEscalated, JournalActions.AccessReviewClosed, JournalActions.JournalRepaired, JournalActions.ChangeIntended, JournalActions.IntentAbandoned, JournalActions.IntentReconciled, JournalActions.ComplianceExceptionCreated, JournalActions.ComplianceExceptionRemoved, JournalActions.PostingAccessExtended, JournalActions.PostingPaused, JournalActions.PostingResumed,
        JournalActions.AccessReviewDecisionReceived, JournalActions.AccessReviewDecisionRefused)]
    public string? Action { get; set; }

    /// <summary>Entries at or after this time.</summary>
    [Parameter]
    public DateTime? After { get; set; }

    /// <summary>Entries before this time.</summary>
    [Parameter]
    public DateTime? Before { get; set; }

    /// <summary>Only the newest N entries (after the other filters).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        var entries = TryEngine(() => AuditQuery.Filter(Session.Journal.ReadAll(), Account, User, Action,
            After is { } a ? new DateTimeOffset(a.ToUniversalTime()) : null,
            Before is { } b ? new DateTimeOffset(b.ToUniversalTime()) : null, Last).ToList(), Session.Connection.StatePath);
        if (entries is not null)
            WriteObject(entries, enumerateCollection: true);
    }
}
