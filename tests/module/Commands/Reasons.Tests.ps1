# F4: every reason and justification goes through ONE engine check (FieldLimits.CheckReason): not empty or white space
# only (ReasonRequired), at most 1,000 characters (FieldTooLong), no control, line-break or invisible character
# (FieldHasControlCharacters). One table of bad reasons runs through every cmdlet that takes one; each must be refused
# naming its parameter, before anything is written (the journal keeps its length).
BeforeDiscovery {
    $acct = 'facebook-seftonyounglisteners'
    $cmdlets = @(
        @{ Command = 'Grant-HwPostingAccess'; Param = 'Reason'; Params = @{ Account = $acct; User = 'rebecca.lloyd@hwsefton.example' } ; Review = $false }
        @{ Command = 'Revoke-HwPostingAccess'; Param = 'Reason'; Params = @{ Account = $acct; User = 'nadia.khan@hwsefton.example' } ; Review = $false }
        @{ Command = 'New-HwOfficialAccount'; Param = 'Reason'; Params = @{ Platform = 'Instagram'; Handle = '@seftoncarers'; Url = 'https://www.instagram.com/seftoncarers'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example' } ; Review = $false }
        @{ Command = 'Set-HwOfficialAccount'; Param = 'Reason'; Params = @{ Name = 'youtube-healthwatchsefton'; Owner = 'aisha.rahman@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example' } ; Review = $false }
        @{ Command = 'Remove-HwOfficialAccount'; Param = 'Reason'; Params = @{ Name = 'twitter-hw-sefton'; Confirm = $false } ; Review = $false }
        @{ Command = 'Add-HwPolicyAcknowledgement'; Param = 'Reason'; Params = @{ User = 'liam.hughes@hwsefton.example' } ; Review = $false }
        @{ Command = 'Complete-HwAccessReview'; Param = 'Justification'; Params = @{ Account = $acct; User = 'nadia.khan@hwsefton.example'; Decision = 'Keep' }; Review = $true }
    )
    $bad = @(
        @{ Case = 'white space only'; Value = "   `t "; Id = 'ReasonRequired' }
        @{ Case = '1,001 characters'; Value = ('x' * 1001); Id = 'FieldTooLong' }
        @{ Case = 'a line feed (a forged journal line)'; Value = "ok`nBcc: evil@evil.example"; Id = 'FieldHasControlCharacters' }
        @{ Case = 'a carriage return'; Value = "ok`rforged"; Id = 'FieldHasControlCharacters' }
        @{ Case = 'ESC (a terminal escape)'; Value = "ok`e[31mred"; Id = 'FieldHasControlCharacters' }
        @{ Case = 'U+202E (right-to-left override)'; Value = "ok$([char]0x202E)txt.exe"; Id = 'FieldHasControlCharacters' }
        @{ Case = 'U+200B (zero-width space)'; Value = "o$([char]0x200B)k"; Id = 'FieldHasControlCharacters' }
    )
    $cases = foreach ($c in $cmdlets) { foreach ($b in $bad) { $c + $b } }
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Reasons and justifications: one check for every cmdlet' -Tag 'Reasons' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It '<Command> refuses a -<Param> with <Case> as <Id>, writing nothing' -ForEach $cases {
        if ($Review) { Start-HwAccessReview | Out-Null }
        $journal = @(Get-HwAuditLog).Count
        $splat = $Params.Clone()
        $splat[$Param] = $Value
        $err = { & $Command @splat -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,HealthwatchPolicy.Commands.*"
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -BeLike "-$($Param): *"
        $err.ErrorDetails.Message | Should -Not -Match '[\x00-\x1F\u202E\u200B]'
        @(Get-HwAuditLog).Count | Should -Be $journal
    }

    It 'accepts a reason of exactly 1,000 characters and journals it whole' {
        $reason = 'r' * 1000
        (Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason $reason).Status | Should -Be 'Granted'
        (Get-HwAuditLog -Action PostingAccessGranted -User rebecca.lloyd@hwsefton.example | Select-Object -Last 1).Reason | Should -Be $reason
    }
}

Describe 'Invisible characters in a handle (F8)' -Tag 'Reasons' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'refuses New-HwOfficialAccount -Handle "@o<Name>k", which would look like @ok' -ForEach @(
        @{ Name = 'U+200B'; Char = 0x200B }, @{ Name = 'U+200D'; Char = 0x200D }, @{ Name = 'U+2060'; Char = 0x2060 }, @{ Name = 'U+FEFF'; Char = 0xFEFF }
    ) {
        $err = { New-HwOfficialAccount -Platform Instagram -Handle "@o$([char]$Char)k" -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason 'new' -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'FieldHasControlCharacters,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $err.ErrorDetails.Message | Should -BeLike '-Handle: *'
        @(Get-HwOfficialAccount -Platform Instagram | Where-Object Name -Like 'instagram-o*k').Count | Should -Be 0
    }
}
