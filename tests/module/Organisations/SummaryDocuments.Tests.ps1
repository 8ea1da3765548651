# Summary documents that are not what they should be, and addresses that carry secrets (issue 18; decision 0195;
# a fresh reviewer's findings): Get-HwOrganisationSummary reports each bad document by name and still merges the
# others; a FIFO is not read; a document dated after now cannot hide later runs; the later write of one millisecond
# wins; names are one organisation across Unicode forms; control characters never reach the overview; a SAS or
# password in -ContainerUri is in no message, target or category; a silent account is given up in bounded time.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule

    function New-SummaryJson([string] $Organisation = 'Healthwatch Sefton', [string] $GeneratedAt = '"2026-11-30T09:00:00Z"', [string] $Findings = '"critical":1,"high":0,"medium":0,"low":0', [string] $Extra = '') {
        '{"schema":"healthwatch-organisation-summary/1","organisation":' + (ConvertTo-Json $Organisation) + ',"generatedAt":' + $GeneratedAt +
        ',"findings":{' + $Findings + '}' + $Extra + '}'
    }
    # PUTs blobs (and containers) as other writers could have, over plain REST with a storage token, in a child pwsh that
    # trusts Azurite ($Sandbox has SSL_CERT_FILE). $Steps: @{ Url; Body } (no Body: a container). Returns the statuses.
    function Send-TestBlobs([object[]] $Steps, [hashtable] $Sandbox, [string] $Token) {
        $script = @'
$http = [System.Net.Http.HttpClient]::new()
foreach ($s in (ConvertFrom-Json $env:HW_TEST_STEPS)) {
    $q = [System.Net.Http.HttpRequestMessage]::new('PUT', $s.Url)
    $q.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $env:HW_TEST_TOKEN)
    $q.Headers.Add('x-ms-version', '2025-11-05')
    if ($null -ne $s.Body) { $q.Content = [System.Net.Http.StringContent]::new($s.Body); $q.Headers.Add('x-ms-blob-type', 'BlockBlob') }
    [int]$http.SendAsync($q).GetAwaiter().GetResult().StatusCode
}
'@
        (Invoke-HwChildPwsh -Command $script -Environment ($Sandbox + @{ HW_TEST_TOKEN = $Token; HW_TEST_STEPS = (ConvertTo-Json @($Steps) -Compress) })).Output
    }
    function Set-Summary([string] $Folder, [string] $Name, [string] $Json) {
        $dir = New-Item -ItemType Directory -Force (Join-Path $Folder (Split-Path $Name))
        Set-Content -LiteralPath (Join-Path $dir (Split-Path -Leaf $Name)) -Value $Json -NoNewline
    }
}

