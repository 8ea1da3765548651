#Requires -Version 7.2
<#
.SYNOPSIS
    Makes sure the browser tests have a Chromium before the test task spends minutes on anything else (decision 0166).
.DESCRIPTION
    The browser tests (tests/HealthwatchPolicy.BrowserTests) drive Debian's Chromium at /usr/bin/chromium, or the binary
    HEALTHWATCH_CHROMIUM names; Playwright's own browser download does not work here. Assert-TestBrowser:
      - returns the path when that binary is there;
      - otherwise, when this process is root and apt-get is on PATH, runs
        'apt-get update' and 'apt-get install -y chromium' non-interactively and returns the path;
      - otherwise (no apt-get, not root, or the install failed) writes what is missing and the exact command to run,
        and exits the process with code 3 (build.ps1 -Task Test calls it first, so nothing else has run).
#>

Set-StrictMode -Version Latest

# The exit code of a test run stopped for want of a browser (1 is "tests failed").
$script:NoBrowserExitCode = 3

function Test-IsRoot {
    $id = Get-Command id -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $id) { return $false }
    $uid = & $id.Source -u 2>$null
    return ($LASTEXITCODE -eq 0 -and "$uid".Trim() -eq '0')
}

function Stop-ForBrowser([string] $Path, [string] $Why) {
    $command = 'sudo apt-get update && sudo apt-get install -y chromium'
    [Console]::Error.WriteLine(@"
The browser tests need Chromium and there is none at $Path.
$Why
Run this, then run the tests again:

    $command

(or set HEALTHWATCH_CHROMIUM to a Chromium binary you have).
"@)
    exit $script:NoBrowserExitCode
}

function Assert-TestBrowser {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # Where Debian's package puts the browser (the tests pass a scratch path here).
        [string] $DefaultPath = '/usr/bin/chromium'
    )
    $path = if ($env:HEALTHWATCH_CHROMIUM) { $env:HEALTHWATCH_CHROMIUM } else { $DefaultPath }
    if (Test-Path -LiteralPath $path -PathType Leaf) { return $path }
    if ($env:HEALTHWATCH_CHROMIUM) {
        Stop-ForBrowser $path 'HEALTHWATCH_CHROMIUM names a file that does not exist; it is not installed for you.'
    }
    $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $apt) { Stop-ForBrowser $path 'apt-get is not available here, so it cannot be installed for you (on another system install Chromium with its own package manager).' }
    if (-not (Test-IsRoot)) { Stop-ForBrowser $path 'This is not running as root, so it cannot be installed for you.' }

    Write-Host "Chromium is missing: installing Debian's package (apt-get install -y chromium)" -ForegroundColor Cyan
    $previous = $env:DEBIAN_FRONTEND
    $env:DEBIAN_FRONTEND = 'noninteractive'
    try {
        & $apt.Source update -qq
        if ($LASTEXITCODE) { Stop-ForBrowser $path "'apt-get update' failed (exit code $LASTEXITCODE)." }
        & $apt.Source install -y -qq chromium
        if ($LASTEXITCODE) { Stop-ForBrowser $path "'apt-get install -y chromium' failed (exit code $LASTEXITCODE)." }
    }
    finally {
        $env:DEBIAN_FRONTEND = $previous
    }
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        Stop-ForBrowser $path "apt-get installed the package but $path is still missing."
    }
    Write-Host "Installed $path" -ForegroundColor Green
    return $path
}

Export-ModuleMember -Function Assert-TestBrowser
