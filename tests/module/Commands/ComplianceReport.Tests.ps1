BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Get-HwComplianceReport' -Tag 'Compliance' {
    BeforeAll {
        Connect-HwTestSample | Out-Null
        $findings = @(Get-HwComplianceReport)
    }

    It 'gives each finding its clause, evidence and remediation' {
        $f = $findings | Where-Object RuleId -EQ 'HW-ELG-001'
        $f.ClauseId | Should -Be 'SMP-3.2'
        $f.ClauseText | Should -BeLike 'Only authorised staff*'
        "$($f.Severity)" | Should -Be 'Critical'
        $f.Evidence | Should -BeLike '*jason.turner@hwsefton.example is disabled*'
        $f.Remediation | Should -BeLike 'Revoke-HwPostingAccess*'
        $f.DetectedAt | Should -Not -BeNullOrEmpty
    }

    It 'filters by account, rule and severity' {
        @((Get-HwComplianceReport -Account instagram-healthwatchsefton).RuleId | Sort-Object) | Should -Be @('HW-LIM-001', 'HW-SGN-001')
        @(Get-HwComplianceReport -RuleId 'HW-ELG-*').Count | Should -Be 3
        @(Get-HwComplianceReport -Severity Critical, High).Count | Should -Be 6
    }

    It 'completes rule ids' {
        $line = 'Get-HwComplianceReport -RuleId HW-ELG'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Be @('HW-ELG-001', 'HW-ELG-002', 'HW-ELG-003', 'HW-ELG-004')
    }

    It 'summarises counts per severity and rule, with pass or fail' {
        $s = Get-HwComplianceReport -Summary
        $s.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Compliance.ComplianceSummary'
        $s.Passed | Should -BeFalse
        $s.Result | Should -Be 'Fail'
        ($s.Critical, $s.High, $s.Medium) | Should -Be @(1, 5, 4)
        ($s.Rules | Where-Object RuleId -EQ 'HW-LIM-001').Count | Should -Be 1
    }

    It 'works with PowerShell''s own Where-Object, Group-Object, Export-Csv and ConvertTo-Json' {
        @($findings | Where-Object { "$($_.Severity)" -eq 'Medium' }).Count | Should -Be 4
        ($findings | Group-Object Account | Where-Object Name -EQ 'instagram-healthwatchsefton').Count | Should -Be 2
        $csv = Join-Path $TestDrive 'findings.csv'
        $findings | Export-Csv $csv -NoTypeInformation
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 10
        ($rows | Where-Object RuleId -EQ 'HW-CON-001').ClauseId | Should -Be 'SMP-3.1'
        $json = $findings | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Count | Should -Be 10
        ($json | Where-Object RuleId -EQ 'HW-AUT-001').Subject | Should -Be 'tom.gallagher@hwsefton.example'
    }

    It 'checks against another policy version with -Policy' {
        $draft = Join-Path $TestDrive 'draft.yaml'
        (Get-Content -Raw (Get-HwBundledPolicyPath)).Replace('maxPostersPerAccount: 3', 'maxPostersPerAccount: 4').
            Replace('nextReviewDue: 2019-10-01', 'nextReviewDue: 2030-10-01') | Set-Content $draft
        $r = @(Get-HwComplianceReport -Policy $draft).RuleId
        $r | Should -Not -Contain 'HW-LIM-001'
        $r | Should -Not -Contain 'HW-POL-001'
        $r.Count | Should -Be 8
    }

    It 'fails with PolicyInvalid for a bad -Policy file' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        'apiVersion: nope' | Set-Content $bad
        $err = { Get-HwComplianceReport -Policy $bad } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'PolicyInvalid,HealthwatchPolicy.Commands.GetHwComplianceReportCommand'
    }

}

