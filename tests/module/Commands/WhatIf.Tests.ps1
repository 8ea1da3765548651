# Issue 14 item 3 (docs/decisions/0161): -WhatIf runs the change's reads and checks (plan mode) and says what would
# happen: "would be refused: <reason> (policy clause <id>, <error id>)", "would <do>", or "would change nothing".
# Nothing is written: no journal entry, no directory change, no lock file. -WhatIf text goes to the host, so each
# case runs in a child pwsh and reads its standard output.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule

    function Invoke-HwWhatIf([string] $Script, [string] $Setup = '') {
        $org = Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
        $r = Invoke-HwChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-HwBuiltManifest)'
Connect-HwDirectory -Sample -Path '$org' | Out-Null
$Setup
`$journal = @(Get-HwAuditLog).Count
`$hash = (Get-FileHash '$org/directory.json').Hash
`$reviews = @(Get-ChildItem -Recurse '$org/state' -Filter *.json -ErrorAction SilentlyContinue | Get-FileHash).Hash -join ','
$Script
"JOURNAL-SAME=`$(`$journal -eq @(Get-HwAuditLog).Count)"
"DIRECTORY-SAME=`$(`$hash -eq (Get-FileHash '$org/directory.json').Hash)"
"STATE-SAME=`$(`$reviews -eq (@(Get-ChildItem -Recurse '$org/state' -Filter *.json -ErrorAction SilentlyContinue | Get-FileHash).Hash -join ','))"
"LOCKS=`$(@(Get-ChildItem -Recurse '$org' -Filter *.lock).Count)"
"@
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output
    }

    function Assert-NothingWritten([string[]] $lines, [switch] $LocksAllowed) {
        $lines | Should -Contain 'JOURNAL-SAME=True'
        $lines | Should -Contain 'DIRECTORY-SAME=True'
        $lines | Should -Contain 'STATE-SAME=True'
        if (-not $LocksAllowed) { $lines | Should -Contain 'LOCKS=0' }
    }
}

Describe '-WhatIf says what would happen (issue 14)' -Tag 'WhatIf' {
    It 'Suspend-HwPosting -WhatIf names who would be removed, and says an account already paused would change nothing (not "remove nobody")' {
        $out = Invoke-HwWhatIf -Setup "Suspend-HwPosting -Account facebook-seftonyounglisteners -Reason 'Compromise' -Confirm:`$false | Out-Null" -Script @'
Suspend-HwPosting -Account facebook-seftonyounglisteners -Reason 'Again' -WhatIf
Suspend-HwPosting -Account instagram-healthwatchsefton -Reason 'Drill' -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 2 -Because ($out -join "`n")
        $what[0] | Should -BeLike "What if: Pause posting for official account 'facebook-seftonyounglisteners': would change nothing: already paused since * UTC (Compromise)"
        $what[1] | Should -BeLike "What if: Pause posting for official account 'instagram-healthwatchsefton': would remove *@hwsefton.example*"
        $what[1] | Should -Not -BeLike '*nobody*'
        Assert-NothingWritten $out -LocksAllowed   # the setup's real pause left its lock files
    }

    It 'Grant-HwPostingAccess -WhatIf names each refusal, with its clause, and the grant that would go ahead; nothing is written' {
        $out = Invoke-HwWhatIf @'
Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User nobody@hwsefton.example -Reason 'Youth panel' -WhatIf
Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User 'priya.shah_gmail.com#EXT#@hwsefton.example' -Reason 'Youth panel' -WhatIf
Grant-HwPostingAccess -Account instagram-healthwatchsefton -User rebecca.lloyd@hwsefton.example -Reason 'Youth panel' -WhatIf
Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason '' -WhatIf
Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason 'Youth panel' -WhatIf
Grant-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Back' -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 6 -Because ($out -join "`n")
        $what[0] | Should -BeLike "What if: Grant posting access for 'nobody@hwsefton.example' on official account 'facebook-seftonyounglisteners': would be refused: There is no user 'nobody@hwsefton.example'* (UserNotFound)"
        $what[1] | Should -BeLike '*: would be refused: *guest accounts may not post* (policy clause SMP-3.2, PosterIsGuest)'
        $what[2] | Should -BeLike "*: would be refused: 'instagram-healthwatchsefton' already has 4 posters; the policy allows at most 3* (policy clause SMP-3.2, PosterLimitReached)"
        $what[3] | Should -BeLike '*: would be refused: A reason is required* (ReasonRequired)'
        $what[4] | Should -BeExactly "What if: Grant posting access for 'rebecca.lloyd@hwsefton.example' on official account 'facebook-seftonyounglisteners': would grant"
        $what[5] | Should -BeLike "*: would change nothing: 'jason.turner@hwsefton.example' can already post to 'facebook-healthwatchsefton'; but *directory account is disabled (policy clause SMP-3.2, PosterDisabled)"
        Assert-NothingWritten $out
    }

    It 'Grant-HwPostingAccess -WhatIf without -Until says when a volunteer''s access would end by the policy' {
        $out = Invoke-HwWhatIf @'
Grant-HwPostingAccess -Account twitter-hw-sefton -User dev.patel@hwsefton.example -Reason 'Placement' -WhatIf
Grant-HwPostingAccess -Account twitter-hw-sefton -User nadia.khan@hwsefton.example -Reason 'Staff' -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 2 -Because ($out -join "`n")
        $end = [DateTimeOffset]::UtcNow.AddDays(180).ToString('yyyy-MM-dd')
        $what[0] | Should -BeLike "What if: Grant posting access for 'dev.patel@hwsefton.example' on official account 'twitter-hw-sefton': would grant until $end * UTC (*lifecycle.maxAccessDays)"
        $what[1] | Should -BeLike "*'nadia.khan@hwsefton.example'*: would grant"
        Assert-NothingWritten $out
    }

    It 'every change cmdlet where a check can refuse says so under -WhatIf, and writes nothing' {
        $out = Invoke-HwWhatIf @'
New-HwOfficialAccount -Platform Facebook -Handle NewPage -Owner kate.singleton@hwsefton.example -ConsentBy kate.singleton@hwsefton.example -Reason 'New page' -WhatIf
New-HwOfficialAccount -Platform Facebook -Handle NewPage -Owner kate.singleton@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason 'New page' -WhatIf
Set-HwOfficialAccount -Name twitter-hw-sefton -Owner jason.turner@hwsefton.example -Reason 'Handover' -WhatIf
Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason 'Closing' -WhatIf
Revoke-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Left' -WhatIf
Revoke-HwPostingAccess -Account facebook-healthwatchsefton -User rebecca.lloyd@hwsefton.example -Reason 'Left' -WhatIf
Add-HwPolicyAcknowledgement -User kate.singleton@hwsefton.example -Reason 'Briefing' -WhatIf
Repair-HwAuditLog -Reason 'Torn' -WhatIf
Close-HwAccessReview -WhatIf
Start-HwAccessReview -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 10 -Because ($out -join "`n")
        $what[0] | Should -BeLike '*would be refused: *cannot consent to their own account (policy clause SMP-3.1, AccountConsentInvalid)'
        $what[1] | Should -BeLike '*: would create it'
        $what[2] | Should -BeLike "*would be refused: The new owner 'jason.turner@hwsefton.example' is disabled* (policy clause SMP-3.1, AccountOwnerDisabled)"
        $what[3] | Should -BeLike '*: would retire it'
        $what[4] | Should -BeLike '*: would revoke'
        $what[5] | Should -BeLike "*: would change nothing: 'rebecca.lloyd@hwsefton.example' cannot post to 'facebook-healthwatchsefton'"
        $what[6] | Should -BeLike '*: would change nothing: *already acknowledged version 2018.10'
        $what[7] | Should -BeLike '*: would change nothing: the journal has no torn final line'
        $what[8] | Should -BeLike '*: would be refused: There is no open access review* (ReviewNotFound)'
        $what[9] | Should -BeLike '*for access review ????-??: would start it'
        Assert-NothingWritten $out
    }

    It 'Complete-HwAccessReview and Close-HwAccessReview -WhatIf on an open review: decisions and refusals, nothing written' {
        $setup = "Start-HwAccessReview -Confirm:`$false | Out-Null`nComplete-HwAccessReview -Account facebook-healthwatchsefton -User aisha.rahman@hwsefton.example -Decision Keep -Justification 'Runs events' -Confirm:`$false | Out-Null"
        $out = Invoke-HwWhatIf -Setup $setup @'
Complete-HwAccessReview -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Decision Remove -Justification 'Left' -WhatIf
Complete-HwAccessReview -Account facebook-healthwatchsefton -User nobody@hwsefton.example -Decision Keep -Justification 'x' -WhatIf
Complete-HwAccessReview -Account facebook-healthwatchsefton -User aisha.rahman@hwsefton.example -Decision Keep -Justification 'Runs events' -WhatIf
Close-HwAccessReview -WhatIf
Start-HwAccessReview -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 5 -Because ($out -join "`n")
        $what[0] | Should -BeLike '*: would record Remove and revoke'
        $what[1] | Should -BeLike '*: would be refused: *has no item for*nobody@hwsefton.example* (ReviewItemNotFound)'
        $what[2] | Should -BeLike '*: would change nothing: the decision Keep is already recorded'
        $what[3] | Should -BeLike '*: would be refused: *undecided item(s)* (ReviewNotDue)'
        $what[4] | Should -BeLike '*: would change nothing: the access review * was already started on *'
        Assert-NothingWritten $out -LocksAllowed   # the lock file is the setup's (the real changes before)
    }

    It 'Remove-HwComplianceException -WhatIf: an unknown id would be refused (as the real run is), a known one would be removed; nothing written' {
        $setup = "New-HwComplianceException -RuleId HW-LIM-001 -Account instagram-healthwatchsefton -Subject instagram-healthwatchsefton -Justification 'Campaign month' -ApprovedBy sarah.whitfield@hwsefton.example -Expires ([DateTime]::UtcNow.AddMonths(2)) -Confirm:`$false | Out-Null"
        $out = Invoke-HwWhatIf -Setup $setup @'
Remove-HwComplianceException -Id EXC-9999 -Reason 'Ended' -WhatIf
Remove-HwComplianceException -Id EXC-0001 -Reason 'Ended' -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 2 -Because ($out -join "`n")
        $what[0] | Should -BeLike "What if: Remove it: * for compliance exception 'EXC-9999': would be refused: There is no compliance exception 'EXC-9999'* (ExceptionNotFound)"
        $what[1] | Should -BeLike "*for compliance exception 'EXC-0001': would remove it"
        Assert-NothingWritten $out -LocksAllowed   # the lock file is the setup's
        Connect-HwTestSample | Out-Null
        Remove-HwComplianceException -Id EXC-9999 -Reason 'Ended' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable real
        $real[0].FullyQualifiedErrorId | Should -BeLike 'ExceptionNotFound,*'   # the real run refuses it, as -WhatIf said
    }

    It 'New-HwComplianceException -WhatIf: an approver without the role or a term past the longest would be refused, a good one would suppress; nothing written' {
        $out = Invoke-HwWhatIf @'
New-HwComplianceException -RuleId HW-LIM-001 -Account instagram-healthwatchsefton -Justification 'Campaign month' -ApprovedBy daniel.okafor@hwsefton.example -Expires ([DateTime]::UtcNow.AddMonths(2)) -WhatIf
New-HwComplianceException -RuleId HW-LIM-001 -Account instagram-healthwatchsefton -Justification 'Campaign month' -ApprovedBy sarah.whitfield@hwsefton.example -Expires ([DateTime]::UtcNow.AddYears(5)) -WhatIf
New-HwComplianceException -RuleId HW-LIM-001 -Account instagram-healthwatchsefton -Justification 'Campaign month' -ApprovedBy sarah.whitfield@hwsefton.example -Expires ([DateTime]::UtcNow.AddMonths(2)) -WhatIf
'@
        $what = @($out | Where-Object { $_ -like 'What if:*' })
        $what.Count | Should -Be 3 -Because ($out -join "`n")
        $what[0] | Should -BeLike '*: would be refused: * (ExceptionApproverNotInRole)'
        $what[1] | Should -BeLike '*: would be refused: * (ExceptionTermTooLong)'
        $what[2] | Should -BeLike '*compliance findings of HW-LIM-001*: would suppress them until * UTC'
        Assert-NothingWritten $out
    }

    It 'a grant to a poster who fails the checks answers AlreadyGranted and warns with the check that applies' {
        Connect-HwTestSample | Out-Null
        $before = @(Get-HwAuditLog).Count
        $r = Grant-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Back again' -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue
        $r.Status | Should -Be 'AlreadyGranted'
        $w.Count | Should -Be 1
        "$($w[0])" | Should -BeLike "'jason.turner@hwsefton.example' can already post to 'facebook-healthwatchsefton' (nothing changed), but this access fails a check: *directory account is disabled (policy clause SMP-3.2, PosterDisabled)*"
        @(Get-HwAuditLog).Count | Should -Be $before
        $ok = Grant-HwPostingAccess -Account facebook-healthwatchsefton -User aisha.rahman@hwsefton.example -Reason 'Again' -Confirm:$false -WarningVariable w2 -WarningAction SilentlyContinue
        $ok.Status | Should -Be 'AlreadyGranted'
        $w2.Count | Should -Be 0
    }
}
