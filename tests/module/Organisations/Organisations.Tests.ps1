# Many organisations (issue 18, item 3): deploy/organisations/Invoke-HwOrganisations.ps1 runs 150 organisations of a
# tenants file in parallel (ForEach-Object -Parallel, 8 at a time) against the fake Graph host, each with its own
# shared state store (a SharePoint site of its own), signed in with the managed identity (IDENTITY_ENDPOINT of the
# fake host). Two fail: org-077's site is throttled for ever (429 on every request, the SDK's retries give up) and
# org-013's policy file is not a valid policy. The other 148 write complete summaries; Get-HwOrganisationSummary
# merges them with the two failures first, errors named, and writes the HTML overview.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
    $runner = Join-Path (Get-HwRepoRoot) 'deploy/organisations/Invoke-HwOrganisations.ps1'
}
AfterAll { if ($fake) { Stop-HwFakeGraph $fake } }

Describe 'A run over 150 organisations with two failing' -Tag 'Organisations', 'Graph', 'Scenario' {
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
        $mi = $fake.Send('signin') | ConvertFrom-Json

        # What one healthy organisation's summary is (the same directory, a fresh store of its own).
        $fake.Send('site hwsefton.sharepoint.com /sites/reference') | Out-Null
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl `
            -StateSite https://hwsefton.sharepoint.com/sites/reference | Out-Null
        $expected = Get-HwComplianceReport -Summary
        Disconnect-HwDirectory

        $summaries = Join-Path $work 'summaries'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = '$($mi.IdentityEndpoint)'; `$env:IDENTITY_HEADER = '$($mi.IdentityHeader)'; " +
            "& '$runner' -TenantsFile '$work/tenants.json' -SummaryPath '$summaries' -ThrottleLimit 8 -GraphEndpoint '$($fake.BaseUrl)' " +
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

        $files = @(Get-ChildItem $summaries -Recurse -Filter *.json)
        $files.Count | Should -Be $count
        $merged = @(Get-HwOrganisationSummary -Path $summaries -OutFile (Join-Path $work 'overview.html'))
        $merged.Count | Should -Be $count
        @($merged[0..1].Organisation | Sort-Object) | Should -Be @('org-013', 'org-077')
        $merged[0..1].WorstSeverity | Should -Be @('Error', 'Error')
        foreach ($m in $merged[2..($count - 1)]) {
            $m.Failed | Should -BeFalse
            "$($m.Critical)/$($m.High)/$($m.Medium)/$($m.Low)" | Should -Be "$($expected.Critical)/$($expected.High)/$($expected.Medium)/$($expected.Low)" -Because $m.Organisation
            $m.Witness | Should -Be $expected.Witness -Because "a fresh store's journal is as the reference's"
        }
        $html = Get-Content -Raw (Join-Path $work 'overview.html')
        ([regex]::Matches($html, '<tr><th scope="row">')).Count | Should -Be $count
        $html | Should -Match '<caption>'
        $html.IndexOf('org-077') | Should -BeLessThan $html.IndexOf('org-001')
        $html.IndexOf('org-013') | Should -BeLessThan $html.IndexOf('org-001')
    }
}
