<#
.SYNOPSIS
    Throws generated policy mutants (PolicyFuzz.psm1) through the BUILT module in this one process and reports the
    counts. Run in a child pwsh by Module/PolicyFuzz.Tests.ps1 (2,000 mutants) and by build.ps1 -Task Soak (20,000):
    if a mutant kills the process, the caller sees the exit code and -ProgressPath names the mutant.
.OUTPUTS
    Writes the result (counts per kind, the first failures) as JSON to -ResultPath; prints a summary; exits 1 on any failure.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [int] $Count,
    [Parameter(Mandatory)] [string] $WorkPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Seed = (Get-Random -Maximum ([int]::MaxValue))
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module $ModulePath -ErrorAction Stop
Import-Module (Join-Path $PSScriptRoot 'PolicyFuzz.psm1') -Force
$policy = Join-Path (Split-Path $ModulePath) 'policy/social-media-policy.yaml'
$progress = Join-Path $WorkPath 'current.txt'
$null = New-Item -ItemType Directory -Force $WorkPath
Write-Host "Policy fuzz: $Count mutants, seed $Seed"
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$result = Invoke-HwPolicyFuzz -Count $Count -Seed $Seed -WorkPath $WorkPath -PolicyPath $policy -ProgressPath $progress
$result | Add-Member -NotePropertyName Seconds -NotePropertyValue ([Math]::Round($clock.Elapsed.TotalSeconds, 1))
$result | ConvertTo-Json -Depth 6 | Set-Content -Path $ResultPath
foreach ($k in $result.Kinds.Keys) {
    $c = $result.Kinds[$k]
    Write-Host ('  {0,-18} {1,6} mutants {2,6} refused {3,6} loaded {4,4} failed' -f $k, $c.mutants, $c.refused, $c.loaded, $c.failed)
}
Write-Host ("{0} mutants in {1} s (slowest call {2} ms), {3} failed, seed {4}" -f $result.Mutants, $result.Seconds, $result.SlowestMs, $result.Failed, $Seed)
foreach ($f in $result.Failures) { Write-Host "  #$($f.Index) $($f.Kind)/$($f.Variant) $($f.File)`n    $($f.Problems -join "`n    ")" }
exit ([int]($result.Failed -gt 0))
