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
                @{ Json = '{ "organisations": [ { "name": "A" }, { "name": "A " } ] }'; Expect = 'twice: A' }
                @{ Json = '{ "organisations": [ { "tenantId": "x" } ] }'; Expect = 'without a name' })) {
            $r = Invoke-HwChildPwsh -Environment @{ HW_TEST_TENANTS = $case.Json } -Command (
                "& '$runner' -TenantsJson `$env:HW_TEST_TENANTS -SummaryPath '$TestDrive/never' -ModulePath '$(Get-HwBuiltManifest)'")
            $r.ExitCode | Should -Not -Be 0
            ($r.Output -join ' ') | Should -Match $case.Expect
        }
        Test-Path "$TestDrive/never" | Should -BeFalse
    }
}
