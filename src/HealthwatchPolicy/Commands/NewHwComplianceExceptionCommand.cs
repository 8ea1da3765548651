using System;
using System.Globalization;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Accepts a known deviation until a date: the findings of one rule (on one account, about one subject) are reported as
/// suppressed, with the justification, approver and expiry. The policy sets the longest term and the approving role.
/// </summary>
[Cmdlet(VerbsCommon.New, "HwComplianceException", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ComplianceException))]
public sealed class NewHwComplianceExceptionCommand : HwCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComplianceRuleCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string RuleId { get; set; } = "";

    /// <summary>The official account the exception is limited to (a finding's Account).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Account { get; set; }

    /// <summary>Who or what the exception is limited to (a finding's Subject: a user principal name, account, group or role).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? Subject { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Justification { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DirectoryUserCompleter))]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string ApprovedBy { get; set; } = "";

    /// <summary>When the exception ends (a local date and time unless it says otherwise; a bare date means its midnight).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public DateTime Expires { get; set; }

    protected override void BeginProcessing() => _ = Session;

    protected override void ProcessRecord()
    {
        ReportProgress("Granting compliance exceptions", RuleId);
        var expires = new DateTimeOffset(Expires.ToUniversalTime());
        string scope = RuleId + (Account is null ? "" : $" on '{Account}'") + (Subject is null ? "" : $" about '{Subject}'");
        string until = expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        // -WhatIf runs the creation in plan mode (decision 0161): a term past the policy's longest, an approver without
        // the role, an unknown rule or account "would be refused: …"; nothing is written.
        if (!ShouldProcessPlanned($"compliance findings of {scope}", $"Suppress them until {until}, approved by {ApprovedBy}",
                () => Session.Exceptions.New(RuleId, Account, Subject, Justification, ApprovedBy, expires), $"would suppress them until {until}"))
            return;
        // The policy's refusals before anything is written, each naming the parameter the admin gave.
        try
        {
            Session.Exceptions.Validate(RuleId, Justification, ApprovedBy, expires);
        }
        catch (HwException ex)
        {
            WriteHwError(ex, ex.Input == "ruleId" ? RuleId : ex.Input == "expires" ? Expires : ex.Input == "approvedBy" ? ApprovedBy : (object)scope);
            return;
        }
        ComplianceException? made = TryEngine(() => Session.Exceptions.New(RuleId, Account, Subject, Justification, ApprovedBy, expires), scope);
        if (made is not null)
            WriteObject(made);
    }

    protected override void EndProcessing() => CompleteProgress();
}
