#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, benchmarks and demonstrates the HealthwatchPolicy module.
.DESCRIPTION
    Build  : publishes the engine into dependencies/, builds the cmdlets, copies an explicit allowlist into
             out/HealthwatchPolicy/<version>/, stamps the version, writes the MAML help and checks the manifest.
    Test   : First makes sure Debian's Chromium is there for the browser tests (installs it as root with apt-get, or
             stops at once, exit code 3, with the command to run), and Node.js with npm for Azurite the same way
             (tools/TestAzurite.psm1), then Build, then xunit (dotnet test), 'npm ci' of tools/Azurite when its lock
             changed (HW_AZURITE names Azurite's blob entry point), and Pester (in a child pwsh importing the built module).
             Ends with one line "N passed, N failed[, N skipped]" over both runners; exits non-zero on any failure.
    Demo   : Build, then the main job on the bundled policy (and, as the module grows, the sample organisation).
    Package: Build, then publish the built module with PSResourceGet to a local file repository:
             out/package/HealthwatchPolicy.<version>.nupkg, ready for Install-PSResource (tools/Package.ps1).
    Soak   : Build, then the policy fuzz (tests/module/PolicyFuzz.psm1) with -SoakCount mutants (20,000 by default) in one
             child pwsh importing the built module; prints the counts per kind; exits non-zero on any failure or death.
    Clean  : removes out/.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Demo', 'Bench', 'Soak', 'Package')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tag filter, for a quicker inner loop (e.g. -PesterTag Policy).
    [string[]] $PesterTag,

    # Soak: how many policy mutants, and the seed (random when 0; printed either way so a failure can be repeated).
    [ValidateRange(1, [int]::MaxValue)]
    [int] $SoakCount = 20000,
    [int] $SoakSeed = 0
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleName = 'HealthwatchPolicy'

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.ModuleVersion } | Where-Object { $_ })[0]
    if (-not $version) { throw 'ModuleVersion is missing from Directory.Build.props.' }
    $version
}

# This version's section of CHANGELOG.md (the lines under '## <version>' up to the next '## '): the manifest's ReleaseNotes.
function Get-ReleaseNotes([string] $Version) {
    $lines = Get-Content (Join-Path $Root 'CHANGELOG.md')
    $start = [array]::IndexOf($lines, "## $Version")
    if ($start -lt 0) { throw "CHANGELOG.md has no '## $Version' section: add one before building $Version." }
    $section = @($lines[($start + 1)..($lines.Count - 1)] | ForEach-Object -Begin { $done = $false } -Process {
            if ($_ -like '## *') { $done = $true }
            if (-not $done) { $_ } })
    $text = ($section -join "`n").Trim()
    if (-not $text) { throw "CHANGELOG.md's '## $Version' section is empty." }
    $text
}

function Get-ModuleOutput { Join-Path $Out "$ModuleName/$(Get-ModuleVersion)" }

