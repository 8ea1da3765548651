# Shared by the Pester suite: import the BUILT module through its manifest, as an admin would.
Set-StrictMode -Version Latest

function Get-HwRepoRoot { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }

function Get-HwBuiltManifest {
    if ($env:HW_MODULE_PATH) { return $env:HW_MODULE_PATH }
    $found = Get-ChildItem (Join-Path (Get-HwRepoRoot) 'out/HealthwatchPolicy/*/HealthwatchPolicy.psd1') -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if (-not $found) { throw 'The module is not built: run ./build.ps1 -Task Build first.' }
    $found.FullName
}

function Import-HwBuiltModule {
    if (-not (Get-Module HealthwatchPolicy)) { Import-Module (Get-HwBuiltManifest) -Global -ErrorAction Stop }
}

function Get-HwBundledPolicyPath { Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/social-media-policy.yaml' }

# Runs a script in a fresh pwsh (same PowerShell as this one) and returns its output lines.
function Invoke-HwChildPwsh {
    param([Parameter(Mandatory)] [string] $Command)
    $exe = [Environment]::ProcessPath
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $Command)
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
    $output = & $exe @pwshArgs 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
}

Export-ModuleMember -Function Get-HwRepoRoot, Get-HwBuiltManifest, Import-HwBuiltModule, Get-HwBundledPolicyPath, Invoke-HwChildPwsh

# A fresh, writable copy of the sample organisation for each test that changes things.
function Connect-HwTestSample {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("hw-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    Connect-HwDirectory -Sample -Path $path
}
Export-ModuleMember -Function Connect-HwTestSample

# Starts a fresh pwsh running a script, without waiting; output goes to the returned process's streams.
function Start-HwChildPwsh {
    param([Parameter(Mandatory)] [string] $Command)
    $exe = [Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($psi)
}
Export-ModuleMember -Function Start-HwChildPwsh
