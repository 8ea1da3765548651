BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $v1 = Join-Path $TestDrive 'v1.yaml'
    Copy-Item (Get-HwBundledPolicyPath) $v1
    $v2 = Join-Path $TestDrive 'v2.yaml'
    $text = (Get-Content -Raw $v1).
        Replace('version: "2018.10"', 'version: "2026.11"').
        Replace('maxPostersPerAccount: 3', 'maxPostersPerAccount: 2').
        Replace('text: Copyright laws must be respected, with references or sources cited appropriately.',
                'text: Copyright laws must be respected, with sources always cited.').
        Replace("    - id: SMP-5.3`n      section: personal-use`n      kind: acknowledged`n      text: Don’t be confrontational`n", '').
        Replace("    - id: SMP-2.2`n      section: official-accounts`n      kind: acknowledged", "    - id: SMP-2.2`n      section: official-accounts`n      kind: enforced`n      checks: [EscalationContacts]")
    $text += @"
    - id: SMP-3.10
      section: limits-of-use
      kind: acknowledged
      text: Two-step verification must be on for every official account.
"@
    Set-Content -Path $v2 -Value $text -NoNewline
}

Describe 'Compare-HwPolicy' -Tag 'Policy' {
    BeforeAll { $changes = Compare-HwPolicy -ReferencePath $v1 -DifferencePath $v2 }

    It 'reports an added clause that staff must acknowledge' {
        $c = $changes | Where-Object { "$($_.ChangeType)" -eq 'Added' }
        $c.Subject | Should -Be 'SMP-3.10'
        $c.RequiresReacknowledgement | Should -BeTrue
    }

    It 'reports a removed clause' {
        ($changes | Where-Object { "$($_.ChangeType)" -eq 'Removed' }).Subject | Should -Be 'SMP-5.3'
    }

    It 'reports changed text with before and after, requiring re-acknowledgement' {
        $c = $changes | Where-Object { "$($_.ChangeType)" -eq 'TextChanged' }
        $c.Subject | Should -Be 'SMP-3.7'
        $c.Before | Should -BeLike 'Copyright laws must be respected, with references*'
        $c.After | Should -Be 'Copyright laws must be respected, with sources always cited.'
        $c.RequiresReacknowledgement | Should -BeTrue
    }

    It 'reports a kind change (acknowledged to enforced asks nothing new of staff)' {
        $c = $changes | Where-Object { "$($_.ChangeType)" -eq 'KindChanged' }
        $c.Subject | Should -Be 'SMP-2.2'
        $c.Before | Should -Be 'acknowledged'
        $c.After | Should -Be 'enforced'
        $c.RequiresReacknowledgement | Should -BeFalse
    }

    It 'reports parameter and metadata changes' {
        $p = $changes | Where-Object Subject -EQ 'MaxPostersPerAccount'
        "$($p.ChangeType)" | Should -Be 'ParameterChanged'
        $p.Before | Should -Be '3'
        $p.After | Should -Be '2'
        ($changes | Where-Object Subject -EQ 'Version').After | Should -Be '2026.11'
        $changes[0].ReferenceVersion | Should -Be '2018.10'
        $changes[0].DifferenceVersion | Should -Be '2026.11'
    }

    It 'reports nothing for identical files' {
        @(Compare-HwPolicy $v1 $v1).Count | Should -Be 0
    }

    It 'fails with PolicyInvalid naming the bad file' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        'kind: [' | Set-Content $bad
        $err = { Compare-HwPolicy -ReferencePath $v1 -DifferencePath $bad } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'PolicyInvalid,HealthwatchPolicy.Commands.CompareHwPolicyCommand'
        $err.TargetObject | Should -Be $bad
    }
}
