# Issue 12, item 5: a compliance report too large for one sendMail request goes out through the built module on the
# fake Graph as a draft with a summary and the full report attached, every request under Graph's limits
# (docs/decisions/0110; the engine's GraphLargeMailTests hold the byte-for-byte checks).
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
}

AfterAll {
    Disconnect-HwDirectory -ErrorAction SilentlyContinue
    $fake | Stop-HwFakeGraph
}

Describe 'Send-HwComplianceReport on Microsoft Graph with more than 2,000 findings' -Tag 'Graph', 'Mail' {
    It 'sends a summary with the full report attached, never an oversized sendMail' {
        # The sample organisation plus one account whose 2,108 posters have not acknowledged the policy (HW-ELG-004 each).
        $sample = Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/sample-org'
        $doc = Get-Content -Raw (Join-Path $sample 'directory.json') | ConvertFrom-Json
        $sarah = $doc.users | Where-Object userPrincipalName -EQ 'sarah.whitfield@hwsefton.example'
        $daniel = $doc.users | Where-Object userPrincipalName -EQ 'daniel.okafor@hwsefton.example'
        $crowd = foreach ($i in 0..2107) {
            [pscustomobject]@{
                id = ('00000000-0000-4000-8000-{0:D12}' -f $i); userPrincipalName = ('crowd.member{0:D4}@hwsefton.example' -f $i)
                displayName = ('Crowd Member {0:D4}' -f $i); mail = ('crowd.member{0:D4}@hwsefton.example' -f $i); accountEnabled = $true
                employeeType = 'Staff'; userType = 'Member'; managerId = $sarah.id
            }
        }
        $doc.users = @($doc.users) + @($crowd)
        $doc.groups = @($doc.groups) + [pscustomobject]@{
            id = '00000000-0000-4000-8000-00000000c0de'; displayName = 'HW-Posting-facebook-crowd'; mailNickname = 'HW-Posting-facebook-crowd'
            description = 'People who may post to the crowd page.'; members = @($crowd.id)
            extension = [pscustomobject]@{
                extensionName = 'org.healthwatch.policy.register'; name = 'facebook-crowd'; platform = 'Facebook'; handle = 'crowd'
                url = 'https://www.facebook.com/crowd'; purpose = 'Testing large reports.'; ownerId = $daniel.id; consentById = $sarah.id
                consentDate = '2026-01-05'; status = 'Active'; createdAt = '2026-01-06T10:00:00.0000000+00:00'; retiredAt = $null
            }
        }
        $org = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'org')
        $doc | ConvertTo-Json -Depth 10 -Compress | Set-Content -Encoding utf8NoBOM (Join-Path $org 'directory.json')
        $state = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'state')
        $fake.Send('faults reset') | Out-Null
        $fake.Send("load $(Join-Path $org 'directory.json')") | Out-Null
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl -StatePath $state.FullName | Out-Null

        $sent = Send-HwComplianceReport -To sarah.whitfield@hwsefton.example -From daniel.okafor@hwsefton.example

        $sent.Items | Should -BeGreaterThan 2000
        $mail = @($fake.Send('mail', 120) | ConvertFrom-Json)
        $mail.Count | Should -Be 1
        $mail[0].IsMime | Should -BeFalse                                      # not the whole MIME message through sendMail
        $mail[0].Subject | Should -Be $sent.Subject
        @($mail[0].ToRecipients).Count | Should -Be 1
        $mail[0].ToRecipients[0].Address | Should -Be 'sarah.whitfield@hwsefton.example'
        $mail[0].BodyContent | Should -BeLike '*attached*'
        $mail[0].BodyContent.Length | Should -BeLessThan 10000
        $attachment = @($mail[0].Attachments)
        $attachment.Count | Should -Be 1
        $attachment[0].Name | Should -BeLike '*.html'
        $mail[0].BodyContent | Should -BeLike "*$($attachment[0].Name)*"
        # Without the line-break hints (<wbr>, the spans that keep ids and addresses whole): the text a reader sees.
        $html = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($attachment[0].ContentBytes)) -replace '<wbr>|<span style="(white-space:nowrap|display:inline-block)">|</span>', ''
        $html | Should -BeLike '<!DOCTYPE html>*'
        $html | Should -BeLike '*crowd.member0000@hwsefton.example*'
        $html | Should -BeLike '*crowd.member2107@hwsefton.example*'         # the full report, first finding to last
        ([regex]::Matches($html, 'HW-ELG-004')).Count | Should -BeGreaterThan 2000
    }
}
