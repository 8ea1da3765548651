BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Get-HwPolicy' -Tag 'Policy' {
    It 'returns the bundled policy as a typed object by default' {
        $policy = Get-HwPolicy
        $policy.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Policy.PolicyDocument'
        $policy.Organisation | Should -Be 'Healthwatch Sefton'
        $policy.Version | Should -Be '2018.10'
        $policy.Effective.Year | Should -Be 2018
        $policy.Clauses.Count | Should -Be 34
    }

    It 'lists clauses with id, section and kind through Select-Object -ExpandProperty' {
        $clauses = Get-HwPolicy | Select-Object -ExpandProperty Clauses
        $clauses.Count | Should -Be 34
        $first = $clauses | Where-Object Id -EQ 'SMP-3.1'
        $first.Section | Should -Be 'Limits of use'
        "$($first.Kind)" | Should -Be 'Enforced'
    }

    It 'filters clauses by -Kind' {
        $enforced = @(Get-HwPolicy -Kind Enforced)
        $enforced.Count | Should -BeGreaterThan 0
        $enforced | ForEach-Object { "$($_.Kind)" } | Sort-Object -Unique | Should -Be 'Enforced'
        $enforced.Count + @(Get-HwPolicy -Kind Acknowledged).Count | Should -Be 34
    }

    It 'shows with each enforced clause the checks the README promises (the Checks property)' {
        $enforced = @(Get-HwPolicy -Kind Enforced)
        foreach ($c in $enforced) { @($c.Checks).Count | Should -BeGreaterThan 0 -Because "$($c.Id) is enforced, so checks back it" }
        (Get-HwPolicy -Id 'SMP-3.1').Checks | Should -Contain 'LineManagerConsent'
        @(Get-HwPolicy -Kind Acknowledged | Where-Object { @($_.Checks).Count -gt 0 }) | Should -BeNullOrEmpty
        # The list view shows them (the table view's Checks column is issue 14 item 1's format work).
        (Get-HwPolicy -Id 'SMP-3.1' | Format-List | Out-String) | Should -Match 'Checks\s+:\s+.*LineManagerConsent'
    }

    It 'filters clauses by -Id with wildcards and by -Section' {
        (Get-HwPolicy -Id 'SMP-5.*').Count | Should -Be 5
        (Get-HwPolicy -Id 'smp-3.2').Id | Should -Be 'SMP-3.2'
        (Get-HwPolicy -Section 'personal-use').Count | Should -Be 5
        (Get-HwPolicy -Section 'Guidance for*').Count | Should -Be 5
    }

    It 'completes clause ids and sections with Tab' {
        $line = 'Get-HwPolicy -Id SMP-7'
        $ids = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $ids | Should -Be @('SMP-7.1', 'SMP-7.2', 'SMP-7.3', 'SMP-7.4')
        $line = 'Get-HwPolicy -Section li'
        $sections = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $sections | Should -Be 'limits-of-use'
    }

    It 'reads a policy by path and by pipeline property name' {
        $copy = Join-Path $TestDrive 'copy.yaml'
        Copy-Item (Get-HwBundledPolicyPath) $copy
        (Get-HwPolicy -Path $copy).Path | Should -Be $copy
        (Get-Item $copy | Get-HwPolicy).Path | Should -Be $copy
    }

    It 'fails with PolicyInvalid naming the file, line and key of a bad file' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        (Get-Content -Raw (Get-HwBundledPolicyPath)).Replace('maxPostersPerAccount: 3', 'maxPostersPerAccount: lots') | Set-Content $bad
        $err = { Get-HwPolicy -Path $bad } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'PolicyInvalid,HealthwatchPolicy.Commands.GetHwPolicyCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.TargetObject | Should -Be $bad
        $line = (Select-String -Path $bad -Pattern 'maxPostersPerAccount: lots').LineNumber
        $err.Exception.Message | Should -BeLike "*bad.yaml:$($line):*spec.parameters.maxPostersPerAccount*"
    }
}