Describe 'Get-HwOrganisationSummary -Path with documents that are not true summaries' -Tag 'Organisations' {
    It 'reports each bad document by name (OrganisationSummaryUnreadable) and still merges the good ones and writes the overview' {
        $s = Join-Path $TestDrive 'bad-docs'
        Set-Summary $s 'good/1.json' (New-SummaryJson 'Healthwatch Good')
        Set-Summary $s 'nulldate/1.json' (New-SummaryJson 'Null Date' 'null')
        Set-Summary $s 'baddate/1.json' (New-SummaryJson 'Bad Date' '"31/31/2026"')
        Set-Summary $s 'negative/1.json' (New-SummaryJson 'Negative' -Findings '"critical":-5,"high":0,"medium":0,"low":0')
        Set-Summary $s 'overflow/1.json' (New-SummaryJson 'Overflow' -Findings '"critical":2147483647,"high":5,"medium":0,"low":0')
        Set-Summary $s 'fraction/1.json' (New-SummaryJson 'Fraction' -Findings '"critical":1.5,"high":0,"medium":0,"low":0')
        Set-Summary $s 'noname/1.json' ((New-SummaryJson 'x') -replace '"organisation":"x"', '"organisation":null')
        Set-Summary $s 'overdue/1.json' (New-SummaryJson 'Overdue' -Extra ',"overdueReviews":-3')
        $html = Join-Path $TestDrive 'bad-docs.html'
        $merged = @(Get-HwOrganisationSummary -Path $s -OutFile $html -ErrorVariable errs -ErrorAction SilentlyContinue)
        $merged.Organisation | Should -Be @('Healthwatch Good')
        @($errs).Count | Should -Be 7
        foreach ($e in $errs) {
            $e.FullyQualifiedErrorId | Should -BeLike 'OrganisationSummaryUnreadable,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.Exception.Message | Should -Match ([regex]::Escape($e.TargetObject)) -Because 'the message names the file'
        }
        ($errs | Where-Object TargetObject -Like '*nulldate*').Exception.Message | Should -Match "'generatedAt' is missing"
        ($errs | Where-Object TargetObject -Like '*negative*').Exception.Message | Should -Match "'critical' is -5"
        ($errs | Where-Object TargetObject -Like '*fraction*').Exception.Message | Should -Match 'not a whole number'
        $html | Should -Exist
    }

    It 'does not hang on a FIFO among the documents: it is reported as not a regular file' {
        $s = Join-Path $TestDrive 'fifo-docs'
        Set-Summary $s 'good/1.json' (New-SummaryJson 'Healthwatch Good')
        New-Item -ItemType Directory -Force (Join-Path $s 'pipe') | Out-Null
        & mkfifo (Join-Path $s 'pipe/1.json')
        $LASTEXITCODE | Should -Be 0
        $child = Start-HwChildPwsh -Command "Import-Module '$(Get-HwBuiltManifest)'; Get-HwOrganisationSummary -Path '$s' -ErrorAction Continue 2>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.ErrorRecord]) { `"`$_`" } else { 'ROW ' + `$_.Organisation } }"
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $child.WaitForExit(60000) | Should -BeTrue -Because 'a FIFO must never be opened for reading'
        $stdout.Result | Should -Match 'not a regular file'
        $stdout.Result | Should -Match 'ROW Healthwatch Good'
    }

    It 'refuses a document dated after now, so a wrong clock cannot hide the runs after it' {
        $s = Join-Path $TestDrive 'future'
        Set-Summary $s 'future-org/1.json' (New-SummaryJson 'Future' '"2099-01-01T00:00:00Z"' -Findings '"critical":0,"high":0,"medium":0,"low":0')
        Set-Summary $s 'future-org/2.json' (New-SummaryJson 'Future' ('"' + [DateTimeOffset]::UtcNow.AddMinutes(-5).ToString('o') + '"') -Findings '"critical":9,"high":0,"medium":0,"low":0')
        $merged = @(Get-HwOrganisationSummary -Path $s -ErrorVariable errs -ErrorAction SilentlyContinue)
        $merged.Count | Should -Be 1
        $merged[0].Critical | Should -Be 9
        $errs[0].Exception.Message | Should -Match 'later than now'
    }

    It 'merges NFC and NFD spellings of one name into one organisation, and Save writes both to one folder' {
        $s = Join-Path $TestDrive 'unicode'
        $nfc = "Healthwatch Ynys M$([char]0xF4)n"
        $nfd = "Healthwatch Ynys Mo$([char]0x302)n"
        (Save-HwOrganisationSummary -Organisation $nfc -Path $s -ErrorMessage 'X: first').Organisation | Should -Be $nfc
        (Save-HwOrganisationSummary -Organisation $nfd -Path $s -ErrorMessage 'X: second').Organisation | Should -Be $nfc
        @(Get-ChildItem $s -Directory).Count | Should -Be 1
        $merged = @(Get-HwOrganisationSummary -Path $s)
        $merged.Count | Should -Be 1
        $merged[0].Errors | Should -Be @('X: second')
    }
}

