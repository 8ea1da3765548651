# Issue 11 (kinds 1-4): hostile and careless policy files through the BUILT module. The fuzz run throws 2,000 generated
# mutants of every kind (tests/module/PolicyFuzz.psm1) through Test-HwPolicy and Get-HwPolicy -Path in ONE child pwsh,
# so that a mutant that killed the process would show as its exit code (and current.txt names the mutant). Each example
# from the issue is then its own test, in this process, with the position and message it must give.
BeforeDiscovery {
    $script:booleans = @('y', 'yes', 'on', 'off', '"false"') | ForEach-Object { @{ Written = $_ } }
    $script:characters = @(
        @{ Char = 0x00; Name = 'NUL' }, @{ Char = 0x1B; Name = 'ESC, a terminal escape' }, @{ Char = 0x07; Name = 'BEL' },
        @{ Char = 0x202E; Name = 'a bidirectional control' }
    )
    $script:ranges = @(
        @{ From = 'dueDays: 14'; Key = 'dueDays'; Value = '3000000'; Message = "'spec.parameters.accessReview.dueDays' must be from 1 to 90; it is '3000000'." }
        @{ From = 'graceDays: 7'; Key = 'graceDays'; Value = '2147483647'; Message = "'spec.parameters.accessReview.graceDays' must be from 0 to 90; it is '2147483647'." }
        @{ From = 'intervalMonths: 1'; Key = 'intervalMonths'; Value = '2147483647'; Message = "'spec.parameters.accessReview.intervalMonths' must be from 1 to 12; it is '2147483647'." }
    )
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $script:good = [IO.File]::ReadAllText((Get-HwBundledPolicyPath))
    $script:utf8 = [Text.UTF8Encoding]::new($false)

    function Write-Policy([string] $Name, [string] $Text) {
        $path = Join-Path $TestDrive $Name
        [IO.File]::WriteAllText($path, $Text, $script:utf8)
        $path
    }

    # Line and column (1-based) of $Offset characters after the start of $Needle in $Text.
    function Get-Position([string] $Text, [string] $Needle, [int] $Offset = 0) {
        $at = $Text.IndexOf($Needle, [StringComparison]::Ordinal)
        if ($at -lt 0) { throw "'$Needle' is not in the text" }
        $at += $Offset
        $before = $Text.Substring(0, $at)
        @{ Line = ($before.Split("`n").Count); Column = $at - ($before.LastIndexOf("`n") + 1) + 1 }
    }

    # Both cmdlets refuse the file within 2 s, and a diagnostic stands at exactly Line:Column saying Message.
    function Assert-Refused([string] $Path, [int] $Line, [int] $Column, [string] $Message, [string] $Key) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $d = @(Test-HwPolicy -Path $Path -Detailed)
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
        Test-HwPolicy -Path $Path | Should -BeFalse
        $at = @($d | Where-Object { $_.Line -eq $Line -and $_.Column -eq $Column })
        $at.Count | Should -BeGreaterThan 0 -Because "a diagnostic must stand at ${Line}:$Column; got $($d -join ' | ')"
        $at[0].Message | Should -BeLike "*$([WildcardPattern]::Escape($Message))*"
        if ($Key) { $at[0].Key | Should -Be $Key }
        $clock.Restart()
        $err = { Get-HwPolicy -Path $Path } | Should -Throw -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
        $err.FullyQualifiedErrorId | Should -Be 'PolicyInvalid,HealthwatchPolicy.Commands.GetHwPolicyCommand'
        $err.Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape("$($Path):$($Line):$($Column):"))*"
    }
}

