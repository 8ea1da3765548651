#Requires -Version 7.2
# What the provisioning tests (TestBrowser.Tests.ps1, TestAzurite.Tests.ps1) share: fake tools on a made-up PATH and
# a child pwsh that sees only them, so nothing is installed or removed on this machine.
Set-StrictMode -Version Latest

$script:Pwsh = [Environment]::ProcessPath
# Under 'dotnet pwsh' the process is dotnet itself: start the child the same way.
$script:PwshArgs = @(if ((Split-Path -Leaf $script:Pwsh) -like 'dotnet*') {
        (Get-Process -Id $PID).CommandLine -split ' ' | Where-Object { $_ -like '*pwsh.dll' } | Select-Object -First 1
    })

# A folder of executable shell scripts, one per name: @{ 'apt-get' = 'echo called' }.
function New-FakeBin([hashtable] $Scripts) {
    $dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "hw-fakebin-$([guid]::NewGuid().ToString('N'))")
    foreach ($name in $Scripts.Keys) {
        $file = Join-Path $dir $name
        Set-Content -Path $file -Value "#!/bin/sh`n$($Scripts[$name])" -NoNewline
        & /bin/chmod +x $file
    }
    $dir.FullName
}

# Runs $Command (or -File) in a child pwsh with PATH = $PathDir only; the variables in -Remove are taken out of its
# environment, -Environment set. Returns ExitCode, Out and Err.
function Invoke-Child([string] $PathDir, [string] $Command, [hashtable] $Environment = @{}, [string[]] $File, [string[]] $Remove = @()) {
    $psi = [Diagnostics.ProcessStartInfo]::new($script:Pwsh)
    foreach ($a in $script:PwshArgs) { $psi.ArgumentList.Add($a) }
    $tail = if ($File) { @('-File') + $File } else { @('-Command', $Command) }
    foreach ($a in @('-NoProfile', '-NonInteractive') + $tail) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.Environment['PATH'] = $PathDir
    foreach ($k in $Remove) { $psi.Environment.Remove($k) | Out-Null }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    $stderr = $p.StandardError.ReadToEndAsync()
    $stdout = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $stdout; Err = $stderr.Result }
}

Export-ModuleMember -Function New-FakeBin, Invoke-Child
