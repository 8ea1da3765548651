<#
.SYNOPSIS
    The HealthwatchPolicy runbook for Azure Automation (PowerShell 7.4 runtime environment, system-assigned managed
    identity, state in the shared SharePoint store).
.DESCRIPTION
    deploy/automation/main.bicep publishes this file as the runbook 'Invoke-HwAutomationRunbook' in a runtime
    environment that holds the HealthwatchPolicy package, and links it to two schedules:
      - Daily   : the unattended access-review job (Invoke-HwMonthlyAccessReview.ps1 from the installed module):
                  each step of the month's review that is due, once; the compliance report exported and, on the
                  1st, mailed.
      - Monthly : verify the shared journal (Test-HwAuditLog) and write the compliance summary to the job output.
    It signs in with the account's managed identity: Azure Automation sets IDENTITY_ENDPOINT and IDENTITY_HEADER in
    the sandbox, and Connect-HwDirectory -ManagedIdentity (Azure.Identity's ManagedIdentityCredential) asks that
    endpoint for a Microsoft Graph token. No disk is needed: the journal, reviews and lock live in the SharePoint site
    (-StateSite); logs and exported reports go to the sandbox's temporary folder and the job output.
    Settings not given as parameters come from the Automation variables HwTenantId, HwStateSite and HwMailFrom
    (Get-AutomationVariable, the sandbox's own cmdlet). The job fails (throws) when a step fails or the journal does
    not verify; Critical or High compliance findings are a warning in the job output, not a failure.
.PARAMETER Mode
    Daily (the review steps) or Monthly (the journal check and the compliance summary).
.PARAMETER GraphEndpoint
    Only for a national cloud (https://graph.microsoft.us/v1.0) or a test double.
.EXAMPLE
    Start-AzAutomationRunbook -AutomationAccountName healthwatch-policy -ResourceGroupName rg-healthwatch -Name Invoke-HwAutomationRunbook -Parameters @{ Mode = 'Monthly' }
    Runs the monthly check now, from an admin's machine (Az.Automation).
#>
param(
    [ValidateSet('Daily', 'Monthly')]
    [string] $Mode = 'Daily',
    [string] $TenantId,
    [string] $StateSite,
    [string] $MailFrom,
    [uri] $GraphEndpoint
)
$ErrorActionPreference = 'Stop'

# A setting: the parameter if given, else the Automation variable (only the sandbox has Get-AutomationVariable).
function Get-HwSetting([string] $Value, [string] $Variable, [switch] $Optional) {
    if ($Value) { return $Value }
    if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) {
        $found = Get-AutomationVariable -Name $Variable -ErrorAction SilentlyContinue
        if ($found) { return [string]$found }
    }
    if (-not $Optional) { throw "The runbook needs the Automation variable '$Variable' (or its parameter): see docs/deploy-azure-automation.md." }
}

$TenantId = Get-HwSetting $TenantId 'HwTenantId' -Optional
$StateSite = Get-HwSetting $StateSite 'HwStateSite'
$MailFrom = Get-HwSetting $MailFrom 'HwMailFrom' -Optional
if (-not $env:IDENTITY_ENDPOINT -or -not $env:IDENTITY_HEADER) {
    throw 'No managed identity in this sandbox (IDENTITY_ENDPOINT and IDENTITY_HEADER are not set): turn on the Automation account''s system-assigned identity.'
}

Import-Module HealthwatchPolicy
$module = Get-Module HealthwatchPolicy
Write-Output "HealthwatchPolicy $($module.Version) ($Mode) on $StateSite"

switch ($Mode) {
    'Daily' {
        $job = @{ ManagedIdentity = $true; StateSite = $StateSite }
        if ($TenantId) { $job.TenantId = $TenantId }
        if ($MailFrom) { $job.From = $MailFrom }
        if ($GraphEndpoint) { $job.GraphEndpoint = $GraphEndpoint }
        & (Join-Path $module.ModuleBase 'Invoke-HwMonthlyAccessReview.ps1') @job
        $code = $LASTEXITCODE
        if ($code -eq 1) { throw 'The access-review job failed: its error is above in the job output.' }
        if ($code -eq 2) { Write-Warning 'The compliance report found Critical or High findings.' }
    }
    'Monthly' {
        $connect = @{ ManagedIdentity = $true; StateSite = $StateSite }
        if ($TenantId) { $connect.TenantId = $TenantId }
        if ($GraphEndpoint) { $connect.GraphEndpoint = $GraphEndpoint }
        Connect-HwDirectory @connect | Out-Null
        $verification = Test-HwAuditLog -Detailed
        $summary = Get-HwComplianceReport -Summary
        Write-Output "Journal: $(if ($verification.IsValid) { 'verified' } else { 'DOES NOT VERIFY' }) ($($verification.EntryCount) entries)"
        Write-Output "Compliance: $($summary.Result) ($($summary.Critical) critical, $($summary.High) high, $($summary.Medium) medium)"
        Disconnect-HwDirectory
        if (-not $verification.IsValid) { throw "The shared journal does not verify: $($verification.Problem)" }
    }
}
