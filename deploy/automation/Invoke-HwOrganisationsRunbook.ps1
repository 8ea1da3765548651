<#
.SYNOPSIS
    The HealthwatchPolicy runbook over many organisations for Azure Automation (PowerShell 7.4 runtime environment,
    system-assigned managed identity, summaries in a central blob container).
.DESCRIPTION
    deploy/automation/organisations.bicep (main.bicep with deployOrganisations) publishes this file as the runbook
    'Invoke-HwOrganisationsRunbook' in the runtime environment that holds the HealthwatchPolicy package, and links it
    to a daily or weekly schedule with the parameters SummaryContainer and ThrottleLimit.
    It runs the installed module's copy of the organisations runner (Invoke-HwOrganisations.ps1, shipped in the module
    root): every organisation of the tenants file in one job, a bounded parallel loop (docs/decisions/0190 and 0193).
    Each organisation signs in to Microsoft Graph on its own (the managed identity in the Automation account's own
    tenant; a multi-tenant app's certificate, named in the tenants file, in another) and writes its summary document
    to <SummaryContainer>/<organisation>/<time>.json with the managed identity (Storage Blob Data Contributor on that
    container). Get-HwOrganisationSummary -ContainerUri merges them.
    Settings not given as parameters come from the Automation variables HwTenants (the tenants file's JSON text) and
    HwSummaryContainer (Get-AutomationVariable, the sandbox's own cmdlet).
    The job output has one line per organisation (its name, ok or FAILED, its errors) and a final count. One
    organisation's failure is a warning; the job fails (throws) only when every organisation failed or the runner
    itself stopped (the container could not be written, the tenants file does not read).
.PARAMETER TenantsJson
    The tenants file as JSON text; default: the Automation variable HwTenants.
.PARAMETER SummaryContainer
    The blob container of the summaries (https://<account>.blob.core.windows.net/organisation-summaries); default:
    the Automation variable HwSummaryContainer.
.PARAMETER SummaryClientId
    The client id of a user-assigned managed identity that writes the summaries; default: the system-assigned one.
.PARAMETER ThrottleLimit
    How many organisations run at once (1 to 64; a cloud sandbox has 400 MB of memory).
.PARAMETER GraphEndpoint
    Only for a national cloud (https://graph.microsoft.us/v1.0) or a test double.
.EXAMPLE
    Start-AzAutomationRunbook -AutomationAccountName healthwatch-policy -ResourceGroupName rg-healthwatch -Name Invoke-HwOrganisationsRunbook -Parameters @{ ThrottleLimit = 8 }
    Runs every organisation now, from an admin's machine (Az.Automation), 8 at a time.
#>
param(
    [string] $TenantsJson,
    [string] $SummaryContainer,
    [string] $SummaryClientId,
    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 4,
    [uri] $GraphEndpoint
)
$ErrorActionPreference = 'Stop'

# The summaries are written with the managed identity, whatever signs in to each organisation's Graph.
if (-not $env:IDENTITY_ENDPOINT -or -not $env:IDENTITY_HEADER) {
    throw 'No managed identity in this sandbox (IDENTITY_ENDPOINT and IDENTITY_HEADER are not set): turn on the Automation account''s system-assigned identity; it writes the summaries to the blob container.'
}

# A setting: the parameter if given, else the Automation variable (only the sandbox has Get-AutomationVariable).
function Get-HwSetting([string] $Value, [string] $Variable) {
    if ($Value) { return $Value }
    if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) {
        $found = Get-AutomationVariable -Name $Variable -ErrorAction SilentlyContinue
        # A variable written as a JSON object (not as a string) comes back as an object: its JSON text is the same file.
        if ($found -is [string]) { if ($found) { return $found } }
        elseif ($null -ne $found) { return ($found | ConvertTo-Json -Depth 10) }
    }
    throw "The runbook needs the Automation variable '$Variable' (or its parameter): see docs/deploy-azure-automation.md, 'Many organisations'."
}

$TenantsJson = Get-HwSetting $TenantsJson 'HwTenants'
$SummaryContainer = Get-HwSetting $SummaryContainer 'HwSummaryContainer'

Import-Module HealthwatchPolicy
$module = Get-Module HealthwatchPolicy
$runner = Join-Path $module.ModuleBase 'Invoke-HwOrganisations.ps1'
if (-not (Test-Path $runner)) { throw "The installed HealthwatchPolicy $($module.Version) has no Invoke-HwOrganisations.ps1: update the runtime environment's package." }
Write-Output "HealthwatchPolicy $($module.Version): organisations, $ThrottleLimit at a time, summaries to $SummaryContainer"

$run = @{
    TenantsJson = $TenantsJson
    SummaryContainer = $SummaryContainer
    ThrottleLimit = $ThrottleLimit
    # Each runspace imports this same installed copy.
    ModulePath = Join-Path $module.ModuleBase 'HealthwatchPolicy.psd1'
}
if ($SummaryClientId) { $run.SummaryClientId = $SummaryClientId }
if ($GraphEndpoint) { $run.GraphEndpoint = $GraphEndpoint }

try { $results = @(& $runner @run) }
catch { throw "The run over the organisations stopped before every organisation was done (is the container $SummaryContainer writable by the identity?): $($_.Exception.Message)" }

foreach ($result in $results | Sort-Object Organisation) {
    $errors = @($result.Errors) -join '; '
    if ($result.Failed) {
        Write-Output "$($result.Organisation): FAILED: $errors"
        Write-Warning "$($result.Organisation) failed: $errors"
    }
    else { Write-Output "$($result.Organisation): ok" }
}
$failed = @($results | Where-Object Failed).Count
Write-Output "Organisations: $($results.Count), complete: $($results.Count - $failed), failed: $failed"
if ($results.Count -eq 0) { throw 'The run returned no organisation: the tenants file names none.' }
if ($failed -eq $results.Count) { throw "Every organisation failed ($failed): their errors are above in the job output." }
