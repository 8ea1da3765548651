<#
.SYNOPSIS
    The main job, on the bundled policy: validate it, summarise it, write its alternative formats.
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
    Test-HwPolicy -Path $policyPath -Detailed | Format-Table | Out-Host
    throw "The bundled policy does not validate: $policyPath"
}
$policy = Get-HwPolicy
$policy | Format-List | Out-Host

Write-Host '== Clauses by kind ==' -ForegroundColor Cyan
$policy.Clauses | Group-Object Kind | Select-Object Name, Count | Format-Table -AutoSize | Out-Host
Write-Host '== Enforced clauses and the checks behind them ==' -ForegroundColor Cyan
Get-HwPolicy -Kind Enforced | Select-Object Id, @{ n = 'Checks'; e = { $_.Checks -join ', ' } }, Text | Format-Table -Wrap | Out-Host

Write-Host '== Alternative formats ==' -ForegroundColor Cyan
New-Item -ItemType Directory -Force $OutputPath | Out-Null
$files = @(
    ConvertTo-HwPolicyDocument -Format Html -OutFile (Join-Path $OutputPath 'social-media-policy.html')
    ConvertTo-HwPolicyDocument -Format Html -LargePrint -OutFile (Join-Path $OutputPath 'social-media-policy.large-print.html')
    ConvertTo-HwPolicyDocument -Format Markdown -OutFile (Join-Path $OutputPath 'social-media-policy.md')
    ConvertTo-HwPolicyDocument -Format Text -OutFile (Join-Path $OutputPath 'social-media-policy.txt')
)
$files | Select-Object Name, Length, FullName | Format-Table -AutoSize | Out-Host
Write-Host "Demo complete: $($policy.Title) v$($policy.Version), $($policy.Clauses.Count) clauses; documents in $OutputPath" -ForegroundColor Green
