BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    # The head mirrors of these tests live in a folder of their own, not in the user's LocalApplicationData.
    $script:mirrors = Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-mirrors-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $script:mirrors
    Import-HwBuiltModule
    $script:account = 'facebook-seftonyounglisteners'   # 2 posters, room for 1
    $script:user = 'rebecca.lloyd@hwsefton.example'
}

AfterAll {
    Remove-Item Env:HEALTHWATCHPOLICY_HEAD_MIRROR -ErrorAction SilentlyContinue
    Remove-Item $script:mirrors -Recurse -Force -ErrorAction SilentlyContinue
}

# Issue 13, deliverables 2, 3, 5 through the built module: the witness in every report, -Witness, no change on a
# damaged journal, HW-AUD-001, and Repair-HwAuditLog for a torn final line only.
Describe 'The audit trail: witnesses, a head mirror, no change on a broken chain' -Tag 'Audit' {
    BeforeEach {
        $connection = Connect-HwTestSample
        $journal = Join-Path $connection.StatePath 'journal.jsonl'
        $head = Join-Path $connection.StatePath 'journal.head'
        # One change (its intent and its outcome: entries 45 and 46), so the mirror records where the journal stands.
        Revoke-HwPostingAccess -Account $account -User (Get-HwPostingAccess -Account $account)[0].User -Reason 'Left the panel' -Confirm:$false | Out-Null
        $witness = (Test-HwAuditLog -Detailed).Witness
    }

    It 'prints the witness in the report object, its JSON, the HTML and the Markdown, and -Witness accepts it' {
        $witness | Should -Match '^46:[0-9a-f]{64}$'
        $summary = Get-HwComplianceReport -Summary
        $summary.Witness | Should -Be $witness
        ($summary | ConvertTo-Json -Depth 3 | ConvertFrom-Json).Witness | Should -Be $witness
        $html = Export-HwComplianceReport -Path (Join-Path $TestDrive 'r.html')
        Get-Content -Raw $html.FullName | Should -BeLike "*Journal witness: <code>$witness</code>*"
        $md = Export-HwComplianceReport -Path (Join-Path $TestDrive 'r.md')
        Get-Content -Raw $md.FullName | Should -Match ([regex]::Escape('Journal witness: `' + $witness + '`'))
        Test-HwAuditLog -Witness $witness | Should -BeTrue
        $witness, (Get-HwAuditLog | Select-Object -First 1 | ForEach-Object { "1:$($_.Hash)" }) | Test-HwAuditLog | Should -BeTrue
        (Get-HwConnection).StatePath | Should -Be $connection.StatePath
        (Test-HwAuditLog -Detailed).MirrorLocation | Should -BeLike "$mirrors*"
    }

    It 'catches a consistent rewrite by the witness, and no change runs after it' {
        # A forger with the code: entry 10's reason changed, every hash after it and the head recomputed.
        $lines = [string[]](Get-Content $journal)
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $lines[9] = $lines[9].Replace('"reason":"', '"reason":"X')
        $prev = ($lines[8] | ConvertFrom-Json).hash
        for ($i = 9; $i -lt $lines.Count; $i++) {
            $canonical = ($lines[$i] -replace ',"hash":"[0-9a-f]{64}"\}$', '}') -replace '"prev":"[0-9a-f]{64}"', ('"prev":"' + $prev + '"')
            $prev = [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($prev + "`n" + $canonical))).ToLowerInvariant()
            $lines[$i] = $canonical.Substring(0, $canonical.Length - 1) + ',"hash":"' + $prev + '"}'
        }
        [IO.File]::WriteAllText($journal, (($lines -join "`n") + "`n"))
        [IO.File]::WriteAllText($head, ('{{"sequence":{0},"hash":"{1}"}}' -f $lines.Count, $prev) + "`n")

        Test-HwAuditLog -WarningVariable w -WarningAction SilentlyContinue | Should -BeFalse -Because 'the head mirror still holds the old entry 46'
        $w[0] | Should -BeLike "*fails verification at entry 46*not the entry the head mirror*recorded*the journal was rewritten*"
        Grant-HwPostingAccess -Account $account -User $user -Reason 'after the rewrite' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -Be 'JournalCorrupt,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e[0].Exception.Message | Should -BeLike '*fails at entry 46*'
        (Get-HwPostingAccess -Account $account).User | Should -Not -Contain $user

        # Where the mirror is lost too (another computer, or whoever rewrote it), the witness kept in a report still tells.
        Remove-Item (Join-Path $mirrors '*')
        Test-HwAuditLog | Should -BeTrue -Because 'the rewritten chain is consistent in itself'
        Test-HwAuditLog -Witness $witness -WarningVariable w -WarningAction SilentlyContinue | Should -BeFalse
        $w[0] | Should -BeLike "*fails verification at entry 46*no longer passes through the witness $witness*"
    }

    It 'lets two users with head mirrors of their own take turns on one state folder, and catches a rewrite both saw' {
        # Another OS account (an admin, the scheduled job) has a mirror of its own; nobody shares a mirror folder.
        $otherMirrors = $mirrors + '-b'
        $turns = @(@($otherMirrors, 'Granted'), @($mirrors, 'Revoked'), @($otherMirrors, 'Granted'), @($mirrors, 'Revoked'))
        try {
            foreach ($turn in $turns) {
                $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $turn[0]
                Connect-HwDirectory -Path (Split-Path -Parent $connection.StatePath) | Out-Null
                (Get-HwConnection).StatePath | Should -Be $connection.StatePath
                $r = if ($turn[1] -eq 'Granted') { Grant-HwPostingAccess -Account $account -User $user -Reason 'turn' -WarningVariable w }
                     else { Revoke-HwPostingAccess -Account $account -User $user -Reason 'turn' -Confirm:$false -WarningVariable w }
                $r.Status | Should -Be $turn[1]
                $w | Should -BeNullOrEmpty
                (Test-HwAuditLog -Detailed).MirrorLocation | Should -BeLike "$($turn[0])*"
                Test-HwAuditLog -Witness $witness | Should -BeTrue
            }
            (Test-HwAuditLog -Detailed).Witness | Should -Match '^54:' -Because 'four changes, each an intent and an outcome'

            # A consistent rewrite of entry 10, which both mirrors saw: each one catches it.
            $lines = [string[]](Get-Content $journal)
            $sha = [System.Security.Cryptography.SHA256]::Create()
            $lines[9] = $lines[9].Replace('"reason":"', '"reason":"X')
            $prev = ($lines[8] | ConvertFrom-Json).hash
            for ($i = 9; $i -lt $lines.Count; $i++) {
                $canonical = ($lines[$i] -replace ',"hash":"[0-9a-f]{64}"\}$', '}') -replace '"prev":"[0-9a-f]{64}"', ('"prev":"' + $prev + '"')
                $prev = [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($prev + "`n" + $canonical))).ToLowerInvariant()
                $lines[$i] = $canonical.Substring(0, $canonical.Length - 1) + ',"hash":"' + $prev + '"}'
            }
            [IO.File]::WriteAllText($journal, (($lines -join "`n") + "`n"))
            [IO.File]::WriteAllText($head, ('{{"sequence":{0},"hash":"{1}"}}' -f $lines.Count, $prev) + "`n")
            foreach ($folder in $otherMirrors, $mirrors) {
                $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $folder
                Connect-HwDirectory -Path (Split-Path -Parent $connection.StatePath) | Out-Null
                Test-HwAuditLog -WarningVariable w -WarningAction SilentlyContinue | Should -BeFalse
                $w[0] | Should -BeLike '*not the entry the head mirror*the journal was rewritten*'
                Grant-HwPostingAccess -Account $account -User $user -Reason 'after the rewrite' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
                $e[0].FullyQualifiedErrorId | Should -Be 'JournalCorrupt,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
            }
        }
        finally {
            $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $mirrors
            Remove-Item $otherMirrors -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'reports a damaged journal as HW-AUD-001 (Critical) instead of failing' {
        $lines = [string[]](Get-Content $journal)
        $lines[19] = '{"seq":20,"time":'
        [IO.File]::WriteAllText($journal, (($lines -join "`n") + "`n"))
        $f = @(Get-HwComplianceReport -RuleId HW-AUD-001)
        $f.Count | Should -Be 1
        $f[0].Severity | Should -Be 'Critical'
        $f[0].Evidence | Should -BeLike '*at entry 20 (line 20)*'
        (Get-HwComplianceReport -Summary).Result | Should -Be 'Fail'
    }

    It 'refuses every change on a torn final line until Repair-HwAuditLog removes it, keeping its bytes' {
        $torn = [Text.Encoding]::UTF8.GetBytes('{"seq":47,"time":"2026-')
        $s = [IO.File]::Open($journal, 'Append'); $s.Write($torn, 0, $torn.Length); $s.Dispose()
        Grant-HwPostingAccess -Account $account -User $user -Reason 'torn' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -Be 'JournalCorrupt,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e[0].Exception.Message | Should -BeLike '*Repair-HwAuditLog*'

        $w = Invoke-HwWhatIf { Repair-HwAuditLog -Reason 'Power cut' -WhatIf }
        $w.Output | Should -BeNullOrEmpty
        $w.WhatIf | Should -HaveCount 1
        Test-HwAuditLog -WarningAction SilentlyContinue | Should -BeFalse -Because '-WhatIf changes nothing'
        $r = Repair-HwAuditLog -Reason 'Power cut' -Confirm:$false
        $r.Sequence | Should -Be 47
        $r.Action | Should -Be 'JournalRepaired'
        $after = $r.After | ConvertFrom-Json
        [Convert]::FromBase64String($after.removedBase64) | Should -Be $torn
        $after.removedSha256 | Should -Be ([Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($torn)).ToLowerInvariant())
        Test-HwAuditLog -Witness $witness | Should -BeTrue
        (Grant-HwPostingAccess -Account $account -User $user -Reason 'after the repair').Status | Should -Be 'Granted'
    }

    It 'does not repair anything but a torn final line' {
        $lines = [string[]](Get-Content $journal)
        $lines[4] = $lines[4].Replace('"reason":"', '"reason":"X')
        [IO.File]::WriteAllText($journal, (($lines -join "`n") + "`n"))
        $before = Get-FileHash $journal
        Repair-HwAuditLog -Reason 'try' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -Be 'JournalCorrupt,HealthwatchPolicy.Commands.RepairHwAuditLogCommand'
        (Get-FileHash $journal).Hash | Should -Be $before.Hash
    }

    It 'refuses a witness that is not a sequence, a colon and a hash' {
        Test-HwAuditLog -Witness '45-abc' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -Be 'WitnessInvalid,HealthwatchPolicy.Commands.TestHwAuditLogCommand'
    }
    It 'catches a forged grant with a correct hash (an outcome without its intent) and keeps HW-AUT-001 meaningful' {
        $forged = 'tom.gallagher@hwsefton.example'
        @(Get-HwComplianceReport -RuleId HW-AUT-001 | Where-Object Subject -EQ $forged).Count | Should -Be 1
        # A forger with the code appends entry 47, hash-correct, chained onto 46, and moves the head.
        $prev = ((Get-Content $journal | Select-Object -Last 1) | ConvertFrom-Json).hash
        $time = [DateTime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'")
        $canonical = '{"seq":47,"time":"' + $time + '","actor":"forger","action":"PostingAccessGranted","account":"twitter-hw-sefton","user":"' + $forged +
            '","reason":"forged","policyVersion":"2018.10","before":{"member":false},"after":{"member":true},"prev":"' + $prev + '"}'
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $hash = [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($prev + "`n" + $canonical))).ToLowerInvariant()
        [IO.File]::AppendAllText($journal, $canonical.Substring(0, $canonical.Length - 1) + ',"hash":"' + $hash + '"}' + "`n")
        [IO.File]::WriteAllText($head, ('{{"sequence":47,"hash":"{0}"}}' -f $hash) + "`n")
        (Get-HwAuditLog | Select-Object -Last 1).Sequence | Should -Be 47   # it reads as an entry like any other

        $v = Test-HwAuditLog -Detailed -WarningAction SilentlyContinue
        $v.IsValid | Should -BeFalse
        $v.FirstBadSequence | Should -Be 47
        $v.Problem | Should -BeLike '*an outcome without its intent (forged or written outside the module)*'
        Test-HwAuditLog -Witness $v.Witness -WarningAction SilentlyContinue | Should -BeFalse
        { Grant-HwPostingAccess -Account $account -User $user -Reason 'After the forgery' -Confirm:$false } | Should -Throw -ErrorId 'JournalCorrupt*'
        $finding = @(Get-HwComplianceReport -RuleId HW-AUD-001)
        $finding.Count | Should -Be 1
        $finding[0].Subject | Should -Be 'the audit journal'
        $finding[0].Evidence | Should -BeLike '*entry 47*'
        $md = Export-HwComplianceReport -Path (Join-Path $TestDrive 'forged.md')
        Get-Content -Raw $md.FullName | Should -Not -BeLike "*$($connection.StatePath)*"
        Get-Content -Raw $md.FullName | Should -Not -BeLike "*$($v.MirrorLocation)*"
    }
}

