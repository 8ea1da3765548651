# Policy fuzzing (issue 11): generates mutants of the bundled policy, each of a kind, and throws them through the BUILT
# module's Test-HwPolicy -Detailed and Get-HwPolicy -Path. Used by Module/PolicyFuzz.Tests.ps1 (2,000 per run) and by
# build.ps1 -Task Soak (20,000 or more), both through Invoke-PolicyFuzz.ps1 in one child pwsh.
#
# Every mutant is checked for: no exception other than the module's own PolicyInvalid, no call over 2 s, Test and Get
# agreeing, and every diagnostic at a real position (a line and column inside the file, never inside a comment line).
# A mutant of a targeted kind also knows where its problem is and what the message must say; the loader must report
# exactly there. Mutants meant to be valid (values at the ends of their ranges) must load.
Set-StrictMode -Version Latest

$script:Kinds = @('alias-recursive', 'alias-exponential', 'depth', 'size', 'scalars', 'encodings', 'ranges', 'positions', 'padding', 'random')
# Identifier-like keys (PolicyLimits.TokenFields) and one-line text keys (PolicyLimits.LineFields) as they stand in the
# bundled policy's "key: value" lines: the 'padding' kind puts white space or a line break at an end (or a break inside).
$script:TokenKeys = @('apiVersion', 'kind', 'name', 'version', 'effective', 'nextReviewDue', 'id', 'user', 'group', 'postingGroupPrefix', 'undecidedAction', 'section', 'form')
$script:LineKeys = @('title', 'organisation', 'alternativeFormatsContact')
$script:Utf8 = [System.Text.UTF8Encoding]::new($false)

# The integer and boolean keys of the policy with the loader's ranges (HealthwatchPolicy.Engine.Policy.PolicyLimits).
$script:Numbers = [ordered]@{
    'reviewIntervalMonths' = @{ Key = 'metadata.reviewIntervalMonths'; Min = 1; Max = 60 }
    'maxPostersPerAccount' = @{ Key = 'spec.parameters.maxPostersPerAccount'; Min = 1; Max = 100 }
    'intervalMonths'       = @{ Key = 'spec.parameters.accessReview.intervalMonths'; Min = 1; Max = 12 }
    'dueDays'              = @{ Key = 'spec.parameters.accessReview.dueDays'; Min = 1; Max = 90 }
    'graceDays'            = @{ Key = 'spec.parameters.accessReview.graceDays'; Min = 0; Max = 90 }
}
$script:Booleans = @('guestsMayPost', 'acknowledgementRequiredToPost')
# Text fields present in the bundled policy, with the loader's per-field limit.
$script:TextFields = @(
    @{ Name = 'name'; Max = 100 }, @{ Name = 'title'; Max = 200 }, @{ Name = 'organisation'; Max = 200 },
    @{ Name = 'version'; Max = 32 }, @{ Name = 'alternativeFormatsContact'; Max = 200 }, @{ Name = 'lead'; Max = 1000 },
    @{ Name = 'text'; Max = 4000 }, @{ Name = 'user'; Max = 256 }
)
$script:MaxDepth = 16
$script:MaxFileBytes = 1048576
$script:MaxScalar = 4000

function Get-HwFuzzKinds { $script:Kinds }

# A line "<indent>[- ]key: value" with a plain one-line value: where the value starts (1-based column).
function Get-ValueLines([string[]] $Lines) {
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i] -match '^(\s*(?:- )?)([A-Za-z]+): ([^\s>|\[{''&*!#][^#]*)$') {
            [pscustomobject]@{ Index = $i; Key = $Matches[2]; Column = $Matches[1].Length + $Matches[2].Length + 3; Value = $Matches[3] }
        }
    }
}

function New-Mutant([string] $Kind, [string[]] $Lines, [string] $Variant) {
    [pscustomobject]@{
        Kind = $Kind; Variant = $Variant; Lines = $Lines; Bytes = $null
        Expect = 'refused'      # refused | valid | any
        Line = 0; Column = 0; Message = $null
    }
}

function Set-Value($Mutant, $Target, [string] $Value) {
    $lines = [string[]]$Mutant.Lines.Clone()
    $lines[$Target.Index] = $lines[$Target.Index].Substring(0, $Target.Column - 1) + $Value
    $Mutant.Lines = $lines
    $Mutant.Line = $Target.Index + 1
    $Mutant.Column = $Target.Column
}

