# Issue 11, kind 7: text from outside the module (directory data, reasons, values echoed in errors) reaches the
# terminal with its control characters made visible, while the objects keep their true values for scripts.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $script:esc = [char]27; $script:bel = [char]7; $script:nul = [char]0
    $script:hostile = "Emma $($script:esc)[31mRED$($script:bel)$($script:nul) Clarke$([char]13)X"
    # Anything that could drive a terminal: C0 controls other than the line ends PowerShell itself writes, DEL, C1, bidi overrides.
    $script:controls = '[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]'
}

Describe 'Format views neutralise outside text' -Tag 'Hostile', 'Format' {
    BeforeAll {
        $org = Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
        Connect-HwDirectory -Sample -Path $org | Out-Null
        $script:account = (Get-HwOfficialAccount | Where-Object PosterCount -GT 0 | Select-Object -First 1)
        $script:upn = (Get-HwPostingAccess -Account $script:account.Name | Select-Object -First 1).User
        $path = Join-Path $org 'directory.json'
        $doc = Get-Content -Raw $path | ConvertFrom-Json
        ($doc.users | Where-Object userPrincipalName -EQ $script:upn).displayName = $script:hostile
        $doc | ConvertTo-Json -Depth 20 | Set-Content -NoNewline $path
    }

    It 'shows a display name with ESC, BEL, NUL and CR as symbols, and keeps the true value on the object' {
        $rows = Get-HwPostingAccess -Account $script:account.Name
        $row = $rows | Where-Object User -EQ $script:upn
        $row.DisplayName | Should -BeExactly $script:hostile
        # The table (docs/decisions/0160) leaves the display name to the list view; neither may pass a control through.
        foreach ($view in { $rows | Format-Table | Out-String -Width 300 }, { $row | Format-List | Out-String -Width 300 }, { $rows | Out-String -Width 300 }) {
            $text = & $view
            $text | Should -Not -Match $script:controls -Because ($text -replace "\e", "<ESC>")
            $text | Should -Not -Match "`r(?!`n)"
        }
        ($row | Format-List | Out-String -Width 300) | Should -Match ([regex]::Escape("Emma $([char]0x241B)[31mRED$([char]0x2407)$([char]0x2400)"))
    }

    It 'refuses a reason with controls at input, and shows a journal reason with controls (as an older version wrote it) as symbols' {
        $target = Get-HwPostingAccess -Account $script:account.Name | Select-Object -First 1
        $reason = "Leaver $($script:esc)]0;pwned$($script:bel) $($script:esc)[2J"
        $err = { Revoke-HwPostingAccess -Account $script:account.Name -User $target.User -Reason $reason -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'FieldHasControlCharacters,HealthwatchPolicy.Commands.RevokeHwPostingAccessCommand'
        ($err | Out-String -Width 300) | Should -Not -Match $script:controls

        # A journal written before reasons were checked can still hold one: the view shows it with symbols, the object keeps it.
        Revoke-HwPostingAccess -Account $script:account.Name -User $target.User -Reason 'Leaver' -Confirm:$false | Out-Null
        $real = Get-HwAuditLog -Action PostingAccessRevoked | Select-Object -Last 1
        $engine = $real.GetType().Assembly
        $record = [Activator]::CreateInstance($engine.GetType('HealthwatchPolicy.Engine.Journal.JournalRecord'),
            [object[]]@($real.Actor, $real.Action, $real.Account, $real.User, $reason, $real.PolicyVersion, $null, $null))
        $ctor = $real.GetType().GetConstructors([Reflection.BindingFlags]'NonPublic,Instance') | Select-Object -First 1
        $entry = $ctor.Invoke([object[]]@($real.Sequence, $real.Time, $record, $real.PreviousHash, $real.Hash, 1))
        $entry.Reason | Should -BeExactly $reason
        $text = $entry | Out-String -Width 300
        $text | Should -Not -Match $script:controls
        $text | Should -BeLike "*Leaver $([char]0x241B)]0;pwned$([char]0x2407)*"
    }

    It 'shows an error that echoes a hostile value with symbols, and keeps the true message on the exception' {
        $user = "nobody$($script:esc)[2J@hwsefton.example"
        Revoke-HwPostingAccess -Account $script:account.Name -User $user -Reason 'x' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e | Should -HaveCount 1
        $e[0].Exception.Message.Contains($user) | Should -BeTrue
        $e[0].ErrorDetails.Message.Contains("nobody$([char]0x241B)[2J@") | Should -BeTrue
        ($e[0] | Out-String -Width 300) | Should -Not -Match $script:controls
    }
}

Describe 'The format file routes every shown value through the neutraliser' -Tag 'Hostile', 'Format' {
    It 'has no raw PropertyName column or list item, and every script block is wrapped in Display::Text, Display::Cell or Display::Lines' {
        $xml = [xml](Get-Content -Raw (Join-Path (Split-Path (Get-HwBuiltManifest)) 'HealthwatchPolicy.format.ps1xml'))
        @($xml.SelectNodes('//TableColumnItem/PropertyName | //ListItem/PropertyName')).Count | Should -Be 0
        $blocks = @($xml.SelectNodes('//TableColumnItem/ScriptBlock | //ListItem/ScriptBlock') | ForEach-Object InnerText)
        $blocks.Count | Should -BeGreaterThan 100
        # Display::Cell (table cells word-wrapped to their width, docs/decisions/0160) neutralises as Display::Text does.
        # Display::Lines (a list item's collection, one element a line, decision 0164) neutralises each element too.
        $blocks | Where-Object { -not $_.StartsWith('[HealthwatchPolicy.Formatting.Display]::Text(') -and -not $_.StartsWith('[HealthwatchPolicy.Formatting.Display]::Cell(') -and -not $_.StartsWith('[HealthwatchPolicy.Formatting.Display]::Lines(') } | Should -BeNullOrEmpty
        [HealthwatchPolicy.Formatting.Display]::Lines(@("a`e[31mb", $null, '', "c`u{202E}d")) | Should -BeExactly "a␛[31mb`n$([HealthwatchPolicy.Formatting.Display]::Text("c`u{202E}d"))"
        # A custom view (Test-HwAuditLog -Detailed, decision 0163) shows values only through Display::Text.
        foreach ($custom in @($xml.SelectNodes('//CustomControl//ScriptBlock') | ForEach-Object InnerText)) {
            $custom | Should -Match '\$d = \[HealthwatchPolicy\.Formatting\.Display\]'
            $all = [regex]::Matches($custom, '\$_\.').Count
            $shown = [regex]::Matches($custom, '\$d::Text\(\$_\.').Count
            $tested = [regex]::Matches($custom, '(if \(|-not )\$_\.').Count
            $all | Should -Be ($shown + $tested) -Because 'every value shown goes through Display::Text; the others are only tested'
        }
        # every type with a table view also has a list view, so Format-List is neutralised too
        $listed = @($xml.SelectNodes('//View[ListControl]/ViewSelectedBy/TypeName') | ForEach-Object InnerText)
        foreach ($type in @($xml.SelectNodes('//View[TableControl]/ViewSelectedBy/TypeName') | ForEach-Object InnerText)) {
            $listed | Should -Contain $type -Because "$type has a table view"
        }
    }
}

Describe 'What a cmdlet says to the terminal (-WhatIf, verbose) neutralises outside text' -Tag 'Hostile' {
    It 'shows a hostile -User in the -WhatIf and verbose text as symbols' {
        $manifest = Get-HwBuiltManifest
        $org = Join-Path $TestDrive 'org'
        # The host writes -WhatIf text itself, past every stream: only a child process's stdout shows what the admin sees.
        $r = Invoke-HwChildPwsh -Command @"
Import-Module '$manifest'
Connect-HwDirectory -Sample -Path '$org' | Out-Null
`$u = "evil`$([char]27)]0;pwned`$([char]7)`$([char]27)[2J@hwsefton.example"
Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User `$u -Reason 'x' -WhatIf
Revoke-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason "gone`$([char]27)[31m" -Verbose -Confirm:`$false 4>&1 | ForEach-Object { "VERBOSE: `$_" }
"@
        $all = $r.Output -join "`n"
        $all | Should -Match 'What if:' -Because $all
        $all.Contains("evil$([char]0x241B)]0;pwned$([char]0x2407)$([char]0x241B)[2J@") | Should -BeTrue -Because $all
        $all | Should -Not -Match '[\x00-\x09\x0B\x0C\x0E-\x1A\x1C-\x1F\x7F-\x9F]'
        # PowerShell's own colouring may add ESC sequences around a whole line, but never the ones from the value
        $all | Should -Not -Match ([regex]::Escape("$([char]27)]0;pwned"))
        $all | Should -Not -Match ([regex]::Escape("$([char]27)[2J"))
    }
}

Describe 'Review mail keeps directory names on their line (F11)' -Tag 'Hostile', 'Mail' {
    It 'writes no "Bcc:" line, forged row or U+202E into the .eml files when display names carry them' {
        $org = Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
        Connect-HwDirectory -Sample -Path $org | Out-Null
        $path = Join-Path $org 'directory.json'
        $doc = Get-Content -Raw $path | ConvertFrom-Json
        $doc.users | ForEach-Object { $_.displayName = "$($_.displayName)`r`nBcc: attacker@evil.example`n| forged | row |$([char]0x202E)" }
        $doc | ConvertTo-Json -Depth 20 | Set-Content -NoNewline $path
        $connection = Connect-HwDirectory -Path $org -StatePath (Join-Path $org 'state')
        Start-HwAccessReview | Out-Null
        @(Send-HwAccessReview).Count | Should -BeGreaterThan 0
        $files = @(Get-ChildItem (Join-Path $connection.StatePath 'outbox') -Filter *.eml)
        $files.Count | Should -BeGreaterThan 0
        foreach ($file in $files) {
            $raw = [IO.File]::ReadAllText($file.FullName)
            $headerEnd = [regex]::Match($raw, "\r?\n\r?\n").Index
            $headers = $raw.Substring(0, $headerEnd) -split "\r?\n"
            $headers | Where-Object { $_ -match '^Bcc:' } | Should -BeNullOrEmpty -Because "$($file.Name) has no Bcc header"
            # the bodies, quoted-printable decoded: soft line breaks joined, =XX bytes read as UTF-8
            $joined = ($raw.Substring($headerEnd) -replace "=\r?\n", '')
            $bytes = [Collections.Generic.List[byte]]::new()
            for ($i = 0; $i -lt $joined.Length; $i++) {
                if ($joined[$i] -eq '=' -and $i + 2 -lt $joined.Length -and $joined.Substring($i + 1, 2) -match '^[0-9A-F]{2}$') {
                    $bytes.Add([Convert]::ToByte($joined.Substring($i + 1, 2), 16)); $i += 2
                }
                else { $bytes.AddRange([Text.Encoding]::UTF8.GetBytes([string]$joined[$i])) }
            }
            $body = [Text.Encoding]::UTF8.GetString($bytes.ToArray())
            ($body -split "`r?`n") | Where-Object { $_ -match '^\s*(Bcc:|\| forged)' } | Should -BeNullOrEmpty -Because $file.Name
            $body | Should -Not -Match ([string][char]0x202E)
            $body | Should -Match ([regex]::Escape("$([char]0x240D)$([char]0x240A)Bcc: attacker@evil.example$([char]0x240A)| forged | row |"))
            # the To name is encoded (RFC 2047); it carries no U+202E (UTF-8 E2 80 AE, base64 or Q-encoded)
            ($headers | Where-Object { $_ -match '^To:' }) | Should -Not -Match '4oCu|=E2=80=AE'
        }
    }
}
