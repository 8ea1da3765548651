BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $good = Join-Path $TestDrive 'good.yaml'
    Copy-Item (Get-HwBundledPolicyPath) $good
    $bad = Join-Path $TestDrive 'bad.yaml'
    (Get-Content -Raw $good).Replace("      form: paragraph`n      text: (This", "      colour: red`n      form: paragraph`n      text: (This") |
        Set-Content $bad -NoNewline
}

Describe 'Test-HwPolicy' -Tag 'Policy' {
    It 'returns $true for a valid file and $false for an invalid one' {
        Test-HwPolicy -Path $good | Should -BeTrue
        Test-HwPolicy -Path $bad | Should -BeFalse
    }

    It 'takes a pipeline of files from Get-ChildItem' {
        $results = Get-ChildItem $TestDrive -Filter *.yaml | Sort-Object Name | Test-HwPolicy
        $results | Should -Be @($false, $true)   # bad.yaml, good.yaml
    }

    It 'takes paths from the pipeline by value' {
        @($good, $bad) | Test-HwPolicy | Should -Be @($true, $false)
    }

    It 'emits diagnostics with file, line, column and key with -Detailed' {
        $d = @(Test-HwPolicy -Path $bad -Detailed)
        $d.Count | Should -Be 1
        $d[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Policy.PolicyDiagnostic'
        $d[0].File | Should -Be $bad
        $d[0].Line | Should -Be (Select-String -Path $bad -Pattern 'colour: red').LineNumber
        $d[0].Column | Should -Be 7
        $d[0].Key | Should -Be 'spec.clauses[0].colour'
        $d[0].Message | Should -BeLike "Unknown key 'colour'*"
        @(Test-HwPolicy -Path $good -Detailed).Count | Should -Be 0
    }

    It 'reports a missing file as invalid, not as an exception' {
        Test-HwPolicy -Path (Join-Path $TestDrive 'nope.yaml') | Should -BeFalse
    }

    It 'validates every policy file shipped in policy/' {
        Get-ChildItem (Join-Path (Get-HwRepoRoot) 'policy') -Filter *.yaml | Test-HwPolicy | Should -Not -Contain $false
    }
}
