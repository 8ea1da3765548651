<#
.SYNOPSIS
    Runs the Pester suite against the built module. Called by build.ps1 in a child pwsh, because a loaded
    binary module cannot be unloaded. Writes NUnit XML and a pass/fail/skip summary to -ResultsPath.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultsPath,
    [Parameter(Mandatory)] [string] $ForeignYamlDotNet,
    [string[]] $Tag
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

# The tests find the built module, and the packages they need, through the environment.
$env:HW_MODULE_PATH = (Resolve-Path $ModulePath).Path
$env:HW_FOREIGN_YAMLDOTNET = $ForeignYamlDotNet
$env:HW_RESULTS_PATH = (Resolve-Path $ResultsPath).Path

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultsPath 'pester.xml'
if ($Tag) { $config.Filter.Tag = $Tag }

$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{
    passed  = $result.PassedCount
    failed  = $failed
    skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content (Join-Path $ResultsPath 'pester-summary.json')
exit ([int]($failed -gt 0))