function Invoke-DotNet {
    & dotnet @args
    if ($LASTEXITCODE) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

# What ships. A missing file fails the build; an unexpected one fails it too (add it here on purpose).
# Invoke-HwOrganisations.ps1 (the many-organisations runner, deploy/organisations) ships too: on Azure Automation the
# organisations runbook runs the installed module's copy (deploy/automation/Invoke-HwOrganisationsRunbook.ps1).
$RootFiles = @('HealthwatchPolicy.dll', 'HealthwatchPolicy.psd1', 'HealthwatchPolicy.format.ps1xml', 'Invoke-HwMonthlyAccessReview.ps1', 'Invoke-HwOrganisations.ps1')
$DependencyFiles = @(
    'HealthwatchPolicy.Engine.dll'
    'YamlDotNet.dll'
    'Markdig.dll'
    # netstandard2.0 polyfills: used on Windows PowerShell 5.1; on PowerShell 7 the runtime's own copies win.
    'System.Buffers.dll'
    'System.Memory.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Text.Json.dll'
    'System.Text.Encodings.Web.dll'
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'System.Threading.Tasks.Extensions.dll'
    # System.TimeProvider (the engine's clock; the Graph SDK uses it too)
    'Microsoft.Bcl.TimeProvider.dll'
    # review mail: MimeKit messages, MailKit SMTP
    'MimeKit.dll', 'MailKit.dll', 'BouncyCastle.Cryptography.dll', 'System.Formats.Asn1.dll', 'System.Security.Cryptography.Pkcs.dll'
    'System.Security.Cryptography.Cng.dll', 'Microsoft.Bcl.Cryptography.dll', 'System.Text.Encoding.CodePages.dll', 'System.Data.DataSetExtensions.dll'
)
# The Microsoft Graph adapter and what only it needs: dependencies/graph/, loaded at the first Graph connection.
$GraphDependencyFiles = @(
    'HealthwatchPolicy.Engine.Graph.dll'
    'Azure.Core.dll', 'Azure.Identity.dll', 'System.ClientModel.dll', 'System.Memory.Data.dll'
    # the central container of organisation summaries (Save-/Get-HwOrganisationSummary -ContainerUri; decision 0195)
    'Azure.Storage.Blobs.dll', 'Azure.Storage.Common.dll', 'System.IO.Hashing.dll'
    'Microsoft.Graph.dll', 'Microsoft.Graph.Core.dll', 'Std.UriTemplate.dll'
    'Microsoft.Kiota.Abstractions.dll', 'Microsoft.Kiota.Authentication.Azure.dll', 'Microsoft.Kiota.Http.HttpClientLibrary.dll'
    'Microsoft.Kiota.Serialization.Form.dll', 'Microsoft.Kiota.Serialization.Json.dll', 'Microsoft.Kiota.Serialization.Multipart.dll'
    'Microsoft.Kiota.Serialization.Text.dll'
    'Microsoft.Identity.Client.dll', 'Microsoft.Identity.Client.Extensions.Msal.dll', 'Microsoft.IdentityModel.Abstractions.dll'
    'Microsoft.IdentityModel.JsonWebTokens.dll', 'Microsoft.IdentityModel.Logging.dll', 'Microsoft.IdentityModel.Protocols.dll'
    'Microsoft.IdentityModel.Protocols.OpenIdConnect.dll', 'Microsoft.IdentityModel.Tokens.dll', 'Microsoft.IdentityModel.Validators.dll'
    'System.IdentityModel.Tokens.Jwt.dll'
    'Microsoft.CSharp.dll', 'Microsoft.IO.RecyclableMemoryStream.dll'
    'Microsoft.Extensions.DependencyInjection.Abstractions.dll', 'Microsoft.Extensions.Logging.Abstractions.dll'
    'System.Diagnostics.DiagnosticSource.dll', 'System.IO.FileSystem.AccessControl.dll'
    'System.Security.AccessControl.dll', 'System.Security.Cryptography.ProtectedData.dll'
    'System.Security.Principal.Windows.dll'
)

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item -Recurse -Force $Out }
}

