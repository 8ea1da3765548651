# The blob service of the many-organisations run (issue 18, item 3; decision 0191): Azurite from npm (tools/Azurite),
# over https with --oauth basic, trusted by a child pwsh through SSL_CERT_FILE, taking the managed-identity tokens of
# the fake host's IDENTITY_ENDPOINT. Proves the wiring the summary store's tests stand on, with plain HttpClient
# (Azure.Storage.Blobs speaks the same REST): a storage token creates a container and a blob; a token for another
# audience, and a Graph token are refused; without SSL_CERT_FILE the child does not trust Azurite.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $fake = Start-HwFakeGraph
    $azurite = Start-HwAzurite -Path (Join-Path $TestDrive 'azurite')
    $mi = $fake.Send('signin') | ConvertFrom-Json

    # A managed-identity token for $Resource, as ManagedIdentityCredential asks for it (App Service protocol).
    function Get-MiToken([string] $Resource) {
        $url = "$($mi.IdentityEndpoint)?api-version=2019-08-01&resource=$([uri]::EscapeDataString($Resource))"
        (Invoke-RestMethod -Uri $url -Headers @{ 'X-IDENTITY-HEADER' = $mi.IdentityHeader }).access_token
    }

    # Runs Azure Storage REST calls in a child pwsh. $Steps: method, path (under the account endpoint), body; the
    # bearer token comes from HW_TEST_TOKEN (never the command line). Answers one object per step: Status (0 when
    # the request failed before an answer), Code (x-ms-error-code), Body, Error (the innermost exception's message).
    function Invoke-BlobSteps([object[]] $Steps, [string] $Token, [hashtable] $Environment = @{}, [string] $Endpoint = $azurite.BlobEndpoint) {
        $stepsJson = ConvertTo-Json -InputObject @($Steps) -Depth 3 -Compress
        $script = @'
$ErrorActionPreference = 'Stop'
$http = [System.Net.Http.HttpClient]::new()
$answers = foreach ($step in (ConvertFrom-Json -InputObject $env:HW_TEST_STEPS)) {
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($step.Method), $env:HW_TEST_ENDPOINT + $step.Path)
    $request.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $env:HW_TEST_TOKEN)
    $request.Headers.Add('x-ms-version', '2025-11-05')
    $request.Headers.Add('x-ms-date', [DateTime]::UtcNow.ToString('R'))
    if ($step.Method -eq 'PUT') {
        $request.Content = [System.Net.Http.StringContent]::new([string]$step.Body, [Text.Encoding]::UTF8, 'application/json')
        if ($step.Path -notmatch 'restype=container') { $request.Headers.Add('x-ms-blob-type', 'BlockBlob') }
    }
    try {
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        $code = $null; $values = $null
        if ($response.Headers.TryGetValues('x-ms-error-code', [ref] $values)) { $code = @($values)[0] }
        [pscustomobject]@{ Status = [int]$response.StatusCode; Code = $code; Body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult(); Error = $null }
    }
    catch {
        $e = $_.Exception; while ($e.InnerException) { $e = $e.InnerException }
        [pscustomobject]@{ Status = 0; Code = $null; Body = $null; Error = "$($e.GetType().Name): $($e.Message)" }
    }
}
ConvertTo-Json -InputObject @($answers) -Depth 3 -Compress
'@
        $childEnv = @{ HW_TEST_STEPS = $stepsJson; HW_TEST_TOKEN = $Token; HW_TEST_ENDPOINT = $Endpoint } + $Environment
        $r = Invoke-HwChildPwsh -Command $script -Environment $childEnv
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        @(($r.Output -join "`n") | ConvertFrom-Json)
    }
    $trust = @{ SSL_CERT_FILE = $azurite.CertificateFile }
}
AfterAll {
    if ($azurite) { Stop-HwAzurite $azurite }
    if ($fake) { Stop-HwFakeGraph $fake }
}

