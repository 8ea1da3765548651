# F5: -From is exactly one bare mail address and -SmtpServer a host name or IP address, in every cmdlet that sends.
# A bad value is a catalogue error naming the parameter (never a MimeKit ParseException or a UriFormatException),
# and nothing is sent, started or journaled.
BeforeDiscovery {
    $senders = @(
        @{ Command = 'Send-HwAccessReview'; Params = @{}; Review = $true }
        @{ Command = 'Send-HwComplianceReport'; Params = @{ To = 'sarah.whitfield@hwsefton.example' }; Review = $false }
        @{ Command = 'Update-HwAccessReview'; Params = @{ Confirm = $false }; Review = $false }
    )
    $bad = @(
        @{ Param = 'From'; Value = "a@x.example`r`nBcc: evil@evil.example"; Id = 'MailFromInvalid'; Case = 'a header after a line break' }
        @{ Param = 'From'; Value = 'Boss <evil@evil.example>'; Id = 'MailFromInvalid'; Case = 'a display name' }
        @{ Param = 'From'; Value = 'a@x.example, b@y.example'; Id = 'MailFromInvalid'; Case = 'two addresses' }
        @{ Param = 'From'; Value = 'a@x.example b@y.example'; Id = 'MailFromInvalid'; Case = 'two addresses with a space' }
        @{ Param = 'From'; Value = 'not-an-address'; Id = 'MailFromInvalid'; Case = 'no @' }
        @{ Param = 'SmtpServer'; Value = "127.0.0.1`r`nX"; Id = 'SmtpServerInvalid'; Case = 'a line break' }
        @{ Param = 'SmtpServer'; Value = 'smtp://mail.example'; Id = 'SmtpServerInvalid'; Case = 'a scheme' }
        @{ Param = 'SmtpServer'; Value = 'mail.example:25'; Id = 'SmtpServerInvalid'; Case = 'a port' }
        @{ Param = 'SmtpServer'; Value = 'mail.example/x'; Id = 'SmtpServerInvalid'; Case = 'a path' }
        @{ Param = 'SmtpServer'; Value = 'mail example'; Id = 'SmtpServerInvalid'; Case = 'a space' }
    )
    $cases = foreach ($s in $senders) { foreach ($b in $bad) { $s + $b } }
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Mail addresses and servers are checked before anything is sent' -Tag 'Mail' {
    BeforeEach {
        $connection = Connect-HwTestSample
        $outbox = Join-Path $connection.StatePath 'outbox'
    }

    It '<Command> refuses -<Param> with <Case> as <Id>' -ForEach $cases {
        if ($Review) { Start-HwAccessReview | Out-Null }
        $journal = @(Get-HwAuditLog).Count
        $splat = $Params.Clone()
        $splat[$Param] = $Value
        $err = { & $Command @splat -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,HealthwatchPolicy.Commands.*"
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -BeLike "-$($Param): *"
        ($err | Out-String -Width 300) | Should -Not -Match '[\x00-\x09\x0B\x0C\x0E-\x1F]'
        @(Get-ChildItem $outbox -Filter *.eml -ErrorAction SilentlyContinue).Count | Should -Be 0
        @(Get-HwAuditLog).Count | Should -Be $journal
    }

    It 'still sends with a plain -From (the outbox on the local directory)' {
        Start-HwAccessReview | Out-Null
        @(Send-HwAccessReview -From 'social-media-review@hwsefton.example').Count | Should -BeGreaterThan 0
        Get-Content -Raw (Get-ChildItem $outbox -Filter *.eml | Select-Object -First 1) | Should -Match 'From: .*social-media-review@hwsefton.example'
    }
}
