# Issue 11, kind 10: a state folder on a read-only file system is reported at once as StateNotWritable, naming the
# folder, not retried for two minutes as lock contention. The tests run as root (chmod does not stop root), so the
# folder is a tmpfs mounted read-only; the test fails, not skips, if it cannot mount.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'A read-only state folder' -Tag 'Hostile', 'State' -Skip:$IsWindows {
    BeforeAll {
        $script:org = Join-Path $TestDrive 'org'
        $script:ro = Join-Path $TestDrive 'read-only-state'
        New-Item -ItemType Directory $script:ro | Out-Null
        & mount -t tmpfs -o ro,size=1m hw-readonly $script:ro
        if ($LASTEXITCODE) { throw "Cannot mount a read-only tmpfs at $script:ro (exit $LASTEXITCODE): this test needs root." }
    }
    AfterAll {
        & umount $script:ro
    }

    It 'fails a change at once with StateNotWritable naming the folder' {
        { Set-Content (Join-Path $script:ro 'probe') 'x' } | Should -Throw
        Connect-HwDirectory -Sample -Path $script:org | Out-Null
        Connect-HwDirectory -Path $script:org -StatePath $script:ro | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason 'read-only test' `
            -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be 'StateNotWritable,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].Exception.Message | Should -BeLike "*'$script:ro' cannot be written*Read-only file system*"
        $e[0].Exception.Message | Should -Not -BeLike '*another*process*'
    }
}
