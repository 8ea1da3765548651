# Issue 14 item 1 (docs/decisions/0160): every table view in module/HealthwatchPolicy.format.ps1xml, enumerated from
# the XML, renders real objects of the sample organisation at 80 and 120 columns with every column header whole, no
# line over the width, no address split across lines (whole, or cut with '…'), and no word broken mid-way.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    [xml] $script:formatXml = Get-Content -Raw (Join-Path (Get-HwRepoRoot) 'module/HealthwatchPolicy.format.ps1xml')
    $script:tableViews = @($formatXml.Configuration.ViewDefinitions.View | Where-Object { $_['TableControl'] } | ForEach-Object {
        @{ Name = $_.Name; Type = $_.ViewSelectedBy.TypeName }
    })
    $script:renders = foreach ($v in $tableViews) { foreach ($w in 80, 120) { @{ Name = $v.Name; Type = $v.Type; Width = $w } } }
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    [xml] $script:xml = Get-Content -Raw (Join-Path (Get-HwRepoRoot) 'module/HealthwatchPolicy.format.ps1xml')
    $org = Join-Path $TestDrive 'org'
    Connect-HwDirectory -Sample -Path $org | Out-Null
    $script:upns = @((Get-Content -Raw (Join-Path $org 'directory.json') | ConvertFrom-Json).users.userPrincipalName)

    $v1 = Join-Path $TestDrive 'v1.yaml'
    Copy-Item (Get-HwBundledPolicyPath) $v1
    $v2 = Join-Path $TestDrive 'v2.yaml'
    (Get-Content -Raw $v1).Replace('version: "2018.10"', 'version: "2026.11"').
        Replace('text: Copyright laws must be respected, with references or sources cited appropriately.',
                'text: Copyright laws must be respected, with sources always cited.') | Set-Content $v2 -NoNewline
    $bad = Join-Path $TestDrive 'bad-policy.yaml'
    (Get-Content -Raw $v1).Replace("      form: paragraph`n      text: (This", "      colour: red`n      form: paragraph`n      text: (This") |
        Set-Content $bad -NoNewline

    # Real objects of each type, from the cmdlets that emit them; a new table view needs a producer here.
    Start-HwAccessReview -Confirm:$false | Out-Null
    # Update first: its step for the review mail has one line per mail sent (Send-HwAccessReview would send them first).
    $steps = @(Update-HwAccessReview -Confirm:$false -WarningAction SilentlyContinue)
    $script:objects = @{
        'HealthwatchPolicy.Engine.Policy.PolicyClause'                    = @(Get-HwPolicy -Kind Enforced)
        'HealthwatchPolicy.Engine.Policy.PolicyDiagnostic'                = @(Test-HwPolicy -Path $bad -Detailed | Where-Object { $_ -isnot [bool] })
        'HealthwatchPolicy.Engine.Policy.PolicyChange'                    = @(Compare-HwPolicy -ReferencePath $v1 -DifferencePath $v2)
        'HealthwatchPolicy.Engine.Register.OfficialAccount'               = @(Get-HwOfficialAccount)
        'HealthwatchPolicy.Engine.Access.PostingAccess'                   = @(Get-HwPostingAccess)
        'HealthwatchPolicy.Engine.Acknowledgements.PolicyAcknowledgement' = @(Get-HwPolicyAcknowledgement)
        'HealthwatchPolicy.Engine.Journal.JournalEntry'                   = @(Get-HwAuditLog)
        'HealthwatchPolicy.Engine.Compliance.ComplianceFinding'           = @(Get-HwComplianceReport)
        'HealthwatchPolicy.Engine.Reviews.AccessReviewItem'               = @(Get-HwAccessReview -Pending)
        'HealthwatchPolicy.Engine.Reviews.ReviewMailRecord'               = @($steps | ForEach-Object { $_.Mail })
        'HealthwatchPolicy.Engine.Reviews.ReviewScheduleStep'             = $steps
    }
    # The later types (exceptions, report changes, sync, pauses, decisions by mail, organisation summaries): these change
    # the organisation, so they come last (TestHelpers.psm1).
    foreach ($later in (Get-HwTestLaterOutputs -Work (Join-Path $TestDrive 'later')).GetEnumerator()) { $script:objects[$later.Key] = $later.Value }

    # Every whitespace-separated word a view may show: the words of the objects' values, dates as the views write
    # them, the views' own labels and fillers. A word broken mid-way ('Communi', 'cations') is none of them.
    function Get-Words([object[]] $items) {
        $words = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
        foreach ($o in $items) {
            foreach ($p in $o.PSObject.Properties) {
                $vals = try { @($p.Value) } catch { @() }
                foreach ($v in $vals) {
                    if ($null -eq $v) { continue }
                    if ($v -is [datetimeoffset]) { $v = $v.UtcDateTime }
                    if ($v -is [datetime]) { foreach ($f in 'yyyy-MM-dd', 'HH:mm') { [void] $words.Add($v.ToString($f)) } }
                    foreach ($w in ("$v" -split '\s+')) { if ($w) { [void] $words.Add($w) } }
                }
            }
            if ($o.PSObject.Properties['Time']) { [void] $words.Add($o.Time.UtcDateTime.ToString('yyyy-MM-dd')); [void] $words.Add($o.Time.UtcDateTime.ToString('HH:mm')) }
            if ($o.PSObject.Properties['File']) { [void] $words.Add((Split-Path -Leaf $o.File)) }
        }
        foreach ($w in 'Yes', 'No', '(none)', '(no', 'consent', 'recorded)', '(organisation)', 'Was:', 'Now:') { [void] $words.Add($w) }
        foreach ($h in $script:xml.SelectNodes('//TableColumnHeader/Label | //GroupBy/Label')) {
            foreach ($w in ($h.InnerText -split '\s+')) { [void] $words.Add($w); [void] $words.Add("${w}:") }
        }
        $words
    }
}

