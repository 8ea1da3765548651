<#
.SYNOPSIS
    Publishes the built module to a local file repository with PSResourceGet: <OutputPath>/HealthwatchPolicy.<version>.nupkg.
.DESCRIPTION
    Run through build.ps1 -Task Package (which builds first and points XDG_DATA_HOME at a throw-away folder, so the
    repository registered here never reaches the user's PSResourceGet settings). Steps: check the built manifest
    (Test-ModuleManifest, and the gallery metadata a listing needs), stage the module in a folder named after it
    (Publish-PSResource finds <folder>/<folder>.psd1) with LICENSE and CHANGELOG.md, register OutputPath as a
    file repository and Publish-PSResource into it. The same folder is what an admin (or the package test) registers
    to Install-PSResource from; docs/deploy-azure-automation.md uploads the .nupkg to Azure Automation.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,     # out/HealthwatchPolicy/<version>
    [Parameter(Mandatory)] [string] $OutputPath,     # out/package
    [Parameter(Mandatory)] [string] $RepoRoot        # LICENSE and CHANGELOG.md ship beside the manifest
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module Microsoft.PowerShell.PSResourceGet

$name = 'HealthwatchPolicy'
$manifestPath = Join-Path $ModulePath "$name.psd1"
$manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
$data = Import-PowerShellDataFile $manifestPath
$psData = $data.PrivateData.PSData
$missing = @(
    foreach ($key in 'Description', 'Author', 'PowerShellVersion', 'CompatiblePSEditions') { if (-not $data[$key]) { $key } }
    foreach ($key in 'ProjectUri', 'LicenseUri', 'Tags', 'ReleaseNotes') { if (-not $psData[$key]) { "PrivateData.PSData.$key" } }
)
if ($missing) { throw "The manifest lacks gallery metadata: $($missing -join ', ')" }
if ($psData.ReleaseNotes -match '\{\{') { throw 'The manifest''s ReleaseNotes were not stamped from CHANGELOG.md.' }

$version = $manifest.Version.ToString()
$staging = Join-Path $OutputPath "staging/$name"
if (Test-Path (Split-Path $staging)) { Remove-Item -Recurse -Force (Split-Path $staging) }
New-Item -ItemType Directory -Force $staging | Out-Null
Copy-Item (Join-Path $ModulePath '*') $staging -Recurse
foreach ($file in 'LICENSE', 'CHANGELOG.md') { Copy-Item (Join-Path $RepoRoot $file) $staging }

$nupkg = Join-Path $OutputPath "$name.$version.nupkg"
if (Test-Path $nupkg) { Remove-Item -Force $nupkg }
$repository = 'HealthwatchPolicyLocal'
if (Get-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue) { Unregister-PSResourceRepository -Name $repository }
Register-PSResourceRepository -Name $repository -Uri (Resolve-Path $OutputPath).Path -Trusted
try {
    Publish-PSResource -Path $staging -Repository $repository -ErrorAction Stop
}
finally {
    Unregister-PSResourceRepository -Name $repository
    Remove-Item -Recurse -Force (Split-Path $staging)
}
if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not write $nupkg." }
$item = Get-Item $nupkg
"Packaged $name $version with $($manifest.ExportedCmdlets.Count) cmdlets: $($item.FullName) ($([math]::Round($item.Length / 1MB, 1)) MB)"
