<#
.SYNOPSIS
    One run over many organisations: each organisation's compliance summary, in parallel, into a central Azure Blob
    container (or a folder) of summary documents that Get-HwOrganisationSummary merges.
.DESCRIPTION
    Reads a tenants file (JSON; see tenants.example.json beside this script):
        { "organisations": [ { "name": "...", "tenantId": "...", "stateSite": "https://.../sites/...",
                               "policyPath": "policies/x.yaml", "mail": { "from": "..." },
                               "clientId": "...", "certificateThumbprint": "..." } ] }
    and runs every organisation in its own runspace (ForEach-Object -Parallel -ThrottleLimit N: a bounded parallel
    loop, docs/decisions/0190). Each organisation connects on its own (a managed identity by default; a certificate of
    a multi-tenant app when clientId and certificateThumbprint are given), reads its compliance summary and its
    overdue access reviews from its own shared state store, and writes one summary document
    (healthwatch-organisation-summary/1) with Save-HwOrganisationSummary: a new blob <organisation>/<time>.json in the
    container -SummaryContainer (Azure.Storage.Blobs, signed in with the managed identity: system-assigned, or the
    user-assigned one -SummaryClientId names; the identity needs Storage Blob Data Contributor on the container), or a
    new file under -SummaryPath. One organisation's failure or throttling never stops another: its error is caught,
    named in its summary (Failed: true) and in the returned result, and the loop goes on; an organisation whose summary
    cannot be written at all is a failed result naming that error too. Policy paths are relative to the tenants file
    (with -TenantsJson, to the current folder).
    Returns one result per organisation (Organisation, Failed, Errors, Summary: the file or blob written, or empty;
    Seconds); exit code 0.
.EXAMPLE
    ./Invoke-HwOrganisations.ps1 -TenantsFile ./tenants.json -SummaryContainer https://hwsummaries.blob.core.windows.net/organisation-summaries -ThrottleLimit 8
    Get-HwOrganisationSummary -ContainerUri https://hwsummaries.blob.core.windows.net/organisation-summaries -OutFile ./organisations.html
    On Azure Automation (the managed identity signs in to Graph and to the container).
.EXAMPLE
    ./Invoke-HwOrganisations.ps1 -TenantsFile ./tenants.json -SummaryPath ./summaries -ThrottleLimit 8
    Get-HwOrganisationSummary -Path ./summaries -OutFile ./organisations.html
    Summaries to a folder instead.