Describe 'Format views read at 80 and 120 columns (issue 14)' -Tag 'Format' {
    It 'the format file has table views to check' {
        $tableViews.Count | Should -BeGreaterOrEqual 10
    }

    It 'every table view <Name> has a list view for its type and fixed widths summing to at most 79' -ForEach $tableViews {
        $view = $xml.Configuration.ViewDefinitions.View | Where-Object Name -EQ $Name
        @($xml.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq $Type -and $_['ListControl'] }).Count |
            Should -BeGreaterOrEqual 1 -Because "$Type needs a list view for the details the table leaves out"
        $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
        foreach ($h in $headers) { $h.Width | Should -Not -BeNullOrEmpty -Because "column '$($h.Label)' of $Name needs a width" }
        ($headers | ForEach-Object { [int] $_.Width } | Measure-Object -Sum).Sum + $headers.Count - 1 | Should -BeLessOrEqual 79
        foreach ($h in $headers) { [int] $h.Width | Should -BeGreaterOrEqual $h.Label.Length -Because "header '$($h.Label)' must fit whole" }
    }

    It '<Name> at <Width> columns: headers whole, lines within the width, addresses and words unbroken' -ForEach $renders {
        $items = $objects[$Type]
        $items | Should -Not -BeNullOrEmpty -Because "the test needs real $Type objects (add a producer for a new view)"
        $text = $items | Format-Table -View $Name | Out-String -Width $Width
        $lines = $text -split "`r?`n"
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $Width -Because "line '$line'" }
        # The sample's text has no control characters: a control symbol (␊ for a line feed) would be the view's doing.
        $text | Should -Not -Match '[\u2400-\u2424]' -Because $text

        $view = $xml.Configuration.ViewDefinitions.View | Where-Object Name -EQ $Name
        $headerLine = $lines | Where-Object { $_ -match '^\s*-+(\s+-+)*\s*$' } | Select-Object -First 1
        $headerLine | Should -Not -BeNullOrEmpty
        $labelsLine = $lines[[array]::IndexOf($lines, $headerLine) - 1]
        foreach ($label in @($view.TableControl.TableHeaders.TableColumnHeader.Label)) {
            $labelsLine | Should -Match "(^|\s)$([regex]::Escape($label))(\s|$)" -Because "column '$label' of $Name must show, whole, at $Width columns"
        }

        # Addresses: whole, or visibly cut with '…' (a prefix of a real one), never split across lines.
        foreach ($m in [regex]::Matches($text, "[\w.#'+-]*@[\w.-]*…?")) {
            $a = $m.Value
            if ($a.EndsWith('…')) {
                @($upns | Where-Object { $_.StartsWith($a.TrimEnd('…')) }).Count | Should -BeGreaterThan 0 -Because "'$a' is cut from an address"
            } else {
                $upns | Should -Contain $a -Because "'$a' must be a whole address in:`n$text"
            }
        }

        # Words: every word shown is a whole word of the data or the view (or cut with '…').
        $words = Get-Words $items
        foreach ($line in $lines) {
            if ($line -match '^\s*-+(\s+-+)*\s*$') { continue }
            foreach ($w in ($line -split '\s+')) {
                if (-not $w -or $w.EndsWith('…')) { continue }
                $words.Contains($w) | Should -BeTrue -Because "'$w' (in '$line') must be a whole word at $Width columns"
            }
        }
    }

    It 'Test-HwAuditLog -Detailed at <_> columns: the witness whole on a line of its own, with the journal and head mirror (decision 0162)' -ForEach 80, 120 {
        Connect-HwTestSample | Out-Null
        $result = Test-HwAuditLog -Detailed
        $result.Witness | Should -Match '^\d+:[0-9a-f]{64}$'
        $lines = @((($result | Out-String -Width $_) -split "\r?\n"))
        $lines | Should -Contain $result.Witness -Because ($lines -join "`n")
        $lines | Should -Contain 'IsValid : True'
        $lines | Should -Contain "Entries : $($result.EntryCount)"
        $lines | Should -Contain $result.Path
        $lines | Should -Contain 'Head mirror :'
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $_ -Because "'$line'" }
        # Format-List still shows every property, the witness and mirror among them.
        $list = $result | Format-List | Out-String -Width 200
        $list | Should -Match ("Witness\s+: " + [regex]::Escape($result.Witness))
        $list | Should -Match 'MirrorLocation\s+: '
    }

    It 'list views at <_> columns show each element of a collection (addresses, ids, rule counts, platforms) whole on a line of its own (decision 0164)' -ForEach 80, 120 {
        $width = $_
        Connect-HwTestSample | Out-Null
        Start-HwAccessReview -Confirm:$false | Out-Null
        $review = Get-HwAccessReview
        $summary = Get-HwComplianceReport -Summary
        $policy = Get-HwPolicy
        $account = Get-HwOfficialAccount -Name instagram-healthwatchsefton
        $cases = @(
            @{ Object = $review; Expected = @($review.Reviewers) }
            @{ Object = $summary; Expected = @($summary.Rules | Where-Object Count | ForEach-Object { '{0}={1}' -f $_.RuleId, $_.Count }) }
            @{ Object = $policy; Expected = @($policy.Scope.Platforms) + @($policy.Scope.Covers) }
            @{ Object = $account; Expected = @($account.Posters) }
        )
        foreach ($case in $cases) {
            $case.Expected.Count | Should -BeGreaterThan 1 -Because 'the case has a collection to show'
            $lines = @((($case.Object | Format-List | Out-String -Width $width) -split "\r?\n") | ForEach-Object { $_.TrimEnd() })
            # Each element is the whole value part of one line ("Label : x" or the continuation "          x").
            $values = @($lines | ForEach-Object { if ($_ -match '^\S[^:]*? : (.*)$') { $Matches[1] } else { $_.Trim() } })
            foreach ($e in $case.Expected) { $values | Should -Contain $e -Because ($lines -join "`n") }
            foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $width -Because "'$line'" }
        }
    }
}
