# Issue 16 through the built module: exceptions (New/Get/Remove-HwComplianceException), saved JSON reports with their
# provenance and schema, Compare-HwComplianceReport, -Previous, and the action-plan CSV round trip.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $schema = Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/schema/compliance-report.schema.json'
    $manager = 'sarah.whitfield@hwsefton.example'
    $insta = 'instagram-healthwatchsefton'
    function New-HwTestException {
        [CmdletBinding()]
        param([int] $Months = 3, [string] $ApprovedBy = $manager)
        New-HwComplianceException -RuleId HW-LIM-001 -Account $insta -Subject $insta -Justification 'Campaign month: four posters agreed by the board' `
            -ApprovedBy $ApprovedBy -Expires ([DateTime]::UtcNow.AddMonths($Months))
    }
}

Describe 'New-, Get- and Remove-HwComplianceException' -Tag 'Compliance' {
    BeforeEach { $connection = Connect-HwTestSample }

    It 'suppresses exactly its finding, listed with its justification, and journals the change' {
        $e = New-HwTestException
        $e.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Compliance.ComplianceException'
        $e.Id | Should -Be 'EXC-0001'
        $findings = @(Get-HwComplianceReport)
        $findings.Count | Should -Be 10
        $s = @($findings | Where-Object Status -EQ 'Suppressed')
        $s.Count | Should -Be 1
        ($s[0].RuleId, $s[0].Account, $s[0].ExceptionId, $s[0].ApprovedBy) | Should -Be @('HW-LIM-001', $insta, 'EXC-0001', $manager)
        (Get-HwComplianceReport -Summary).Suppressed | Should -Be 1
        $md = Export-HwComplianceReport -Path (Join-Path $TestDrive 'r.md')
        $text = Get-Content -Raw $md
        $text | Should -Match '## Suppressed by exception'
        $text.Substring($text.IndexOf('## Suppressed by exception')) | Should -Match 'Campaign month: four posters agreed by the board'
        (Get-HwAuditLog -Action ComplianceExceptionCreated).Reason | Should -Be 'Campaign month: four posters agreed by the board'
        (Get-HwComplianceReport | Format-Table | Out-String -Width 120) | Should -Match '\[Suppressed: EXC-0001\]'
    }

    It 'refuses an expiry past the policy''s term with ExceptionTermTooLong naming -Expires, and writes nothing' {
        New-HwTestException -Months 13 -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'ExceptionTermTooLong,HealthwatchPolicy.Commands.NewHwComplianceExceptionCommand'
        $err[0].ErrorDetails.Message | Should -BeLike '-Expires:*12 months*'
        @(Get-HwComplianceException).Count | Should -Be 0
    }

    It 'refuses an account the register does not have with AccountNotFound, and writes nothing' {
        New-HwComplianceException -RuleId HW-LIM-001 -Account nope -Justification 'j' -ApprovedBy $manager `
            -Expires ([DateTime]::UtcNow.AddMonths(1)) -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'AccountNotFound,HealthwatchPolicy.Commands.NewHwComplianceExceptionCommand'
        @(Get-HwComplianceException).Count | Should -Be 0
    }

    It 'refuses an approver without the policy''s role with ExceptionApproverNotInRole naming -ApprovedBy; -WhatIf says it would be refused' {
        New-HwTestException -ApprovedBy daniel.okafor@hwsefton.example -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'ExceptionApproverNotInRole,HealthwatchPolicy.Commands.NewHwComplianceExceptionCommand'
        $err[0].ErrorDetails.Message | Should -BeLike "-ApprovedBy:*$manager*"
        New-HwComplianceException -RuleId HW-LIM-001 -Account $insta -Justification 'j' -ApprovedBy daniel.okafor@hwsefton.example `
            -Expires ([DateTime]::UtcNow.AddMonths(1)) -WhatIf -ErrorAction SilentlyContinue -ErrorVariable whatIfErr | Out-Null
        $whatIfErr.Count | Should -Be 0 -Because 'under -WhatIf the refusal is the What if answer (WhatIf.Tests.ps1), not an error'
        @(Get-HwComplianceException).Count | Should -Be 0
    }

    It 'takes exceptions from Import-Csv rows by property name, and Remove- takes them from Get- by Id' {
        $csv = Join-Path $TestDrive 'exceptions.csv'
        [pscustomobject]@{ RuleId = 'HW-LIM-001'; Account = $insta; Subject = $insta; Justification = 'Campaign'; ApprovedBy = $manager; Expires = [DateTime]::UtcNow.AddMonths(2).ToString('o') } |
            Export-Csv $csv -NoTypeInformation
        $made = @(Import-Csv $csv | New-HwComplianceException)
        $made.Id | Should -Be 'EXC-0001'
        Get-HwComplianceException -Id 'EXC-*' | Remove-HwComplianceException -Reason 'Campaign over' -Confirm:$false
        @(Get-HwComplianceException).Count | Should -Be 0
        (Get-HwAuditLog -Action ComplianceExceptionRemoved).Reason | Should -Be 'Campaign over'
        Remove-HwComplianceException -Id EXC-0001 -Reason r -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ExceptionNotFound,*'
    }

    It 'completes exception ids, rule ids and account names' {
        New-HwTestException | Out-Null
        $line = 'Remove-HwComplianceException -Id EXC'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('EXC-0001')
        $line = 'New-HwComplianceException -RuleId HW-LIM'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('HW-LIM-001')
        $line = 'New-HwComplianceException -Account insta'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $insta
    }

    It 'shows exceptions and changes in tables that fit 80 and 120 columns, with list views' {
        New-HwTestException | Out-Null
        $path = Join-Path $TestDrive 'now.json'
        Export-HwComplianceReport -Path $path | Out-Null
        foreach ($width in 80, 120) {
            foreach ($text in @((Get-HwComplianceException | Format-Table | Out-String -Width $width), (Compare-HwComplianceReport $path | Format-Table | Out-String -Width $width))) {
                foreach ($l in $text -split "`n") { $l.TrimEnd().Length | Should -BeLessOrEqual $width }
                $text | Should -Not -Match '…' # wrapped, never cut
            }
        }
        (Get-HwComplianceException | Format-List | Out-String) | Should -Match 'Justification\s*:\s*Campaign month'
        (Compare-HwComplianceReport $path | Format-List | Out-String) | Should -Match 'DifferenceStatus'
    }
}

