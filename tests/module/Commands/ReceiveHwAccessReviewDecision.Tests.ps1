# Issue 17: decisions by mail through the built module. The reply is made from the Keep link of the .eml the module
# wrote to the outbox (its text part decoded, the mailto: link parsed), put in the state folder's mailbox/inbox, and
# read by Receive-HwAccessReviewDecision: -WhatIf lists and changes nothing; the real run applies, journals,
# confirms and files it; a reply from someone else is refused.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule

    function ConvertFrom-QuotedPrintable([string] $Text) {
        $joined = $Text -replace "=\r?\n", ''
        $bytes = [System.Collections.Generic.List[byte]]::new()
        for ($i = 0; $i -lt $joined.Length; $i++) {
            if ($joined[$i] -eq '=' -and $i + 2 -lt $joined.Length -and $joined.Substring($i + 1, 2) -match '^[0-9A-F]{2}$') {
                $bytes.Add([Convert]::ToByte($joined.Substring($i + 1, 2), 16)); $i += 2
            } else { $bytes.AddRange([Text.Encoding]::UTF8.GetBytes([string]$joined[$i])) }
        }
        [Text.Encoding]::UTF8.GetString($bytes.ToArray())
    }

    # The first Keep link of a review .eml, and who it was sent to.
    function Get-HwKeepLink([string] $Eml) {
        $raw = Get-Content -Raw $Eml
        $to = [regex]::Match($raw, '(?m)^To: (?:.*<)?([\w.+-]+@[\w.-]+)>?\s*$').Groups[1].Value
        $text = ConvertFrom-QuotedPrintable $raw
        $link = [regex]::Match($text, 'Keep \(opens an email; write your reason and send\): (mailto:\S+)').Groups[1].Value
        [pscustomobject]@{ To = $to; Link = $link }
    }

    function New-HwReplyEml([string] $Link, [string] $From, [string] $Reason, [string] $Inbox) {
        $address = $Link.Substring(7, $Link.IndexOf('?') - 7)
        $query = @{}
        foreach ($p in $Link.Substring($Link.IndexOf('?') + 1).Split('&')) { $kv = $p.Split('=', 2); $query[$kv[0]] = [Uri]::UnescapeDataString($kv[1]) }
        New-Item -ItemType Directory -Force $Inbox | Out-Null
        $file = Join-Path $Inbox ("reply-{0}.eml" -f [guid]::NewGuid().ToString('N').Substring(0, 8))
        $eml = "From: $From`r`nTo: $address`r`nSubject: $($query.subject)`r`nDate: $([DateTime]::UtcNow.ToString('r'))`r`n" +
               "Message-ID: <$([guid]::NewGuid())@hwsefton.example>`r`nX-MS-Exchange-Organization-AuthAs: Internal`r`n" +
               "MIME-Version: 1.0`r`nContent-Type: text/plain; charset=utf-8`r`n`r`n$($query.body)$Reason`r`n"
        [IO.File]::WriteAllText($file, $eml, [Text.UTF8Encoding]::new($false))
        $file
    }
}

