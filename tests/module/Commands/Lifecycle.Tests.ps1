# Issue 15 through the built module, on both adapters (the local sample, and the fake Graph loaded with it):
# Sync-HwPostingAccess (-WhatIf changes nothing, a second run does nothing), Suspend-HwPosting / Resume-HwPosting
# on the sample (exactly the still-eligible posters come back), grants refused during a pause naming it, and the
# report on Graph with and without the Entra ID P1 licence.
BeforeDiscovery {
    $adapters = @(@{ Adapter = 'Local' }, @{ Adapter = 'Graph' })
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph

    function Connect-HwTestAdapter([string] $Adapter) {
        if ($Adapter -eq 'Graph') { Connect-HwTestGraph -Fake $fake } else { Connect-HwTestSample }
    }

    # Everything a change could touch: the directory (directory.json, or the fake tenant) and the state folder.
    function Get-HwTestState {
        $c = Get-HwConnection
        $directory = if ($c.Kind -eq 'Graph') { $fake.Send('snapshot') } else {
            Get-Content -Raw (Join-Path ($c.Directory -replace '^local: ', '') 'directory.json')
        }
        $state = Get-ChildItem $c.StatePath -File -Recurse | Where-Object Extension -NE '.lock' | Sort-Object FullName |
            ForEach-Object { "$($_.Name)`n$(Get-Content -Raw $_.FullName)" }
        "$directory`n$($state -join "`n")"
    }

    function Get-HwPosterSet { @(Get-HwPostingAccess | ForEach-Object { "$($_.Account) $($_.User)" } | Sort-Object) }
}

AfterAll {
    if (Get-Command Disconnect-HwDirectory -ErrorAction SilentlyContinue) { Disconnect-HwDirectory }
    Get-Variable fake -ValueOnly -ErrorAction SilentlyContinue | Stop-HwFakeGraph
}

Describe 'Sync-HwPostingAccess on <Adapter>' -Tag 'Graph', 'Lifecycle' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It '-WhatIf prints the whole plan and changes nothing' {
        $before = Get-HwTestState
        $out = Sync-HwPostingAccess -WhatIf 6>&1 | Out-String
        $plan = @(Sync-HwPostingAccess -WhatIf)
        (Get-HwTestState) | Should -Be $before
        $plan.PSObject.TypeNames | Out-Null
        ($plan | Where-Object Outcome -eq 'Planned').User | Should -Contain 'jason.turner@hwsefton.example'
        ($plan | Where-Object Outcome -eq 'Planned').User | Should -Contain 'patricia.walsh@hwsefton.example'
        ($plan | Where-Object Outcome -eq 'Flagged').User | Should -Contain 'graham.pritchard@hwsefton.example'
        $plan[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Lifecycle.AccessSyncItem'
        ($plan | Format-Table | Out-String -Width 80) | Should -Match 'Outcome'
    }

    It 'revokes the disabled poster and the one past her leave date once each, journaled with the reason; a second run does nothing' {
        $done = @(Sync-HwPostingAccess -Confirm:$false)
        $revoked = @($done | Where-Object Outcome -eq 'Revoked')
        @($revoked.User | Sort-Object) | Should -Be @('jason.turner@hwsefton.example', 'patricia.walsh@hwsefton.example')
        $entries = @(Get-HwAuditLog -Action PostingAccessRevoked -User jason.turner@hwsefton.example)
        $entries.Count | Should -Be 1
        $entries[0].Reason | Should -BeLike 'Sync-HwPostingAccess (disabled)*'
        $entries = @(Get-HwAuditLog -Action PostingAccessRevoked -User patricia.walsh@hwsefton.example)
        $entries.Count | Should -Be 1
        $entries[0].Reason | Should -BeLike 'Sync-HwPostingAccess (leaveDate)*'
        Get-HwComplianceReport -RuleId HW-LIF-001 | Should -BeNullOrEmpty
        $before = Get-HwTestState
        @(Sync-HwPostingAccess -Confirm:$false | Where-Object Outcome -eq 'Revoked').Count | Should -Be 0
        (Get-HwTestState) | Should -Be $before
    }
}

Describe 'Suspend-HwPosting and Resume-HwPosting on the sample, <Adapter>' -Tag 'Graph', 'Lifecycle' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'removes every poster, refuses grants naming the pause, and restores exactly the posters still eligible' {
        $posters = Get-HwPosterSet
        $posters.Count | Should -BeGreaterThan 0
        $before = Get-HwTestState
        Suspend-HwPosting -Reason 'Compromise drill' -WhatIf
        (Get-HwTestState) | Should -Be $before

        $paused = @(Suspend-HwPosting -Reason 'Compromise drill' -Confirm:$false)
        $paused.State | Sort-Object -Unique | Should -Be 'Paused'
        @(Get-HwPostingAccess).Count | Should -Be 0
        # exactly who was removed
        @($paused | ForEach-Object { $a = $_.Account; $_.Removed | ForEach-Object { "$a $_" } } | Sort-Object) | Should -Be $posters

        $err = $null
        Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason r -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccountPaused,*'
        $err[0].Exception.Message | Should -BeLike "*paused since*Compromise drill*"
        (Get-HwComplianceReport -RuleId HW-LIF-003).Account | Should -Contain 'facebook-seftonyounglisteners'

        $resumed = @(Resume-HwPosting -Reason 'Drill over' -Confirm:$false -WarningVariable warnings 3>$null)
        $resumed.State | Sort-Object -Unique | Should -Be 'Resumed'
        # the still-eligible posters: everyone the grant's checks and the lifecycle rules would accept now
        $expected = @($paused | ForEach-Object { $a = $_.Account; $_.Removed | ForEach-Object { "$a $_" } } |
            Where-Object { $_ -notmatch 'jason\.turner|graham\.pritchard|liam\.hughes|patricia\.walsh' } | Sort-Object)
        $restored = @($resumed | ForEach-Object { $a = $_.Account; $_.Restored | ForEach-Object { "$a $_" } } | Sort-Object)
        $restored | Should -Not -BeNullOrEmpty
        (Get-HwPosterSet) | Should -Be $restored
        @($warnings).Count | Should -Be @($resumed.NotRestored).Count
        ($resumed.NotRestored -join "`n") | Should -Match 'jason\.turner@hwsefton\.example'
        ($resumed.NotRestored -join "`n") | Should -Match 'graham\.pritchard@hwsefton\.example'
        ($resumed.NotRestored -join "`n") | Should -Match 'patricia\.walsh@hwsefton\.example'
        # planted case (f): put on twitter-hw-sefton in the admin centre, no grant in the journal: the pause does not
        # launder him into a grant on record (decision 0177)
        ($resumed.NotRestored -join "`n") | Should -Match 'tom\.gallagher@hwsefton\.example: no grant on record'
        $restored | Should -Not -Contain 'twitter-hw-sefton tom.gallagher@hwsefton.example'
        @(Get-HwAuditLog -Action PostingAccessGranted | Where-Object User -EQ 'tom.gallagher@hwsefton.example').Count | Should -Be 0
        @(Get-HwAuditLog -Action PostingPaused).Count | Should -Be $paused.Count
        @(Get-HwAuditLog -Action PostingResumed).Count | Should -Be $resumed.Count
    }

    It 'names an account that does not exist, and one that is not paused, and changes nothing' {
        $before = Get-HwTestState
        $err = $null
        Suspend-HwPosting -Account no-such-account -Reason r -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
        Resume-HwPosting -Account facebook-healthwatchsefton -Reason r -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotPaused,*'
        $err[0].Exception.Message | Should -BeLike '*not paused*'
        Resume-HwPosting -Account no-such-account -Reason r -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
        (Get-HwTestState) | Should -Be $before
    }
}

