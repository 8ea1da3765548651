using System.Linq;
using System.Management.Automation;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsSecurity.Grant, "HwPostingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Default")]
[OutputType(typeof(PostingAccess))]
public sealed class GrantHwPostingAccessCommand : PostingAccessCmdlet
{
    /// <summary>
    /// Issue 15: when the access ends (local time unless an offset is given): a DateTime (Get-Date) or ISO 8601 text
    /// (yyyy-MM-dd, yyyy-MM-ddTHH:mm[:ss][Z|+hh:mm]), as an Import-Csv column gives it. Taken as an object and read here, so
    /// a value PowerShell cannot convert is an error naming the row instead of a grant without an end, and day/month text
    /// such as 01/02/2027 is refused rather than read in one culture (docs/decisions/0178). Blank means no end given.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "Until", ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? Until { get; set; }

    /// <summary>Issue 15: how long the access lasts, from now.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "For")]
    public System.TimeSpan For { get; set; }

    protected override void ProcessRecord()
    {
        ReportProgress("Granting posting access", $"{User} on {Account}");
        System.DateTimeOffset? until = null;
        if (ParameterSetName == "Until")
        {
            try
            {
                until = UntilValue.Read(Until, Account, User);
            }
            catch (HwException ex)
            {
                WriteRowError(ex, Account, User);
                return;
            }
        }
        string ends = ParameterSetName switch
        {
            "Until" when until is { } u => $" until {u.ToUniversalTime():yyyy-MM-dd HH:mm} UTC",
            "For" => $" for {For.TotalDays:0.##} days",
            _ => "",
        };
        // Time-bound or not, a grant goes through the lifecycle service (the end date, a paused account); -WhatIf runs it in
        // plan mode (decision 0161).
        AccessOutcome Run() => ParameterSetName switch
        {
            "For" => Session.Lifecycle.GrantFor(Account, User, Reason ?? "", For),
            _ => Session.Lifecycle.Grant(Account, User, Reason ?? "", until),
        };
        if (!ShouldProcessPlanned($"'{User}' on official account '{Account}'", "Grant posting access" + ends,
                Run, "would grant" + ends,
                r => r is AccessOutcome { Access: { } a } o
                    ? $"'{a.User}' can already post to '{a.Account}'" + string.Concat(o.Warnings.Select(w => "; but " + Refused(w)))
                    : null,
                // without -Until/-For, the policy may still end it (lifecycle.timeBoundEmployeeTypes): say when
                _ => ParameterSetName == "Default" && Session.Lifecycle.DefaultEnd(User) is { } end
                    ? $"would grant until {end.ToUniversalTime():yyyy-MM-dd HH:mm} UTC (their employee type's access ends after lifecycle.maxAccessDays)"
                    : null))
            return;
        AccessOutcome? outcome = TryRow(Run, Account, User);
        if (outcome is null)
            return;
        foreach (PolicyRefusal refusal in outcome.Refusals)
            WriteRowError(new PolicyRefusalException(refusal), Account, User);     // one error per failing condition; nothing changed
        if (outcome.Access is { } access)
        {
            if (!outcome.Changed)
                WriteVerbose($"'{access.User}' can already post to '{access.Account}': nothing changed, nothing journaled.");
            foreach (PolicyRefusal failing in outcome.Warnings)
                WriteWarning($"'{access.User}' can already post to '{access.Account}' (nothing changed), but this access fails a check: {Refused(failing)}. "
                    + "Get-HwComplianceReport lists it as a finding; Revoke-HwPostingAccess removes it.");
            WriteObject(access);
        }
    }
}

/// <summary>Reads Grant-HwPostingAccess -Until: a DateTime, a DateTimeOffset, or ISO 8601 text; anything else is <c>AccessExpiryInvalid</c>.</summary>
internal static class UntilValue
{
    private static readonly string[] IsoFormats =
    {
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
    };

    private static readonly System.Text.RegularExpressions.Regex DayMonth =
        new(@"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(\s.*)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The end, or null when no value was given (null or blank text: the policy's default applies).</summary>
    internal static System.DateTimeOffset? Read(object? value, string account, string user)
    {
        object? v = value is PSObject ps ? ps.BaseObject : value;
        switch (v)
        {
            case null:
                return null;
            case System.DateTime d:
                return new System.DateTimeOffset(d);
            case System.DateTimeOffset o:
                return o;
            case string text when string.IsNullOrWhiteSpace(text):
                return null;
            case string text:
                string t = text.Trim();
                if (System.DateTimeOffset.TryParseExact(t, IsoFormats, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeLocal, out System.DateTimeOffset parsed))
                    return parsed;
                if (DayMonth.IsMatch(t))
                    throw new HwException(ErrorIds.AccessExpiryInvalid,
                        $"The end of access '{t}' for '{user}' on '{account}' could be read as day/month or month/day; write it as yyyy-MM-dd (for example 2027-01-31). Nothing was granted.",
                        user, input: "until");
                break;
        }
        string shown = HealthwatchPolicy.Engine.Text.SafeText.Neutralise(System.Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture), keepLineFeeds: false) ?? "";
        throw new HwException(ErrorIds.AccessExpiryInvalid,
            $"The end of access '{shown}' for '{user}' on '{account}' is not a date; write it as yyyy-MM-dd (for example 2027-01-31) or give a DateTime. Nothing was granted.",
            user, input: "until");
    }
}
