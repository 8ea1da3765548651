#Requires -Version 7.2
# The test task's Node.js and Azurite provisioning (tools/TestAzurite.psm1, decision 0191), run in a child pwsh with a
# made-up PATH: fake 'id', 'apt-get', 'node' and 'npm' scripts stand in for root, Debian's package manager and Node.js,
# so nothing is installed or removed on this machine.

BeforeAll {
    $script:Module = Join-Path $PSScriptRoot '../../../tools/TestAzurite.psm1' | Resolve-Path | ForEach-Object Path
    $script:Build = Join-Path $PSScriptRoot '../../../build.ps1' | Resolve-Path | ForEach-Object Path
    Import-Module (Join-Path $PSScriptRoot 'FakeTools.psm1') -Force   # New-FakeBin, Invoke-Child
}

Describe 'Assert-TestNode (the test task provides Node.js and npm for Azurite)' -Tag Build {
    BeforeEach { $script:Log = Join-Path ([IO.Path]::GetTempPath()) "hw-node-$([guid]::NewGuid().ToString('N')).log" }
    AfterEach { Remove-Item -Force -ErrorAction SilentlyContinue $script:Log }

    It 'returns the path of node and installs nothing when node 20+ and npm are there' {
        $bin = New-FakeBin @{ node = 'echo v20.20.2'; npm = 'echo 11.0.0'; id = 'echo 0'; 'apt-get' = "echo called >> '$script:Log'" }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestNode"
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Out.Trim() | Should -Be (Join-Path $bin 'node')
        Test-Path $script:Log | Should -BeFalse
    }

    It 'as root with apt-get, installs Debian''s nodejs and npm non-interactively' {
        $bin = New-FakeBin @{ id = 'echo 0' }
        $aptScript = "echo `"`$DEBIAN_FRONTEND `$*`" >> '$script:Log'`ncase `"`$*`" in *install*) " +
            "printf '#!/bin/sh\necho v20.1.0\n' > '$bin/node'; printf '#!/bin/sh\n' > '$bin/npm'; /bin/chmod +x '$bin/node' '$bin/npm';; esac"
        Set-Content -Path (Join-Path $bin 'apt-get') -Value "#!/bin/sh`n$aptScript" -NoNewline
        & /bin/chmod +x (Join-Path $bin 'apt-get')
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestNode"
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Out | Should -Match ([regex]::Escape((Join-Path $bin 'node')))
        Get-Content $script:Log | Should -Be @('noninteractive update -qq', 'noninteractive install -y -qq nodejs npm')
    }

    It 'when not root, stops with exit code 3 and the command, and does not call apt-get' {
        $bin = New-FakeBin @{ id = 'echo 1000'; 'apt-get' = "echo called >> '$script:Log'" }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestNode; 'went on'"
        $r.ExitCode | Should -Be 3
        $r.Out | Should -Not -Match 'went on'
        $r.Err | Should -Match 'node and npm is not on PATH'
        $r.Err | Should -Match 'not running as root'
        $r.Err | Should -Match ([regex]::Escape('sudo apt-get update && sudo apt-get install -y nodejs npm'))
        Test-Path $script:Log | Should -BeFalse
    }

    It 'stops with exit code 3 when node is older than 20' {
        $bin = New-FakeBin @{ node = 'echo v18.20.4'; npm = 'echo 9.2.0'; id = 'echo 0' }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Assert-TestNode"
        $r.ExitCode | Should -Be 3
        $r.Err | Should -Match "is 'v18\.20\.4'"
    }
}

Describe 'Install-TestAzurite (npm ci of tools/Azurite, only when the lock changed)' -Tag Build {
    It 'runs npm ci with the pinned lock, skips it while the lock is unchanged, and runs it again when it changes' {
        $prefix = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'azurite')
        Set-Content (Join-Path $prefix 'package-lock.json') '{"lockfileVersion":3}'
        $log = Join-Path $TestDrive 'npm.log'
        $bin = New-FakeBin @{
            # npm ci prints what it added, as the real one does (a clean clone's first run: that line once leaked into the returned path)
            npm = "echo `"`$*`" >> '$log'`necho 'added 453 packages in 19s'`n/bin/mkdir -p '$prefix/node_modules/azurite/dist/src/blob' && echo main > '$prefix/node_modules/azurite/dist/src/blob/main.js'"
        }
        $call = "Import-Module '$script:Module'; `$p = @(Install-TestAzurite -Prefix '$prefix'); 'RETURNED=' + `$p.Count + '|' + (`$p -join '|')"
        $first = Invoke-Child $bin $call
        $first.ExitCode | Should -Be 0 -Because $first.Err
        $first.Out | Should -Match ([regex]::Escape("RETURNED=1|$prefix/node_modules/azurite/dist/src/blob/main.js"))
        @(Get-Content $log) | Should -Be @("ci --prefix $prefix --no-audit --no-fund --loglevel=error")
        $again = Invoke-Child $bin $call
        $again.ExitCode | Should -Be 0 -Because $again.Err
        @(Get-Content $log).Count | Should -Be 1
        Set-Content (Join-Path $prefix 'package-lock.json') '{"lockfileVersion":3,"changed":true}'
        $changed = Invoke-Child $bin $call
        $changed.ExitCode | Should -Be 0 -Because $changed.Err
        @(Get-Content $log).Count | Should -Be 2
    }

    It 'throws naming the command when npm ci fails' {
        $prefix = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'failing')
        Set-Content (Join-Path $prefix 'package-lock.json') '{}'
        $bin = New-FakeBin @{ npm = 'exit 1' }
        $r = Invoke-Child $bin "Import-Module '$script:Module'; Install-TestAzurite -Prefix '$prefix'"
        $r.ExitCode | Should -Not -Be 0
        # The error record as the host printed it: without colours and line wrapping.
        (($r.Err + $r.Out) -replace '\e\[[0-9;]*m', '' -replace '\s+', ' ') | Should -Match ([regex]::Escape("'npm ci --prefix $prefix --no-audit --no-fund' failed (exit code 1)"))
    }
}
