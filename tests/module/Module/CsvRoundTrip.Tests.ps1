# Issue 14 item 2 (docs/decisions/0160): every object type the module's cmdlets declare in [OutputType] survives
# Export-Csv/Import-Csv: collections as text ("a; b"), no .NET type name in any cell, key fields unchanged.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $org = Join-Path $TestDrive 'org'
    Connect-HwDirectory -Sample -Path $org | Out-Null
    Start-HwAccessReview -Confirm:$false | Out-Null
    $bad = Join-Path $TestDrive 'bad-policy.yaml'
    (Get-Content -Raw (Get-HwBundledPolicyPath)).Replace("      form: paragraph`n      text: (This", "      colour: red`n      form: paragraph`n      text: (This") |
        Set-Content $bad -NoNewline
    $v2 = Join-Path $TestDrive 'v2.yaml'
    (Get-Content -Raw (Get-HwBundledPolicyPath)).Replace('version: "2018.10"', 'version: "2026.11"').
        Replace('text: Copyright laws must be respected, with references or sources cited appropriately.',
                'text: Copyright laws must be respected, with sources always cited.') | Set-Content $v2 -NoNewline
    $script:instances = @{
        PolicyDocument        = @(Get-HwPolicy)
        PolicyClause          = @(Get-HwPolicy -Kind Enforced)
        PolicyDiagnostic      = @(Test-HwPolicy -Path $bad -Detailed | Where-Object { $_ -isnot [bool] })
        PolicyChange          = @(Compare-HwPolicy -ReferencePath (Get-HwBundledPolicyPath) -DifferencePath $v2)
        DirectoryConnection   = @(Get-HwConnection)
        OfficialAccount       = @(Get-HwOfficialAccount)
        PostingAccess         = @(Get-HwPostingAccess)
        PolicyAcknowledgement = @(Get-HwPolicyAcknowledgement)
        JournalEntry          = @(Get-HwAuditLog)
        ComplianceFinding     = @(Get-HwComplianceReport)
        ComplianceSummary     = @(Get-HwComplianceReport -Summary)
        AccessReview          = @(Get-HwAccessReview)
        AccessReviewItem      = @(Get-HwAccessReview -Pending)
        ReviewMailRecord      = @(Send-HwAccessReview -Confirm:$false)
        DirectorySnapshot     = @(Export-HwDirectorySnapshot -Path (Join-Path $TestDrive 'snap.json') -Confirm:$false)
        JournalVerification   = @(Test-HwAuditLog -Detailed)
        ReviewScheduleStep    = @(Update-HwAccessReview -Confirm:$false -WarningAction SilentlyContinue)
    }
    # The later types (exceptions, report changes, sync, pauses, decisions by mail, organisation summaries): these change
    # the organisation, so they come last (TestHelpers.psm1).
    foreach ($later in (Get-HwTestLaterOutputs -Work (Join-Path $TestDrive 'later')).GetEnumerator()) { $script:instances[$later.Key.Split('.')[-1]] = $later.Value }
}

Describe 'Export-Csv/Import-Csv round trips (issue 14)' -Tag 'Csv' {
    BeforeDiscovery {
        Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
        Import-HwBuiltModule
        $plain = 'String', 'Boolean', 'FileInfo', 'Void', 'PSObject'
        $script:types = @(Get-Command -Module HealthwatchPolicy | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Type } |
            Where-Object { $_ -and $_.Name -notin $plain } | Sort-Object FullName -Unique | ForEach-Object { @{ Name = $_.Name; FullName = $_.FullName } })
    }

    It 'the cmdlets declare output types to check' { $types.Count | Should -BeGreaterOrEqual 15 }

    It '<FullName> survives Export-Csv/Import-Csv with collections as text' -ForEach $types {
        $items = $instances[$Name]
        $items | Should -Not -BeNullOrEmpty -Because "the test needs a real $FullName (add a producer for a new output type)"
        $path = Join-Path $TestDrive "$Name.csv"
        $items | Export-Csv -Path $path
        $raw = Get-Content -Raw $path
        $raw | Should -Not -Match 'System\.(Collections|Linq|Object\[\])|HealthwatchPolicy\.Engine\.|`1\[' -Because "no cell may hold a type name:`n$raw"
        $back = @(Import-Csv -Path $path)
        $back.Count | Should -Be $items.Count
        for ($i = 0; $i -lt $items.Count; $i++) {
            foreach ($p in $items[$i].PSObject.Properties) {
                $v = try { $p.Value } catch { continue }
                if ($v -is [string]) { $back[$i].($p.Name) | Should -BeExactly $v -Because "$Name.$($p.Name) must survive" }
                elseif ($v -is [System.Collections.IEnumerable] -and $v -isnot [System.Collections.IDictionary] -and @($v | Where-Object { $_ -is [string] }).Count -eq @($v).Count) {
                    $back[$i].($p.Name) | Should -BeExactly (@($v) -join '; ') -Because "$Name.$($p.Name) is a list written as text"
                }
            }
        }
    }
}
