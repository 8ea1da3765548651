#Requires -Version 7.2
<#
.SYNOPSIS
    Makes sure the blob tests have Node.js and Azurite (the npm package) before the test task runs them (decision 0191).
.DESCRIPTION
    Azurite, Microsoft's Azure Storage emulator, is the blob service of the organisation-summary tests. It is an npm
    package pinned in tools/Azurite/package.json + package-lock.json and installed with 'npm ci' into
    tools/Azurite/node_modules (git-ignored).
      Assert-TestNode    : returns the path of 'node' when node and npm are on PATH (Node 20 or later); otherwise, when
                           this process is root and apt-get is on PATH, installs Debian's 'nodejs' and 'npm' like
                           tools/TestBrowser.psm1 installs Chromium; otherwise writes what is missing and the command
                           to run, and exits the process with code 3 (build.ps1 -Task Test calls it first).
      Install-TestAzurite: runs 'npm ci --prefix tools/Azurite --no-audit --no-fund' unless node_modules already holds
                           what package-lock.json names (a stamp of the lock file's SHA-256 written after the last
                           'npm ci'), and returns the path of Azurite's blob service entry point
                           (node_modules/azurite/dist/src/blob/main.js) for HW_AZURITE.
#>

Set-StrictMode -Version Latest

# The exit code of a test run stopped for want of a tool (1 is "tests failed"); the same as for the browser.
$script:NoToolExitCode = 3
# Azurite 3.37.0 is verified on Node 20 (its package.json asks for 22, but runs and passes the tests on 20).
$script:MinimumNodeMajor = 20
$script:StampName = '.hw-package-lock.sha256'

function Test-IsRoot {
    $id = Get-Command id -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $id) { return $false }
    $uid = & $id.Source -u 2>$null
    return ($LASTEXITCODE -eq 0 -and "$uid".Trim() -eq '0')
}

function Stop-ForNode([string] $Why) {
    [Console]::Error.WriteLine(@"
The blob tests run Azurite, an npm package, and need Node.js ($script:MinimumNodeMajor or later) with npm.
$Why
Run this, then run the tests again:

    sudo apt-get update && sudo apt-get install -y nodejs npm

(if your distribution's nodejs is older than $script:MinimumNodeMajor, install Node.js $script:MinimumNodeMajor+ from https://nodejs.org or NodeSource instead).
"@)
    exit $script:NoToolExitCode
}

function Get-NodeTools {
    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $npm = Get-Command npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    [pscustomobject]@{ Node = $node; Npm = $npm }
}

function Assert-TestNode {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $tools = Get-NodeTools
    if (-not $tools.Node -or -not $tools.Npm) {
        $missing = @(if (-not $tools.Node) { 'node' }; if (-not $tools.Npm) { 'npm' }) -join ' and '
        $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $apt) { Stop-ForNode "$missing is not on PATH, and apt-get is not available here to install it for you." }
        if (-not (Test-IsRoot)) { Stop-ForNode "$missing is not on PATH, and this is not running as root, so it cannot be installed for you." }
        Write-Host "$missing is missing: installing Debian's packages (apt-get install -y nodejs npm)" -ForegroundColor Cyan
        $previous = $env:DEBIAN_FRONTEND
        $env:DEBIAN_FRONTEND = 'noninteractive'
        try {
            & $apt.Source update -qq | Out-Host
            if ($LASTEXITCODE) { Stop-ForNode "'apt-get update' failed (exit code $LASTEXITCODE)." }
            & $apt.Source install -y -qq nodejs npm | Out-Host
            if ($LASTEXITCODE) { Stop-ForNode "'apt-get install -y nodejs npm' failed (exit code $LASTEXITCODE)." }
        }
        finally {
            $env:DEBIAN_FRONTEND = $previous
        }
        $tools = Get-NodeTools
        if (-not $tools.Node -or -not $tools.Npm) { Stop-ForNode 'apt-get installed the packages but node or npm is still not on PATH.' }
    }
    $version = "$(& $tools.Node.Source --version 2>$null)".Trim()
    if ($version -notmatch '^v(\d+)\.' -or [int]$Matches[1] -lt $script:MinimumNodeMajor) {
        Stop-ForNode "node at $($tools.Node.Source) is '$version'."
    }
    return $tools.Node.Source
}

function Install-TestAzurite {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The folder holding package.json and package-lock.json (tools/Azurite).
        [Parameter(Mandatory)] [string] $Prefix
    )
    $lock = Join-Path $Prefix 'package-lock.json'
    if (-not (Test-Path -LiteralPath $lock)) { throw "No ${lock}: the Azurite pin is missing." }
    $main = Join-Path $Prefix 'node_modules/azurite/dist/src/blob/main.js'
    $stamp = Join-Path $Prefix "node_modules/$script:StampName"
    $hash = (Get-FileHash -LiteralPath $lock -Algorithm SHA256).Hash
    $current = (Test-Path -LiteralPath $main) -and (Test-Path -LiteralPath $stamp) -and
        ((Get-Content -Raw -LiteralPath $stamp).Trim() -eq $hash)
    if (-not $current) {
        $npm = (Get-NodeTools).Npm
        if (-not $npm) { Stop-ForNode 'npm is not on PATH.' }
        Write-Host "Azurite: npm ci --prefix $Prefix" -ForegroundColor Cyan
        & $npm.Source ci --prefix $Prefix --no-audit --no-fund --loglevel=error | Out-Host   # its lines are for the person, never part of the returned path
        if ($LASTEXITCODE) { throw "'npm ci --prefix $Prefix --no-audit --no-fund' failed (exit code $LASTEXITCODE)." }
        if (-not (Test-Path -LiteralPath $main)) { throw "npm ci ran but $main is missing." }
        Set-Content -LiteralPath $stamp -Value $hash -NoNewline
    }
    return (Resolve-Path -LiteralPath $main).Path
}

Export-ModuleMember -Function Assert-TestNode, Install-TestAzurite
