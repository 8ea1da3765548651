# One engine per runspace (decision 0190): a connection made in one runspace of a process is not the connection of
# another, so ForEach-Object -Parallel over organisations never mixes their directories, stores or journals.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Connections per runspace' -Tag 'Organisations' {
    It 'a second runspace of this process connects to its own copy and leaves this runspace''s connection alone' {
        $mine = Join-Path $TestDrive 'mine'
        $theirs = Join-Path $TestDrive 'theirs'
        Connect-HwDirectory -Sample -Path $mine | Out-Null
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript({
                    param($manifest, $path)
                    Import-Module $manifest
                    $before = @(Get-HwConnection).StatePath
                    Connect-HwDirectory -Sample -Path $path | Out-Null
                    [pscustomobject]@{ Before = $before; StatePath = (Get-HwConnection).StatePath }
                }).AddArgument((Get-HwBuiltManifest)).AddArgument($theirs)
            $other = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error | Out-String)
        }
        finally { $ps.Dispose() }
        $other[0].Before | Should -BeLike "$mine*" -Because 'a runspace that has not connected uses the process''s first connection (like the Graph SDK''s process-wide context)'
        $other[0].StatePath | Should -BeLike "$theirs*"
        (Get-HwConnection).StatePath | Should -BeLike "$mine*"
        Disconnect-HwDirectory
    }

    It 'ForEach-Object -Parallel: each runspace keeps the organisation it connected to' {
        $root = Join-Path $TestDrive 'parallel'
        $manifest = Get-HwBuiltManifest
        $seen = 1..6 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:manifest
            $path = Join-Path $using:root "org-$_"
            Connect-HwDirectory -Sample -Path $path | Out-Null
            New-HwOfficialAccount -Platform Instagram -Handle "org$_" -Owner daniel.okafor@hwsefton.example `
                -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Runspace test' | Out-Null
            [pscustomobject]@{ N = $_; StatePath = (Get-HwConnection).StatePath; Accounts = @(Get-HwOfficialAccount | Where-Object Handle -Like 'org*').Handle }
            Disconnect-HwDirectory
        }
        foreach ($s in $seen) {
            $s.StatePath | Should -BeLike (Join-Path $root "org-$($s.N)*")
            $s.Accounts | Should -Be @("org$($s.N)") -Because 'each organisation sees only the account it created'
        }
    }
}