Describe 'Save-HwOrganisationSummary keeps what it is given and refuses names that could forge output' -Tag 'Organisations' {
    It 'keeps -OverdueReviews for a failed run, and its errors on one line' {
        $s = Join-Path $TestDrive 'overdue'
        $r = Save-HwOrganisationSummary -Organisation 'OvFail' -ErrorMessage "E: line one`r`nline two" -OverdueReviews 3 -Path $s
        $r.OverdueReviews | Should -Be 3
        $r.Errors | Should -Be @('E: line one line two')
        (Get-HwOrganisationSummary -Path $s).OverdueReviews | Should -Be 3
    }

    It 'refuses <Why> in the organisation name (OrganisationNameInvalid, -Organisation named) and writes nothing' -ForEach @(
        @{ Why = 'a line break'; Name = "Evil`nOrg Y: ok" }
        @{ Why = 'a NUL'; Name = "Nul`0Org" }
        @{ Why = 'an escape sequence'; Name = "Esc`e]0;title`a" }
    ) {
        $s = Join-Path $TestDrive ('refused-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $err = $null
        Save-HwOrganisationSummary -Organisation $Name -ErrorMessage 'E: m' -Path $s -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OrganisationNameInvalid,*'
        $err[0].ErrorDetails.Message | Should -BeLike '-Organisation:*'
        $err[0].Exception.Message | Should -Not -Match '[\x00-\x08\x0A-\x1F]'
        Test-Path $s | Should -BeFalse
    }

    It 'never lets control characters of an error message reach the HTML overview' {
        $s = Join-Path $TestDrive 'ctl'
        Save-HwOrganisationSummary -Organisation 'Ctl' -ErrorMessage "E: m`0`e]0;x`a <script>alert(1)</script>" -Path $s | Out-Null
        $html = Join-Path $TestDrive 'ctl.html'
        Get-HwOrganisationSummary -Path $s -OutFile $html | Out-Null
        $bytes = [IO.File]::ReadAllBytes($html)
        @($bytes | Where-Object { $_ -lt 0x20 -and $_ -notin 0x09, 0x0A, 0x0D }).Count | Should -Be 0
        Get-Content -Raw $html | Should -Not -Match '<script>alert'
    }
}

Describe 'A container address that carries a secret' -Tag 'Organisations' {
    It 'names -ContainerUri without the SAS or password in the message, the target and the category (<Address>)' -ForEach @(
        @{ Address = 'https://acct.blob.core.windows.net/c?sv=1&sig=SECRET3' }
        @{ Address = 'https://user:P4ssw0rd@acct.blob.core.windows.net/summaries' }
        @{ Address = 'acct.blob.core.windows.net/c?sig=SECRETSIG2' }
    ) {
        foreach ($command in 'Get-HwOrganisationSummary', 'Save-HwOrganisationSummary') {
            $err = $null
            $extra = if ($command -eq 'Save-HwOrganisationSummary') { @{ Organisation = 'X'; ErrorMessage = 'E: m' } } else { @{} }
            & $command -ContainerUri ([uri]::new($Address, [UriKind]::RelativeOrAbsolute)) -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) @extra -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'SummaryContainerInvalid,*'
            $all = "$($err[0].Exception.Message) $($err[0].TargetObject) $($err[0].CategoryInfo) $($err[0].CategoryInfo.TargetName) $($err[0].ErrorDetails)"
            $all | Should -Not -MatchExactly 'SECRET|P4ssw0rd|sig=' -Because "$command must not echo the secret"
        }
    }
}