function Invoke-Build {
    $version = Get-ModuleVersion
    $moduleOut = Get-ModuleOutput
    $staging = Join-Path $Out 'obj'
    Write-Host "Building $ModuleName $version ($Configuration)" -ForegroundColor Cyan
    if (Test-Path (Join-Path $Out $ModuleName)) { Remove-Item -Recurse -Force (Join-Path $Out $ModuleName) }
    if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }

    # Publishing the Graph adapter publishes the engine too, with one (the highest) version of every shared dll.
    Invoke-DotNet publish (Join-Path $Root 'src/HealthwatchPolicy.Engine.Graph') -c $Configuration -o (Join-Path $staging 'engine') --nologo -v quiet
    Invoke-DotNet build (Join-Path $Root 'src/HealthwatchPolicy') -c $Configuration --nologo -v quiet
    $cmdletBin = Join-Path $Root "src/HealthwatchPolicy/bin/$Configuration/netstandard2.0"

    $deps = New-Item -ItemType Directory -Force (Join-Path $moduleOut 'dependencies')
    Copy-Item (Join-Path $cmdletBin 'HealthwatchPolicy.dll') $moduleOut
    Copy-Item (Join-Path $Root 'module/HealthwatchPolicy.format.ps1xml'), (Join-Path $Root 'module/Invoke-HwMonthlyAccessReview.ps1') $moduleOut
    Copy-Item (Join-Path $Root 'deploy/organisations/Invoke-HwOrganisations.ps1') $moduleOut
    $graphDeps = New-Item -ItemType Directory -Force (Join-Path $deps 'graph')
    $published = Get-ChildItem (Join-Path $staging 'engine') -Filter *.dll | ForEach-Object Name
    $unexpected = $published | Where-Object { $_ -notin $DependencyFiles -and $_ -notin $GraphDependencyFiles }
    if ($unexpected) { throw "The engine publishes dlls that are not on the allowlist in build.ps1: $($unexpected -join ', ')" }
    foreach ($set in @(@{ Files = $DependencyFiles; To = $deps }, @{ Files = $GraphDependencyFiles; To = $graphDeps })) {
        foreach ($file in $set.Files) {
            $source = Join-Path $staging "engine/$file"
            if (-not (Test-Path $source)) { throw "Allowlisted dependency '$file' was not produced by the engine build." }
            Copy-Item $source $set.To
        }
    }

    # The bundled policy, its schema and the sample organisation travel with the module.
    $policyOut = New-Item -ItemType Directory -Force (Join-Path $moduleOut 'policy')
    Copy-Item (Join-Path $Root 'policy/*.yaml') $policyOut
    Copy-Item (Join-Path $Root 'policy/schema') $policyOut -Recurse
    Copy-Item (Join-Path $Root 'policy/sample-org') $policyOut -Recurse -Exclude '*.lock' 

    # Help: about_ topics as written, cmdlet help from docs/commands (markdown) to MAML.
    $help = New-Item -ItemType Directory -Force (Join-Path $moduleOut 'en-US')
    Copy-Item (Join-Path $Root 'module/en-US/*') $help
    Invoke-DotNet run --project (Join-Path $Root 'tools/HelpGen') -c $Configuration -v quiet -- `
        (Join-Path $Root 'docs/commands/en-US') (Join-Path $help 'HealthwatchPolicy.dll-Help.xml')

    $manifest = Get-Content -Raw (Join-Path $Root "$ModuleName.psd1")
    $manifest = $manifest.Replace('{{ModuleVersion}}', $version).Replace('{{ReleaseNotes}}', (Get-ReleaseNotes $version).Replace("'", "''"))
    Set-Content -Path (Join-Path $moduleOut "$ModuleName.psd1") -Value $manifest -NoNewline

    $rootActual = Get-ChildItem $moduleOut -File | ForEach-Object Name
    $extra = $rootActual | Where-Object { $_ -notin $RootFiles }
    $missing = $RootFiles | Where-Object { $_ -notin $rootActual }
    if ($extra -or $missing) { throw "Module root differs from the allowlist. Extra: $($extra -join ', '); missing: $($missing -join ', ')" }

    # Check the manifest in a child process, so this session never loads the module's dll.
    $check = "`$m = Test-ModuleManifest -Path '$moduleOut/$ModuleName.psd1' -ErrorAction Stop; '{0} {1}: {2} cmdlets' -f `$m.Name, `$m.Version, `$m.ExportedCmdlets.Count"
    & dotnet pwsh -NoProfile -NonInteractive -Command $check
    if ($LASTEXITCODE) { throw 'Test-ModuleManifest failed.' }
    Write-Host "Built $moduleOut" -ForegroundColor Green
}

# Restores tools/TestPackages (Pester, a foreign YamlDotNet) and returns where they are.
function Restore-TestPackages {
    $project = Join-Path $Root 'tools/TestPackages/TestPackages.csproj'
    Invoke-DotNet restore $project --nologo -v quiet
    $props = ([xml](Get-Content -Raw $project)).Project.PropertyGroup
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $pester = Join-Path $packages "pester/$($props.PesterVersion)/tools/Pester.psd1"
    $yaml = Join-Path $packages "yamldotnet/$($props.ForeignYamlDotNetVersion)/lib/netstandard2.1/YamlDotNet.dll"
    foreach ($file in $pester, $yaml) { if (-not (Test-Path $file)) { throw "Test package file not restored: $file" } }
    [pscustomobject]@{ PesterPath = $pester; ForeignYamlDotNet = $yaml }
}

function Invoke-Test {
    $results = New-Item -ItemType Directory -Force (Join-Path $Out 'test-results')
    $trxDir = Join-Path $results 'xunit'
    if (Test-Path $trxDir) { Remove-Item -Recurse -Force $trxDir }

    Write-Host 'xunit' -ForegroundColor Cyan
    & dotnet test (Join-Path $Root "$ModuleName.slnx") -c $Configuration --nologo --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $trxDir
    $xunitExit = $LASTEXITCODE
    $x = @{ passed = 0; failed = 0; skipped = 0 }
    foreach ($trx in Get-ChildItem $trxDir -Filter *.trx -ErrorAction SilentlyContinue) {
        $c = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
        $x.passed += [int]$c.passed; $x.failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $x.skipped += [int]$c.notExecuted
    }
    if ($xunitExit -and $x.failed -eq 0) { $x.failed = 1; Write-Warning 'dotnet test failed without a failed test (build or run error): counted as one failure.' }

    Write-Host 'Pester' -ForegroundColor Cyan
    $packages = Restore-TestPackages
    # Azurite (npm, pinned in tools/Azurite) as the blob service of the summary-store tests (decision 0191).
    $env:HW_AZURITE = Install-TestAzurite -Prefix (Join-Path $Root 'tools/Azurite')
    # The loopback fake Graph as a process, for the Pester suite's Graph runs (built with the solution above).
    Invoke-DotNet build (Join-Path $Root 'tests/HealthwatchPolicy.FakeGraph.Host') -c $Configuration --nologo -v quiet
    $env:HW_FAKEGRAPH_HOST = Join-Path $Root "tests/HealthwatchPolicy.FakeGraph.Host/bin/$Configuration/net10.0/HealthwatchPolicy.FakeGraph.Host.dll"
    if (-not (Test-Path $env:HW_FAKEGRAPH_HOST)) { throw "The fake Graph host was not built: $env:HW_FAKEGRAPH_HOST" }
    $summary = Join-Path $results 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    $runner = Join-Path $Root 'tests/module/Invoke-ModuleTests.ps1'
    $tagArgs = if ($PesterTag) { @('-Tag', ($PesterTag -join ',')) } else { @() }
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterPath $packages.PesterPath -ForeignYamlDotNet $packages.ForeignYamlDotNet `
        -ModulePath (Join-Path (Get-ModuleOutput) "$ModuleName.psd1") -ResultsPath $results @tagArgs
    $pesterExit = $LASTEXITCODE
    $p = if (Test-Path $summary) { Get-Content -Raw $summary | ConvertFrom-Json } else { [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 } }
    $pFailed = [int]$p.failed
    if ($pesterExit -and $pFailed -eq 0) { $pFailed = 1; Write-Warning 'Pester failed without a failed test: counted as one failure.' }

    $passed = $x.passed + [int]$p.passed
    $failed = $x.failed + $pFailed
    $skipped = $x.skipped + [int]$p.skipped
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f `
        $x.passed, $x.failed, $x.skipped, $p.passed, $pFailed, $p.skipped)
    $line = "$passed passed, $failed failed"
    if ($skipped) { $line += ", $skipped skipped" }
    Write-Output $line
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    $demo = Join-Path $Root 'tools/Demo.ps1'
    & dotnet pwsh -NoProfile -NonInteractive -File $demo -ModulePath (Join-Path (Get-ModuleOutput) "$ModuleName.psd1") -OutputPath (Join-Path $Out 'demo')
    if ($LASTEXITCODE) { throw "The demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Bench {
    # Performance figures (docs/performance.md): the compliance report on the loopback fake Graph against a naive
    # reference, Import-Module time and what it loads, the local report, peak memory. Prints a table; writes out/bench/results.json.
    Invoke-DotNet run --project (Join-Path $Root 'tests/HealthwatchPolicy.Benchmarks') -c $Configuration -v quiet -- `
        --module (Join-Path (Get-ModuleOutput) "$ModuleName.psd1") --out (Join-Path $Out 'bench/results.json')
}

