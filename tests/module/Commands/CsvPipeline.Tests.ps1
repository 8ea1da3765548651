# Issue 14 item 2 (docs/decisions/0160): Import-Csv | Grant-HwPostingAccess gives one error per bad row, naming the
# row's account and user; Import-Csv decisions.csv | Complete-HwAccessReview skips undecided rows with one warning.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'CSV pipelines name their rows (issue 14)' -Tag 'Csv' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'grants.csv with 3 bad rows of different kinds and 2 good ones: exactly 3 errors, each naming its row, and 2 grants' {
        $csv = Join-Path $TestDrive 'grants.csv'
        @'
Account,User,Reason
twitter-hw-sefton,kate.singleton@hwsefton.example,Covers the press office
youtube-healthwatchsefton,nobody@hwsefton.example,New starter
linkedin-healthwatch-sefton,priya.shah_gmail.com#EXT#@hwsefton.example,Guest helper
twitter-hw-sefton,rebecca.lloyd@hwsefton.example,
whatsapp-hwseftonvolunteers,susan.kelly@hwsefton.example,Volunteer coordinator
'@ | Set-Content $csv
        $before = @(Get-HwAuditLog).Count
        $out = @(Import-Csv $csv | Grant-HwPostingAccess -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue)
        $out.Status | Should -Be @('Granted', 'Granted')
        $e.Count | Should -Be 3
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $e[1].FullyQualifiedErrorId | Should -BeLike 'PosterIsGuest,*'
        $e[2].FullyQualifiedErrorId | Should -BeLike 'ReasonRequired,*'
        foreach ($pair in @(@(0, 'youtube-healthwatchsefton', 'nobody@hwsefton.example'), @(1, 'linkedin-healthwatch-sefton', 'priya.shah_gmail.com#EXT#@hwsefton.example'), @(2, 'twitter-hw-sefton', 'rebecca.lloyd@hwsefton.example'))) {
            "$($e[$pair[0]])" | Should -BeLike "*$($pair[1])*"
            "$($e[$pair[0]])".Contains($pair[2]) | Should -BeTrue -Because "$($e[$pair[0]])"
        }
        "$($e[2])" | Should -Not -Match 'Cannot validate argument|Cannot bind argument'
        @(Get-HwAuditLog).Count | Should -Be ($before + 2)
    }

    It 'decisions.csv with undecided rows: they are skipped with one warning naming them; an empty justification is an error naming its row' {
        Start-HwAccessReview -Confirm:$false | Out-Null
        $path = Join-Path $TestDrive 'decisions.csv'
        Get-HwAccessReview -Pending | Export-Csv $path
        $rows = @(Import-Csv $path)
        $rows[0].Decision = 'Keep'; $rows[0].Justification = 'Still runs the page'
        $rows[1].Decision = 'Keep'; $rows[1].Justification = ''
        $rows | Export-Csv $path
        $done = @(Import-Csv $path | Complete-HwAccessReview -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue -WarningVariable w -WarningAction SilentlyContinue)
        $done.Count | Should -Be 1
        $done[0].Decision | Should -Be 'Keep'
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ReasonRequired,*'
        "$($e[0])" | Should -BeLike "*$($rows[1].Account)*$($rows[1].User)*"
        $w.Count | Should -Be 1
        foreach ($r in $rows | Select-Object -Skip 2) { "$($w[0])".Contains("'$($r.User)' on '$($r.Account)'") | Should -BeTrue -Because "$($w[0])" }
        @(Get-HwAccessReview -Pending | Where-Object { -not $_.Decision }).Count | Should -Be ($rows.Count - 1)
    }

    It 'a row with an empty Account or User, or a decision that is neither Keep nor Remove: a catalogue error naming the row, not a binding error (decision 0162)' {
        $csv = Join-Path $TestDrive 'grants-empty.csv'
        @'
Account,User,Reason
,kate.singleton@hwsefton.example,Covers the press office
twitter-hw-sefton,,Covers the press office
whatsapp-hwseftonvolunteers,susan.kelly@hwsefton.example,Volunteer coordinator
'@ | Set-Content $csv
        $out = @(Import-Csv $csv | Grant-HwPostingAccess -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue)
        $out.Status | Should -Be @('Granted')
        $e.Count | Should -Be 2
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
        "$($e[0])" | Should -BeLike "*(row: account '', user 'kate.singleton@hwsefton.example')"
        $e[1].FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        "$($e[1])" | Should -BeLike "*(row: account 'twitter-hw-sefton', user '')"
        foreach ($x in $e) { "$x" | Should -Not -Match 'Cannot validate argument|Cannot bind argument' }

        Start-HwAccessReview -Confirm:$false | Out-Null
        $path = Join-Path $TestDrive 'decisions-maybe.csv'
        $rows = @(Get-HwAccessReview -Pending | Select-Object -First 3)
        $rows[0].Decision = 'Maybe'; $rows[0].Justification = 'Not sure'
        $rows[1].Decision = 'keep'; $rows[1].Justification = 'Still runs the page'
        $rows[2].Decision = 'Keep'; $rows[2].Justification = 'Runs events'; $rows[2].Account = ''
        $rows | Export-Csv $path
        $done = @(Import-Csv $path | Complete-HwAccessReview -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue)
        $done.Count | Should -Be 1
        $done[0].Decision | Should -BeExactly 'Keep'
        $e2.Count | Should -Be 2
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DecisionInvalid,*'
        "$($e2[0])" | Should -BeLike "*'Maybe'*(row: account '$($rows[0].Account)', user '$($rows[0].User)')"
        $e2[1].FullyQualifiedErrorId | Should -BeLike 'ReviewItemNotFound,*'
        "$($e2[1])".Contains($rows[2].User) | Should -BeTrue -Because "$($e2[1])"
        foreach ($x in $e2) { "$x" | Should -Not -Match 'Cannot validate argument|Cannot bind argument' }
    }

    It 'guest and poster-limit refusals of a CSV row name both the account and the user in their text' {
        $csv = Join-Path $TestDrive 'grants-refused.csv'
        @'
Account,User,Reason
linkedin-healthwatch-sefton,priya.shah_gmail.com#EXT#@hwsefton.example,Guest helper
instagram-healthwatchsefton,rebecca.lloyd@hwsefton.example,Campaign
'@ | Set-Content $csv
        Import-Csv $csv | Grant-HwPostingAccess -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e.Count | Should -Be 2
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PosterIsGuest,*'
        $e[1].FullyQualifiedErrorId | Should -BeLike 'PosterLimitReached,*'
        "$($e[0])".Contains("'priya.shah_gmail.com#EXT#@hwsefton.example' cannot post to 'linkedin-healthwatch-sefton'") | Should -BeTrue -Because "$($e[0])"
        "$($e[1])".Contains("'instagram-healthwatchsefton' already has") | Should -BeTrue -Because "$($e[1])"
        "$($e[1])".Contains("'rebecca.lloyd@hwsefton.example' cannot be added") | Should -BeTrue -Because "$($e[1])"
    }
}
