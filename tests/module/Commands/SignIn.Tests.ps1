# Issue 12, item 7: the managed-identity sign-in through the cmdlet, as Azure Automation and App Service provide it
# (IDENTITY_ENDPOINT / IDENTITY_HEADER), against the fake Graph host's loopback sign-in server; the token it issues
# reaches the fake Graph and appears in no output. The other flows (certificate from the store, device code, national
# clouds) are in the engine's SignInFlowTests, which can route Entra's https hosts to loopback (docs/decisions/0111).
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
}

AfterAll {
    Disconnect-HwDirectory -ErrorAction SilentlyContinue
    $fake | Stop-HwFakeGraph
}

Describe 'Connect-HwDirectory -ManagedIdentity' -Tag 'Graph' {
    It 'signs in at IDENTITY_ENDPOINT with IDENTITY_HEADER, and the token reaches Graph but no output' {
        $sample = Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/sample-org'
        $org = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'org')
        Copy-Item (Join-Path $sample 'directory.json') $org
        $fake.Send('faults reset') | Out-Null
        $fake.Send("load $(Join-Path $org 'directory.json')") | Out-Null
        $fake.Send('reset') | Out-Null
        $mi = $fake.Send('signin') | ConvertFrom-Json

        $saved = $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER
        $env:IDENTITY_ENDPOINT = $mi.IdentityEndpoint
        $env:IDENTITY_HEADER = $mi.IdentityHeader
        try {
            $out = Connect-HwDirectory -ManagedIdentity -GraphEndpoint $fake.BaseUrl -StatePath (Join-Path $TestDrive 'state') -Verbose *>&1
        }
        finally {
            $env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER = $saved
        }

        $signIns = $fake.Send('signins') | ConvertFrom-Json
        $request = @($signIns.Requests)
        $request.Count | Should -Be 1
        $request[0].Method | Should -Be 'GET'
        $request[0].Path | Should -Be '/msi/token'
        $request[0].Query.'api-version' | Should -Be '2019-08-01'
        $request[0].Query.resource | Should -Be 'http://127.0.0.1'
        $request[0].Status | Should -Be 200
        @($signIns.Tokens) | Should -HaveCount 1
        $token = @($signIns.Tokens)[0]
        @($fake.Send('auth') | ConvertFrom-Json) | Should -Be @("Bearer $token")

        $connection = Get-HwConnection
        $connection.Kind | Should -Be 'Graph'
        $connection.Directory | Should -BeLike '*managed identity*'
        $text = ($out | Out-String -Width 4096) + ($connection | Format-List * | Out-String -Width 4096)
        $text | Should -Not -BeLike "*$token*"
        $text | Should -Not -BeLike "*$($mi.IdentityHeader)*"
    }
}