function Invoke-Package {
    # PSResourceGet keeps its repository list under HOME (~/.local/share/PSResourceGet): a throw-away HOME for the
    # publishing pwsh (started directly, not through the dotnet tool, which needs the real HOME), so this registers
    # nothing for the user.
    $packageOut = Join-Path $Out 'package'
    $exe = [Environment]::ProcessPath
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/Package.ps1'), '-ModulePath', (Get-ModuleOutput),
        '-OutputPath', $packageOut, '-RepoRoot', $Root)
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
    $saved = $env:HOME
    $env:HOME = Join-Path ([IO.Path]::GetTempPath()) ('hw-package-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    # Publish-PSResource also writes a NuGet/NuGet.Config in its working folder: the throw-away HOME, too.
    Push-Location (New-Item -ItemType Directory -Force $env:HOME).FullName
    try {
        & $exe @pwshArgs
        if ($LASTEXITCODE) { throw "Packaging failed (exit code $LASTEXITCODE)." }
    }
    finally {
        Pop-Location
        if (Test-Path $env:HOME) { Remove-Item -Recurse -Force $env:HOME }
        $env:HOME = $saved
    }
}

function Invoke-Soak {
    $work = Join-Path $Out 'soak'
    if (Test-Path $work) { Remove-Item -Recurse -Force $work }
    $seed = if ($SoakSeed) { $SoakSeed } else { Get-Random -Maximum ([int]::MaxValue) }
    $result = Join-Path $work 'result.json'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/module/Invoke-PolicyFuzz.ps1') `
        -ModulePath (Join-Path (Get-ModuleOutput) "$ModuleName.psd1") -Count $SoakCount -Seed $seed -WorkPath $work -ResultPath $result
    $exit = $LASTEXITCODE
    if ($exit -notin 0, 1) {
        $current = Join-Path $work 'current.txt'
        throw "The soak process died (exit code $exit, seed $seed) at mutant: $(if (Test-Path $current) { Get-Content -Raw $current } else { '(unknown)' })"
    }
    if ($exit) { throw "The soak found failures (seed $seed); the failing mutants are in $work/failures." }
}

Push-Location $Root
try {
    foreach ($t in $Task) {
        switch ($t) {
            'Clean' { Invoke-Clean }
            'Build' { Invoke-Build }
            # The browser first: without one the run stops at once with the command to run (tools/TestBrowser.psm1).
            # Then Node.js and npm for Azurite (tools/TestAzurite.psm1, decision 0191), the same way.
            'Test' {
                Import-Module (Join-Path $Root 'tools/TestBrowser.psm1') -Force; $null = Assert-TestBrowser
                Import-Module (Join-Path $Root 'tools/TestAzurite.psm1') -Force; $null = Assert-TestNode
                Invoke-Build; Invoke-Test
            }
            'Demo' { Invoke-Build; Invoke-Demo }
            'Bench' { Invoke-Build; Invoke-Bench }
            'Soak' { Invoke-Build; Invoke-Soak }
            'Package' { Invoke-Build; Invoke-Package }
        }
    }
}
finally {
    Pop-Location
}