Describe 'Saved reports, Compare-HwComplianceReport and the action plan' -Tag 'Compliance' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'writes a JSON report with its provenance that validates against the schema shipped in the module' {
        $schema | Should -Exist
        New-HwTestException | Out-Null
        $path = Join-Path $TestDrive 'report.json'
        (Export-HwComplianceReport -Path $path).Name | Should -Be 'report.json'
        Test-Json -Path $path -SchemaFile $schema | Should -BeTrue
        $r = Get-Content -Raw $path | ConvertFrom-Json
        $r.schemaVersion | Should -Be 1
        $r.run.actor | Should -Be (Get-HwConnection).Actor
        $r.run.actor | Should -Be (Get-HwAuditLog -Last 1).Actor
        $r.run.moduleVersion | Should -Be (Get-Module HealthwatchPolicy).Version.ToString()
        $r.run.policyVersion | Should -Be '2018.10'
        $r.run.witness | Should -Match '^\d+:[0-9a-f]{64}$'
        @($r.findings).Count | Should -Be 10
        ($r.findings | Where-Object status -EQ 'Suppressed').exception.approvedBy | Should -Be $manager
        $html = Get-Content -Raw (Export-HwComplianceReport -Path (Join-Path $TestDrive 'r.html'))
        $html | Should -Match 'About this report'
        $html | Should -Match ([regex]::Escape($r.run.witness))
    }

    It 'compares two saved reports around a grant and a revoke to the right New and Fixed findings' {
        $before = Join-Path $TestDrive 'before.json'
        Export-HwComplianceReport -Path $before | Out-Null
        Revoke-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Left in October'
        # A grant made in the admin centre, not through the module: the report finds it (HW-AUT-001).
        $dir = Join-Path (Get-HwConnection).StatePath '../directory.json'
        $doc = Get-Content -Raw $dir | ConvertFrom-Json
        $nadia = ($doc.users | Where-Object userPrincipalName -EQ 'nadia.khan@hwsefton.example').id
        $group = $doc.groups | Where-Object displayName -EQ 'HW-Posting-youtube-healthwatchsefton'
        $group.members = @($group.members) + $nadia
        $doc | ConvertTo-Json -Depth 20 | Set-Content $dir
        $after = Join-Path $TestDrive 'after.json'
        Export-HwComplianceReport -Path $after -Previous $before | Out-Null
        Test-Json -Path $after -SchemaFile $schema | Should -BeTrue

        $changes = @(Compare-HwComplianceReport -ReferenceReport $before -DifferenceReport $after)
        ($changes | Where-Object Change -EQ New).Key | Should -Be 'HW-AUT-001|youtube-healthwatchsefton|nadia.khan@hwsefton.example'
        ($changes | Where-Object Change -EQ Fixed).Key | Should -Be 'HW-ELG-001|facebook-healthwatchsefton|jason.turner@hwsefton.example'
        @($changes | Where-Object Change -EQ StillOpen).Count | Should -Be 9
        # Without -DifferenceReport: the directory now, which is what after.json says.
        (@(Compare-HwComplianceReport $before) | ForEach-Object { "$($_.Change) $($_.Key)" }) | Should -Be ($changes | ForEach-Object { "$($_.Change) $($_.Key)" })
        $md = Get-Content -Raw (Export-HwComplianceReport -Path (Join-Path $TestDrive 'since.md') -Previous $before)
        $md | Should -Match '## Since the last report'
        $md | Should -Match '\| New \| High \| HW-AUT-001 \| youtube-healthwatchsefton \| nadia.khan@hwsefton.example \|'
    }

    It 'refuses a file that is not a saved report with ReportInvalid naming the parameter' {
        $bad = Join-Path $TestDrive 'bad.json'
        '{"kind":"Other"}' | Set-Content $bad
        Compare-HwComplianceReport -ReferenceReport $bad -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ReportInvalid,HealthwatchPolicy.Commands.CompareHwComplianceReportCommand'
        $err[0].ErrorDetails.Message | Should -BeLike '-ReferenceReport:*'
        foreach ($text in '{"a":1}', '{"kind":"HealthwatchComplianceReport","schemaVersion":1,"findings":null}') {
            $text | Set-Content $bad
            $err = $null
            $changes = @(Compare-HwComplianceReport -ReferenceReport $bad -ErrorAction SilentlyContinue -ErrorVariable err)
            $changes.Count | Should -Be 0
            $err[0].FullyQualifiedErrorId | Should -Be 'ReportInvalid,HealthwatchPolicy.Commands.CompareHwComplianceReportCommand'
            $err[0].ErrorDetails.Message | Should -BeLike "*bad.json*not a valid saved compliance report*"
        }
        { Export-HwComplianceReport -Path (Join-Path $TestDrive 'x.html') -Previous $bad } | Should -Throw -ErrorId 'ReportInvalid,HealthwatchPolicy.Commands.ExportHwComplianceReportCommand'
    }

    It 'writes an action plan that Import-Csv reads back without losing the finding key' {
        New-HwTestException | Out-Null
        $plan = Join-Path $TestDrive 'plan.csv'
        Export-HwComplianceReport -Path $plan -Format ActionPlan | Out-Null
        $rows = @(Import-Csv $plan)
        $open = @(Get-HwComplianceReport | Where-Object Status -EQ 'Open')
        $rows.Count | Should -Be $open.Count
        ($rows.Key | Sort-Object) | Should -Be ($open.Key | Sort-Object)
        ($rows[0].PSObject.Properties.Name) | Should -Be @('Key', 'RuleId', 'Severity', 'Account', 'Subject', 'Title', 'Evidence', 'Remediation', 'ClauseId', 'Owner', 'DueDate', 'Notes')
        $rows | ForEach-Object { $_.Owner + $_.DueDate + $_.Notes | Should -BeNullOrEmpty }
        # Filled in and saved again by Export-Csv, it still reads back with the same keys.
        $rows | ForEach-Object { $_.Owner = 'daniel.okafor@hwsefton.example' }
        $rows | Export-Csv $plan -NoTypeInformation
        (@(Import-Csv $plan).Key | Sort-Object) | Should -Be ($open.Key | Sort-Object)
        $rows.Key | Should -Not -Contain 'HW-LIM-001|instagram-healthwatchsefton|instagram-healthwatchsefton'
    }
}