Describe 'The Blob container: the same millisecond, a clock ahead, a silent account' -Tag 'Organisations', 'Azurite' {
    BeforeAll {
        $fake = Start-HwFakeGraph
        $azurite = Start-HwAzurite -Path (Join-Path $TestDrive 'azurite')
        $mi = $fake.Send('signin') | ConvertFrom-Json
        $sandbox = @{ IDENTITY_ENDPOINT = $mi.IdentityEndpoint; IDENTITY_HEADER = $mi.IdentityHeader; SSL_CERT_FILE = $azurite.CertificateFile }
        $token = (Invoke-RestMethod -Uri "$($mi.IdentityEndpoint)?api-version=2019-08-01&resource=$([uri]::EscapeDataString('https://storage.azure.com/'))" `
                -Headers @{ 'X-IDENTITY-HEADER' = $mi.IdentityHeader }).access_token
        $container = "$($azurite.BlobEndpoint)/hostile"
        # Puts blobs as other writers could have (plain REST): @{ 'name' = 'json' }; creates the container first.
        function Send-Blobs([System.Collections.Specialized.OrderedDictionary] $Blobs) {
            $steps = @(@{ Url = "${container}?restype=container"; Body = $null }) + @($Blobs.Keys | ForEach-Object { @{ Url = "$container/$_"; Body = $Blobs[$_] } })
            (Send-TestBlobs $steps $sandbox $token) | Select-Object -Skip 1 | Should -Be (@('201') * $Blobs.Count)
        }
    }
    AfterAll {
        if ($azurite) { Stop-HwAzurite $azurite }
        if ($fake) { Stop-HwFakeGraph $fake }
    }

    It 'takes the later write of one millisecond, and passes over (and names) a blob named after now' {
        $now = [DateTimeOffset]::UtcNow.AddMinutes(-10)
        $stamp = $now.ToString('yyyyMMddTHHmmssfffZ')
        $blobs = [ordered]@{
            "same-ms/$stamp.json"       = New-SummaryJson 'Same Ms' ('"' + $now.ToString('o') + '"') -Findings '"critical":0,"high":0,"medium":0,"low":0'
            "same-ms/${stamp}_2.json"   = New-SummaryJson 'Same Ms' ('"' + $now.ToString('o') + '"') -Findings '"critical":0,"high":0,"medium":0,"low":0' -Extra ',"failed":true,"errors":["GraphThrottled: gave up"]'
            'ahead/20990101T000000000Z.json' = New-SummaryJson 'Ahead' '"2099-01-01T00:00:00Z"' -Findings '"critical":0,"high":0,"medium":0,"low":0'
            "ahead/$stamp.json"         = New-SummaryJson 'Ahead' ('"' + $now.ToString('o') + '"') -Findings '"critical":7,"high":0,"medium":0,"low":0'
        }
        Send-Blobs $blobs
        $r = Invoke-HwChildPwsh -Environment $sandbox -Command (
            "Import-Module '$(Get-HwBuiltManifest)'; Get-HwOrganisationSummary -ContainerUri '$container' -ManagedIdentity -ErrorVariable e -ErrorAction SilentlyContinue | " +
            "ForEach-Object { 'ROW {0} {1} {2}' -f `$_.Organisation, `$_.WorstSeverity, `$_.Critical }; `$e | ForEach-Object { 'ERR ' + `$_.FullyQualifiedErrorId + ' ' + `$_.Exception.Message }")
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'ROW Same Ms Error 0'
        $r.Output | Should -Contain 'ROW Ahead Critical 7'
        @($r.Output | Where-Object { $_ -like 'ERR OrganisationSummaryUnreadable,*20990101T000000000Z.json*later than now*' }).Count | Should -Be 1
    }

    It 'gives up on an account that accepts and never answers in bounded time, saying so (SummaryContainerUnavailable)' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $accepted = [System.Collections.Generic.List[object]]::new()
            $accept = { param($l, $list) while ($true) { try { $list.Add($l.AcceptTcpClient()) } catch { return } } }
            $ps = [powershell]::Create().AddScript($accept).AddArgument($listener).AddArgument($accepted)
            $handle = $ps.BeginInvoke()
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-HwChildPwsh -Command (
                "Import-Module '$(Get-HwBuiltManifest)'; Save-HwOrganisationSummary -Organisation X -ErrorMessage 'E: m' -ContainerUri 'https://127.0.0.1:$port/devstoreaccount1/blackhole' " +
                "-AccessToken (ConvertTo-SecureString t -AsPlainText -Force) -ErrorVariable e -ErrorAction SilentlyContinue; `$e | ForEach-Object { 'ERR ' + `$_.FullyQualifiedErrorId + ' ' + `$_.Exception.Message }")
            $watch.Stop()
            ($r.Output -join ' ') | Should -Match 'ERR SummaryContainerUnavailable,.*no answer within 20 seconds'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 150 -Because 'four tries of 20 seconds, not five minutes'
        }
        finally {
            $listener.Stop()
            if ($ps) { $ps.Stop(); $ps.Dispose() }
            foreach ($c in $accepted) { $c.Dispose() }
        }
    }
}

