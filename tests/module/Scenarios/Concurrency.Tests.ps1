BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $manifest = Get-HwBuiltManifest
}

Describe 'Concurrent and interrupted runs lose nothing' -Tag 'Scenario' {
    It '8 processes granting 8 different people to one account end with 8 memberships and 8 valid journal entries' {
        $org = Join-Path $TestDrive 'org'
        $policy = Join-Path $TestDrive 'policy.yaml'
        (Get-Content -Raw (Get-HwBundledPolicyPath)).Replace('maxPostersPerAccount: 3', 'maxPostersPerAccount: 10') | Set-Content $policy
        Connect-HwDirectory -Sample -Path $org -PolicyPath $policy | Out-Null
        New-HwOfficialAccount -Platform Instagram -Handle concurrency -Owner daniel.okafor@hwsefton.example `
            -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Concurrency test' | Out-Null
        $before = @(Get-HwAuditLog).Count
        $people = 'rebecca.lloyd', 'kate.singleton', 'craig.bennett', 'susan.kelly', 'eileen.moran', 'aisha.rahman', 'nadia.khan', 'dev.patel' |
            ForEach-Object { "$_@hwsefton.example" }

        $processes = foreach ($p in $people) {
            Start-HwChildPwsh -Command "`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; Connect-HwDirectory -Path '$org' -PolicyPath '$policy' | Out-Null; (Grant-HwPostingAccess -Account instagram-concurrency -User '$p' -Reason 'parallel').Status"
        }
        foreach ($proc in $processes) {
            $proc.WaitForExit(120000) | Should -BeTrue
            $out = $proc.StandardOutput.ReadToEnd().Trim()
            $err = $proc.StandardError.ReadToEnd()
            $proc.ExitCode | Should -Be 0 -Because $err
            $out | Should -Be 'Granted'
        }

        Connect-HwDirectory -Path $org -PolicyPath $policy | Out-Null
        (Get-HwPostingAccess -Account instagram-concurrency).User | Sort-Object | Should -Be ($people | Sort-Object)
        $grants = Get-HwAuditLog -Account instagram-concurrency -Action PostingAccessGranted
        $grants.User | Sort-Object | Should -Be ($people | Sort-Object)
        @(Get-HwAuditLog).Count | Should -Be ($before + 8)
        Test-HwAuditLog | Should -BeTrue
    }

    It 'kill -9 in the middle of a write loop leaves directory.json and the journal whole and verifiable (<Delay> ms)' -ForEach @(
        @{ Delay = 700 }, @{ Delay = 1500 }, @{ Delay = 2600 }
    ) {
        $org = Join-Path $TestDrive "kill-$Delay"
        Connect-HwDirectory -Sample -Path $org | Out-Null
        $start = @(Get-HwAuditLog).Count
        $loop = "Import-Module '$manifest'; Connect-HwDirectory -Path '$org' | Out-Null; while (`$true) { " +
            "Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason loop | Out-Null; " +
            "Revoke-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason loop | Out-Null }"
        $proc = Start-HwChildPwsh -Command $loop
        # Wait until the loop is really writing, then a little more, then kill it without warning.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-Content (Join-Path $org 'state/journal.jsonl')).Count -lt ($start + 4) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Start-Sleep -Milliseconds $Delay
        $proc.Kill()    # SIGKILL on Linux
        $proc.WaitForExit()

        { Get-Content -Raw (Join-Path $org 'directory.json') | ConvertFrom-Json } | Should -Not -Throw
        Connect-HwDirectory -Path $org | Out-Null
        @(Get-HwAuditLog).Count | Should -BeGreaterThan ($start + 3)
        Test-HwAuditLog -Detailed | ForEach-Object { $_.Problem | Should -BeNullOrEmpty; $_.IsValid | Should -BeTrue }
        # and the module carries on: the lock died with the process
        Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason after | Out-Null
        Test-HwAuditLog | Should -BeTrue
    }
}