#>
[CmdletBinding(DefaultParameterSetName = 'FileToContainer')]
param(
    [Parameter(Mandatory, ParameterSetName = 'FileToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'FileToFolder')]
    [string] $TenantsFile,
    # The tenants file's JSON itself (the Automation runbook passes the HwTenants variable).
    [Parameter(Mandatory, ParameterSetName = 'JsonToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToFolder')]
    [string] $TenantsJson,
    # The central Azure Blob container of the summaries: https://<account>.blob.core.windows.net/<container>.
    [Parameter(Mandatory, ParameterSetName = 'FileToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToContainer')]
    [uri] $SummaryContainer,
    # A user-assigned managed identity for the container (default: the system-assigned one).
    [Parameter(ParameterSetName = 'FileToContainer')]
    [Parameter(ParameterSetName = 'JsonToContainer')]
    [string] $SummaryClientId,
    # A folder for the summaries instead of a container.
    [Parameter(Mandatory, ParameterSetName = 'FileToFolder')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToFolder')]
    [string] $SummaryPath,
    [ValidateRange(1, 64)] [int] $ThrottleLimit = 4,
    # The Microsoft Graph address for a national cloud or a test double.
    [uri] $GraphEndpoint,
    # The module to import in each runspace (default: HealthwatchPolicy from PSModulePath).
    [string] $ModulePath = 'HealthwatchPolicy'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if ($PSCmdlet.ParameterSetName -like 'File*') {
    $tenantsFull = (Resolve-Path $TenantsFile).Path
    $base = Split-Path $tenantsFull
    $source = "the tenants file '$tenantsFull'"
    $TenantsJson = Get-Content -Raw $tenantsFull
}
else { $base = (Get-Location).Path; $source = 'the tenants JSON' }
try { $tenants = $TenantsJson | ConvertFrom-Json }
catch { throw "$source is not JSON: $($_.Exception.Message)" }
$organisations = @(if ($tenants -and $tenants.PSObject.Properties['organisations']) { $tenants.organisations })
if (-not $organisations) { throw "$source names no organisations (an 'organisations' array of objects with a name)." }
$unnamed = @($organisations | Where-Object { -not ($_.PSObject.Properties['name'] -and "$($_.name)".Trim()) })
if ($unnamed) { throw "$source has $($unnamed.Count) organisation(s) without a name." }
$duplicates = $organisations | ForEach-Object { "$($_.name)".Trim() } | Group-Object | Where-Object Count -GT 1 | ForEach-Object Name
if ($duplicates) { throw "$source names these organisations twice: $($duplicates -join ', ')" }

# Where every organisation's summary goes: Save-HwOrganisationSummary's target parameters.
$target = if ($PSCmdlet.ParameterSetName -like '*Container') {
    $t = @{ ContainerUri = $SummaryContainer; ManagedIdentity = $true }
    if ($SummaryClientId) { $t.ClientId = $SummaryClientId }
    $t
}
else { @{ Path = (New-Item -ItemType Directory -Force $SummaryPath).FullName } }

$organisations | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $org = $_
    $ErrorActionPreference = 'Stop'
    $started = [Diagnostics.Stopwatch]::StartNew()
    $errors = [Collections.Generic.List[string]]::new()
    $name = "$($org.name)".Trim()
    $tenantId = if ($org.PSObject.Properties['tenantId']) { [string]$org.tenantId } else { '' }
    $report = $null; $overdue = 0; $written = ''
    try {
        Import-Module $using:ModulePath
        $connect = @{ StateSite = [string]$org.stateSite }
        if ($org.PSObject.Properties['policyPath'] -and $org.policyPath) {
            $connect.PolicyPath = if ([IO.Path]::IsPathRooted($org.policyPath)) { $org.policyPath } else { Join-Path $using:base $org.policyPath }
        }
        if ($using:GraphEndpoint) { $connect.GraphEndpoint = $using:GraphEndpoint }
        if ($org.PSObject.Properties['certificateThumbprint'] -and $org.certificateThumbprint) {
            Connect-HwDirectory @connect -TenantId $tenantId -ClientId $org.clientId -CertificateThumbprint $org.certificateThumbprint | Out-Null
        }
        else {
            if ($tenantId) { $connect.TenantId = $tenantId }
            Connect-HwDirectory @connect -ManagedIdentity | Out-Null
        }
        try {
            $report = Get-HwComplianceReport -Summary
            $now = [DateTimeOffset]::UtcNow
            $overdue = @(Get-HwAccessReview | Where-Object { $_.StatusAt($now) -in 'Overdue', 'PastGrace' }).Count
        }
        finally { Disconnect-HwDirectory }
    }
    catch {
        $id = if ($_.FullyQualifiedErrorId) { $_.FullyQualifiedErrorId.Split(',')[0] } else { 'Error' }
        $errors.Add("${id}: $($_.Exception.Message)")
        $report = $null
    }
    try {
        $save = @{ Organisation = $name; OverdueReviews = $overdue }
        if ($tenantId) { $save.TenantId = $tenantId }
        if ($report) { $save.ComplianceSummary = $report }
        if ($errors.Count) { $save.ErrorMessage = @($errors) }
        $targetHere = $using:target
        $written = (Save-HwOrganisationSummary @save @targetHere).Source
    }
    catch {
        $id = if ($_.FullyQualifiedErrorId) { $_.FullyQualifiedErrorId.Split(',')[0] } else { 'Error' }
        $errors.Add("${id}: $($_.Exception.Message)")
    }
    [pscustomobject]@{
        Organisation = $name; Failed = [bool]($errors.Count); Errors = @($errors); Summary = $written
        Seconds = [math]::Round($started.Elapsed.TotalSeconds, 2)
    }
}