Describe 'Grant-HwPostingAccess -Until from a CSV, and -For beyond the calendar' -Tag 'Lifecycle' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'refuses an Until that is not a date or reads both ways as day/month, naming the row, and grants nothing; ISO 8601 and DateTime work' {
        $csv = Join-Path $TestDrive 'grants.csv'
        $account = 'facebook-seftonyounglisteners'
        $iso = (Get-Date).AddDays(30).ToString('yyyy-MM-dd')
        @(
            [pscustomobject]@{ Account = $account; User = 'rebecca.lloyd@hwsefton.example'; Reason = 'Campaign'; Until = '31/01/2027' }
            [pscustomobject]@{ Account = $account; User = 'rebecca.lloyd@hwsefton.example'; Reason = 'Campaign'; Until = '01/02/2027' }
            [pscustomobject]@{ Account = $account; User = 'daniel.okafor@hwsefton.example'; Reason = 'Campaign'; Until = 'soon' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $before = Get-HwPosterSet
        $entries = @(Get-HwAuditLog).Count
        $err = $null
        $out = @(Import-Csv $csv | Grant-HwPostingAccess -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        @($err).Count | Should -Be 3
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'AccessExpiryInvalid,*' }
        $err[0].Exception.Message | Should -BeLike "*'31/01/2027'*rebecca.lloyd@hwsefton.example*$account*yyyy-MM-dd*"
        $err[1].Exception.Message | Should -BeLike "*'01/02/2027'*day/month*yyyy-MM-dd*"
        $err[2].Exception.Message | Should -BeLike "*'soon'*daniel.okafor@hwsefton.example*not a date*"
        (Get-HwPosterSet) | Should -Be $before
        @(Get-HwAuditLog).Count | Should -Be $entries

        @([pscustomobject]@{ Account = $account; User = 'rebecca.lloyd@hwsefton.example'; Reason = 'Campaign'; Until = $iso }) |
            Export-Csv -Path $csv -NoTypeInformation
        $granted = Import-Csv $csv | Grant-HwPostingAccess -Confirm:$false
        $granted.Status | Should -Be 'Granted'
        $granted.Expires.ToString('yyyy-MM-dd') | Should -Be ([datetimeoffset]::new([datetime]::ParseExact($iso, 'yyyy-MM-dd', $null))).UtcDateTime.ToString('yyyy-MM-dd')
        $typed = Grant-HwPostingAccess -Account $account -User rebecca.lloyd@hwsefton.example -Reason 'Longer' -Until (Get-Date).AddDays(40) -Confirm:$false
        $typed.Status | Should -Be 'Extended'
    }

    It 'Get-HwPostingAccess -Account takes several names, as Suspend-HwPosting does; an unknown one is an error for it alone' {
        $two = @(Get-HwPostingAccess -Account facebook-healthwatchsefton, twitter-hw-sefton)
        @($two.Account | Sort-Object -Unique) | Should -Be @('facebook-healthwatchsefton', 'twitter-hw-sefton')
        $two.Count | Should -Be (@(Get-HwPostingAccess -Account facebook-healthwatchsefton).Count + @(Get-HwPostingAccess -Account twitter-hw-sefton).Count)
        @(Get-HwPostingAccess -Account 'facebook-*', facebook-healthwatchsefton).Count | Should -Be @(Get-HwPostingAccess -Account 'facebook-*').Count
        $err = $null
        $some = @(Get-HwPostingAccess -Account no-such-account, twitter-hw-sefton -ErrorVariable err -ErrorAction SilentlyContinue)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
        @($some.Account | Sort-Object -Unique) | Should -Be @('twitter-hw-sefton')
    }

    It '-For a span that ends beyond the calendar is AccessExpiryInvalid, not a raw exception' {
        $before = Get-HwPosterSet
        foreach ($span in [TimeSpan]::MaxValue, (New-TimeSpan -Days 10000000)) {
            $err = $null
            Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason r -For $span -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'AccessExpiryInvalid,*'
            $err[0].Exception.Message | Should -BeLike '*maxAccessDays*'
        }
        (Get-HwPosterSet) | Should -Be $before
    }
}

Describe 'Poster hygiene on the fake Graph, with and without Entra ID P1' -Tag 'Graph', 'Lifecycle' {
    AfterEach { $fake.Send('faults reset') | Out-Null }

    It 'reports sign-in activity as Info "needs Entra ID P1" without the licence and never fails' {
        Connect-HwTestGraph -Fake $fake | Out-Null
        @(Get-HwComplianceReport -RuleId HW-SGN-002).Count | Should -Be 0
        (Get-HwComplianceReport -RuleId HW-SGN-001).Subject | Should -Be 'dev.patel@hwsefton.example'
        (Get-HwComplianceReport -RuleId HW-MFA-001).Subject | Should -Be 'joanne.mckenna@hwsefton.example'
        $fake.Send('faults {"TenantWithoutPremium":true}') | Out-Null
        Get-HwComplianceReport -RuleId HW-SGN-001 | Should -BeNullOrEmpty
        (Get-HwComplianceReport -RuleId HW-MFA-001).Subject | Should -Be 'joanne.mckenna@hwsefton.example'
        $f = @(Get-HwComplianceReport -RuleId HW-SGN-002)
        $f.Count | Should -Be 1
        $f[0].Severity | Should -Be 'Info'
        $f[0].Evidence | Should -BeLike '*needs Entra ID P1*'
        (Get-HwComplianceReport -Summary).Total | Should -BeGreaterThan 0
        Export-HwComplianceReport -Path (Join-Path $TestDrive 'r.html') | Should -Exist
    }

    It 'reports leave dates as not evaluated without User-LifeCycleInfo.Read.All, and the sync warns and goes on' {
        Connect-HwTestGraph -Fake $fake | Out-Null
        $fake.Send('faults {"LifecycleInfoDenied":true}') | Out-Null
        @(Get-HwComplianceReport -RuleId HW-LIF-005).Count | Should -Be 1
        $plan = @(Sync-HwPostingAccess -WhatIf -WarningVariable w 3>$null)
        ($w -join ' ') | Should -BeLike '*User-LifeCycleInfo.Read.All*'
        ($plan | Where-Object Outcome -eq 'Planned').User | Should -Contain 'jason.turner@hwsefton.example'
    }
}