Describe 'A second reviewer''s cases: lookalike names, bad addresses, failed reads, copies' -Tag 'Organisations' {
    It 'refuses invisible fillers and format characters in names as Save does (<Why>)' -ForEach @(
        @{ Why = 'a zero-width space'; Name = "Ok$([char]0x200B) One" }
        @{ Why = 'a soft hyphen'; Name = "R6$([char]0xAD)soft" }
        @{ Why = 'a Hangul filler'; Name = "Zeta$([char]0x115F)" }
        @{ Why = 'a braille blank'; Name = "$([char]0x2800)Zeta" }
        @{ Why = 'a combining grapheme joiner'; Name = "Ze$([char]0x34F)ta" }
        @{ Why = 'a 300-character name'; Name = 'R7 ' + ('x' * 300) }
    ) {
        $err = $null
        Save-HwOrganisationSummary -Organisation $Name -ErrorMessage 'E: m' -Path (Join-Path $TestDrive 'lookalike') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OrganisationNameInvalid,*'
    }

    It 'folds no-break and ideographic spaces into one organisation with the plain-space name' {
        $s = Join-Path $TestDrive 'spaces'
        Save-HwOrganisationSummary -Organisation "Healthwatch$([char]0xA0)Sefton" -ErrorMessage 'E: one' -Path $s | Out-Null
        Save-HwOrganisationSummary -Organisation "Healthwatch$([char]0x3000)Sefton" -ErrorMessage 'E: two' -Path $s | Out-Null
        $merged = @(Get-HwOrganisationSummary -Path $s)
        $merged.Organisation | Should -BeExactly @('Healthwatch Sefton')
        @(Get-ChildItem $s -Directory).Count | Should -Be 1
    }

    It 'refuses an address that does not parse as SummaryContainerInvalid, redacted, not PowerShell''s conversion error (<Address>)' -ForEach @(
        @{ Address = 'https://acct.blob.core.windows.net:99999/c?sig=SECRET222' }
        @{ Address = 'https://[bad?sig=SECRET111' }
    ) {
        foreach ($command in 'Get-HwOrganisationSummary', 'Save-HwOrganisationSummary') {
            $err = $null
            $extra = if ($command -eq 'Save-HwOrganisationSummary') { @{ Organisation = 'X'; ErrorMessage = 'E: m' } } else { @{} }
            & $command -ContainerUri $Address -ManagedIdentity @extra -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'SummaryContainerInvalid,*'
            "$($err[0].Exception.Message) $($err[0].TargetObject) $($err[0].CategoryInfo) $($err[0].ErrorDetails)" | Should -Not -MatchExactly 'SECRET|sig='
        }
    }

    It 'keeps the last overview when a folder cannot be read at all, and says so' {
        $s = Join-Path $TestDrive 'keep'
        Save-HwOrganisationSummary -Organisation 'Kept' -ErrorMessage 'E: m' -Path $s | Out-Null
        $html = Join-Path $TestDrive 'keep.html'
        Get-HwOrganisationSummary -Path $s -OutFile $html | Out-Null
        $before = Get-Content -Raw $html
        Get-HwOrganisationSummary -Path (Join-Path $TestDrive 'typo') -OutFile $html -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warn 3>$null | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OrganisationSummaryPathNotFound,*'
        "$warn" | Should -Match 'overview was not written'
        Get-Content -Raw $html | Should -BeExactly $before
    }

    It 'names the documents it could not read in the overview' {
        $s = Join-Path $TestDrive 'named'
        Set-Summary $s 'good/1.json' (New-SummaryJson 'Healthwatch Good')
        Set-Summary $s 'broken/1.json' '{"schema":"healthwatch-organisation-summary/1"}'
        $html = Join-Path $TestDrive 'named.html'
        Get-HwOrganisationSummary -Path $s -OutFile $html -ErrorAction SilentlyContinue | Out-Null
        $text = Get-Content -Raw $html
        $text | Should -Match 'Documents that could not be read \(1\)'
        $text | Should -Match ([regex]::Escape('broken'))
    }

    It 'copies Get-HwOrganisationSummary''s output into another store with Save (pipeline by value), keeping time and counts' {
        $s = Join-Path $TestDrive 'copy-from'
        Set-Summary $s 'a/1.json' (New-SummaryJson 'Healthwatch Copy' '"2026-11-30T08:00:00Z"' -Findings '"critical":2,"high":1,"medium":0,"low":0' -Extra ',"tenantId":"","overdueReviews":4')
        $to = Join-Path $TestDrive 'copy-to'
        $copied = @(Get-HwOrganisationSummary -Path $s | Save-HwOrganisationSummary -Path $to)
        $copied.Count | Should -Be 1
        $back = Get-HwOrganisationSummary -Path $to
        "$($back.Organisation) $($back.Critical) $($back.High) $($back.OverdueReviews) $($back.GeneratedAt.UtcDateTime.ToString('o'))" |
            Should -Be 'Healthwatch Copy 2 1 4 2026-11-30T08:00:00.0000000Z'
    }
}

