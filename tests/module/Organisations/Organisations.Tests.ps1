# Many organisations (issue 18, item 3): deploy/organisations/Invoke-HwOrganisations.ps1 runs 150 organisations of a
# tenants file in parallel (ForEach-Object -Parallel, 8 at a time) against the fake Graph host, each with its own
# shared state store (a SharePoint site of its own), signed in with the managed identity (IDENTITY_ENDPOINT of the
# fake host), and writes each summary to a central Azure Blob container: Azurite (npm) over https with --oauth basic,
# through Azure.Storage.Blobs with the same managed identity (decisions 0191, 0195). Two fail: org-077's site is
# throttled for ever (429 on every request, the SDK's retries give up) and org-013's policy file is not a valid
# policy. The other 148 write complete summaries; Get-HwOrganisationSummary -ContainerUri merges the latest of each
# with the two failures first, errors named, and writes the HTML overview.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
    $azurite = Start-HwAzurite -Path (Join-Path $TestDrive 'azurite')
    $runner = Join-Path (Get-HwRepoRoot) 'deploy/organisations/Invoke-HwOrganisations.ps1'
    $mi = $fake.Send('signin') | ConvertFrom-Json
    # What the Automation sandbox gives a job: the managed identity's endpoint; and the trust of Azurite's certificate.
    $sandbox = @{ IDENTITY_ENDPOINT = $mi.IdentityEndpoint; IDENTITY_HEADER = $mi.IdentityHeader; SSL_CERT_FILE = $azurite.CertificateFile }

    # Creates a container as the Bicep template does (here with the managed identity's storage token, plain REST).
    function New-TestContainer([string] $Name) {
        $url = "$($mi.IdentityEndpoint)?api-version=2019-08-01&resource=$([uri]::EscapeDataString('https://storage.azure.com/'))"
        $token = (Invoke-RestMethod -Uri $url -Headers @{ 'X-IDENTITY-HEADER' = $mi.IdentityHeader }).access_token
        $script = @'
$http = [System.Net.Http.HttpClient]::new()
$request = [System.Net.Http.HttpRequestMessage]::new('PUT', $env:HW_TEST_URL + '?restype=container')
$request.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $env:HW_TEST_TOKEN)
$request.Headers.Add('x-ms-version', '2025-11-05')
[int]$http.SendAsync($request).GetAwaiter().GetResult().StatusCode
'@
        $r = Invoke-HwChildPwsh -Command $script -Environment ($sandbox + @{ HW_TEST_URL = "$($azurite.BlobEndpoint)/$Name"; HW_TEST_TOKEN = $token })
        ($r.Output -join '') | Should -Be '201' -Because "the container $Name is created"
        "$($azurite.BlobEndpoint)/$Name"
    }
}
AfterAll {
    if ($azurite) { Stop-HwAzurite $azurite }
    if ($fake) { Stop-HwFakeGraph $fake }
}