Describe 'Azurite as the summaries'' blob service' -Tag 'Azurite', 'Organisations' {
    It 'listens on https on a loopback port with a certificate for 127.0.0.1' {
        $azurite.BlobEndpoint | Should -Match '^https://127\.0\.0\.1:\d+/devstoreaccount1$'
        $azurite.Process.HasExited | Should -BeFalse
        $cert = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($azurite.CertificateFile)
        $san = $cert.Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }
        $san.Format($false) | Should -Match '127\.0\.0\.1'
        $san.Format($false) | Should -Match 'localhost'
    }

    It 'takes a storage token from the managed-identity endpoint: creates a container and a blob, and reads it back' {
        $token = Get-MiToken 'https://storage.azure.com/'
        $token.Split('.').Count | Should -Be 3
        $container = 'summaries-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $body = '{"Organisation":"org-001","Findings":3}'
        $answers = Invoke-BlobSteps -Token $token -Environment $trust -Steps @(
            @{ Method = 'PUT'; Path = "/${container}?restype=container"; Body = '' }
            @{ Method = 'PUT'; Path = "/$container/org-001/summary.json"; Body = $body }
            @{ Method = 'GET'; Path = "/$container/org-001/summary.json" }
            @{ Method = 'GET'; Path = "/${container}?restype=container&comp=list" })
        $answers[0].Status | Should -Be 201 -Because "$($answers[0].Error) $($answers[0].Code) $($answers[0].Body)"
        $answers[1].Status | Should -Be 201 -Because "$($answers[1].Code) $($answers[1].Body)"
        $answers[2].Status | Should -Be 200
        $answers[2].Body | Should -BeExactly $body
        $answers[3].Status | Should -Be 200
        ([xml]$answers[3].Body.TrimStart([char]0xFEFF)).EnumerationResults.Blobs.Blob.Name | Should -Be 'org-001/summary.json'
        # The token the blob service took is the one the managed-identity endpoint issued.
        (($fake.Send('signins') | ConvertFrom-Json).Tokens) | Should -Contain $token
    }

    It 'refuses a managed-identity token for another audience and a Graph token' {
        $container = 'refused-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $step = @{ Method = 'PUT'; Path = "/${container}?restype=container"; Body = '' }
        $vault = Invoke-BlobSteps -Token (Get-MiToken 'https://vault.azure.net') -Environment $trust -Steps @($step)
        $vault[0].Status | Should -Be 403
        $vault[0].Code | Should -Be 'AuthenticationFailed'
        $vault[0].Body | Should -Match 'Invalid token audience'
        $graph = Invoke-BlobSteps -Token (Get-MiToken 'http://127.0.0.1') -Environment $trust -Steps @($step)
        $graph[0].Status | Should -Be 403
        $graph[0].Body | Should -Match 'Bearer is not supported'
        # Nothing was created by the refused calls: the storage token sees no such container.
        $check = Invoke-BlobSteps -Token (Get-MiToken 'https://storage.azure.com') -Environment $trust -Steps @(
            @{ Method = 'GET'; Path = "/${container}?restype=container" })
        $check[0].Status | Should -Be 404
        $check[0].Code | Should -Be 'ContainerNotFound'
    }

    It 'is not trusted by a child without SSL_CERT_FILE' {
        $token = Get-MiToken 'https://storage.azure.com/'
        $step = @{ Method = 'GET'; Path = '?comp=list' }
        $untrusted = Invoke-BlobSteps -Token $token -Environment @{ SSL_CERT_FILE = $null } -Steps @($step)
        $untrusted[0].Status | Should -Be 0
        $untrusted[0].Error | Should -Match 'certificate'
        $trusted = Invoke-BlobSteps -Token $token -Environment $trust -Steps @($step)
        $trusted[0].Status | Should -Be 200 -Because "$($trusted[0].Error) $($trusted[0].Code) $($trusted[0].Body)"
    }
}