Describe 'Someone who has only checked' -Tag 'Audit' {
    It 'has a head mirror after connecting to the sample and checking, so <Case> is caught afterwards' -ForEach @(
        @{ Case = 'the journal and head deleted'; Seq = 1; Tamper = { param($j, $h) Remove-Item $j, $h } }
        @{ Case = 'the last entry deleted and the head rewritten'; Seq = 44; Tamper = { param($j, $h)
            $l = [string[]](Get-Content $j); [IO.File]::WriteAllText($j, (($l[0..42] -join "`n") + "`n"))
            [IO.File]::WriteAllText($h, ('{{"sequence":43,"hash":"{0}"}}' -f ($l[42] | ConvertFrom-Json).hash) + "`n") } }
    ) {
        $connection = Connect-HwTestSample
        $journal = Join-Path $connection.StatePath 'journal.jsonl'
        $head = Join-Path $connection.StatePath 'journal.head'
        $v = Test-HwAuditLog -Detailed
        $v.IsValid | Should -BeTrue
        $v.MirrorLocation | Should -Exist
        (Get-Content -Raw $v.MirrorLocation | ConvertFrom-Json).verified | Should -Be $v.Witness
        & $Tamper $journal $head
        Test-HwAuditLog -WarningAction SilentlyContinue | Should -BeFalse
        (Test-HwAuditLog -Detailed -WarningAction SilentlyContinue).FirstBadSequence | Should -Be $Seq
        { Grant-HwPostingAccess -Account 'facebook-seftonyounglisteners' -User 'rebecca.lloyd@hwsefton.example' -Reason 'After' -Confirm:$false } |
            Should -Throw -ErrorId 'JournalCorrupt*'
        @(Get-HwComplianceReport -RuleId HW-AUD-001).Count | Should -Be 1
    }
}