Describe 'The container: an unreadable newest document and copies beside the runs' -Tag 'Organisations', 'Azurite' {
    BeforeAll {
        $fake = Start-HwFakeGraph
        $azurite = Start-HwAzurite -Path (Join-Path $TestDrive 'azurite2')
        $mi = $fake.Send('signin') | ConvertFrom-Json
        $sandbox = @{ IDENTITY_ENDPOINT = $mi.IdentityEndpoint; IDENTITY_HEADER = $mi.IdentityHeader; SSL_CERT_FILE = $azurite.CertificateFile }
        $token = (Invoke-RestMethod -Uri "$($mi.IdentityEndpoint)?api-version=2019-08-01&resource=$([uri]::EscapeDataString('https://storage.azure.com/'))" `
                -Headers @{ 'X-IDENTITY-HEADER' = $mi.IdentityHeader }).access_token
        $container = "$($azurite.BlobEndpoint)/fallback"
    }
    AfterAll {
        if ($azurite) { Stop-HwAzurite $azurite }
        if ($fake) { Stop-HwFakeGraph $fake }
    }

    It 'shows the last readable summary when the newest is broken, and never takes a copy for a run' {
        $t1 = [DateTimeOffset]::UtcNow.AddHours(-3); $t2 = [DateTimeOffset]::UtcNow.AddHours(-2); $t3 = [DateTimeOffset]::UtcNow.AddMinutes(-5)
        $old = New-SummaryJson 'Sefton' ('"' + $t1.ToString('o') + '"') -Extra ',"failed":true,"errors":["OLD: january failure"]'
        $new = New-SummaryJson 'Sefton' ('"' + $t2.ToString('o') + '"') -Extra ',"failed":true,"errors":["NEW: december failure"]'
        $steps = @(
            @{ Url = "${container}?restype=container"; Body = $null }
            @{ Url = "$container/sefton/$($t1.ToString('yyyyMMddTHHmmssfffZ')).json"; Body = $old }
            @{ Url = "$container/sefton/$($t2.ToString('yyyyMMddTHHmmssfffZ')).json"; Body = $new }
            @{ Url = "$container/sefton/copy.json"; Body = $old }
            @{ Url = "$container/sefton/$($t3.ToString('yyyyMMddTHHmmssfffZ')).json"; Body = '{"schema":"healthwatch-organisation-summary/1"}' })
        Send-TestBlobs $steps $sandbox $token | Should -Be @('201', '201', '201', '201', '201')
        $r = Invoke-HwChildPwsh -Environment $sandbox -Command (
            "Import-Module '$(Get-HwBuiltManifest)'; Get-HwOrganisationSummary -ContainerUri '$container' -ManagedIdentity -ErrorVariable e -ErrorAction SilentlyContinue | " +
            "ForEach-Object { 'ROW ' + `$_.Organisation + ' ' + (`$_.Errors -join ';') }; `$e | ForEach-Object { 'ERR ' + `$_.FullyQualifiedErrorId + ' ' + `$_.TargetObject }")
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'ROW Sefton NEW: december failure'
        @($r.Output | Where-Object { $_ -like "ERR OrganisationSummaryUnreadable,* $container/sefton/$($t3.ToString('yyyyMMddTHHmmssfffZ')).json" }).Count | Should -Be 1
    }
}

Describe 'A third reviewer''s cases: one case rule, joiners, big errors, copies, the pipeline' -Tag 'Organisations' {
    It 'keeps "Straße" and "STRAẞE" apart in the folder and the merge, as the runner does (one case rule)' {
        $s = Join-Path $TestDrive 'sharp-s'
        Save-HwOrganisationSummary -Organisation 'Healthwatch Straße' -ErrorMessage 'E: one' -Path $s | Out-Null
        Save-HwOrganisationSummary -Organisation "HEALTHWATCH STRA$([char]0x1E9E)E" -ErrorMessage 'E: two' -Path $s | Out-Null
        @(Get-ChildItem $s -Directory).Count | Should -Be 2
        @(Get-HwOrganisationSummary -Path $s).Count | Should -Be 2
    }

    It 'refuses a joiner inside a name (at its edge the identifier rule strips it; the runner refuses both, Organisations.Tests)' {
        $err = $null
        Save-HwOrganisationSummary -Organisation "Healthwatch Kent$([char]0x200D)x" -ErrorMessage 'E: m' -Path (Join-Path $TestDrive 'zwj') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OrganisationNameInvalid,*'
    }

    It 'never writes a document its reader refuses: errors are cut to 2,000 characters and 50, counts to 1,000,000' {
        $s = Join-Path $TestDrive 'big-errors'
        $huge = 'GraphRequestFailed: ' + ('<html>' * 50000)
        $r = Save-HwOrganisationSummary -Organisation 'Big' -ErrorMessage (@($huge) * 80) -Path $s
        $r.Errors.Count | Should -Be 50
        $r.Errors[0].Length | Should -Be 2000
        $r.Errors[0] | Should -BeLike '*…'
        $r.Errors[49] | Should -Be '... and 31 more errors'
        (Get-Item $r.Source).Length | Should -BeLessThan 1MB
        (Get-HwOrganisationSummary -Path $s -ErrorVariable e -ErrorAction SilentlyContinue).Organisation | Should -Be 'Big'
        @($e).Count | Should -Be 0
        $thrown = $null
        try { Save-HwOrganisationSummary -Organisation 'Big' -ErrorMessage 'E: m' -OverdueReviews 2000000 -Path $s | Out-Null } catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'copies a summary once: copying it again writes nothing and says so' {
        $from = Join-Path $TestDrive 'once-from'
        Save-HwOrganisationSummary -Organisation 'Once' -ErrorMessage 'E: m' -Path $from | Out-Null
        $to = Join-Path $TestDrive 'once-to'
        foreach ($i in 1..3) { Get-HwOrganisationSummary -Path $from | Save-HwOrganisationSummary -Path $to -WarningVariable w 3>$null | Out-Null }
        @(Get-ChildItem $to -Recurse -Filter *.json).Count | Should -Be 1
        "$w" | Should -Match 'already in .* not copied again'
    }

    It 'takes Get-HwOrganisationSummary''s output with only -ContainerUri (no AmbiguousParameterSet); -WhatIf counts the piped summary''s errors' {
        $from = Join-Path $TestDrive 'pipe-from'
        Save-HwOrganisationSummary -Organisation 'Piped' -ErrorMessage 'E: one', 'F: two' -Path $from | Out-Null
        $out = Invoke-HwWhatIf -ScriptBlock ([scriptblock]::Create(
            "Get-HwOrganisationSummary -Path '$from' | Save-HwOrganisationSummary -ContainerUri https://hwsummaries.blob.core.windows.net/organisation-summaries -WhatIf"))
        $out.Errors | Should -BeNullOrEmpty
        @($out.WhatIf).Count | Should -Be 1
        $out.WhatIf[0] | Should -BeLike "*Save the summary of 'Piped': the failed run (2 error(s))*"
    }

    It 'refuses both -ManagedIdentity and -AccessToken, and -ClientId without -ManagedIdentity (SummaryContainerSignInAmbiguous)' {
        $c = 'https://hwsummaries.blob.core.windows.net/organisation-summaries'
        $err = $null
        Get-HwOrganisationSummary -ContainerUri $c -ManagedIdentity -AccessToken (ConvertTo-SecureString t -AsPlainText -Force) -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SummaryContainerSignInAmbiguous,*'
        Get-HwOrganisationSummary -ContainerUri $c -ClientId 00000000-0000-4000-8000-0000000c11e1 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SummaryContainerSignInAmbiguous,*'
    }
}

Describe 'A fourth reviewer''s cases: names beyond the BMP, queries in disguise' -Tag 'Organisations' {
    It 'saves names with characters beyond the BMP (<Why>) under the same name, as the runner accepts them' -ForEach @(
        @{ Why = 'an emoji'; Name = "Healthwatch $([char]::ConvertFromUtf32(0x1F600))" }
        @{ Why = 'CJK Extension B'; Name = "$([char]::ConvertFromUtf32(0x20BB7))野家" }
        @{ Why = 'a mathematical letter'; Name = "Healthwatch $([char]::ConvertFromUtf32(0x1D400))" }
    ) {
        $s = Join-Path $TestDrive ('bmp-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        (Save-HwOrganisationSummary -Organisation $Name -ErrorMessage 'E: m' -Path $s).Organisation | Should -BeExactly $Name
        (Get-HwOrganisationSummary -Path $s).Organisation | Should -BeExactly $Name
    }

    It 'refuses a variation selector beyond the BMP (U+E0100), which would make "Kent" twice' {
        $err = $null
        Save-HwOrganisationSummary -Organisation "Ke$([char]::ConvertFromUtf32(0xE0100))nt" -ErrorMessage 'E: m' -Path (Join-Path $TestDrive 'vs') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OrganisationNameInvalid,*'
        $err[0].Exception.Message | Should -Match 'U\+E0100'
    }

    It 'shows no SAS hidden in the path (<Address>)' -ForEach @(
        @{ Address = 'https://a.blob.core.windows.net/c%3Fsv%3D2020%26sig%3DSECRET1' }
        @{ Address = 'https://a.blob.core.windows.net/c;sig=SECRET3' }
    ) {
        $err = $null
        Get-HwOrganisationSummary -ContainerUri $Address -ManagedIdentity -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SummaryContainerInvalid,*'
        "$($err[0].Exception.Message) $($err[0].TargetObject) $($err[0].CategoryInfo) $($err[0].ErrorDetails)" | Should -Not -MatchExactly 'SECRET|sig'
    }
}
