#Requires -Version 7.2
# The test task's browser provisioning (tools/TestBrowser.psm1, decision 0166), run in a child pwsh with a made-up PATH:
# fake 'id' and 'apt-get' scripts stand in for root and Debian's package manager, and a scratch path stands in for
# /usr/bin/chromium, so nothing is installed or removed on this machine.

BeforeAll {
    $script:Module = Join-Path $PSScriptRoot '../../../tools/TestBrowser.psm1' | Resolve-Path | ForEach-Object Path
    $script:Build = Join-Path $PSScriptRoot '../../../build.ps1' | Resolve-Path | ForEach-Object Path
    Import-Module (Join-Path $PSScriptRoot 'FakeTools.psm1') -Force   # New-FakeBin, Invoke-Child
    # The browser tests' child never sees the caller's HEALTHWATCH_CHROMIUM unless a test sets it.
    $PSDefaultParameterValues['Invoke-Child:Remove'] = @('HEALTHWATCH_CHROMIUM')
}

Describe 'Assert-TestBrowser (the test task provides its own Chromium)' -Tag Build {
    BeforeEach {
        $script:Chromium = Join-Path ([IO.Path]::GetTempPath()) "hw-chromium-$([guid]::NewGuid().ToString('N'))"
        $script:Log = "$script:Chromium.apt-log"
    }
    AfterEach { Remove-Item -Force -ErrorAction SilentlyContinue $script:Chromium, $script:Log }

    It 'returns the path and installs nothing when the browser is there' {
        Set-Content $script:Chromium 'browser'
        $bin = New-FakeBin @{ 'apt-get' = "echo called >> '$script:Log'"; id = 'echo 0' }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestBrowser -DefaultPath '$script:Chromium'"
        $r.ExitCode | Should -Be 0
        $r.Out.Trim() | Should -Be $script:Chromium
        Test-Path $script:Log | Should -BeFalse
    }

    It 'as root with apt-get, installs Debian''s chromium non-interactively and returns the path' {
        $bin = New-FakeBin @{
            id        = 'echo 0'
            'apt-get' = "echo `"`$DEBIAN_FRONTEND `$*`" >> '$script:Log'`ncase `"`$*`" in *install*) echo browser > '$script:Chromium';; esac"
        }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestBrowser -DefaultPath '$script:Chromium'"
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Out | Should -Match ([regex]::Escape($script:Chromium))
        Get-Content $script:Log | Should -Be @('noninteractive update -qq', 'noninteractive install -y -qq chromium')
    }

    It 'without apt-get, stops at once with exit code 3 and the exact command to run' {
        $bin = New-FakeBin @{ id = 'echo 0' }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestBrowser -DefaultPath '$script:Chromium'; 'went on'"
        $r.ExitCode | Should -Be 3
        $r.Out | Should -Not -Match 'went on'
        $r.Err | Should -Match ([regex]::Escape("there is none at $script:Chromium"))
        $r.Err | Should -Match 'apt-get is not available here'
        $r.Err | Should -Match ([regex]::Escape('sudo apt-get update && sudo apt-get install -y chromium'))
    }

    It 'when not root, stops with exit code 3 and the command, and does not call apt-get' {
        $bin = New-FakeBin @{ id = 'echo 1000'; 'apt-get' = "echo called >> '$script:Log'" }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestBrowser -DefaultPath '$script:Chromium'"
        $r.ExitCode | Should -Be 3
        $r.Err | Should -Match 'not running as root'
        $r.Err | Should -Match ([regex]::Escape('sudo apt-get install -y chromium'))
        Test-Path $script:Log | Should -BeFalse
    }

    It 'when apt-get fails, stops with exit code 3 naming the step that failed' {
        $bin = New-FakeBin @{ id = 'echo 0'; 'apt-get' = "case `"`$*`" in *install*) exit 100;; esac" }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestBrowser -DefaultPath '$script:Chromium'"
        $r.ExitCode | Should -Be 3
        $r.Err | Should -Match ([regex]::Escape("'apt-get install -y chromium' failed (exit code 100)"))
    }

    It 'build.ps1 -Task Test stops before building when HEALTHWATCH_CHROMIUM names a missing browser' {
        # An empty PATH: had it gone on, the build's first 'dotnet publish' would fail with a different message.
        $bin = New-FakeBin @{}
        # As the README runs it: 'dotnet pwsh ./build.ps1 -Task Test' (a script file, so its exit code is the process's).
        $r = Invoke-Child $bin -Environment @{ HEALTHWATCH_CHROMIUM = $script:Chromium } -File $script:Build, '-Task', 'Test'
        $r.ExitCode | Should -Be 3 -Because ($r.Out + $r.Err)
        $r.Err | Should -Match 'HEALTHWATCH_CHROMIUM names a file that does not exist'
        $r.Out | Should -Not -Match 'Building HealthwatchPolicy'
    }
}
