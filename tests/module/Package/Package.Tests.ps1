# The gallery package (issue 18, item 1): tools/Package.ps1 (what build.ps1 -Task Package runs) publishes the BUILT
# module with PSResourceGet to a local file repository; a clean pwsh registers that folder, Install-PSResource puts
# the module into a throw-away user scope, and the main job runs from the installed copy on the sample organisation.
# HOME points each pwsh at its own folder: PSResourceGet's repository list, its CurrentUser install path and pwsh's
# user module path all live under it (~/.local/share/...), so nothing of the machine's own settings or modules takes
# part, and nothing is left in the real user's folders. (XDG_DATA_HOME is removed: PSResourceGet 1.2 does not follow
# it for its repository list, and pwsh would then look for user modules where PSResourceGet does not install.)
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $manifest = Get-HwBuiltManifest
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    $root = Join-Path ([IO.Path]::GetTempPath()) ('hw-package-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    $repo = New-Item -ItemType Directory -Force (Join-Path $root 'repo')

    # A pwsh of its own with a private XDG_DATA_HOME and no inherited PSModulePath; returns exit code and output.
    function Invoke-CleanPwsh([string] $DataHome, [string] $Command, [hashtable] $Environment = @{}) {
        $exe = [Environment]::ProcessPath
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        if ((Split-Path -Leaf $exe) -like 'dotnet*') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['HOME'] = $DataHome
        $psi.Environment.Remove('XDG_DATA_HOME') | Out-Null
        $psi.WorkingDirectory = (New-Item -ItemType Directory -Force $DataHome).FullName
        $psi.Environment.Remove('PSModulePath') | Out-Null
        $psi.Environment.Remove('HW_MODULE_PATH') | Out-Null
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
        $p = [System.Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out; Error = $err.Result }
    }

    $packaging = Invoke-CleanPwsh -DataHome (Join-Path $root 'publisher') -Command (
        "& '$(Join-Path (Get-HwRepoRoot) 'tools/Package.ps1')' -ModulePath '$(Split-Path $manifest)' -OutputPath '$repo' -RepoRoot '$(Get-HwRepoRoot)'; exit `$LASTEXITCODE")
    $nupkg = Join-Path $repo "HealthwatchPolicy.$version.nupkg"
}

AfterAll {
    if ($root -and (Test-Path $root)) { Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue }
}

Describe 'The gallery package (Publish-PSResource to a local file repository)' -Tag 'Package' {
    It 'writes HealthwatchPolicy.<version>.nupkg with the gallery metadata from the manifest and CHANGELOG.md' {
        $packaging.ExitCode | Should -Be 0 -Because "$($packaging.Output)`n$($packaging.Error)"
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entries = $zip.Entries.FullName
            $entries | Should -Contain 'HealthwatchPolicy.psd1'
            $entries | Should -Contain 'HealthwatchPolicy.dll'
            $entries | Should -Contain 'Invoke-HwMonthlyAccessReview.ps1'
            $entries | Should -Contain 'Invoke-HwOrganisations.ps1'
            $entries | Should -Contain 'dependencies/graph/Azure.Identity.dll'
            $entries | Should -Contain 'LICENSE'
            $entries | Should -Contain 'CHANGELOG.md'
            $reader = [IO.StreamReader]::new($zip.GetEntry('HealthwatchPolicy.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'HealthwatchPolicy'
        $meta.version | Should -Be $version
        $meta.projectUrl | Should -Not -BeNullOrEmpty
        $meta.licenseUrl | Should -Not -BeNullOrEmpty
        $meta.description | Should -Match 'social media policy'
        $meta.tags -split ' ' | Should -Contain 'PSModule'
        $meta.tags -split ' ' | Should -Contain 'PSEdition_Core'
        # The release notes are this version's section of CHANGELOG.md, not a placeholder.
        $changelog = Get-Content -Raw (Join-Path (Get-HwRepoRoot) 'CHANGELOG.md')
        $meta.releaseNotes | Should -Not -Match '\{\{'
        $changelog.Replace("`r`n", "`n") | Should -Match ([regex]::Escape(($meta.releaseNotes -split "`n")[0]))
        $manifestData = Import-PowerShellDataFile $manifest
        $manifestData.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifestData.PowerShellVersion | Should -Be '5.1'
    }

    It 'installs with Install-PSResource into a clean pwsh and runs the main job on the sample organisation from the installed copy' {
        $nupkg | Should -Exist
        $user = Join-Path $root 'admin'
        $work = Join-Path $root 'work'
        $demo = Join-Path (Get-HwRepoRoot) 'tools/Demo.ps1'
        $command = @"
`$ErrorActionPreference = 'Stop'
if (Get-Module -ListAvailable HealthwatchPolicy) { throw 'HealthwatchPolicy is already on this clean PSModulePath: ' + (Get-Module -ListAvailable HealthwatchPolicy).ModuleBase }
Register-PSResourceRepository -Name HwLocal -Uri '$repo' -Trusted
Install-PSResource HealthwatchPolicy -Repository HwLocal -TrustRepository -Scope CurrentUser -Quiet
Import-Module HealthwatchPolicy
`$m = Get-Module HealthwatchPolicy
"INSTALLED `$(`$m.Version) `$(`$m.ModuleBase)"
# The main job (build.ps1 -Task Demo) on the installed manifest, then the unattended monthly job shipped in the package.
& '$demo' -ModulePath (Join-Path `$m.ModuleBase 'HealthwatchPolicy.psd1') -OutputPath '$work/demo' *> '$work/demo.log'
Connect-HwDirectory -Sample -Path '$work/org' | Out-Null
Disconnect-HwDirectory
& (Join-Path `$m.ModuleBase 'Invoke-HwMonthlyAccessReview.ps1') -OrganisationPath '$work/org' -StatePath '$work/org/state' -LogPath '$work/logs' -ReportPath '$work/reports' -From daniel.okafor@hwsefton.example
"MONTHLY `$LASTEXITCODE"
"LOADED `$((Get-Module HealthwatchPolicy).Path)"
"@
        New-Item -ItemType Directory -Force $work | Out-Null
        $r = Invoke-CleanPwsh -DataHome $user -Command $command
        $r.ExitCode | Should -Be 0 -Because "$($r.Output)`n$($r.Error)"
        $installedRoot = Join-Path $user '.local/share/powershell/Modules/HealthwatchPolicy'
        $r.Output | Should -Match ("INSTALLED $([regex]::Escape($version)) " + [regex]::Escape((Join-Path $installedRoot $version)))
        $r.Output | Should -Match ('LOADED ' + [regex]::Escape((Join-Path $installedRoot $version)))
        Join-Path $installedRoot "$version/HealthwatchPolicy.psd1" | Should -Exist
        Join-Path $installedRoot "$version/LICENSE" | Should -Exist
        # The demo ran to its end from the installed copy and wrote its reports.
        Get-Content -Raw (Join-Path $work 'demo.log') | Should -Match 'Demo complete'
        Join-Path $work 'demo/compliance-report.html' | Should -Exist
        # The monthly job connected to the sample copy and reported (0 compliant, 2 Critical/High findings; 1 is a failure).
        $r.Output | Should -Match 'MONTHLY [02]\b'
        $r.Output | Should -Match 'Compliance: '
        @(Get-ChildItem (Join-Path $work 'reports') -Filter 'compliance-*.html').Count | Should -Be 1
    }
}
