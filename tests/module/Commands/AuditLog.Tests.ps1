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
}
