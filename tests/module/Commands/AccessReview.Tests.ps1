BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'The monthly access review cmdlets' -Tag 'Review' {
    BeforeEach {
        $connection = Connect-HwTestSample
        $outbox = Join-Path $connection.StatePath 'outbox'
    }

    It 'starts once per month, snapshotting every poster with a reviewer' {
        $r = Start-HwAccessReview -Period 2026-11
        $r.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Reviews.AccessReview'
        $r.Items.Count | Should -Be 17
        ($r.Items | Where-Object { $_.Account -eq 'facebook-healthwatchsefton' -and $_.User -eq 'daniel.okafor@hwsefton.example' }).Reviewer |
            Should -Be 'sarah.whitfield@hwsefton.example'   # the owner's own access goes to the Manager
        $again = Start-HwAccessReview -Period 2026-11 -Verbose 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*already*' }).Message |
            Should -BeLike '*already started*nothing new*'
        @(Get-HwAccessReview).Count | Should -Be 1
        @(Get-HwAuditLog -Action AccessReviewStarted).Count | Should -Be 1
    }

    It 'mails each reviewer once (.eml files in the outbox on the local directory), then reminds only those with undecided items' {
        Start-HwAccessReview -Period 2026-11 | Out-Null
        $sent = Send-HwAccessReview
        $sent[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Reviews.ReviewMailRecord'
        $reviewers = (Get-HwAccessReview -Item).Reviewer | Sort-Object -Unique
        ($sent.Recipient | Sort-Object) | Should -Be $reviewers
        @(Get-ChildItem $outbox -Filter *.eml).Count | Should -Be $sent.Count
        Get-Content -Raw (Get-ChildItem $outbox -Filter *.eml | Select-Object -First 1) | Should -Match 'Content-Type: text/html'
        Get-HwAccessReview -Pending | Where-Object Reviewer -NE 'sarah.whitfield@hwsefton.example' |
            ForEach-Object { Complete-HwAccessReview -Account $_.Account -User $_.User -Decision Keep -Justification 'Still on the rota' } | Out-Null
        (Send-HwAccessReview -Reminder).Recipient | Should -Be 'sarah.whitfield@hwsefton.example'
    }

    It 'records decisions from Import-Csv; Remove revokes at once and is journaled; a bad row is one error' {
        Start-HwAccessReview | Out-Null
        $csv = Join-Path $TestDrive 'decisions.csv'
        Get-HwAccessReview -Pending | Where-Object Account -EQ 'facebook-healthwatchsefton' |
            Select-Object Account, User, @{ n = 'Decision'; e = { if ($_.User -like 'jason*') { 'Remove' } else { 'Keep' } } }, @{ n = 'Justification'; e = { 'Monthly review' } } |
            Export-Csv $csv -NoTypeInformation
        Add-Content $csv '"facebook-healthwatchsefton","nobody@hwsefton.example","Keep","x"'
        $done = Import-Csv $csv | Complete-HwAccessReview -ErrorVariable e -ErrorAction SilentlyContinue
        $done.Count | Should -Be 3
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'ReviewItemNotFound,HealthwatchPolicy.Commands.CompleteHwAccessReviewCommand'
        ($done | Where-Object User -Like 'jason*').Outcome | Should -Be 'Revoked'
        (Get-HwPostingAccess -Account facebook-healthwatchsefton).User | Should -Not -Contain 'jason.turner@hwsefton.example'
        (Get-HwAuditLog -Action PostingAccessRevoked -Last 1).Reason | Should -BeLike 'Access review *: Monthly review'
        Get-HwComplianceReport -RuleId HW-ELG-001 | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        Start-HwAccessReview | Out-Null
        $w = Invoke-HwWhatIf { Complete-HwAccessReview -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Decision Remove -Justification x -WhatIf }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*jason.turner@hwsefton.example*'
        (Get-HwPostingAccess -Account facebook-healthwatchsefton).User | Should -Contain 'jason.turner@hwsefton.example'
        $w = Invoke-HwWhatIf { Send-HwAccessReview -WhatIf }
        $w.WhatIf | Should -Not -BeNullOrEmpty
        Test-Path $outbox | Should -BeFalse
    }

    It 'does not escalate or close before the dates the policy sets' {
        Start-HwAccessReview | Out-Null
        Send-HwAccessReview -Escalate | Should -BeNullOrEmpty
        Close-HwAccessReview -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ReviewNotDue,HealthwatchPolicy.Commands.CloseHwAccessReviewCommand'
    }

    It 'says when there is no review to work on' {
        Send-HwAccessReview -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'ReviewNotFound,HealthwatchPolicy.Commands.SendHwAccessReviewCommand'
        $e[0].Exception.Message | Should -BeLike '*Start-HwAccessReview*'
    }

    It 'mails the compliance report to the Manager' {
        $m = Send-HwComplianceReport
        $m.Recipient | Should -Be 'sarah.whitfield@hwsefton.example'
        $m.Subject | Should -BeLike 'Social media policy compliance: Fail*'
        $eml = Get-ChildItem $outbox -Filter *.eml | Select-Object -First 1
        Get-Content -Raw $eml | Should -Match 'To: .*sarah.whitfield@hwsefton.example'
    }

    It 'does what is due now once with Update-HwAccessReview, and nothing with -WhatIf' {
        $w = Invoke-HwWhatIf { Update-HwAccessReview -WhatIf }
        $w.WhatIf | Should -Not -BeNullOrEmpty
        $w.Output | Should -BeNullOrEmpty
        @(Get-HwAccessReview).Count | Should -Be 0
        Test-Path $outbox | Should -BeFalse
        $steps = @(Update-HwAccessReview -Confirm:$false)
        $steps[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Reviews.ReviewScheduleStep'
        ($steps.Kind -join ',') | Should -Be 'ReviewStarted,ReviewMailSent,ComplianceReportMailed'
        $steps[1].Mail.Count | Should -Be (@(Get-ChildItem $outbox -Filter *.eml).Count - 1)   # every .eml but the compliance report
        @(Update-HwAccessReview -Confirm:$false).Count | Should -Be 0
        @(Get-HwAuditLog -Action AccessReviewStarted).Count | Should -Be 1
    }

    It 'refuses a review period in the future (2099-12), and a review from the future neither hides the one due nor goes unreported' {
        $r = Start-HwAccessReview
        $reviews = Join-Path $connection.StatePath 'reviews'
        $text = Get-Content -Raw (Join-Path $reviews "$($r.Period).json")
        # the review's due date passed (as if the month had gone by) with all 17 decisions missing
        $overdue = $text -replace '"dueAt": "[^"]*"', ('"dueAt": "{0}"' -f [DateTimeOffset]::UtcNow.AddDays(-1).ToString('o'))
        [IO.File]::WriteAllText((Join-Path $reviews "$($r.Period).json"), $overdue)
        $before = (Get-HwComplianceReport -RuleId HW-REV-001).Evidence
        $before | Should -BeLike "The $($r.Period) access review was due on * and 17 decisions are still missing."

        Start-HwAccessReview -Period 2099-12 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'PeriodInFuture,HealthwatchPolicy.Commands.StartHwAccessReviewCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].TargetObject | Should -Be '2099-12'
        $e[0].Exception.Message | Should -BeLike 'The review period 2099-12 is after the current month*'
        @(Get-HwAccessReview).Period | Should -Be @($r.Period)
        @(Get-HwAuditLog -Action AccessReviewStarted).Count | Should -Be 1
        foreach ($call in { Send-HwAccessReview -Period 2099-12 -ErrorAction Stop },
                          { Complete-HwAccessReview -Period 2099-12 -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Decision Keep -Justification x -ErrorAction Stop },
                          { Close-HwAccessReview -Period 2099-12 -Confirm:$false -ErrorAction Stop }) {
            ($call | Should -Throw -PassThru).FullyQualifiedErrorId | Should -BeLike 'PeriodInFuture,HealthwatchPolicy.Commands.*'
        }
        Get-HwAccessReview -Period 2099-12 -ErrorAction Stop | Should -BeNullOrEmpty   # reading one is allowed: there is none
        (Get-HwComplianceReport -RuleId HW-REV-001).Evidence | Should -Be $before

        # a review left behind by a run under a clock set to 2099
        $future = $text -replace ('"' + $r.Period + '"'), '"2099-12"' -replace '"startedAt": "[^"]*"', '"startedAt": "2099-12-01T09:00:00+00:00"'
        [IO.File]::WriteAllText((Join-Path $reviews '2099-12.json'), $future)
        (Get-HwComplianceReport -RuleId HW-REV-001).Evidence | Should -Be $before
        $found = @(Get-HwComplianceReport -RuleId HW-REV-003)
        $found.Count | Should -Be 1
        $found[0].Subject | Should -Be 'Access review 2099-12'
        $found[0].Severity | Should -Be 'High'
        (Get-HwAccessReview -Period 2099-12).StatusAt([DateTimeOffset]::UtcNow) | Should -Be 'DatedInFuture'
        @(Get-HwAccessReview -Pending).Period | Sort-Object -Unique | Should -Be $r.Period
        (Complete-HwAccessReview -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Decision Keep -Justification 'Still on the rota').Period |
            Should -Be $r.Period
    }

    It 'refuses -Period <Period> with PeriodInvalid in every review cmdlet' -ForEach @(
        @{ Period = '0000-01' }, @{ Period = '0001-01' }, @{ Period = '1999-12' }, @{ Period = "$([char]0x0662)$([char]0x0660)$([char]0x0662)$([char]0x0666)-10" }
    ) {
        foreach ($call in { Start-HwAccessReview -Period $Period -ErrorAction Stop },
                          { Get-HwAccessReview -Period $Period -ErrorAction Stop },
                          { Send-HwAccessReview -Period $Period -ErrorAction Stop },
                          { Complete-HwAccessReview -Period $Period -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Decision Keep -Justification x -ErrorAction Stop },
                          { Close-HwAccessReview -Period $Period -Confirm:$false -ErrorAction Stop }) {
            $err = $call | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PeriodInvalid,HealthwatchPolicy.Commands.*'
            "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $err.ErrorDetails.Message | Should -BeLike '-Period: A review period is a month written yyyy-MM with ASCII digits, from 2000-01 to 2099-12*'
        }
        @(Get-HwAccessReview).Count | Should -Be 0
    }

    It 'reports a stored review whose period is 0000-01 as HW-REV-004, and the report and the schedule still run' {
        $r = Start-HwAccessReview
        $reviews = Join-Path $connection.StatePath 'reviews'
        $text = Get-Content -Raw (Join-Path $reviews "$($r.Period).json")
        [IO.File]::WriteAllText((Join-Path $reviews '0000-01.json'), ($text -replace ('"' + $r.Period + '"'), '"0000-01"'))
        Remove-Item (Join-Path $reviews "$($r.Period).json")
        $found = @(Get-HwComplianceReport -RuleId HW-REV-004)
        $found.Count | Should -Be 1
        $found[0].Subject | Should -Be 'Access review 0000-01'
        @(Get-HwComplianceReport).Count | Should -BeGreaterThan 1
        $steps = @(Update-HwAccessReview -Confirm:$false)
        $steps.Period | Should -Not -Contain '0000-01'
        @(Get-HwAccessReview -Pending).Period | Should -Not -Contain '0000-01'
    }

    It 'explains how to schedule on a system without Task Scheduler' -Skip:$IsWindows {
        $err = { Register-HwAccessReviewTask -TenantId contoso.onmicrosoft.com -ClientId 0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87 -CertificateThumbprint 3C1F9A2B7D4E6F8091A2B3C4D5E6F708192A3B4C -From f@hwsefton.example -StatePath $TestDrive } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TaskSchedulerUnavailable,HealthwatchPolicy.Commands.RegisterHwAccessReviewTaskCommand'
        $err.Exception.Message | Should -BeLike '*docs/scheduling.md*'
    }
}

Describe 'Invoke-HwMonthlyAccessReview.ps1, the unattended job' -Tag 'Review', 'Scenario' {
    It 'runs the month''s steps on a local organisation, logs a transcript and exits 2 when the report finds High findings' {
        $org = Join-Path $TestDrive 'org'
        Connect-HwDirectory -Sample -Path $org | Out-Null
        $state = Join-Path $TestDrive 'state'
        $script = Join-Path (Split-Path (Get-HwBuiltManifest)) 'Invoke-HwMonthlyAccessReview.ps1'
        $r = Invoke-HwChildPwsh -Command "& '$script' -OrganisationPath '$org' -StatePath '$state'; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 2 -Because ($r.Output -join "`n")
        ($r.Output -join "`n") | Should -Match 'Compliance: Fail'
        @(Get-ChildItem (Join-Path $state 'logs') -Filter 'monthly-access-review-*.log').Count | Should -Be 1
        @(Get-ChildItem (Join-Path $state 'reports') -Filter '*.html').Count | Should -Be 1
        @(Get-ChildItem (Join-Path $state 'outbox') -Filter '*.eml').Count | Should -BeGreaterThan 0
        @(Get-ChildItem (Join-Path $state 'reviews') -Filter '*.json').Count | Should -Be 1
        # the compliance report went to the Manager (the first report in this state folder)
        ($r.Output -join "`n") | Should -Match 'Compliance report mailed to sarah.whitfield@hwsefton.example'
        # issue 15: the daily sync revoked the sample's disabled poster (lifecycle.disabled: Revoke) and the volunteer past
        # her leave date (lifecycle.leaveDate: Revoke), each journaled once, and left the trustee in place (lifecycle.ineligibleType: Flag)
        ($r.Output -join "`n") | Should -Match 'Sync: Revoked jason\.turner@hwsefton\.example on facebook-healthwatchsefton \(Disabled\)'
        ($r.Output -join "`n") | Should -Match 'Sync: Revoked patricia\.walsh@hwsefton\.example on whatsapp-hwseftonvolunteers \(LeaveDate\)'
        ($r.Output -join "`n") | Should -Match 'Sync: Flagged graham\.pritchard@hwsefton\.example on linkedin-healthwatch-sefton \(IneligibleType\)'
        $journal = Join-Path $state 'journal.jsonl'
        function Get-SyncRevocation { @(Get-Content $journal | ConvertFrom-Json | Where-Object { $_.action -eq 'PostingAccessRevoked' -and $_.reason -like 'Sync-HwPostingAccess*' }) }
        (Get-SyncRevocation).Count | Should -Be 2
        # a second run the same day opens nothing new and sends no review mail again
        function Get-ReviewMail { @(Get-ChildItem (Join-Path $state 'outbox') -Filter '*.eml' | Where-Object { -not (Select-String -Path $_ -Pattern '^Subject: Social media policy compliance' -Quiet) }) }
        $mails = (Get-ReviewMail).Count
        $mails | Should -BeGreaterThan 0
        $r2 = Invoke-HwChildPwsh -Command "& '$script' -OrganisationPath '$org' -StatePath '$state'; exit `$LASTEXITCODE"
        $r2.ExitCode | Should -Be 2
        (Get-ReviewMail).Count | Should -Be $mails
        @(Get-ChildItem (Join-Path $state 'reviews') -Filter '*.json').Count | Should -Be 1
        # the second day's sync has nothing left to revoke
        ($r2.Output -join "`n") | Should -Not -Match 'Sync: Revoked'
        (Get-SyncRevocation).Count | Should -Be 2
    }
}