function Get-Pick([System.Random] $Random, $Items) { $Items[$Random.Next($Items.Count)] }

function New-HwPolicyMutant {
    param([Parameter(Mandatory)] [System.Random] $Random, [Parameter(Mandatory)] [AllowEmptyString()] [string[]] $Lines,
        [Parameter(Mandatory)] [string] $Kind, [Parameter(Mandatory)] $ValueLines)
    $pick = { param($items) Get-Pick $Random $items }
    switch ($Kind) {
        'alias-recursive' {
            $t = & $pick $ValueLines
            $name = & $pick @('a', 'x', 'loop', 'r1')
            $variant = & $pick @('flow-list', 'flow-map', 'block', 'missing')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'flow-list' { Set-Value $m $t "&$name [*$name]"; $m.Message = "Anchors (&$name) are not allowed" }
                'flow-map' { Set-Value $m $t "&$name {k: *$name}"; $m.Message = "Anchors (&$name) are not allowed" }
                'block' {
                    Set-Value $m $t "&$name"
                    $indent = ' ' * ($t.Column - $t.Key.Length - 3 + 2)
                    $l = [System.Collections.Generic.List[string]]::new([string[]]$m.Lines)
                    $l.Insert($t.Index + 1, "${indent}b: *$name")
                    $m.Lines = $l.ToArray()
                    $m.Message = "Anchors (&$name) are not allowed"
                }
                'missing' { Set-Value $m $t "*$name"; $m.Message = "Aliases (*$name) are not allowed" }
            }
            return $m
        }
        'alias-exponential' {
            $levels = $Random.Next(3, 13)
            $width = $Random.Next(2, 11)
            $block = [System.Collections.Generic.List[string]]::new()
            $block.Add('laughs:')
            $block.Add('  l0: &l0 [' + ((@('lol') * $width) -join ', ') + ']')
            for ($i = 1; $i -le $levels; $i++) { $block.Add("  l${i}: &l$i [" + ((@("*l$($i - 1)") * $width) -join ', ') + ']') }
            $m = New-Mutant $Kind $Lines ("{0}x{1}" -f $levels, $width)
            # before 'spec:' (a top-level key) or at the end
            $at = if ($Random.Next(2) -eq 0) { [array]::IndexOf($Lines, 'spec:') } else { $Lines.Count }
            $l = [System.Collections.Generic.List[string]]::new($Lines)
            $l.InsertRange($at, $block)
            $m.Lines = $l.ToArray()
            $m.Line = $at + 2; $m.Column = 7; $m.Message = 'Anchors (&l0) are not allowed'
            return $m
        }
        'depth' {
            $variant = & $pick @('flow-list', 'flow-map', 'block-map', 'block-list')
            $n = if ($Random.Next(10) -eq 0) { $Random.Next(1000, 60001) } else { $Random.Next($script:MaxDepth, 200) }
            $m = New-Mutant $Kind $Lines $variant
            $l = [System.Collections.Generic.List[string]]::new($Lines)
            $m.Message = "more than $($script:MaxDepth) deep"
            switch ($variant) {
                # a new top-level key: the root is depth 1, so the 16th bracket opens depth 17
                'flow-list' { $l.Add('deep: ' + ('[' * $n)); $m.Line = $l.Count; $m.Column = 7 + $script:MaxDepth - 1 }
                'flow-map' { $l.Add('deep: ' + ('{a: ' * $n)); $m.Line = $l.Count; $m.Column = 7 + 4 * ($script:MaxDepth - 1) }
                'block-map' {
                    $l.Add('deep:'); $first = $l.Count
                    for ($j = 1; $j -le [Math]::Min($n, 400); $j++) { $l.Add((' ' * (2 * $j)) + 'a:') }
                    $l.Add((' ' * (2 * [Math]::Min($n, 400) + 2)) + 'end')
                    $m.Line = $first + $script:MaxDepth; $m.Column = 2 * $script:MaxDepth + 1
                }
                'block-list' {
                    $count = [Math]::Min($n, 400)
                    $l.Add('deep:')
                    $l.Add(('- ' * $count) + 'x')
                    $m.Line = $l.Count; $m.Column = 1 + 2 * ($script:MaxDepth - 1)
                }
            }
            $m.Lines = $l.ToArray()
            return $m
        }
        'size' {
            $variant = & $pick @('file', 'file', 'scalar', 'field-over', 'field-at')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'file' {
                    $target = if ($Random.Next(25) -eq 0) { 8MB } else { $script:MaxFileBytes + $Random.Next(1, 400000) }
                    $pad = '# ' + ('x' * 97)
                    $text = ($Lines -join "`n") + "`n"
                    $have = $script:Utf8.GetByteCount($text)
                    $count = [int][Math]::Ceiling(($target - $have) / 100.0)
                    $m.Lines = [string[]]($Lines + (, $pad * $count))
                    # the first byte past the limit: the padding is ASCII, 100 bytes a line
                    $past = $script:MaxFileBytes - $have
                    $m.Line = $Lines.Count + 1 + [Math]::Floor($past / 100); $m.Column = ($past % 100) + 1
                    $m.Message = 'larger than 1,048,576 bytes'
                }
                'scalar' {
                    $t = & $pick @($ValueLines | Where-Object Key -EQ 'text')
                    Set-Value $m $t ('w' * $Random.Next($script:MaxScalar + 1, 60000))
                    $m.Message = 'no value in a policy may be longer than 4,000'
                }
                default {
                    $f = & $pick $script:TextFields
                    $t = & $pick @($ValueLines | Where-Object Key -EQ $f.Name)
                    $length = if ($variant -eq 'field-over') { $f.Max + 1 + $Random.Next(0, [Math]::Max(1, $script:MaxScalar - $f.Max)) } else { $f.Max }
                    $length = [Math]::Min($length, $script:MaxScalar)
                    if ($variant -eq 'field-over' -and $length -le $f.Max) { $m.Variant = 'field-at' }
                    Set-Value $m $t ('v' + ('w' * ($length - 1)))
                    if ($m.Variant -eq 'field-at') { $m.Expect = 'valid'; $m.Line = 0 }
                    else { $m.Message = "may be at most $($f.Max) characters long; it is $($length.ToString('N0'))" }
                }
            }
            return $m
        }
        'scalars' {
            $variant = & $pick @('boolean', 'boolean', 'integer', 'integer', 'valid')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'boolean' {
                    $t = & $pick @($ValueLines | Where-Object { $_.Key -in $script:Booleans })
                    Set-Value $m $t (& $pick @('y', 'Y', 'n', 'yes', 'Yes', 'no', 'NO', 'on', 'On', 'off', 'OFF', 'True', 'FALSE', '"false"', "'true'", '"true"', '1', '0'))
                    $m.Message = 'is true or false, written plainly in lower case'
                }
                'integer' {
                    $t = & $pick @($ValueLines | Where-Object { $script:Numbers.Contains($_.Key) })
                    $r = $script:Numbers[$t.Key]
                    Set-Value $m $t (& $pick @('3_0', '1_0', '0x1F', '0x0A', '0o7', '014', '07', '+3', '-0', '3.0', '1e1', '"3"', "'5'", '.inf', '0b11', '5.', '1,0', '٣'))
                    $m.Message = "must be a whole number from $($r.Min) to $($r.Max), written in plain digits"
                }
                'valid' {
                    $t = & $pick @($ValueLines | Where-Object { $_.Key -in $script:Booleans })
                    Set-Value $m $t (& $pick @('true', 'false'))
                    $m.Expect = 'valid'; $m.Line = 0
                }
            }
            return $m
        }
        'encodings' {
            $variant = & $pick @('utf8', 'raw', 'raw', 'escaped')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'utf8' {
                    $i = $Random.Next($Lines.Count)
                    while ($Lines[$i].Length -eq 0) { $i = $Random.Next($Lines.Count) }
                    $c = $Random.Next($Lines[$i].Length + 1)
                    $bad = & $pick @(@(0x93), @(0x94), @(0x80), @(0xFF), @(0xFE), @(0xC0, 0x80), @(0xED, 0xA0, 0x80), @(0xF8, 0x88), @(0xE2, 0x80), @(0xC3), @(0xF5, 0x80, 0x80, 0x80))
                    $text = $Lines -join "`n"
                    $offset = $c
                    for ($k = 0; $k -lt $i; $k++) { $offset += $Lines[$k].Length + 1 }
                    $m.Bytes = [byte[]]($script:Utf8.GetBytes($text.Substring(0, $offset)) + [byte[]]$bad + $script:Utf8.GetBytes($text.Substring($offset)))
                    $m.Line = $i + 1; $m.Column = $c + 1
                    $m.Message = ('not valid UTF-8: byte 0x{0:X2}' -f $bad[0])
                }
                'raw' {
                    $ch = & $pick @(0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x7F, 0x85, 0x9B, 0x200E, 0x202A, 0x202E, 0x2066, 0x2069, 0x061C, 0x2028, 0x2029, 0xFFFD, 0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060, 0x00AD)
                    $i = $Random.Next($Lines.Count)
                    $c = $Random.Next($Lines[$i].Length + 1)
                    $work = [string[]]$Lines.Clone()
                    $work[$i] = $work[$i].Insert($c, [string][char]$ch)
                    $m.Lines = $work
                    $m.Line = $i + 1; $m.Column = $c + 1
                    $m.Message = ('The character U+{0:X4} (' -f $ch)
                }
                'escaped' {
                    $t = & $pick @($ValueLines | Where-Object Key -In @('text', 'title', 'name', 'lead', 'organisation'))
                    $escape = & $pick @('\0', '\a', '\e', '\x7F', '\x85', '\u202E', '\u2066', '\u200F', '\uFFFD', '\u200B', '\u2060', '\N', '\L', '\P', '\x1B[31m', '\b')
                    $value = $t.Value.Trim('"').Replace('\', '\\').Replace('"', '\"')
                    $cut = $Random.Next($value.Length + 1)
                    Set-Value $m $t ('"' + $value.Substring(0, $cut) + $escape + $value.Substring($cut) + '"')
                    $m.Message = 'which is not allowed in a policy file'
                }
            }
            return $m
        }
        'ranges' {
            $t = & $pick @($ValueLines | Where-Object { $script:Numbers.Contains($_.Key) -or $_.Key -in 'effective', 'nextReviewDue' })
            if ($t.Key -in 'effective', 'nextReviewDue') {
                $variant = & $pick @('date-out', 'date-out', 'date-bad', 'date-valid')
                $m = New-Mutant $Kind $Lines $variant
                switch ($variant) {
                    'date-out' {
                        $year = & $pick @(1, 1066, 1900, 1999, 2100, 2999, 9999)
                        Set-Value $m $t ('{0:0000}-06-15' -f $year)
                        $m.Message = "'metadata.$($t.Key)' must fall in the years 2000 to 2099"
                    }
                    'date-bad' {
                        Set-Value $m $t (& $pick @('2019-13-01', '2019-02-30', '2019-1-1', '01/10/2019', '2019-10-01T00:00:00', '20191001'))
                        $m.Message = "'metadata.$($t.Key)' must be a date written yyyy-MM-dd"
                    }
                    'date-valid' {
                        # keep nextReviewDue after effective (2018-10-01)
                        $date = if ($t.Key -eq 'effective') { [datetime]::new(2000, 1, 1).AddDays($Random.Next(0, 6848)) } else { [datetime]::new(2018, 10, 2).AddDays($Random.Next(0, 29000)) }
                        Set-Value $m $t $date.ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture)
                        $m.Expect = 'valid'; $m.Line = 0
                    }
                }
                return $m
            }
            $r = $script:Numbers[$t.Key]
            $variant = & $pick @('out', 'out', 'huge', 'end', 'inside')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'out' { $v = & $pick @(($r.Min - 1), ($r.Max + 1), ($r.Max + $Random.Next(2, 100000)), -1, ($r.Min - $Random.Next(2, 1000))) }
                'huge' { $v = & $pick @('2147483647', '2147483648', '-2147483648', '4294967296', '9223372036854775807', '99999999999999999999999') }
                'end' { $v = & $pick @($r.Min, $r.Max) }
                'inside' { $v = $Random.Next($r.Min, $r.Max + 1) }
            }
            Set-Value $m $t "$v"
            if ($variant -in 'end', 'inside') { $m.Expect = 'valid'; $m.Line = 0 }
            else { $m.Message = "'$($r.Key)' must be from $($r.Min) to $($r.Max); it is '$v'" }
            return $m
        }
        'padding' {
            $variant = & $pick @('token', 'token', 'token', 'line')
            $m = New-Mutant $Kind $Lines $variant
            if ($variant -eq 'token') {
                $t = & $pick @($ValueLines | Where-Object { $_.Key -in $script:TokenKeys })
                $v = $t.Value.Trim().Trim('"').Replace('\', '\\').Replace('"', '\"')
                Set-Value $m $t ('"' + (& $pick @(" $v", "$v ", " $v ", "$v\n", "\n$v", "$v\t", "$v\r\n", "\u00A0$v", "$v\u3000")) + '"')
                $m.Message = 'is a name or identifier: it may not start or end with white space or hold a line break or tab'
            }
            else {
                $t = & $pick @($ValueLines | Where-Object { $_.Key -in $script:LineKeys })
                $v = $t.Value.Trim().Trim('"').Replace('\', '\\').Replace('"', '\"')
                $cut = 1 + $Random.Next([Math]::Max(1, $v.Length - 1))
                Set-Value $m $t ('"' + $v.Substring(0, $cut) + (& $pick @('\n', '\r\n', '\r')) + $v.Substring($cut) + '"')
                $m.Message = 'is one line of text: it may not hold a line break'
            }
            return $m
        }
        'positions' {
            $variant = & $pick @('unknown-key', 'missing-alias', 'list-for-scalar', 'map-for-scalar', 'bad-kind', 'bad-check', 'tag', 'empty-item')
            $m = New-Mutant $Kind $Lines $variant
            switch ($variant) {
                'unknown-key' {
                    $t = & $pick $ValueLines
                    $indent = $t.Column - $t.Key.Length - 3
                    $prefix = $Lines[$t.Index].Substring(0, $indent)
                    $work = [System.Collections.Generic.List[string]]::new($Lines)
                    $name = & $pick @('colour', 'Kind', 'titel', 'guestMayPost', 'x')
                    if ($prefix.EndsWith('- ')) { $prefix = $prefix.Substring(0, $prefix.Length - 2) + '  '; $work.Insert($t.Index + 1, "${prefix}${name}: red"); $m.Line = $t.Index + 2 }
                    else { $work.Insert($t.Index, "${prefix}${name}: red"); $m.Line = $t.Index + 1 }
                    $m.Lines = $work.ToArray(); $m.Column = $prefix.Length + 1
                    $m.Message = "Unknown key '$name'"
                }
                'missing-alias' { Set-Value $m (& $pick $ValueLines) '*nope'; $m.Message = 'Aliases (*nope) are not allowed' }
                'list-for-scalar' {
                    Set-Value $m (& $pick @($ValueLines | Where-Object Key -In 'title', 'name', 'text', 'section', 'version', 'undecidedAction', 'postingGroupPrefix')) '[a, b]'
                    $m.Message = 'Expected a single value here, found a list'
                }
                'map-for-scalar' {
                    Set-Value $m (& $pick @($ValueLines | Where-Object Key -In 'title', 'name', 'text', 'section', 'version', 'undecidedAction', 'postingGroupPrefix')) '{a: b}'
                    $m.Message = 'Expected a single value here, found a mapping'
                }
                'bad-kind' {
                    Set-Value $m (& $pick @($ValueLines | Where-Object { $_.Key -eq 'kind' -and $_.Index -gt 20 })) 'maybe'
                    $m.Message = "Clause kind is 'enforced' or 'acknowledged'; it is 'maybe'"
                }
                'bad-check' {
                    $i = & $pick @(for ($k = 0; $k -lt $Lines.Count; $k++) { if ($Lines[$k] -match '^\s+checks: \[') { $k } })
                    $work = [string[]]$Lines.Clone()
                    $col = $work[$i].IndexOf('[') + 2
                    $work[$i] = $work[$i].Substring(0, $col - 1) + 'Nope, ' + $work[$i].Substring($col - 1)
                    $m.Lines = $work; $m.Line = $i + 1; $m.Column = $col
                    $m.Message = "Unknown check 'Nope'"
                }
                'tag' {
                    $t = & $pick $ValueLines
                    $tag = & $pick @('!!str', '!!int', '!x', '!!binary')
                    Set-Value $m $t "$tag $($t.Value)"
                    $m.Message = 'Tags ('
                }
                'empty-item' {
                    $i = & $pick @(for ($k = 0; $k -lt $Lines.Count; $k++) { if ($Lines[$k] -match '^    - id: ') { $k } })
                    $work = [System.Collections.Generic.List[string]]::new($Lines)
                    $work.Insert($i, '    -')
                    $m.Lines = $work.ToArray(); $m.Line = $i + 1; $m.Column = 6
                    $m.Message = 'is empty'
                }
            }
            return $m
        }
        default {
            # 'random': the line operations of PolicyMutationTests, one to six of them; anything may result
            $junk = @('', '  ', '- ', ':', '[', ']', '{', '}', "'", '"', '#', '&a', '*a', '!!int', '|', '>-', '---', '...', '~',
                'null', 'true', '3', '-1', '99999999999999999999', '2018-13-45', 'x: y', 'colour: red', '  - id: SMP-9.9',
                'checks: [Nope]', 'kind: enforced', 'kind: maybe', "`t", 'é', [string][char]0x2019, 'apiVersion: v2', 'yes', '3_0', "`u{202E}", '&x [*x]')
            $work = [System.Collections.Generic.List[string]]::new($Lines)
            $ops = $Random.Next(1, 7)
            for ($k = 0; $k -lt $ops -and $work.Count -gt 0; $k++) {
                $at = $Random.Next($work.Count); $l = $work[$at]; $j = & $pick $junk
                switch ($Random.Next(6)) {
                    0 { $work.RemoveAt($at) }
                    1 { $work.Insert($at, $l) }
                    2 { $c = $Random.Next($l.Length + 1); $work[$at] = $l.Insert($c, $j) }
                    3 { $work[$at] = '  ' + $l }
                    4 { $work[$at] = $l.TrimStart() }
                    5 { $colon = $l.IndexOf(': '); $work[$at] = if ($colon -gt 0) { $l.Substring(0, $colon + 2) + $j } else { $j } }
                }
            }
            $m = New-Mutant $Kind $work.ToArray() 'lines'
            $m.Expect = 'any'
            return $m
        }
    }
}

