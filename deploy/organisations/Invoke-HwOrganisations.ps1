<#
.SYNOPSIS
    One run over many organisations: each organisation's compliance summary, in parallel, into one folder of
    summary documents that Get-HwOrganisationSummary merges.
.DESCRIPTION
    Reads a tenants file (JSON; see tenants.example.json beside this script):
        { "organisations": [ { "name": "...", "tenantId": "...", "stateSite": "https://.../sites/...",
                               "policyPath": "policies/x.yaml", "mail": { "from": "..." },
                               "clientId": "...", "certificateThumbprint": "..." } ] }
    and runs every organisation in its own runspace (ForEach-Object -Parallel -ThrottleLimit N: a bounded parallel
    loop, docs/decisions/0190). Each organisation connects on its own (a managed identity by default; a certificate of
    a multi-tenant app when clientId and certificateThumbprint are given), reads its compliance summary and its
    overdue access reviews from its own shared state store, and writes one summary document
    (healthwatch-organisation-summary/1) to <SummaryPath>/<organisation>/<time>.json. One organisation's failure or
    throttling never stops another: its error is caught, named in its summary (Failed: true) and in the returned
    result, and the loop goes on. Policy paths are relative to the tenants file.
    Returns one result per organisation (Organisation, Failed, Errors, SummaryFile, Seconds); exit code 0.
.EXAMPLE
    ./Invoke-HwOrganisations.ps1 -TenantsFile ./tenants.json -SummaryPath ./summaries -ThrottleLimit 8
    Get-HwOrganisationSummary -Path ./summaries -OutFile ./organisations.html
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $TenantsFile,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [ValidateRange(1, 64)] [int] $ThrottleLimit = 4,
    # The Microsoft Graph address for a national cloud or a test double.
    [uri] $GraphEndpoint,
    # The module to import in each runspace (default: HealthwatchPolicy from PSModulePath).
    [string] $ModulePath = 'HealthwatchPolicy'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$tenantsFull = (Resolve-Path $TenantsFile).Path
$base = Split-Path $tenantsFull
$organisations = @((Get-Content -Raw $tenantsFull | ConvertFrom-Json).organisations)
if (-not $organisations) { throw "The tenants file '$tenantsFull' names no organisations." }
$names = $organisations | ForEach-Object { $_.name }
$duplicates = $names | Group-Object | Where-Object Count -GT 1 | ForEach-Object Name
if ($duplicates) { throw "The tenants file names these organisations twice: $($duplicates -join ', ')" }
$summaryRoot = (New-Item -ItemType Directory -Force $SummaryPath).FullName

$organisations | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $org = $_
    $ErrorActionPreference = 'Stop'
    $started = [Diagnostics.Stopwatch]::StartNew()
    $errors = [Collections.Generic.List[string]]::new()
    $doc = [ordered]@{
        schema = 'healthwatch-organisation-summary/1'; organisation = [string]$org.name; tenantId = [string]$org.tenantId
        generatedAt = $null; failed = $false
        findings = [ordered]@{ critical = 0; high = 0; medium = 0; low = 0; total = 0 }
        overdueReviews = 0; witness = $null; errors = $errors
    }
    try {
        Import-Module $using:ModulePath
        $connect = @{ StateSite = [string]$org.stateSite }
        if ($org.PSObject.Properties['policyPath'] -and $org.policyPath) {
            $connect.PolicyPath = if ([IO.Path]::IsPathRooted($org.policyPath)) { $org.policyPath } else { Join-Path $using:base $org.policyPath }
        }
        if ($using:GraphEndpoint) { $connect.GraphEndpoint = $using:GraphEndpoint }
        if ($org.PSObject.Properties['certificateThumbprint'] -and $org.certificateThumbprint) {
            Connect-HwDirectory @connect -TenantId $org.tenantId -ClientId $org.clientId -CertificateThumbprint $org.certificateThumbprint | Out-Null
        }
        else {
            if ($org.tenantId) { $connect.TenantId = [string]$org.tenantId }
            Connect-HwDirectory @connect -ManagedIdentity | Out-Null
        }
        try {
            $summary = Get-HwComplianceReport -Summary
            $doc.findings = [ordered]@{ critical = $summary.Critical; high = $summary.High; medium = $summary.Medium; low = $summary.Low; total = $summary.Total }
            $doc.witness = $summary.Witness
            $now = [DateTimeOffset]::UtcNow
            $doc.overdueReviews = @(Get-HwAccessReview | Where-Object { $_.StatusAt($now) -in 'Overdue', 'PastGrace' }).Count
        }
        finally { Disconnect-HwDirectory }
    }
    catch {
        $id = if ($_.FullyQualifiedErrorId) { $_.FullyQualifiedErrorId.Split(',')[0] } else { 'Error' }
        $errors.Add("${id}: $($_.Exception.Message)")
        $doc.failed = $true
    }
    $doc.generatedAt = [DateTimeOffset]::UtcNow.ToString('o')
    $safe = ([string]$org.name -replace '[^A-Za-z0-9._-]', '-').Trim('-')
    $folder = New-Item -ItemType Directory -Force (Join-Path $using:summaryRoot $safe)
    $file = Join-Path $folder ("{0}.json" -f [DateTimeOffset]::UtcNow.ToString('yyyyMMddTHHmmssfffZ'))
    $doc | ConvertTo-Json -Depth 4 | Set-Content -Path $file -Encoding utf8
    [pscustomobject]@{
        Organisation = [string]$org.name; Failed = $doc.failed; Errors = @($errors); SummaryFile = $file
        Seconds = [math]::Round($started.Elapsed.TotalSeconds, 2)
    }
}
