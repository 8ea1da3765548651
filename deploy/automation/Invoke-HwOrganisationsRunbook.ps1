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
    Settings not given as parameters come from the Automation variables HwTenants (the tenants file's JSON text),
    HwSummaryContainer and HwTenantId (the managed identity's own tenant; main.bicep writes it) through
    Get-AutomationVariable, the sandbox's own cmdlet. An organisation of another tenant without clientId and
    certificateThumbprint fails on its own (GraphConnectionIncomplete): the managed identity cannot sign in there.
    The job output has one line per organisation (its name, ok or FAILED, its errors) and a final count. One
    organisation's failure is a warning; the job fails (throws) only when every organisation failed or the runner
    itself stopped (the container could not be written, the tenants file does not read).
    Before any organisation runs, the container's address is checked (https, a container, no query, fragment or user
    name: a SAS in it would be a secret; the job shows the address only without them), the variables' types, and (by
    the runner) the tenants: a wrong one stops the job with an error naming the parameter or variable. Names and
    errors are printed one line each (line breaks and other control characters become spaces).
.PARAMETER TenantsJson
    The tenants file as JSON text; default: the Automation variable HwTenants.
.PARAMETER SummaryContainer
    The blob container of the summaries (https://<account>.blob.core.windows.net/organisation-summaries); default:
    the Automation variable HwSummaryContainer.
.PARAMETER SummaryClientId
    The client id of a user-assigned managed identity that writes the summaries; default: the system-assigned one.
.PARAMETER HomeTenantId
    The managed identity's own tenant (a GUID or a domain name); default: the Automation variable HwTenantId.
    organisations.bicep's schedule passes the deployment's tenant id.
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
    [string] $HomeTenantId,
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
# -Text: the variable must be a string (an address); otherwise a string or a JSON object (the tenants file).
# A value is never echoed here: a wrong one may be a secret (a SAS).
function Get-HwSetting([string] $Value, [string] $Variable, [switch] $Text) {
    if ($Value) { return $Value }
    if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) {
        $found = Get-AutomationVariable -Name $Variable -ErrorAction SilentlyContinue
        if ($found -is [string]) { if ($found.Trim()) { return $found } }
        elseif ($null -ne $found) {
            # A variable written as a JSON object (not as a string) comes back as an object: its JSON text is the same file.
            if (-not $Text -and ($found -is [Collections.IDictionary] -or $found -is [pscustomobject])) {
                return ($found | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue)
            }
            $want = if ($Text) { 'a string (the address)' } else { "a string (the tenants file's JSON text) or a JSON object with 'organisations'" }
            throw "The Automation variable '$Variable' is a $($found.GetType().Name); it must be $($want): see docs/deploy-azure-automation.md, 'Many organisations'."
        }
    }
    throw "The runbook needs the Automation variable '$Variable' (or its parameter): see docs/deploy-azure-automation.md, 'Many organisations'."
}

# One line of job output: control characters (line breaks, tabs, escapes, line separators) become spaces, so no value
# can start a line of its own (an organisation's error that spans lines, a name that forges another's '<name>: ok').
function ConvertTo-HwOneLine([string] $Text) {
    ([regex]::Replace($Text, '[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+', ' ')).Trim()
}

# The container address as it may be shown: scheme, host, port and path only (never a query, fragment or user name).
function Format-HwAddress([string] $Address) {
    $u = $null
    if ([uri]::TryCreate($Address, [UriKind]::Absolute, [ref] $u) -and $u.Host) {
        # a query in disguise in the path (c%3Fsv%3D...%26sig%3D..., or c;sig=...) is cut too
        return ($u.GetComponents([UriComponents]::SchemeAndServer -bor [UriComponents]::Path, [UriFormat]::UriEscaped) -replace '(?i)(%3F|%23|;).*$', '…')
    }
    ConvertTo-HwOneLine (($Address -split '[?#]', 2)[0] -replace '^([A-Za-z][A-Za-z0-9+.-]*:/*)[^/]*@', '$1' -replace '(?i)(%3F|%23|;).*$', '…')
}

$containerFromVariable = -not $SummaryContainer
$TenantsJson = Get-HwSetting $TenantsJson 'HwTenants'
$SummaryContainer = Get-HwSetting $SummaryContainer 'HwSummaryContainer' -Text
$HomeTenantId = Get-HwSetting $HomeTenantId 'HwTenantId' -Text

# The container's address is checked by the runner before any organisation runs (https, a container, no query,
# fragment or user name); here it is only ever shown redacted, and a refusal names the variable it came from.
$shownContainer = Format-HwAddress $SummaryContainer

Import-Module HealthwatchPolicy
$module = Get-Module HealthwatchPolicy
$runner = Join-Path $module.ModuleBase 'Invoke-HwOrganisations.ps1'
if (-not (Test-Path $runner)) { throw "The installed HealthwatchPolicy $($module.Version) has no Invoke-HwOrganisations.ps1: update the runtime environment's package." }
Write-Output "HealthwatchPolicy $($module.Version): organisations, $ThrottleLimit at a time, summaries to $shownContainer"

$run = @{
    TenantsJson = $TenantsJson
    SummaryContainer = $SummaryContainer
    ThrottleLimit = $ThrottleLimit
    HomeTenantId = $HomeTenantId
    # Each runspace imports this same installed copy.
    ModulePath = Join-Path $module.ModuleBase 'HealthwatchPolicy.psd1'
}
if ($SummaryClientId) { $run.SummaryClientId = $SummaryClientId }
if ($GraphEndpoint) { $run.GraphEndpoint = $GraphEndpoint }

try { $results = @(& $runner @run) }
catch {
    $why = ConvertTo-HwOneLine $_.Exception.Message
    if ($containerFromVariable) { $why = $why -replace '^-SummaryContainer\b', "The Automation variable 'HwSummaryContainer'" }
    throw "The run over the organisations stopped (summaries to $shownContainer): $why"
}

# One line per organisation, whatever its name or its errors hold.
foreach ($result in $results | Sort-Object Organisation) {
    $name = ConvertTo-HwOneLine $result.Organisation
    $errors = ConvertTo-HwOneLine (@($result.Errors) -join '; ')
    if ($result.Failed) {
        Write-Output "${name}: FAILED: $errors"
        Write-Warning "$name failed: $errors"
    }
    else { Write-Output "${name}: ok" }
}
$failed = @($results | Where-Object Failed).Count
Write-Output "Organisations: $($results.Count), complete: $($results.Count - $failed), failed: $failed"
if ($results.Count -eq 0) { throw 'The run returned no organisation: the tenants file names none.' }
if ($failed -eq $results.Count) { throw "Every organisation failed ($failed): their errors are above in the job output." }