Describe 'Export-HwComplianceReport' -Tag 'Compliance' {
    BeforeAll { Connect-HwTestSample | Out-Null }

    It 'writes one self-contained HTML file and returns it' {
        $path = Join-Path $TestDrive 'report.html'
        $file = Export-HwComplianceReport -Path $path
        $file.FullName | Should -Be $path
        $html = Get-Content -Raw $path
        $html | Should -Match '<html lang="en-GB">'
        $html | Should -Match 'Result: Fail'
        $html | Should -Match '<figure class="chart"'   # bars labelled in words: rule title, severity, id, count
        $html | Should -Not -Match '<script|<link|src="http'
        ([regex]::Matches($html, 'class="finding ')).Count | Should -Be 10
        # Most serious first: the findings' severities, in the order the page lists them, never go back up.
        $order = 'Critical', 'High', 'Medium', 'Low', 'Info'
        $shown = [regex]::Matches($html, '<li class="finding sev-(\w+)"') | ForEach-Object { $order.IndexOf((Get-Culture).TextInfo.ToTitleCase($_.Groups[1].Value)) }
        $shown[0] | Should -Be 0
        ($shown | Sort-Object) -join ',' | Should -Be ($shown -join ',')
        $html | Should -Match '<dt>What to do</dt><dd>Act today: '
        $folder = (Get-HwConnection).Directory -replace '^local: ', ''
        $folder | Should -Not -BeNullOrEmpty
        $html.Contains($folder) | Should -BeFalse -Because 'a report for people names no folder on this machine'
    }

    It 'returns findings most serious first, organisation-wide ones last within a severity' {
        $findings = @(Get-HwComplianceReport)
        $order = 'Critical', 'High', 'Medium', 'Low', 'Info'
        $ranks = $findings | ForEach-Object { $order.IndexOf("$($_.Severity)") }
        ($ranks | Sort-Object) -join ',' | Should -Be ($ranks -join ',')
        $findings | ForEach-Object { $_.NextStep | Should -Not -BeNullOrEmpty }
        $medium = @($findings | Where-Object { "$($_.Severity)" -eq 'Medium' })
        $medium[-1].Account | Should -BeNullOrEmpty
    }

    It 'exports piped findings only, as Markdown' {
        $path = Join-Path $TestDrive 'critical.md'
        Get-HwComplianceReport -Severity Critical | Export-HwComplianceReport -Path $path -Format Markdown | Out-Null
        $md = Get-Content -Raw $path
        $md | Should -Match '# Social media policy compliance report'
        $md | Should -Match 'HW-ELG-001'
        $md | Should -Not -Match 'HW-LIM-001'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.html'
        $w = Invoke-HwWhatIf { Export-HwComplianceReport -Path $path -WhatIf } @{ path = $path }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike "What if: *""$path""."
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Export-HwDirectorySnapshot' -Tag 'Compliance' {
    It 'writes an organisation folder the local adapter opens, with the same register, access and journal' {
        Connect-HwTestSample | Out-Null
        $before = Get-HwComplianceReport | ForEach-Object { "$($_.RuleId) $($_.Account) $($_.Subject)" }
        $access = Get-HwPostingAccess | ForEach-Object { "$($_.Account) $($_.User)" }
        $target = Join-Path $TestDrive 'snapshot'
        $s = Export-HwDirectorySnapshot -Path $target
        $s.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Sessions.DirectorySnapshot'
        $s.Users | Should -Be 24
        $s.PostingGroups | Should -Be 7
        $s.JournalEntries | Should -Be 44
        Connect-HwDirectory -Path $target | Out-Null
        Get-HwPostingAccess | ForEach-Object { "$($_.Account) $($_.User)" } | Should -Be $access
        Get-HwComplianceReport | ForEach-Object { "$($_.RuleId) $($_.Account) $($_.Subject)" } | Should -Be $before
        Test-HwAuditLog | Should -BeTrue
    }

    It 'refuses a folder that is not empty' {
        Connect-HwTestSample | Out-Null
        Export-HwDirectorySnapshot -Path $TestDrive -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SnapshotTargetNotEmpty,HealthwatchPolicy.Commands.ExportHwDirectorySnapshotCommand'
    }
}

Describe 'Clearing findings through the module' -Tag 'Compliance' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'records line-manager consent for an imported account, which clears HW-CON-001' {
        Set-HwOfficialAccount whatsapp-hwseftonvolunteers -ConsentBy daniel.okafor@hwsefton.example -Reason 'Consent from the manager' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccountConsentInvalid,*'
        Get-HwComplianceReport -RuleId HW-CON-001 | Should -Not -BeNullOrEmpty
        Set-HwOfficialAccount whatsapp-hwseftonvolunteers -ConsentBy sarah.whitfield@hwsefton.example -ConsentDate 2026-11-01 -Reason 'Consent confirmed by the line manager'
        Get-HwComplianceReport -RuleId HW-CON-001 | Should -BeNullOrEmpty
        (Get-HwOfficialAccount whatsapp-hwseftonvolunteers).ConsentDate | Should -Be ([datetime]'2026-11-01')
    }

    It 'exports an empty report when a filter matches nothing, not the whole report' {
        $path = Join-Path $TestDrive 'none.html'
        Get-HwComplianceReport -Severity Low | Export-HwComplianceReport -Path $path | Out-Null
        Get-Content -Raw $path | Should -Match 'Result: Pass'
    }

    It 'writes nothing when something other than findings is piped in' {
        $path = Join-Path $TestDrive 'wrong.html'
        Get-HwComplianceReport -Summary | Export-HwComplianceReport -Path $path -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InputNotAFinding,*'
        Test-Path $path | Should -BeFalse
    }

    It 'chooses Markdown for a .md path' {
        $path = Join-Path $TestDrive 'report.md'
        Export-HwComplianceReport -Path $path | Out-Null
        Get-Content -Raw $path | Should -Match '^# Social media policy compliance report'
    }
}
