BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'New-HwOfficialAccount' -Tag 'Register' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'sets up an account with consent from the owner''s line manager, journaled' {
        $a = New-HwOfficialAccount -Platform Instagram -Handle '@seftoncarers' -Url 'https://www.instagram.com/seftoncarers' `
            -Purpose 'Carers forum news' -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Carers forum launch'
        $a.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Register.OfficialAccount'
        $a.Name | Should -Be 'instagram-seftoncarers'
        $a.GroupName | Should -Be 'HW-Posting-instagram-seftoncarers'
        $a.ConsentBy | Should -Be 'sarah.whitfield@hwsefton.example'
        (Get-HwOfficialAccount -Name instagram-seftoncarers).Purpose | Should -Be 'Carers forum news'
        $entry = Get-HwAuditLog -Last 1
        $entry.Action | Should -Be 'AccountCreated'
        $entry.Reason | Should -Be 'Carers forum launch'
    }

    It 'refuses consent from someone who is not the line manager, naming clause SMP-3.1, and creates nothing' {
        $count = @(Get-HwOfficialAccount).Count
        $journal = @(Get-HwAuditLog).Count
        New-HwOfficialAccount -Platform Instagram -Handle x -Owner daniel.okafor@hwsefton.example -ConsentBy rebecca.lloyd@hwsefton.example `
            -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountConsentInvalid,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].Exception.Message | Should -BeLike '*SMP-3.1*'
        $e[0].Exception.Message | Should -BeLike '*sarah.whitfield@hwsefton.example*'
        @(Get-HwOfficialAccount).Count | Should -Be $count
        @(Get-HwAuditLog).Count | Should -Be $journal
    }

    It 'names an unknown owner' {
        New-HwOfficialAccount -Platform X -Handle y -Owner ghost@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason r `
            -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'UserNotFound,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].Exception.Message | Should -BeLike '*-Owner*ghost@hwsefton.example*'
    }

    It 'creates nothing with -WhatIf' {
        New-HwOfficialAccount -Platform Instagram -Handle w -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason r -WhatIf
        Get-HwOfficialAccount -Name 'instagram-w*' | Should -BeNullOrEmpty
    }

    It 'takes accounts from Import-Csv, one error per bad row, good rows created' {
        $csv = Join-Path $TestDrive 'accounts.csv'
        @(
            [pscustomobject]@{ Platform = 'LinkedIn'; Handle = 'hw-events'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example'; Reason = 'Events' }
            [pscustomobject]@{ Platform = 'YouTube'; Handle = 'bad'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'daniel.okafor@hwsefton.example'; Reason = 'Self' }
            [pscustomobject]@{ Platform = 'Facebook'; Handle = 'hw-carers'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example'; Reason = 'Carers' }
        ) | Export-Csv $csv
        $made = Import-Csv $csv | New-HwOfficialAccount -ErrorVariable e -ErrorAction SilentlyContinue
        $made.Name | Should -Be @('linkedin-hw-events', 'facebook-hw-carers')
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccountConsentInvalid,*'
    }
}

Describe 'Get-HwOfficialAccount' -Tag 'Register' {
    BeforeAll { Connect-HwTestSample | Out-Null }

    It 'lists the register with filters' {
        @(Get-HwOfficialAccount).Count | Should -Be 7
        (Get-HwOfficialAccount -Platform Facebook).Name | Should -Be @('facebook-healthwatchsefton', 'facebook-seftonyounglisteners')
        (Get-HwOfficialAccount -Name 'you*').Name | Should -Be 'youtube-healthwatchsefton'
        @(Get-HwOfficialAccount -Owner daniel.okafor@hwsefton.example).Count | Should -Be 3
    }

    It 'reports a name that matches nothing' {
        Get-HwOfficialAccount -Name nope -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountNotFound,HealthwatchPolicy.Commands.GetHwOfficialAccountCommand'
        $e[0].TargetObject | Should -Be 'nope'
    }

    It 'completes account names with Tab' {
        $line = 'Get-HwOfficialAccount -Name face'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Be @('facebook-healthwatchsefton', 'facebook-seftonyounglisteners')
        $line = 'Grant-HwPostingAccess -Account twitter-hw-sefton -User rebecca'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'rebecca.lloyd@hwsefton.example'
    }
}

Describe 'Set-HwOfficialAccount and Remove-HwOfficialAccount' -Tag 'Register' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'updates the purpose and journals before and after' {
        $a = Set-HwOfficialAccount -Name youtube-healthwatchsefton -Purpose 'Recorded events' -Reason 'Clarified' -PassThru
        $a.Purpose | Should -Be 'Recorded events'
        $entry = Get-HwAuditLog -Action AccountUpdated -Last 1
        $entry.After | Should -BeLike '*Recorded events*'
    }

    It 'retires an account: posters revoked, record kept, each revocation journaled' {
        Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason 'Leaving X' -Confirm:$false
        Get-HwOfficialAccount -Name twitter-hw-sefton -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $retired = Get-HwOfficialAccount -Name twitter-hw-sefton -IncludeRetired
        $retired.Status | Should -Be 'Retired'
        $retired.PosterCount | Should -Be 0
        @(Get-HwAuditLog -Account twitter-hw-sefton -Action PostingAccessRevoked).Count | Should -Be 2
        Test-HwAuditLog | Should -BeTrue
    }

    It 'retires nothing with -WhatIf' {
        Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason r -WhatIf
        (Get-HwOfficialAccount -Name twitter-hw-sefton).PosterCount | Should -Be 2
    }

    It 'is High impact, so it asks before retiring' {
        (Get-Command Remove-HwOfficialAccount).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
    }
}