Describe 'Receive-HwAccessReviewDecision' -Tag 'Review' {
    BeforeEach {
        $connection = Connect-HwTestSample
        $outbox = Join-Path $connection.StatePath 'outbox'
        $inbox = Join-Path $connection.StatePath 'mailbox/inbox'
        Start-HwAccessReview | Out-Null
        Send-HwAccessReview | Out-Null
        $mail = Get-ChildItem $outbox -Filter *.eml | Sort-Object Name | Select-Object -First 1
        $keep = Get-HwKeepLink $mail.FullName
    }

    It 'carries a Keep link in the text part of the mail it sent' {
        $keep.Link | Should -Match '^mailto:social-media-review@hwsefton\.example\?subject=.*HW-\d{4}-\d{2}-K-\d+-[A-Za-z0-9_-]{22}'
        $keep.To | Should -Match '@hwsefton\.example$'
    }

    It 'lists under -WhatIf without changing anything, then applies, journals, confirms and files the reply' {
        New-HwReplyEml $keep.Link $keep.To 'Still runs our posts' $inbox | Out-Null
        $journal = @(Get-HwAuditLog).Count
        $sent = @(Get-ChildItem $outbox -Filter *.eml).Count
        $what = Receive-HwAccessReviewDecision -WhatIf      # the "What if:" line goes to the host; the object says the same
        $what.Outcome | Should -Be 'WouldApply'
        $what.Decision | Should -Be 'Keep'
        @(Get-HwAuditLog).Count | Should -Be $journal
        @(Get-ChildItem $inbox -Filter *.eml).Count | Should -Be 1

        $r = Receive-HwAccessReviewDecision
        $r.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Reviews.ReviewDecisionReceipt'
        $r.Outcome | Should -Be 'Applied'
        $r.Justification | Should -Be 'Still runs our posts'
        (Get-HwAccessReview -Item | Where-Object { $_.User -eq $r.User -and $_.Account -eq $r.Account }).Decision | Should -Be 'Keep'
        @(Get-HwAuditLog -Action AccessReviewDecisionReceived).Count | Should -Be 1
        @(Get-ChildItem $outbox -Filter *.eml).Count | Should -Be ($sent + 1)
        @(Get-ChildItem $inbox -Filter *.eml).Count | Should -Be 0
        @(Get-ChildItem (Join-Path $connection.StatePath 'mailbox/HealthwatchPolicy processed') -Filter *.eml).Count | Should -Be 1
        ($r | Format-Table | Out-String -Width 80) | Should -BeLike '*Applied*Keep*'
    }

    It 'refuses a reply from someone other than the reviewer and journals why' {
        New-HwReplyEml $keep.Link 'liam.hughes@hwsefton.example' 'I forwarded it' $inbox | Out-Null
        $r = Receive-HwAccessReviewDecision
        $r.Outcome | Should -Be 'Refused'
        $r.RefusedBecause | Should -Be 'NotReviewer'
        (Get-HwAuditLog -Action AccessReviewDecisionRefused -Last 1).Reason | Should -BeLike '*NotReviewer*'
        @(Get-HwAuditLog -Action AccessReviewDecided).Count | Should -Be 0
    }
}

Describe 'Receive-HwAccessReviewDecision on Microsoft Graph (the fake Graph as a process)' -Tag 'Review', 'Graph' {
    BeforeAll { $fake = Start-HwFakeGraph }
    AfterAll { $fake | Stop-HwFakeGraph }
    BeforeEach {
        Connect-HwTestGraph -Fake $fake | Out-Null
        $mailbox = 'sarah.whitfield@hwsefton.example'          # the review mailbox of this test: a mailbox the sample tenant has
        Start-HwAccessReview | Out-Null
        Send-HwAccessReview -From $mailbox | Out-Null
        $sent = $fake.Send('mail') | ConvertFrom-Json
        $review = @($sent | Where-Object { $_.Subject -like 'Social media access review*' })[0]
        $eml = Join-Path $TestDrive 'sent.eml'
        [IO.File]::WriteAllText($eml, $review.Mime)
        $keep = Get-HwKeepLink $eml
    }

    It 'applies a Keep reply made from the sent mail''s link, confirms it by sendMail and files it; refuses a forwarded one' {
        $keep.Link | Should -Match "^mailto:$([regex]::Escape($mailbox))\?subject="
        $reply = New-HwReplyEml $keep.Link $keep.To 'Still runs our posts' (Join-Path $TestDrive 'out')
        $fake.Send("inbox $mailbox $reply") | Should -Match '^AAMk'
        $forwarded = New-HwReplyEml $keep.Link 'liam.hughes@hwsefton.example' 'Forwarded to me' (Join-Path $TestDrive 'out')
        $fake.Send("inbox $mailbox $forwarded") | Out-Null
        $before = @($fake.Send('mail') | ConvertFrom-Json).Count

        $r = @(Receive-HwAccessReviewDecision -From $mailbox)
        $r.Outcome | Should -Be @('Applied', 'Refused')
        $r[1].RefusedBecause | Should -Be 'NotReviewer'
        (Get-HwAccessReview -Item | Where-Object { $_.User -eq $r[0].User -and $_.Account -eq $r[0].Account }).Decision | Should -Be 'Keep'
        @(Get-HwAuditLog -Action AccessReviewDecisionReceived).Count | Should -Be 1
        @(Get-HwAuditLog -Action AccessReviewDecisionRefused).Count | Should -Be 1
        $replies = @($fake.Send('mail') | ConvertFrom-Json) | Select-Object -Skip $before
        $replies.Subject | Should -Be @("Recorded: Keep for $($r[0].User) on $($r[0].Account)", "Not recorded: Keep for $($r[1].User) on $($r[1].Account)")
        @(Receive-HwAccessReviewDecision -From $mailbox).Count | Should -Be 0      # both were moved out of the inbox
    }
}