Describe 'Policy fuzz: generated mutants through the built module' -Tag 'Policy', 'Fuzz' {
    It 'survives 2,000 mutants of every kind in one process: no death, no call over 2 s, only PolicyInvalid, real positions' {
        $work = Join-Path $TestDrive 'fuzz'
        $resultPath = Join-Path $TestDrive 'fuzz.json'
        $seed = if ($env:HW_FUZZ_SEED) { [int]$env:HW_FUZZ_SEED } else { Get-Random -Maximum ([int]::MaxValue) }
        $runner = Join-Path $PSScriptRoot '../Invoke-PolicyFuzz.ps1'
        $run = Invoke-HwChildPwsh -Command "& '$runner' -ModulePath '$(Get-HwBuiltManifest)' -Count 2000 -Seed $seed -WorkPath '$work' -ResultPath '$resultPath'"
        $run.Output | ForEach-Object { Write-Host $_ }
        $current = Join-Path $work 'current.txt'
        $last = if (Test-Path $current) { Get-Content -Raw $current } else { '(none)' }
        $run.ExitCode | Should -BeIn @(0, 1) -Because "the fuzz process must not die (seed $seed; last mutant: $last)"
        $result = Get-Content -Raw $resultPath | ConvertFrom-Json
        $result.Mutants | Should -Be 2000
        foreach ($kind in 'alias-recursive', 'alias-exponential', 'depth', 'size', 'scalars', 'encodings', 'ranges', 'positions', 'padding', 'random') {
            $c = $result.Kinds.$kind
            $c.mutants | Should -BeGreaterOrEqual 200 -Because "kind $kind"
            $c.refused | Should -BeGreaterThan 0 -Because "kind $kind"
        }
        $result.SlowestMs | Should -BeLessThan 2000
        $failures = @($result.Failures | ForEach-Object { "#$($_.Index) $($_.Kind)/$($_.Variant): $($_.Problems -join '; ')" })
        $result.Failed | Should -Be 0 -Because "seed $seed (set HW_FUZZ_SEED to repeat): $($failures -join "`n")"
        $run.ExitCode | Should -Be 0
    }
}

Describe 'Issue 11 examples, each with its position and message' -Tag 'Policy' {
    Context 'resource exhaustion' {
        It 'refuses the 14-byte recursive alias at the anchor (it used to kill the process)' {
            $path = Write-Policy 'recursive.yaml' "a: &a`n  b: *a`n"
            (Get-Item $path).Length | Should -Be 14
            Assert-Refused $path 1 4 'Anchors (&a) are not allowed in a policy file' 'a'
            @(Test-HwPolicy -Path $path -Detailed | Where-Object Line -EQ 2)[0].Message | Should -BeLike 'Aliases (`*a) are not allowed*'
        }

        It 'refuses x: &x [*x] through Connect-HwDirectory -PolicyPath with PolicyInvalid' {
            $path = Write-Policy 'flow-recursive.yaml' 'x: &x [*x]'
            $err = { Connect-HwDirectory -Sample -Path (Join-Path $TestDrive 'org') -PolicyPath $path } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PolicyInvalid,*'
            $err.Exception.Message | Should -BeLike "*$($path):1:4: x: Anchors (&x) are not allowed*"
        }

        It 'refuses 8 levels of ten aliases (430 bytes, 41 s before) at the first anchor, at once' {
            $text = "junk:`n  l0: &l0 [" + ((@('lol') * 10) -join ', ') + "]`n"
            for ($i = 1; $i -le 8; $i++) { $text += "  l${i}: &l$i [" + ((@("*l$($i - 1)") * 10) -join ', ') + "]`n" }
            $path = Write-Policy 'laughs.yaml' $text
            Assert-Refused $path 2 7 'Anchors (&l0) are not allowed' 'junk.l0'
        }

        It 'refuses 50,000 [ at the seventeenth level of nesting' {
            $path = Write-Policy 'brackets.yaml' ('[' * 50000)
            Assert-Refused $path 1 17 'The policy nests lists and mappings more than 16 deep (the limit).'
        }

        It 'refuses an 8 MB policy where it passes 1 MB, reading no further' {
            $pad = '# ' + ('x' * 97) + "`n"
            $text = $good + ($pad * 84000)
            $path = Write-Policy 'big.yaml' $text
            (Get-Item $path).Length | Should -BeGreaterThan 8MB
            $ascii = [Text.Encoding]::UTF8.GetByteCount($good) - $good.Length
            $p = Get-Position $text $text.Substring(0, 1) (1048576 - $ascii)
            Assert-Refused $path $p.Line $p.Column 'The policy file is larger than 1,048,576 bytes (the limit)'
        }

        It 'refuses a 4 MB metadata.version by the file limit, and a 33-character one at its position' {
            $path = Write-Policy 'version4mb.yaml' $good.Replace('version: "2018.10"', 'version: ' + ('9' * 4MB))
            (Test-HwPolicy -Path $path -Detailed)[0].Message | Should -BeLike 'The policy file is larger than 1,048,576 bytes*'
            $text = $good.Replace('version: "2018.10"', 'version: ' + ('9' * 33))
            $p = Get-Position $text ('9' * 33)
            Assert-Refused (Write-Policy 'version33.yaml' $text) $p.Line $p.Column "'metadata.version' may be at most 32 characters long; it is 33." 'metadata.version'
        }

        It 'refuses /dev/zero as not a regular file instead of running out of memory' {
            Test-HwPolicy -Path /dev/zero | Should -BeFalse
            $err = { Get-HwPolicy -Path /dev/zero } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'PolicyInvalid,HealthwatchPolicy.Commands.GetHwPolicyCommand'
            $err.Exception.Message | Should -BeLike '*/dev/zero:1:1: The policy path is not a regular file (it is a character device)*'
        }

        It 'refuses a FIFO without opening it (it used to hang)' {
            $fifo = Join-Path $TestDrive 'policy.fifo'
            & mkfifo $fifo
            $LASTEXITCODE | Should -Be 0
            # in a child process, so that a hang is seen as one instead of stopping this suite
            $child = Start-HwChildPwsh -Command "Import-Module '$(Get-HwBuiltManifest)'; (Test-HwPolicy -Path '$fifo' -Detailed).Message"
            $exited = $child.WaitForExit(30000)
            if (-not $exited) { $child.Kill($true) }
            $exited | Should -BeTrue -Because 'Test-HwPolicy must not wait for a writer on a FIFO'
            $child.StandardOutput.ReadToEnd() | Should -BeLike '*The policy path is not a regular file (it is a FIFO (named pipe))*'
        }
    }

    Context 'loose scalars' {
        It 'refuses guestsMayPost: <Written> at the value' -TestCases $booleans {
            $text = $good.Replace('guestsMayPost: false', "guestsMayPost: $Written")
            $p = Get-Position $text 'guestsMayPost: ' 15
            $shown = if ($Written.StartsWith('"')) { "the quoted text $Written" } else { "'$Written'" }
            Assert-Refused (Write-Policy 'bool.yaml' $text) $p.Line $p.Column "'spec.parameters.guestsMayPost' is true or false, written plainly in lower case; it is $shown." 'spec.parameters.guestsMayPost'
        }

        It 'refuses maxPostersPerAccount: 3_0 instead of reading 30' {
            $text = $good.Replace('maxPostersPerAccount: 3', 'maxPostersPerAccount: 3_0')
            $p = Get-Position $text 'maxPostersPerAccount: ' 22
            Assert-Refused (Write-Policy 'int.yaml' $text) $p.Line $p.Column "'spec.parameters.maxPostersPerAccount' must be a whole number from 1 to 100, written in plain digits; it is '3_0'." 'spec.parameters.maxPostersPerAccount'
        }

        It 'refuses cp1252 curly quotes (invalid UTF-8) at the byte, instead of turning them into U+FFFD' {
            $at = $good.IndexOf('(This policy is available')
            $bytes = [byte[]]($utf8.GetBytes($good.Substring(0, $at)) + [byte[]](0x93) + $utf8.GetBytes($good.Substring($at)))
            $path = Join-Path $TestDrive 'cp1252.yaml'
            [IO.File]::WriteAllBytes($path, $bytes)
            $p = Get-Position $good '(This policy is available'
            Assert-Refused $path $p.Line $p.Column 'The policy file is not valid UTF-8: byte 0x93 here does not belong to any character.'
        }

        It 'refuses <Name> in clause text at its line and column' -TestCases $characters {
            $text = $good.Replace('(This policy is available', "(This $([char]$Char)policy is available")
            $p = Get-Position $text "(This $([char]$Char)" 6
            Assert-Refused (Write-Policy 'char.yaml' $text) $p.Line $p.Column ('The character U+{0:X4} ({1}' -f $Char, $Name)
        }
    }

    Context 'positions' {
        It 'reports kind: *nope on line 2 at line 2, column 7' {
            $path = Write-Policy 'nope.yaml' "apiVersion: healthwatch.policy/v1`nkind: *nope`n"
            Assert-Refused $path 2 7 'Aliases (*nope) are not allowed in a policy file' 'kind'
        }
    }

    Context 'ranges' {
        It 'refuses <Key>: <Value> at the value' -TestCases $ranges {
            $text = $good.Replace($From, "${Key}: $Value")
            $p = Get-Position $text "${Key}: $Value" ($Key.Length + 2)
            Assert-Refused (Write-Policy 'range.yaml' $text) $p.Line $p.Column $Message "spec.parameters.accessReview.$Key"
        }

        It 'refuses dueDays: 3000000 at Connect-HwDirectory, before Start-HwAccessReview could meet it' {
            $path = Write-Policy 'due.yaml' $good.Replace('dueDays: 14', 'dueDays: 3000000')
            $err = { Connect-HwDirectory -Sample -Path (Join-Path $TestDrive 'org2') -PolicyPath $path } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PolicyInvalid,*'
            $err.Exception.Message | Should -BeLike "*spec.parameters.accessReview.dueDays: 'spec.parameters.accessReview.dueDays' must be from 1 to 90*"
        }
    }
}
