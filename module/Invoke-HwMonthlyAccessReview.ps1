<#
.SYNOPSIS
    The monthly social media access review, unattended: connect, start, send, remind, escalate, close,
    export and mail the compliance report to the Manager.
.DESCRIPTION
    Run it daily from Windows Task Scheduler (Register-HwAccessReviewTask), cron or a systemd timer, or an
    Azure Automation runbook. It calls Update-HwAccessReview, which decides what is due on the engine's clock and
    does each step once, so a daily run does the right thing on every day of the month:
      - first, Sync-HwPostingAccess revokes (or flags, as the policy's lifecycle says) posters who should no longer
        post: disabled, deleted, past their leave date, past the end of time-bound access, guest, ineligible type;
      - then Receive-HwAccessReviewDecision applies the reviewers' Keep and Remove replies waiting in the review
        mailbox (-From), so nobody who replied is reminded (docs/decisions/0200);
      - Start-HwAccessReview opens this month's review once (later runs open nothing new);
      - Send-HwAccessReview mails the reviewers once (on the day the review starts);
      - halfway to the due date, reviewers with undecided items get one reminder;
      - after the due date, the Manager and Communications Officer get one escalation;
      - after the grace period, Close-HwAccessReview flags or revokes undecided access as the policy says;
      - on the 1st (and on the first run in a state folder) the compliance report is mailed to the Manager;
      - the compliance report is exported (HTML) to the report folder on every run.
    A transcript goes to the log folder. Exit codes: 0 all done and compliant; 1 a step failed;
    2 done, but the compliance report found Critical or High findings.
.EXAMPLE
    ./Invoke-HwMonthlyAccessReview.ps1 -TenantId contoso.onmicrosoft.com -ClientId 11111111-2222-3333-4444-555555555555 `
        -CertificateThumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -From social-media-review@hwsefton.org.uk -StatePath D:\HealthwatchPolicy\state
.EXAMPLE
    ./Invoke-HwMonthlyAccessReview.ps1 -ManagedIdentity -TenantId contoso.onmicrosoft.com -From social-media-review@hwsefton.org.uk `
        -StateSite https://contoso.sharepoint.com/sites/healthwatch
    The journal, reviews and lock are the ones every admin uses (the SharePoint site); logs and reports go to a
    temporary folder unless -StatePath, -LogPath or -ReportPath name one.
#>
[CmdletBinding(DefaultParameterSetName = 'Certificate')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $TenantId,
    [Parameter(Mandatory, ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $ClientId,
    [Parameter(Mandatory, ParameterSetName = 'Certificate')]
    [string] $CertificateThumbprint,
    [Parameter(Mandatory, ParameterSetName = 'ManagedIdentity')]
    [switch] $ManagedIdentity,
    # The local directory instead of a tenant (the bundled sample organisation, or a snapshot): for trials.
    [Parameter(Mandatory, ParameterSetName = 'Local')]
    [string] $OrganisationPath,
    # The local state folder (and the default home of logs and reports); with -StateSite, only logs and reports use it.
    [string] $StatePath,
    # The shared state store on a tenant: the SharePoint site (URL or id), and optionally its library and folder.
    [Parameter(ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $StateSite,
    [Parameter(ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $StateLibrary,
    [Parameter(ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $StateFolder,
    # The group whose open extension keeps the journal head's mirror (docs/decisions/0156): a runbook has no lasting disk.
    [Parameter(ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [string] $HeadMirrorGroup,
    # The Microsoft Graph address for a national cloud (https://graph.microsoft.us/v1.0).
    [Parameter(ParameterSetName = 'Certificate')]
    [Parameter(ParameterSetName = 'ManagedIdentity')]
    [uri] $GraphEndpoint,
    [string] $From,
    [string] $PolicyPath,
    [string] $LogPath,
    [string] $ReportPath,
    # Mail through SMTP instead of Graph sendMail (credential from SecretManagement, for example).
    [string] $SmtpServer,
    [int] $SmtpPort = 587,
    [pscredential] $SmtpCredential,
    # Let SMTP run in plain text (sign-in included) when the server offers no TLS: only for a trusted relay.
    [switch] $AllowInsecureSmtp
)

$ErrorActionPreference = 'Stop'
if (-not $StatePath -and -not $StateSite) { throw 'Name the state store: -StateSite (the shared SharePoint site) or -StatePath (a local state folder).' }
$work = if ($StatePath) { $StatePath } else { Join-Path ([IO.Path]::GetTempPath()) 'HealthwatchPolicy' }
if (-not $LogPath) { $LogPath = Join-Path $work 'logs' }
if (-not $ReportPath) { $ReportPath = Join-Path $work 'reports' }
New-Item -ItemType Directory -Force $LogPath, $ReportPath | Out-Null
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss')
Start-Transcript -Path (Join-Path $LogPath "monthly-access-review-$stamp.log") | Out-Null
$exitCode = 0
$mailboxUnread = $false
try {
    Import-Module (Join-Path $PSScriptRoot 'HealthwatchPolicy.psd1')
    $connect = if ($StateSite) { @{ StateSite = $StateSite } } else { @{ StatePath = $StatePath } }
    if ($StateLibrary) { $connect.StateLibrary = $StateLibrary }
    if ($StateFolder) { $connect.StateFolder = $StateFolder }
    if ($HeadMirrorGroup) { $connect.HeadMirrorGroup = $HeadMirrorGroup }
    if ($GraphEndpoint) { $connect.GraphEndpoint = $GraphEndpoint }
    if ($PolicyPath) { $connect.PolicyPath = $PolicyPath }
    switch ($PSCmdlet.ParameterSetName) {
        'Certificate' { Connect-HwDirectory @connect -TenantId $TenantId -ClientId $ClientId -CertificateThumbprint $CertificateThumbprint | Out-Null }
        'ManagedIdentity' {
            $mi = @{ ManagedIdentity = $true }
            if ($TenantId) { $mi.TenantId = $TenantId }
            if ($ClientId) { $mi.ClientId = $ClientId }
            Connect-HwDirectory @connect @mi | Out-Null
        }
        'Local' { Connect-HwDirectory -Path $OrganisationPath @connect | Out-Null }
    }
    Write-Output "Connected: $((Get-HwConnection).Directory)"

    $mail = @{}
    if ($From) { $mail.From = $From }
    if ($SmtpServer) { $mail.SmtpServer = $SmtpServer; $mail.SmtpPort = $SmtpPort }
    if ($SmtpCredential) { $mail.SmtpCredential = $SmtpCredential }
    if ($AllowInsecureSmtp) { $mail.AllowInsecureSmtp = $true }

    # Issue 15: every day, leavers and movers lose access by themselves (Sync-HwPostingAccess): each poster the policy's
    # lifecycle says to revoke is removed and journaled once; the ones it only flags stay, and the report shows them pending.
    foreach ($item in Sync-HwPostingAccess -Confirm:$false) {
        "Sync: $($item.Outcome) $($item.User) on $($item.Account) ($($item.Reason))"
    }

    # The month's steps are decided in the engine on its clock (Update-HwAccessReview): each one once, however often this runs.
    foreach ($step in Update-HwAccessReview @mail -Confirm:$false) {
        $step.Summary
        # The review mailbox could not be read: the other steps were done, but the run is reported as failed.
        if ($step.Kind -eq 'DecisionMailUnread') { $mailboxUnread = $true }
    }

    $report = Export-HwComplianceReport -Path (Join-Path $ReportPath "compliance-$stamp.html")
    $summary = Get-HwComplianceReport -Summary
    Write-Output "Compliance: $($summary.Result) ($($summary.Critical) critical, $($summary.High) high, $($summary.Medium) medium). Report: $($report.FullName)"
    if ($summary.Critical + $summary.High -gt 0) { $exitCode = 2 }
    if ($mailboxUnread) { $exitCode = 1 }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    $exitCode = 1
}
finally {
    Stop-Transcript | Out-Null
}
exit $exitCode