Describe 'A run over 150 organisations with two failing, summaries in a Blob container' -Tag 'Organisations', 'Graph', 'Scenario', 'Azurite' {
    It 'writes 148 complete summaries and two that name their errors; the merged overview puts the failures first' {
        Connect-HwTestGraph -Fake $fake | Out-Null
        Disconnect-HwDirectory
        $count = 150
        $work = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'orgs')
        $badPolicy = Join-Path $work 'broken-policy.yaml'
        Set-Content $badPolicy "apiVersion: healthwatch.policy/v1`nkind: [not a policy"
        $orgs = foreach ($i in 1..$count) {
            $name = 'org-{0:000}' -f $i
            $fake.Send("site hwsefton.sharepoint.com /sites/$name") | Out-Null
            $o = [ordered]@{ name = $name; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = "https://hwsefton.sharepoint.com/sites/$name"
                mail = @{ from = 'daniel.okafor@hwsefton.example' } }
            if ($name -eq 'org-013') { $o.policyPath = 'broken-policy.yaml' }
            $o
        }
        @{ organisations = @($orgs) } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $work 'tenants.json')
        $fake.Send('faults {"throttlepath":":/sites/org-077"}') | Should -Be 'OK'

        # What one healthy organisation's summary is (the same directory, a fresh store of its own).
        $fake.Send('site hwsefton.sharepoint.com /sites/reference') | Out-Null
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl `
            -StateSite https://hwsefton.sharepoint.com/sites/reference | Out-Null
        $expected = Get-HwComplianceReport -Summary
        Disconnect-HwDirectory

        $container = New-TestContainer 'organisation-summaries'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-HwChildPwsh -Environment $sandbox -Command (
            "& '$runner' -TenantsFile '$work/tenants.json' -SummaryContainer '$container' -ThrottleLimit 8 -GraphEndpoint '$($fake.BaseUrl)' " +
            "-ModulePath '$(Get-HwBuiltManifest)' | ConvertTo-Json -Depth 3 -Compress | Set-Content '$work/results.json'")
        $watch.Stop()
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        Write-Host "150 organisations in $([math]::Round($watch.Elapsed.TotalSeconds, 1)) s"
        $results = @(Get-Content -Raw "$work/results.json" | ConvertFrom-Json)
        $results.Count | Should -Be $count
        @($results | Where-Object { -not $_.Failed }).Count | Should -Be 148
        $failed = @($results | Where-Object Failed | Sort-Object Organisation)
        $failed.Organisation | Should -Be @('org-013', 'org-077')
        $failed[0].Errors -join ' ' | Should -Match 'Policy'
        $failed[1].Errors -join ' ' | Should -Match 'Throttl|429|TooManyRequests'
        foreach ($x in $results) { $x.Summary | Should -BeLike "$container/org-*/*.json" -Because "$($x.Organisation)'s summary is a blob in the container" }

        # Read back from the container with the managed identity, in a process that has it (as an Automation job would).
        $read = Invoke-HwChildPwsh -Environment $sandbox -Command (
            "Import-Module '$(Get-HwBuiltManifest)'; Get-HwOrganisationSummary -ContainerUri '$container' -ManagedIdentity -OutFile '$work/overview.html' | " +
            "Select-Object Organisation, Failed, WorstSeverity, Critical, High, Medium, Low, OverdueReviews, Witness, Source, @{ n = 'Errors'; e = { @(`$_.Errors) } } | " +
            "ConvertTo-Json -Depth 3 -Compress | Set-Content '$work/merged.json'")
        $read.ExitCode | Should -Be 0 -Because ($read.Output -join "`n")
        $merged = @(Get-Content -Raw "$work/merged.json" | ConvertFrom-Json)
        $merged.Count | Should -Be $count
        @($merged[0..1].Organisation | Sort-Object) | Should -Be @('org-013', 'org-077')
        $merged[0..1].WorstSeverity | Should -Be @('Error', 'Error')
        ($merged | Where-Object Organisation -EQ 'org-013').Errors -join ' ' | Should -Match 'Policy'
        ($merged | Where-Object Organisation -EQ 'org-077').Errors -join ' ' | Should -Match 'Throttl|429|TooManyRequests'
        foreach ($m in $merged[2..($count - 1)]) {
            $m.Failed | Should -BeFalse
            "$($m.Critical)/$($m.High)/$($m.Medium)/$($m.Low)" | Should -Be "$($expected.Critical)/$($expected.High)/$($expected.Medium)/$($expected.Low)" -Because $m.Organisation
            $m.Witness | Should -Be $expected.Witness -Because "a fresh store's journal is as the reference's"
            $m.Source | Should -BeLike "$container/*"
        }
        $html = Get-Content -Raw (Join-Path $work 'overview.html')
        ([regex]::Matches($html, '<tr><th scope="row">')).Count | Should -Be $count
        $html | Should -Match '<caption>'
        $html.IndexOf('org-077') | Should -BeLessThan $html.IndexOf('org-001')
        $html.IndexOf('org-013') | Should -BeLessThan $html.IndexOf('org-001')
    }
}