# Checks one mutant through both cmdlets; returns $null when it passes, else what went wrong.
function Test-HwMutant {
    param([Parameter(Mandatory)] $Mutant, [Parameter(Mandatory)] [string] $Path)
    # (assigned in statements, not from an if-expression: that would stream a large array through the pipeline)
    if ($null -ne $Mutant.Bytes) {
        [System.IO.File]::WriteAllBytes($Path, [byte[]]$Mutant.Bytes)
        $lines = [System.Text.Encoding]::UTF8.GetString([byte[]]$Mutant.Bytes) -split "`n"
    }
    else {
        [System.IO.File]::WriteAllBytes($Path, $script:Utf8.GetBytes($Mutant.Lines -join "`n"))
        $lines = $Mutant.Lines
    }
    $problems = [System.Collections.Generic.List[string]]::new()

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $diagnostics = $null
    try { $diagnostics = @(Test-HwPolicy -Path $Path -Detailed -ErrorAction Stop) }
    catch { $problems.Add("Test-HwPolicy threw $($_.FullyQualifiedErrorId): $($_.Exception.Message)") }
    $testMs = $clock.ElapsedMilliseconds
    if ($testMs -gt 2000) { $problems.Add("Test-HwPolicy took $testMs ms") }

    $clock.Restart()
    $loaded = $false
    try { $null = Get-HwPolicy -Path $Path -ErrorAction Stop; $loaded = $true }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'PolicyInvalid,*') { $problems.Add("Get-HwPolicy threw a foreign error $($_.FullyQualifiedErrorId): $($_.Exception.GetType().FullName): $($_.Exception.Message)") }
    }
    $getMs = $clock.ElapsedMilliseconds
    if ($getMs -gt 2000) { $problems.Add("Get-HwPolicy -Path took $getMs ms") }

    if ($null -ne $diagnostics) {
        if ($loaded -and $diagnostics.Count -gt 0) { $problems.Add('Get-HwPolicy loaded a file Test-HwPolicy refused') }
        if (-not $loaded -and $diagnostics.Count -eq 0) { $problems.Add('Test-HwPolicy passed a file Get-HwPolicy refused') }
        foreach ($d in $diagnostics) {
            $text = if ($d.Line -ge 1 -and $d.Line -le $lines.Count) { $lines[$d.Line - 1].TrimEnd("`r") } else { $null }
            if ($d.File -ne $Path) { $problems.Add("diagnostic names another file: $d") }
            if ([string]::IsNullOrWhiteSpace($d.Message)) { $problems.Add("diagnostic without a message: $d") }
            if ($d.Line -lt 1 -or $d.Column -lt 1 -or $d.Line -gt $lines.Count + 1) { $problems.Add("diagnostic outside the file: $d") }
            elseif ($null -ne $text -and $d.Column -gt $text.Length + 2) { $problems.Add("diagnostic past the end of its line ($($text.Length) characters): $d") }
            elseif ($null -ne $text -and $text -match '^ *#' -and $d.Column -le $text.IndexOf('#') + 1 -and $Mutant.Kind -ne 'size') {
                $problems.Add("diagnostic points at a comment line: $d")
            }
        }
    }
    switch ($Mutant.Expect) {
        'valid' { if (-not $loaded) { $problems.Add("a valid mutant was refused: $(@($diagnostics) -join ' | ')") } }
        'refused' {
            if ($loaded) { $problems.Add('a mutant that must be refused loaded') }
            elseif ($Mutant.Line -gt 0 -and $null -ne $diagnostics) {
                $at = @($diagnostics | Where-Object { $_.Line -eq $Mutant.Line -and ($Mutant.Column -eq 0 -or $_.Column -eq $Mutant.Column) })
                if ($at.Count -eq 0) { $problems.Add("no diagnostic at $($Mutant.Line):$($Mutant.Column): $(@($diagnostics) -join ' | ')") }
                elseif ($Mutant.Message -and -not ($at | Where-Object { $_.Message.Contains($Mutant.Message) })) {
                    $problems.Add("the diagnostic at $($Mutant.Line):$($Mutant.Column) does not say '$($Mutant.Message)': $(@($at) -join ' | ')")
                }
            }
        }
    }
    [pscustomobject]@{ Loaded = $loaded; Milliseconds = [Math]::Max($testMs, $getMs); Problems = $problems.ToArray() }
}

