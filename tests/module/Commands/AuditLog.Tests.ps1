BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Get-HwAuditLog and Test-HwAuditLog' -Tag 'Audit' {
    BeforeEach {
        $connection = Connect-HwTestSample
        $journal = Join-Path $connection.StatePath 'journal.jsonl'
    }

    It 'names the first bad entry when an entry is <Case>' -ForEach @(
        @{ Case = 'edited'; Edit = { param($l) $l[9] = $l[9].Replace('"reason":"', '"reason":"X'); $l }; Seq = 10 }
        @{ Case = 'deleted'; Edit = { param($l) $l | Select-Object -Index (@(0..19) + @(21..($l.Count - 1))) }; Seq = 21 }
        @{ Case = 'inserted'; Edit = { param($l) @($l[0..4]) + $l[2] + @($l[5..($l.Count - 1)]) }; Seq = 6 }
        @{ Case = 'reordered'; Edit = { param($l) $t = $l[30]; $l[30] = $l[31]; $l[31] = $t; $l }; Seq = 31 }
    ) {
        $lines = [System.Collections.Generic.List[string]](Get-Content $journal)
        $changed = & $Edit $lines.ToArray()
        [IO.File]::WriteAllText($journal, (($changed -join "`n") + "`n"))
        Test-HwAuditLog -WarningVariable w -WarningAction SilentlyContinue | Should -BeFalse
        $w[0] | Should -BeLike "*entry $Seq*"
        (Test-HwAuditLog -Detailed -WarningAction SilentlyContinue).FirstBadSequence | Should -Be $Seq
    }

    It 'fails a journal whose time goes <Case>, though its chain was recomputed to match' -ForEach @(
        @{ Case = 'backwards'; Index = 20; Time = { param($l) [DateTimeOffset]::Parse([regex]::Match($l[19], '"time":"([^"]*)"').Groups[1].Value, [Globalization.CultureInfo]::InvariantCulture).AddDays(-1) }
           Problem = 'Time goes backwards: entry 21 is dated *, 1 day(s) before entry 20 (*)*' }
        @{ Case = 'into the future'; Index = 43; Time = { param($l) [DateTimeOffset]::new(2099, 1, 1, 0, 0, 0, [TimeSpan]::Zero) }
           Problem = 'Entry 44 is dated in the future: 2099-01-01 00:00:00Z*' }
    ) {
        # What a forger (or a wrong clock) leaves: every hash from the changed entry on recomputed, and the head too.
        function Write-Rechained([string[]] $Lines, [int] $From) {
            $sha = [System.Security.Cryptography.SHA256]::Create()
            $prev = if ($From -eq 0) { '0' * 64 } else { ($Lines[$From - 1] | ConvertFrom-Json).hash }
            for ($i = $From; $i -lt $Lines.Count; $i++) {
                $canonical = ($Lines[$i] -replace ',"hash":"[0-9a-f]{64}"\}$', '}') -replace '"prev":"[0-9a-f]{64}"', ('"prev":"' + $prev + '"')
                $prev = [Convert]::ToHexString($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($prev + "`n" + $canonical))).ToLowerInvariant()
                $Lines[$i] = $canonical.Substring(0, $canonical.Length - 1) + ',"hash":"' + $prev + '"}'
            }
            [IO.File]::WriteAllText($journal, (($Lines -join "`n") + "`n"))
            [IO.File]::WriteAllText((Join-Path $connection.StatePath 'journal.head'), ('{{"sequence":{0},"hash":"{1}"}}' -f $Lines.Count, $prev) + "`n")
        }
        $lines = [string[]](Get-Content $journal)
        $lines.Count | Should -Be 44
        Write-Rechained $lines $Index
        Test-HwAuditLog | Should -BeTrue -Because 'recomputing an unchanged chain changes nothing'

        $stamp = (& $Time $lines).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'")
        $lines[$Index] = $lines[$Index] -replace '"time":"[^"]*"', ('"time":"' + $stamp + '"')
        Write-Rechained $lines $Index
        # The head mirror recorded entry 44 when the sample was connected and checked (decision 0152), so it sees this
        # rewrite as well; the time check is what this test is about: a computer that never saw the journal (no mirror).
        $mirror = (Test-HwAuditLog -Detailed -WarningAction SilentlyContinue).MirrorLocation
        $mirror | Should -Exist
        Remove-Item -LiteralPath $mirror
        Test-HwAuditLog -WarningVariable w -WarningAction SilentlyContinue | Should -BeFalse
        $w[0] | Should -BeLike "*fails verification at entry $($Index + 1) (line $($Index + 1))*"
        $v = Test-HwAuditLog -Detailed -WarningAction SilentlyContinue
        $v.IsValid | Should -BeFalse
        $v.FirstBadSequence | Should -Be ($Index + 1)
        $v.Problem | Should -BeLike $Problem
        @(Get-HwAuditLog).Count | Should -Be 44   # the entries still read: only their times are wrong
    }

    It 'refuses a time range that ends before it starts, naming -Before, instead of answering with nothing' {
        @(Get-HwAuditLog -After 2025-01-01 -Before 2026-01-01).Count | Should -BeGreaterThan 0
        $err = { Get-HwAuditLog -After 2026-01-01 -Before 2025-01-01 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TimeRangeInvalid,HealthwatchPolicy.Commands.GetHwAuditLogCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike 'The time range ends (2025-01-01*) at or before its start (2026-01-01*)*'
    }

    It 'shows the outcome of a change, not its intent, unless asked with -Action ChangeIntended (decision 0150)' {
        $before = @(Get-HwAuditLog).Count
        $lines = @(Get-Content $journal).Count
        (Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason 'Covers the youth panel').Status | Should -Be 'Granted'
        @(Get-Content $journal).Count | Should -Be ($lines + 2) -Because 'an intent, then its outcome'
        @(Get-HwAuditLog).Count | Should -Be ($before + 1)
        $grant = Get-HwAuditLog -Last 1
        $grant.Action | Should -Be 'PostingAccessGranted'
        $intent = @(Get-HwAuditLog -Action ChangeIntended -Last 1)[0]
        $intent.Sequence | Should -Be ($grant.Sequence - 1)
        $intent.Reason | Should -Be 'Covers the youth panel'
        ($intent.After | ConvertFrom-Json).intent | Should -Be ($grant.After | ConvertFrom-Json).intent
        ($intent.After | ConvertFrom-Json).change | Should -Be 'PostingAccessGranted'
        Test-HwAuditLog | Should -BeTrue
    }
}
