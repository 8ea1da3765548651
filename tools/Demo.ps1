<#
.SYNOPSIS
    The main job on the bundled sample organisation: validate and publish the policy, run the register,
    posting access and audit flow on a copy of the sample organisation (no tenant needed), and end with the
    compliance report: its summary on screen, HTML/Markdown/CSV/JSON in out/demo/.
    Run through build.ps1 -Task Demo, which builds the module first and passes its manifest.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath

Write-Host "`n== The policy ==" -ForegroundColor Cyan
$policyPath = Join-Path (Split-Path $ModulePath) 'policy/social-media-policy.yaml'
if (-not (Test-HwPolicy -Path $policyPath)) {
    Test-HwPolicy -Path $policyPath -Detailed | Format-Table | Out-String -Width 200 | Write-Host
    throw "The bundled policy does not validate: $policyPath"
}
$policy = Get-HwPolicy
$policy | Format-List | Out-String -Width 200 | Write-Host

Write-Host '== Clauses by kind ==' -ForegroundColor Cyan
$policy.Clauses | Group-Object Kind | Select-Object Name, Count | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host '== Enforced clauses and the checks behind them ==' -ForegroundColor Cyan
Get-HwPolicy -Kind Enforced | Select-Object Id, @{ n = 'Checks'; e = { $_.Checks -join ', ' } }, Text | Format-Table -Wrap | Out-String -Width 200 | Write-Host

Write-Host '== Alternative formats ==' -ForegroundColor Cyan
New-Item -ItemType Directory -Force $OutputPath | Out-Null
$files = @(
    ConvertTo-HwPolicyDocument -Format Html -OutFile (Join-Path $OutputPath 'social-media-policy.html')
    ConvertTo-HwPolicyDocument -Format Html -LargePrint -OutFile (Join-Path $OutputPath 'social-media-policy.large-print.html')
    ConvertTo-HwPolicyDocument -Format Markdown -OutFile (Join-Path $OutputPath 'social-media-policy.md')
    ConvertTo-HwPolicyDocument -Format Text -OutFile (Join-Path $OutputPath 'social-media-policy.txt')
)
$files | Select-Object Name, Length, FullName | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

Write-Host "`n== The sample organisation (a writable copy) ==" -ForegroundColor Cyan
$sample = Join-Path $OutputPath 'sample-org'
if (Test-Path $sample) { Remove-Item -Recurse -Force $sample }
Connect-HwDirectory -Sample -Path $sample | Format-List | Out-String -Width 200 | Write-Host

Write-Host '== The official-account register ==' -ForegroundColor Cyan
Get-HwOfficialAccount | Format-Table | Out-String -Width 200 | Write-Host
Write-Host '== Who can post where ==' -ForegroundColor Cyan
Get-HwPostingAccess | Format-Table | Out-String -Width 200 | Write-Host

$account = 'facebook-seftonyounglisteners'
Write-Host "== Grant posting access on ${account}: -WhatIf first, then for real ==" -ForegroundColor Cyan
Grant-HwPostingAccess -Account $account -User rebecca.lloyd@hwsefton.example -Reason 'Runs the young listeners panel' -WhatIf
Grant-HwPostingAccess -Account $account -User rebecca.lloyd@hwsefton.example -Reason 'Runs the young listeners panel' | Format-Table | Out-String -Width 200 | Write-Host

Write-Host '== A grant the policy refuses (a guest account) ==' -ForegroundColor Cyan
Grant-HwPostingAccess -Account twitter-hw-sefton -User 'priya.shah_gmail.com#EXT#@hwsefton.example' -Reason 'Volunteer rota' `
    -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
# A reader sees what was refused and why, and the error's short id (for a script or a help search), not PowerShell's
# FullyQualifiedErrorId with the cmdlet's class name.
foreach ($e in $refused) {
    $id = ($e.FullyQualifiedErrorId -split ',')[0]
    Write-Host "  Refused: $($e.Exception.Message)" -ForegroundColor Yellow
    Write-Host "  (error id: $id)" -ForegroundColor Yellow
}
if (-not $refused) { throw 'The guest grant should have been refused.' }

Write-Host '== Revoke ==' -ForegroundColor Cyan
Get-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example |
    Revoke-HwPostingAccess -Reason 'Added outside the module; removed after review' | Format-Table | Out-String -Width 200 | Write-Host

Write-Host '== Who has not acknowledged the current policy ==' -ForegroundColor Cyan
Get-HwPolicyAcknowledgement -Missing | Format-Table | Out-String -Width 200 | Write-Host

Write-Host '== The journal: the latest entries, and its verification ==' -ForegroundColor Cyan
Get-HwAuditLog -Last 5 | Format-Table | Out-String -Width 200 | Write-Host
$verification = Test-HwAuditLog -Detailed
$verification | Format-List | Out-String -Width 200 | Write-Host
if (-not $verification.IsValid) { throw 'The journal does not verify.' }

Write-Host '== The compliance report ==' -ForegroundColor Cyan
Get-HwComplianceReport | Format-Table | Out-String -Width 200 | Write-Host
$summary = Get-HwComplianceReport -Summary
$summary | Format-List | Out-String -Width 200 | Write-Host
$report = Export-HwComplianceReport -Path (Join-Path $OutputPath 'compliance-report.html')
Export-HwComplianceReport -Path (Join-Path $OutputPath 'compliance-report.md') -Format Markdown | Out-Null
Get-HwComplianceReport | Export-Csv (Join-Path $OutputPath 'compliance-findings.csv') -NoTypeInformation
Get-HwComplianceReport | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $OutputPath 'compliance-findings.json')
Write-Host "Compliance: $($summary.Result) with $($summary.Total) findings ($($summary.Critical) critical, $($summary.High) high, $($summary.Medium) medium)."
Write-Host "HTML report: $($report.FullName)" -ForegroundColor Green

Write-Host "Demo complete: $($policy.Title) v$($policy.Version), $($policy.Clauses.Count) clauses; documents in $OutputPath; sample organisation copy in $sample" -ForegroundColor Green
