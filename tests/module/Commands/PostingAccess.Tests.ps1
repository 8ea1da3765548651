BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $clean = 'facebook-seftonyounglisteners'   # 2 posters, room for 1
}

Describe 'Grant-HwPostingAccess' -Tag 'Access' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'grants an eligible person, journaled with who, when and why' {
        $g = Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Covers the youth panel'
        $g.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Access.PostingAccess'
        $g.Status | Should -Be 'Granted'
        $e = Get-HwAuditLog -Last 1
        $e.Action | Should -Be 'PostingAccessGranted'
        $e.User | Should -Be 'rebecca.lloyd@hwsefton.example'
        $e.Account | Should -Be $clean
        $e.Reason | Should -Be 'Covers the youth panel'
        $e.Actor | Should -Not -BeNullOrEmpty
        $e.Time | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-5))
    }

    It 'is idempotent: a second grant changes nothing, journals nothing and says so with -Verbose' {
        Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r | Out-Null
        $count = @(Get-HwAuditLog).Count
        $verbose = Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*already*' }).Message |
            Should -BeLike '*already*nothing changed*nothing journaled*'
        ($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'AlreadyGranted'
        @(Get-HwAuditLog).Count | Should -Be $count
    }

    It 'refuses <User> with <Id> naming the clause, the user and the account; nothing changes' -ForEach @(
        @{ User = 'jason.turner@hwsefton.example'; Id = 'PosterDisabled'; Category = 'InvalidOperation' }
        @{ User = 'graham.pritchard@hwsefton.example'; Id = 'PosterTypeNotEligible'; Category = 'PermissionDenied' }
        @{ User = 'frank.roberts@hwsefton.example'; Id = 'PolicyNotAcknowledged'; Category = 'PermissionDenied' }
        @{ User = 'priya.shah_gmail.com#EXT#@hwsefton.example'; Id = 'PosterIsGuest'; Category = 'PermissionDenied' }
    ) {
        $before = @(Get-HwPostingAccess -Account $clean).Count
        $journal = @(Get-HwAuditLog).Count
        Grant-HwPostingAccess -Account $clean -User $User -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "$Id,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand"
        "$($e[0].CategoryInfo.Category)" | Should -Be $Category
        $e[0].TargetObject | Should -Be $User
        $e[0].Exception.Message | Should -BeLike "*SMP-3.2*"
        $e[0].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($User))*$clean*"
        @(Get-HwPostingAccess -Account $clean).Count | Should -Be $before
        @(Get-HwAuditLog).Count | Should -Be $journal
    }

    It 'refuses a poster over the limit with PosterLimitReached' {
        Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r | Out-Null
        Grant-HwPostingAccess -Account $clean -User kate.singleton@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PosterLimitReached,*'
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'names an unknown account and an unknown user' {
        Grant-HwPostingAccess -Account nope -User rebecca.lloyd@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
        Grant-HwPostingAccess -Account $clean -User nobody@hwsefton.example -Reason r -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e2[0].TargetObject | Should -Be 'nobody@hwsefton.example'
    }

    It 'changes nothing with -WhatIf' {
        Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r -WhatIf
        (Get-HwPostingAccess -Account $clean).User | Should -Not -Contain 'rebecca.lloyd@hwsefton.example'
    }

    It 'takes rows from Import-Csv by property name: one error per bad row, the good rows applied' {
        $csv = Join-Path $TestDrive 'grants.csv'
        @(
            [pscustomobject]@{ Account = 'twitter-hw-sefton'; User = 'rebecca.lloyd@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'twitter-hw-sefton'; User = 'graham.pritchard@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'no-such-account'; User = 'kate.singleton@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'facebook-seftonyounglisteners'; User = 'kate.singleton@hwsefton.example'; Reason = 'Rota' }
        ) | Export-Csv $csv
        $granted = Import-Csv $csv | Grant-HwPostingAccess -ErrorVariable e -ErrorAction SilentlyContinue
        $granted.User | Should -Be @('rebecca.lloyd@hwsefton.example', 'kate.singleton@hwsefton.example')
        # Graham fails two checks (a trustee, and twitter-hw-sefton is now full): one error per failing check.
        ($e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('PosterTypeNotEligible', 'PosterLimitReached', 'AccountNotFound')
        $e[0].TargetObject | Should -Be 'graham.pritchard@hwsefton.example'
    }
}

Describe 'Revoke-HwPostingAccess and Get-HwPostingAccess' -Tag 'Access' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'shows who can post where, filtered by account and user' {
        @(Get-HwPostingAccess).Count | Should -Be 17
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Be @('daniel.okafor@hwsefton.example', 'tom.gallagher@hwsefton.example')
        (Get-HwPostingAccess -User daniel.okafor@hwsefton.example).Account.Count | Should -Be 4
    }

    It 'revokes through the pipeline from Get-HwPostingAccess, journaled; a second revoke is a no-op' {
        Get-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example | Revoke-HwPostingAccess -Reason 'Off the rota' |
            ForEach-Object Status | Should -Be 'Revoked'
        (Get-HwAuditLog -Last 1).Action | Should -Be 'PostingAccessRevoked'
        $count = @(Get-HwAuditLog).Count
        (Revoke-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example -Reason r).Status | Should -Be 'NotGranted'
        @(Get-HwAuditLog).Count | Should -Be $count
    }

    It 'revokes nothing with -WhatIf' {
        Revoke-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example -Reason r -WhatIf
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Contain 'tom.gallagher@hwsefton.example'
    }
}