Describe 'The runner when the container or the tenants are wrong' -Tag 'Organisations', 'Graph', 'Azurite' {
    BeforeAll {
        Connect-HwTestGraph -Fake $fake | Out-Null
        Disconnect-HwDirectory
        foreach ($n in 'one', 'two') { $fake.Send("site hwsefton.sharepoint.com /sites/wrong-$n") | Out-Null }
        $script:tenants = @{ organisations = @(
                @{ name = 'Healthwatch One'; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/wrong-one' }
                @{ name = 'Healthwatch Two'; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/wrong-two' }) } |
            ConvertTo-Json -Depth 4 -Compress
    }

    It 'names SummaryContainerNotFound for every organisation when the container does not exist, and goes on' {
        $missing = "$($azurite.BlobEndpoint)/no-such-container"
        $out = Join-Path $TestDrive 'missing.json'
        $env:HW_TEST_TENANTS = $tenants
        try {
            $r = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $tenants }) -Command (
                "& '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryContainer '$missing' -GraphEndpoint '$($fake.BaseUrl)' " +
                "-ModulePath '$(Get-HwBuiltManifest)' | ConvertTo-Json -Depth 3 -Compress | Set-Content '$out'")
        }
        finally { Remove-Item Env:HW_TEST_TENANTS -ErrorAction SilentlyContinue }
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $results = @(Get-Content -Raw $out | ConvertFrom-Json)
        $results.Organisation | Sort-Object | Should -Be @('Healthwatch One', 'Healthwatch Two')
        foreach ($x in $results) {
            $x.Failed | Should -BeTrue
            $x.Summary | Should -BeNullOrEmpty
            $x.Errors -join ' ' | Should -Match "SummaryContainerNotFound.*no-such-container"
        }
    }

    It 'writes to a folder with -SummaryPath and -TenantsJson; the folder merges like the container' {
        $folder = Join-Path $TestDrive 'summaries'
        $r = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $tenants }) -Command (
            "& '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryPath '$folder' -GraphEndpoint '$($fake.BaseUrl)' " +
            "-ModulePath '$(Get-HwBuiltManifest)' | Out-Null")
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $merged = @(Get-HwOrganisationSummary -Path $folder)
        $merged.Organisation | Sort-Object | Should -Be @('Healthwatch One', 'Healthwatch Two')
        $merged.Failed | Should -Be @($false, $false)
        @(Get-ChildItem $folder -Recurse -Filter *.json).Count | Should -Be 2
    }

    It 'refuses a tenants JSON that is not JSON, or names an organisation twice, before any organisation runs' {
        foreach ($case in @(
                @{ Json = '{ "organisations": [ '; Expect = 'not JSON' }
                @{ Json = '{ "organisations": [ { "name": "A" }, { "name": "A " } ] }'; Expect = "twice .*'A' \(0 and 1\)" }
                @{ Json = '{ "organisations": [ { "tenantId": "x" } ] }'; Expect = 'without a name' }
                @{ Json = '{ "organisations": [ { "name": "A", "stateSite": "https://x.sharepoint.com/sites/a" }, { "name": "B" } ] }'; Expect = "without a stateSite .*organisations\[1\] \(entry 2\) \('B'\)" })) {
            $r = Invoke-HwChildPwsh -Environment @{ HW_TEST_TENANTS = $case.Json } -Command (
                "try { & '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryPath '$TestDrive/never' -ModulePath '$(Get-HwBuiltManifest)' } " +
                "catch { 'ERROR: ' + `$_.Exception.Message; exit 1 }")
            $r.ExitCode | Should -Not -Be 0
            ($r.Output -join ' ') | Should -Match $case.Expect
        }
        Test-Path "$TestDrive/never" | Should -BeFalse
    }

    It 'stops before any organisation runs, naming -SummaryContainer and never showing a SAS, when the address has a query, fragment or user name, is http or names no container' {
        $valid = "$($azurite.BlobEndpoint)/organisation-summaries"
        $host_ = ([uri]$valid).GetComponents([UriComponents]::SchemeAndServer, [UriFormat]::UriEscaped)
        $cases = @(
            @{ Address = "$($valid)?sv=2024-11-04&sig=SASSECRET999"; Expect = 'without a query, fragment or user name'; Shown = $valid }
            @{ Address = "$($valid)#sig=SASSECRET999"; Expect = 'without a query, fragment or user name'; Shown = $valid }
            @{ Address = ($valid -replace '^https://', 'https://acct:SASSECRET999@'); Expect = 'without a query, fragment or user name'; Shown = $valid }
            @{ Address = (($valid -replace '^https://', 'http://') + '?sig=SASSECRET999'); Expect = 'must be an https:// address.*plain http'; Shown = ($valid -replace '^https://', 'http://') }
            @{ Address = "$host_/devstoreaccount1"; Expect = 'names no blob container'; Shown = "$host_/devstoreaccount1" }
            @{ Address = "$host_/devstoreaccount1/Not_A_Container"; Expect = 'names no blob container'; Shown = "$host_/devstoreaccount1/Not_A_Container" }
            @{ Address = 'https://[::1?sig=SASSECRET999'; Expect = 'must be an https:// address'; Shown = 'https://[::1' }
            # a query in disguise in the path (a fourth reviewer's case)
            @{ Address = "$host_/devstoreaccount1/c%3Fsv%3D2020%26sig%3DSASSECRET999"; Expect = 'names no blob container'; Shown = "$host_/devstoreaccount1/c…" }
            @{ Address = "$host_/devstoreaccount1/c;sig=SASSECRET999"; Expect = 'names no blob container'; Shown = "$host_/devstoreaccount1/c…" })
        foreach ($case in $cases) {
            $requests = [int]$fake.Send('count')
            $signins = @(($fake.Send('signins') | ConvertFrom-Json).Requests).Count
            $out = Join-Path $TestDrive 'sas.json'
            $r = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $tenants; HW_TEST_CONTAINER = $case.Address }) -Command (
                "try { & '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryContainer `$env:HW_TEST_CONTAINER -GraphEndpoint '$($fake.BaseUrl)' " +
                "-ModulePath '$(Get-HwBuiltManifest)' -Verbose | ConvertTo-Json -Depth 3 -Compress | Set-Content '$out' } " +
                "catch { 'ERROR: ' + `$_.Exception.Message; `$_ | Format-List * -Force | Out-String -Width 4096; exit 1 }")
            # Every line the child wrote (its error record in full too) is checked for the SAS; the message on its own line.
            $text = @($r.Output | Where-Object { $_ -like 'ERROR: *' }) -join "`n"
            $r.ExitCode | Should -Not -Be 0 -Because "$($case.Expect): $text"
            $text | Should -Match '-SummaryContainer'
            $text | Should -Match $case.Expect
            $text | Should -Match 'No organisation ran'
            $text | Should -Match ([regex]::Escape("'$($case.Shown)'")) -Because 'the address is shown without its query, fragment or user name'
            foreach ($line in $r.Output) { $line | Should -Not -Match 'SASSECRET999' }
            Test-Path $out | Should -BeFalse -Because 'no organisation ran, so nothing was returned'
            [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation reached Graph'
            @(($fake.Send('signins') | ConvertFrom-Json).Requests).Count | Should -Be $signins -Because 'no organisation signed in'
        }
    }

    It 'refuses a -SummaryPath that is a file, is under a file or is not on the file system, before any organisation runs' {
        $file = Join-Path $TestDrive 'a-file.txt'
        Set-Content $file 'not a folder'
        $requests = [int]$fake.Send('count')
        foreach ($case in @(
                @{ Path = $file; Expect = "-SummaryPath '.*a-file\.txt' is a file; give a folder" }
                @{ Path = (Join-Path $file 'sub/summaries'); Expect = "-SummaryPath '.*' is under the file '.*a-file\.txt'; give a folder" }
                @{ Path = 'Env:/summaries'; Expect = "-SummaryPath 'Env:/summaries' is on the Environment drive" })) {
            $message = $null
            try { & $runner -TenantsJson $tenants -SummaryPath $case.Path -GraphEndpoint $fake.BaseUrl -ModulePath (Get-HwBuiltManifest) | Out-Null }
            catch { $message = $_.Exception.Message }
            $message | Should -Match $case.Expect
            $message | Should -Not -Match 'PropertyNotFound|FullName'
        }
        [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation reached Graph'
        Get-Content $file | Should -Be 'not a folder'
    }

    It 'refuses a -TenantsFile that is a folder, a missing file or a FIFO without reading (no hang), before any organisation runs' {
        $folder = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'tenants-folder')
        foreach ($case in @(
                @{ File = $folder.FullName; Expect = 'is a folder; give the tenants file' }
                @{ File = (Join-Path $TestDrive 'no-such-tenants.json'); Expect = 'does not exist' })) {
            { & $runner -TenantsFile $case.File -SummaryPath "$TestDrive/never-f" -ModulePath (Get-HwBuiltManifest) } | Should -Throw "*$($case.Expect)*"
        }
        if ($IsLinux -or $IsMacOS) {
            # A FIFO with no writer: reading it would block for ever; the runner refuses it without opening it.
            $fifo = Join-Path $TestDrive 'tenants.fifo'
            & mkfifo $fifo
            $LASTEXITCODE | Should -Be 0
            $p = Start-HwChildPwsh -Command ("try { & '$runner' -TenantsFile '$fifo' -SummaryPath '$TestDrive/never-f' -ModulePath '$(Get-HwBuiltManifest)' } " +
                "catch { 'ERROR: ' + `$_.Exception.Message; exit 1 }")
            $stderr = $p.StandardError.ReadToEndAsync(); $stdout = $p.StandardOutput.ReadToEndAsync()
            $exited = $p.WaitForExit(60000)
            if (-not $exited) { $p.Kill($true) }
            $exited | Should -BeTrue -Because 'a FIFO must not be opened'
            $p.ExitCode | Should -Not -Be 0
            ($stdout.Result + $stderr.Result) | Should -Match 'is not a regular file \(it is a NamedPipe\)'
        }
        Test-Path "$TestDrive/never-f" | Should -BeFalse
    }

    It 'refuses names with control characters, naming the entry and showing them, and names equal after NFC, trim and case, before any organisation runs' {
        $requests = [int]$fake.Send('count')
        $nfc = 'Healthwatch Caf' + [char]0x00E9
        $nfd = 'healthwatch cafe' + [char]0x0301 + ' '
        foreach ($case in @(
                @{ Names = @('Healthwatch One', "Evil`nOrg Y: ok"); Expect = "organisations\[1\] \(entry 2\).*control character.*'Evil\[U\+000A\]Org Y: ok'" }
                @{ Names = @("Carriage`rReturn"); Expect = "organisations\[0\].*'Carriage\[U\+000D\]Return'" }
                @{ Names = @("Tab`tName"); Expect = "'Tab\[U\+0009\]Name'" }
                @{ Names = @("Nul$([char]0)Name"); Expect = "'Nul\[U\+0000\]Name'" }
                @{ Names = @("Esc$([char]0x1B)[31mRed"); Expect = "'Esc\[U\+001B\]\[31mRed'" }
                @{ Names = @("Next$([char]0x85)Line"); Expect = "'Next\[U\+0085\]Line'" }
                @{ Names = @("Line$([char]0x2028)Sep", 'Other'); Expect = "organisations\[0\].*'Line\[U\+2028\]Sep'" }
                @{ Names = @('Other', "Para$([char]0x2029)Sep"); Expect = "organisations\[1\].*'Para\[U\+2029\]Sep'" }
                @{ Names = @("Bidi$([char]0x202E)txet"); Expect = "'Bidi\[U\+202E\]txet'" }
                @{ Names = @($nfc, $nfd); Expect = "twice .*NFC.*\(0 and 1\)" }
                @{ Names = @('Healthwatch One', ' HEALTHWATCH ONE'); Expect = 'twice .*ignoring case.*\(0 and 1\)' })) {
            $json = @{ organisations = @($case.Names | ForEach-Object { @{ name = $_; stateSite = 'https://hwsefton.sharepoint.com/sites/wrong-one' } }) } | ConvertTo-Json -Depth 4
            $message = $null
            try { & $runner -TenantsJson $json -SummaryPath "$TestDrive/never-n" -GraphEndpoint $fake.BaseUrl -ModulePath (Get-HwBuiltManifest) | Out-Null }
            catch { $message = $_.Exception.Message }
            $message | Should -Match $case.Expect
            $message | Should -Not -Match '[\r\n\x00\x1B\u0085\u2028\u2029\u202E]' -Because 'the refusal is one line with the characters made visible'
        }
        [string]::Equals($nfc.ToUpperInvariant(), $nfd.Trim().ToUpperInvariant(), [StringComparison]::Ordinal) | Should -BeFalse -Because 'the twins differ code point by code point (NFC against NFD), so only the normalisation finds them'
        [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation reached Graph'
        Test-Path "$TestDrive/never-n" | Should -BeFalse
    }

    It 'refuses, by entry, the names Save-HwOrganisationSummary refuses (invisible, format, filler, too long; duplicates after spaces are made one), before any Graph request' {
        $requests = [int]$fake.Send('count')
        $long = 'H' * 300
        foreach ($case in @(
                @{ Names = @('Healthwatch One', "Ok$([char]0x200B) One"); Expect = "organisations\[1\] \(entry 2\) whose name holds a control character or an invisible one.*'Ok\[U\+200B\] One'" }
                @{ Names = @("R6$([char]0x00AD)soft"); Expect = "organisations\[0\] \(entry 1\).*invisible.*'R6\[U\+00AD\]soft'" }
                @{ Names = @('Healthwatch One', $long); Expect = 'organisations\[1\] \(entry 2\) whose name is 300 characters long.*at most 256 characters' }
                @{ Names = @("Zeta$([char]0x115F)"); Expect = "'Zeta\[U\+115F\]'" }
                @{ Names = @("$([char]0x2800)Zeta"); Expect = "'\[U\+2800\]Zeta'" }
                @{ Names = @("Ze$([char]0x034F)ta"); Expect = "'Ze\[U\+034F\]ta'" }
                @{ Names = @("Private $([char]::ConvertFromUtf32(0xF0000))"); Expect = "'Private \[U\+F0000\]'" }
                # joiners too: at a name's edge the cmdlets' identifier rule strips them, so "Kent" and "Kent<ZWJ>" would be one
                @{ Names = @('Healthwatch Kent', "Healthwatch Kent$([char]0x200D)"); Expect = "organisations\[1\].*'Healthwatch Kent\[U\+200D\]'" }
                @{ Names = @("$([char]0x200C)"); Expect = "organisations\[0\].*'\[U\+200C\]'" }
                @{ Names = @("Ke$([char]::ConvertFromUtf32(0xE0100))nt"); Expect = "'Ke\[U\+E0100\]nt'" }
                # one case rule (upper case) for duplicates, the merge and the folder: "Straße" and "STRAẞE" are kept apart everywhere
                @{ Names = @('Healthwatch Kent', ' HEALTHWATCH KENT'); Expect = "twice .*\(0 and 1\)" }
                @{ Names = @("Healthwatch$([char]0x00A0)Sefton", 'Healthwatch Sefton'); Expect = "twice .*'Healthwatch Sefton' \(0 and 1\)" }
                @{ Names = @("Healthwatch$([char]0x3000)$([char]0x3000)Sefton", ' healthwatch  sefton'); Expect = "twice .*\(0 and 1\)" })) {
            $json = @{ organisations = @($case.Names | ForEach-Object { @{ name = $_; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/wrong-one' } }) } | ConvertTo-Json -Depth 4
            $message = $null
            try { & $runner -TenantsJson $json -SummaryPath "$TestDrive/never-i" -GraphEndpoint $fake.BaseUrl -ModulePath (Get-HwBuiltManifest) | Out-Null }
            catch { $message = $_.Exception.Message }
            $message | Should -Match $case.Expect
            $message | Should -Match 'No organisation ran'
            $message | Should -Not -Match '[\u200B\u00AD\u115F\u2800\u034F]' -Because 'the refused characters are shown as [U+XXXX]'
        }
        [int]$fake.Send('count') | Should -Be $requests -Because 'every refusal comes before any organisation reaches Graph'
        Test-Path "$TestDrive/never-i" | Should -BeFalse
    }

    It 'accepts a name with an ideographic space and keeps it as the cmdlet does (one ASCII space)' {
        $fake.Send('site hwsefton.sharepoint.com /sites/ideographic') | Out-Null
        $json = @{ organisations = @(
                @{ name = "Healthwatch$([char]0x3000)Sefton"; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/ideographic' }) } |
            ConvertTo-Json -Depth 4 -Compress
        $folder = Join-Path $TestDrive 'ideographic'
        $out = Join-Path $TestDrive 'ideographic.json'
        $r = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $json }) -Command (
            "& '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryPath '$folder' -GraphEndpoint '$($fake.BaseUrl)' " +
            "-ModulePath '$(Get-HwBuiltManifest)' | ConvertTo-Json -Depth 3 -Compress | Set-Content '$out'")
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $result = Get-Content -Raw $out | ConvertFrom-Json
        $result.Errors -join ' ' | Should -BeNullOrEmpty
        $result.Failed | Should -BeFalse
        $result.Organisation | Should -BeExactly 'Healthwatch Sefton'
        (Get-HwOrganisationSummary -Path $folder).Organisation | Should -BeExactly 'Healthwatch Sefton'
    }

    It 'refuses a -TenantsFile that is a loop of symbolic links, naming -TenantsFile, before any organisation runs' {
        $a = Join-Path $TestDrive 'loop-a.json'; $b = Join-Path $TestDrive 'loop-b.json'
        New-Item -ItemType SymbolicLink -Path $a -Target $b | Out-Null
        New-Item -ItemType SymbolicLink -Path $b -Target $a | Out-Null
        $requests = [int]$fake.Send('count')
        $message = $null
        try { & $runner -TenantsFile $a -SummaryPath "$TestDrive/never-l" -GraphEndpoint $fake.BaseUrl -ModulePath (Get-HwBuiltManifest) | Out-Null }
        catch { $message = $_.Exception.Message }
        $message | Should -Match "^-TenantsFile '.*loop-a\.json' is a link that does not resolve to a file \(a loop of links, or too many\)"
        $message | Should -Match 'No organisation ran'
        $message | Should -Not -Match 'Exception calling'
        [int]$fake.Send('count') | Should -Be $requests
        Test-Path "$TestDrive/never-l" | Should -BeFalse
    }

    It 'refuses a tenantId that is neither a GUID nor a domain name, a clientId without its certificate, and a bad -HomeTenantId, before any organisation runs' {
        $requests = [int]$fake.Send('count')
        $site = 'https://hwsefton.sharepoint.com/sites/wrong-one'
        foreach ($case in @(
                @{ Json = "{ ""organisations"": [ { ""name"": ""A"", ""tenantId"": ""contoso.onmicrosoft.com"", ""stateSite"": ""$site"" }, { ""name"": ""B"", ""tenantId"": ""not a tenant"", ""stateSite"": ""$site"" } ] }"; Expect = "organisations\[1\] \(entry 2\) \('B'\) whose tenantId 'not a tenant' is neither a GUID .* nor a domain name" }
                @{ Json = "{ ""organisations"": [ { ""name"": ""A"", ""tenantId"": ""00000000-0000-4000-8000-00000000f4e1x"", ""stateSite"": ""$site"" } ] }"; Expect = "organisations\[0\].*whose tenantId .* is neither a GUID" }
                @{ Json = "{ ""organisations"": [ { ""name"": ""A"", ""tenantId"": ""https://login.microsoftonline.com/contoso.onmicrosoft.com"", ""stateSite"": ""$site"" } ] }"; Expect = 'is neither a GUID' }
                @{ Json = "{ ""organisations"": [ { ""name"": ""A"", ""tenantId"": ""contoso.onmicrosoft.com"", ""clientId"": ""0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87"", ""stateSite"": ""$site"" } ] }"; Expect = "with clientId but no certificateThumbprint" }
                @{ Json = "{ ""organisations"": [ { ""name"": ""A"", ""tenantId"": ""contoso.onmicrosoft.com"", ""stateSite"": ""$site"" } ] }"; Home = 'contoso tenant'; Expect = "^-HomeTenantId 'contoso tenant' is neither a GUID nor a domain name" })) {
            $extra = @{}
            if ($case.ContainsKey('Home')) { $extra.HomeTenantId = $case.Home }
            $message = $null
            try { & $runner -TenantsJson $case.Json -SummaryPath "$TestDrive/never-g" -GraphEndpoint $fake.BaseUrl -ModulePath (Get-HwBuiltManifest) @extra | Out-Null }
            catch { $message = $_.Exception.Message }
            $message | Should -Match $case.Expect
            $message | Should -Match 'No organisation ran'
        }
        [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation reached Graph'
        Test-Path "$TestDrive/never-g" | Should -BeFalse
    }

    It 'with -HomeTenantId, fails only the organisation of another tenant that would sign in with the managed identity, unconnected, and writes its failed summary' {
        foreach ($n in 'home-1', 'home-2') { $fake.Send("site hwsefton.sharepoint.com /sites/$n") | Out-Null }
        $json = @{ organisations = @(
                @{ name = 'Home One'; tenantId = '00000000-0000-4000-8000-00000000F4E1'; stateSite = 'https://hwsefton.sharepoint.com/sites/home-1' }
                @{ name = 'Elsewhere'; tenantId = 'contoso.onmicrosoft.com'; stateSite = 'https://hwsefton.sharepoint.com/sites/elsewhere' }
                @{ name = 'Home Two'; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/home-2' }) } |
            ConvertTo-Json -Depth 4 -Compress
        $folder = Join-Path $TestDrive 'home'
        $out = Join-Path $TestDrive 'home.json'
        $r = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $json }) -Command (
            "& '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryPath '$folder' -HomeTenantId 00000000-0000-4000-8000-00000000f4e1 " +
            "-GraphEndpoint '$($fake.BaseUrl)' -ModulePath '$(Get-HwBuiltManifest)' | ConvertTo-Json -Depth 3 -Compress | Set-Content '$out'")
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $results = @(Get-Content -Raw $out | ConvertFrom-Json | Sort-Object Organisation)
        $results.Organisation | Should -Be @('Elsewhere', 'Home One', 'Home Two')
        $results[1].Failed | Should -BeFalse -Because ($results[1].Errors -join ' ')
        $results[2].Failed | Should -BeFalse -Because ($results[2].Errors -join ' ')
        $results[0].Failed | Should -BeTrue
        $results[0].Errors -join ' ' | Should -BeLike "GraphConnectionIncomplete: A managed identity signs in to its own tenant (00000000-0000-4000-8000-00000000f4e1) only; for Elsewhere's tenant contoso.onmicrosoft.com give clientId and certificateThumbprint of a multi-tenant app (docs/deploy-azure-automation.md)."
        $results[0].Summary | Should -Not -BeNullOrEmpty -Because 'a failed organisation still gets its summary'
        $merged = @(Get-HwOrganisationSummary -Path $folder)
        $elsewhere = $merged | Where-Object Organisation -EQ 'Elsewhere'
        $elsewhere.Failed | Should -BeTrue
        @($elsewhere.Errors) -join ' ' | Should -Match 'GraphConnectionIncomplete.*own tenant'
        $merged[0].Organisation | Should -Be 'Elsewhere' -Because 'the failure comes first in the overview'
    }

    It 'refuses tenants whose entries are not objects, whose names or fields are not text, or whose top level is not an object' {
        foreach ($case in @(
                @{ Json = '{ "organisations": [ "Healthwatch One" ] }'; Expect = 'organisations\[0\] \(entry 1\) that is not an object' }
                @{ Json = '{ "organisations": [ { "name": "A" }, null ] }'; Expect = 'organisations\[1\] \(entry 2\) that is not an object' }
                @{ Json = '{ "organisations": [ { "name": 5 } ] }'; Expect = 'name is not a text' }
                @{ Json = '{ "organisations": [ { "name": "A", "stateSite": { "url": "x" } } ] }'; Expect = "organisations\[0\] \(entry 1\) \('A'\) whose 'stateSite' is not a text \(it is a PSCustomObject\)" }
                @{ Json = '{ "organisations": [ { "name": "A" }, { "name": "B", "policyPath": [ "a.yaml" ] } ] }'; Expect = "organisations\[1\] \(entry 2\) \('B'\) whose 'policyPath' is not a text" }
                @{ Json = '{ "organisations": [ { "name": "A", "tenantId": 42 } ] }'; Expect = "whose 'tenantId' is not a text \(it is a Int64\)" }
                @{ Json = '[ { "name": "A" } ]'; Expect = 'names no organisations' })) {
            $message = $null
            try { & $runner -TenantsJson $case.Json -SummaryPath "$TestDrive/never-t" -ModulePath (Get-HwBuiltManifest) | Out-Null }
            catch { $message = $_.Exception.Message }
            $message | Should -Match $case.Expect
        }
        Test-Path "$TestDrive/never-t" | Should -BeFalse
    }
}

Describe 'The runner''s help' -Tag 'Organisations' {
    It 'points to files that exist (the repository''s docs and example), not beside the shipped script, and gives the tenants JSON shape, which parses' {
        $shipped = Join-Path (Split-Path (Get-HwBuiltManifest)) 'Invoke-HwOrganisations.ps1'
        $help = Get-Help $shipped -Full
        $description = ($help.description | ForEach-Object { $_.Text }) -join "`n"
        $description | Should -Not -Match 'beside this script'
        $description | Should -Match 'docs/deploy-azure-automation\.md'
        foreach ($named in [regex]::Matches($description, '(?:docs|deploy)/[\w./-]+\.(?:md|json)')) {
            Join-Path (Get-HwRepoRoot) $named.Value | Should -Exist -Because "the help names $($named.Value)"
        }
        $shape = [regex]::Match($description, '(?s)\{ "organisations".*?\] \}').Value
        $parsed = $shape | ConvertFrom-Json
        $parsed.organisations[0].name | Should -Not -BeNullOrEmpty
        # Every field of the repository's example is in the help's shape.
        $example = Get-Content -Raw (Join-Path (Get-HwRepoRoot) 'deploy/organisations/tenants.example.json') | ConvertFrom-Json
        $fields = @($example.organisations | ForEach-Object { $_.PSObject.Properties.Name }) | Sort-Object -Unique
        foreach ($f in $fields) { $parsed.organisations[0].PSObject.Properties.Name | Should -Contain $f }
    }
}
