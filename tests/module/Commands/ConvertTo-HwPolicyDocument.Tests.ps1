BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'ConvertTo-HwPolicyDocument' -Tag 'Policy' {
    It 'renders Markdown with every clause id and a heading per section' {
        $md = ConvertTo-HwPolicyDocument -Format Markdown
        $md | Should -BeOfType [string]
        $md | Should -Match '(?m)^# Healthwatch Sefton Social Media Policy'
        foreach ($clause in (Get-HwPolicy).Clauses) { $md | Should -Match ([regex]::Escape("**$($clause.Id)**")) }
        foreach ($section in (Get-HwPolicy).Sections) { $md | Should -Match ("(?m)^## " + [regex]::Escape($section.Title)) }
    }

    It 'renders accessible HTML: lang, landmarks, one h1, a heading per section' {
        $html = ConvertTo-HwPolicyDocument -Format Html
        $html | Should -Match '<html lang="en-GB">'
        $html | Should -Match '<main'
        $html | Should -Match '<header>'
        $html | Should -Match '<footer>'
        ([regex]::Matches($html, '<h1')).Count | Should -Be 1
        ([regex]::Matches($html, '<h2')).Count | Should -Be ((Get-HwPolicy).Sections.Count + 1)
        $html | Should -Not -Match '<script|https?://'   # self-contained: nothing to fetch
    }

    It 'renders a large-print variant with bigger type' {
        $large = ConvertTo-HwPolicyDocument -Format Html -LargePrint
        $large | Should -Match 'font-size: 1.5rem'
        $large | Should -Match '\(large print\)'
    }

    It 'renders plain text with the clause ids' {
        $text = ConvertTo-HwPolicyDocument -Format Text
        $text | Should -Match '\[SMP-3.1\] An official account on any social media website may only be set-up with consent from a line manager.'
        $text | Should -Not -Match '<|\*\*'
    }

    It 'writes a file with -OutFile and returns it; -WhatIf writes nothing' {
        $target = Join-Path $TestDrive 'policy.html'
        $w = Invoke-HwWhatIf { ConvertTo-HwPolicyDocument -Format Html -OutFile $target -WhatIf } @{ target = $target }
        $w.WhatIf | Should -Be "What if: Performing the operation ""Write the Html policy document"" on target ""$target""."
        $w.Output | Should -BeNullOrEmpty
        Test-Path $target | Should -BeFalse
        $file = ConvertTo-HwPolicyDocument -Format Html -OutFile $target
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $target
        Get-Content -Raw $target | Should -Match '<!DOCTYPE html>'
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'takes the policy path from the pipeline by property name' {
        $copy = Join-Path $TestDrive 'p.yaml'
        Copy-Item (Get-HwBundledPolicyPath) $copy
        Get-Item $copy | ConvertTo-HwPolicyDocument -Format Text | Should -Match 'Healthwatch Sefton Social Media Policy'
    }

    It 'refuses -LargePrint for Markdown with LargePrintNeedsHtml' {
        ConvertTo-HwPolicyDocument -Format Markdown -LargePrint -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'LargePrintNeedsHtml,HealthwatchPolicy.Commands.ConvertToHwPolicyDocumentCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].ErrorDetails.Message | Should -BeLike '-LargePrint: Large print applies to the Html format*'
    }

    It 'refuses an invalid policy with PolicyInvalid and writes no file' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        'apiVersion: healthwatch.policy/v1' | Set-Content $bad
        $target = Join-Path $TestDrive 'never.html'
        ConvertTo-HwPolicyDocument -Path $bad -Format Html -OutFile $target -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PolicyInvalid,*'
        $e[0].TargetObject | Should -Be $bad
        Test-Path $target | Should -BeFalse
    }
}
