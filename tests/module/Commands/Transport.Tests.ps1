# Issue 11, kind 8: no credential or token leaves over plain text (the SMTP side is in the engine's SmtpMailerTests,
# against a loopback SMTP sink that offers no STARTTLS).
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Connect-HwDirectory -GraphEndpoint' -Tag 'Graph', 'Hostile' {
    It 'refuses plain http off the loopback (<Endpoint>) before sending the token anywhere' -ForEach @(
        @{ Endpoint = 'http://198.51.100.7/v1.0' }          # TEST-NET-2: a request there would hang, not fail
        @{ Endpoint = 'http://graph.microsoft.com/v1.0' }
        @{ Endpoint = 'http://localhost.example/v1.0' }
    ) {
        $secure = ConvertTo-SecureString 'hw-transport-token-7c1e' -AsPlainText -Force
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $err = { Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $Endpoint -StatePath (Join-Path $TestDrive 'state') } |
            Should -Throw -PassThru
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $err.FullyQualifiedErrorId | Should -Be 'GraphEndpointInsecure,HealthwatchPolicy.Commands.ConnectHwDirectoryCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike '*https://*'
        ($err | Out-String) | Should -Not -BeLike '*hw-transport-token-7c1e*'
    }

    It 'refuses an address that is not http(s)' {
        $secure = ConvertTo-SecureString 'hw-transport-token-7c1e' -AsPlainText -Force
        $err = { Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint 'ftp://graph.microsoft.com/v1.0' -StatePath (Join-Path $TestDrive 'state') } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GraphEndpointInvalid,HealthwatchPolicy.Commands.ConnectHwDirectoryCommand'
    }
}