# Runs Count mutants (the kinds in turn) and returns the counts and the first failures.
function Invoke-HwPolicyFuzz {
    param([Parameter(Mandatory)] [int] $Count, [Parameter(Mandatory)] [int] $Seed, [Parameter(Mandatory)] [string] $WorkPath,
        [Parameter(Mandatory)] [string] $PolicyPath, [string] $ProgressPath)
    $random = [System.Random]::new($Seed)
    $lines = [System.IO.File]::ReadAllText($PolicyPath) -split "`n"
    $valueLines = @(Get-ValueLines $lines)
    $null = New-Item -ItemType Directory -Force $WorkPath
    $failDir = New-Item -ItemType Directory -Force (Join-Path $WorkPath 'failures')
    $file = Join-Path $WorkPath 'mutant.yaml'
    $counts = [ordered]@{}; foreach ($k in $script:Kinds) { $counts[$k] = [ordered]@{ mutants = 0; refused = 0; loaded = 0; failed = 0 } }
    $failures = [System.Collections.Generic.List[object]]::new()
    $slowest = 0
    for ($n = 0; $n -lt $Count; $n++) {
        $kind = $script:Kinds[$n % $script:Kinds.Count]
        $mutant = New-HwPolicyMutant -Random $random -Lines $lines -Kind $kind -ValueLines $valueLines
        # what is being tried, on disk first: if the process dies, this names the mutant that killed it
        if ($ProgressPath) { [System.IO.File]::WriteAllText($ProgressPath, "$n $kind $($mutant.Variant)") }
        $result = Test-HwMutant -Mutant $mutant -Path $file
        $c = $counts[$kind]
        $c.mutants++
        if ($result.Loaded) { $c.loaded++ } else { $c.refused++ }
        $slowest = [Math]::Max($slowest, $result.Milliseconds)
        if ($result.Problems.Count -gt 0) {
            $c.failed++
            if ($failures.Count -lt 25) {
                $keep = Join-Path $failDir ("{0:00000}-{1}.yaml" -f $n, $kind)
                Copy-Item $file $keep
                $failures.Add([pscustomobject]@{ Index = $n; Kind = $kind; Variant = $mutant.Variant; File = $keep; Problems = $result.Problems })
            }
        }
    }
    [pscustomobject]@{
        Seed = $Seed; Mutants = $Count; SlowestMs = $slowest
        Failed = ($counts.Values | ForEach-Object { $_.failed } | Measure-Object -Sum).Sum
        Kinds = $counts; Failures = $failures.ToArray()
    }
}

Export-ModuleMember -Function Get-HwFuzzKinds, New-HwPolicyMutant, Test-HwMutant, Invoke-HwPolicyFuzz
