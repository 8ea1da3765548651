# Secrets and tokens never appear in output, the verbose/debug streams, errors or the journal: the access token
# and the certificate password are given to real commands, then everything they left behind is searched for them.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
    $token = Get-HwTestGraphToken
    $clean = 'facebook-seftonyounglisteners'

    # All the text a captured record can show: as formatted, as a string, and for errors the whole exception chain
    # (messages, inner exceptions, stack), target, details and the command line that raised it.
    function ConvertTo-HwTestText {
        param([AllowNull()] [object[]] $Records)
        $text = [System.Text.StringBuilder]::new()
        # Formatted as a whole: Format-List output is a sequence of format records that only renders in order.
        [void]$text.AppendLine((@($Records) | Out-String -Width 4096))
        foreach ($r in @($Records)) {
            if ($null -eq $r -or $r.GetType().FullName -like 'Microsoft.PowerShell.Commands.Internal.Format.*') { continue }
            [void]$text.AppendLine("$r")
            if ($r -is [System.Management.Automation.ErrorRecord]) {
                [void]$text.AppendLine($r.Exception.ToString())
                [void]$text.AppendLine("$($r.TargetObject)")
                [void]$text.AppendLine("$($r.ErrorDetails)")
                [void]$text.AppendLine("$($r.CategoryInfo)")
                if ($r.Exception.PSObject.Properties['Data']) { foreach ($k in $r.Exception.Data.Keys) { [void]$text.AppendLine("$k=$($r.Exception.Data[$k])") } }
            }
            elseif ($r -is [System.Management.Automation.InformationalRecord]) { [void]$text.AppendLine($r.Message) }
            elseif ($r -isnot [string] -and $r -isnot [ValueType]) {
                [void]$text.AppendLine(($r | Format-List * -Force | Out-String -Width 4096))
                [void]$text.AppendLine(($r | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue))
            }
        }
        $text.ToString()
    }

    # The places a secret must not be: which of them contain it (ordinal, case-insensitive).
    function Find-HwTestSecret {
        param([Parameter(Mandatory)] [string] $Secret, [Parameter(Mandatory)] [hashtable] $Places)
        foreach ($name in $Places.Keys) {
            if ("$($Places[$name])".IndexOf($Secret, [StringComparison]::OrdinalIgnoreCase) -ge 0) { $name }
        }
    }
}

AfterAll {
    if (Get-Command Disconnect-HwDirectory -ErrorAction SilentlyContinue) { Disconnect-HwDirectory }
    Get-Variable fake -ValueOnly -ErrorAction SilentlyContinue | Stop-HwFakeGraph
}

Describe 'Secrets never appear in output, streams, errors or the journal' -Tag 'Graph' {
    It 'finds a planted secret (the search itself works)' {
        Find-HwTestSecret -Secret $token -Places @{ clean = 'nothing here'; planted = "Authorization: Bearer $token." } | Should -Be 'planted'
        ConvertTo-HwTestText @([pscustomobject]@{ Nested = @{ Deep = $token } }) | Should -BeLike "*$token*"
    }

    It 'keeps the access token out of every stream, $Error, Get-HwConnection, the journal and the state folder, though Graph received it' {
        $Error.Clear()
        $setUp = Connect-HwTestGraph -Fake $fake
        $fake.Send('reset') | Out-Null
        $secure = ConvertTo-SecureString $token -AsPlainText -Force
        $state = $setUp.StatePath
        $captured = @(& {
                Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl -StatePath $state -Verbose -Debug
                Get-HwConnection -Verbose -Debug | Format-List *
                Get-HwConnection | ConvertTo-Json -Depth 5
                Get-HwOfficialAccount -Verbose -Debug
                Get-HwOfficialAccount -Name twitter-hw-sefton -Verbose -Debug | Format-List *
                Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Secrets test' -Verbose -Debug
                Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Secrets test' -Verbose -Debug
                Revoke-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Secrets test' -Verbose -Debug
                Grant-HwPostingAccess -Account $clean -User jason.turner@hwsefton.example -Reason 'Secrets test' -Verbose -Debug -ErrorAction Continue
                Add-HwPolicyAcknowledgement -User frank.roberts@hwsefton.example -Verbose -Debug
                Get-HwComplianceReport -Summary -Verbose -Debug | Format-List *
                Get-HwAuditLog -Last 5 -Verbose -Debug | Format-List *
                Test-HwAuditLog -Detailed -Verbose -Debug
                # Graph failing: throttled (429/503) past the SDK's retries, then gone altogether.
                $fake.Send('faults {"ThrottleRate":1,"RetryAfterSeconds":0}') | Out-Null
                try { Get-HwPostingAccess -Verbose -Debug -ErrorAction Continue } catch { $_ }
                try { Grant-HwPostingAccess -Account $clean -User kate.singleton@hwsefton.example -Reason r -Verbose -Debug -ErrorAction Continue } catch { $_ }
                $fake.Send('faults reset') | Out-Null
            } *>&1)

        # Graph gone away: a second fake, connected to and then stopped.
        $down = Start-HwFakeGraph
        try {
            Connect-HwTestGraph -Fake $down | Out-Null
            $downAuth = $down.Send('auth') | ConvertFrom-Json
        }
        finally { Stop-HwFakeGraph $down }
        $captured += @(& { try { Get-HwPostingAccess -Verbose -Debug -ErrorAction Continue } catch { $_ } } *>&1)

        # The commands really ran, the refusals and both Graph failures really happened ...
        $errors = @($captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $ids = $errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
        # One refusal, two reads Graph throttled past the SDK's retries, one read with Graph gone. (Which error id the
        # throttled reads carry is GraphAdapter.Tests.ps1's business; here only that they failed and what they show.)
        $errors.Count | Should -Be 4
        $ids | Should -Contain 'PosterDisabled'
        $ids | Should -Contain 'GraphUnavailable'
        $verbose = @($captured | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose -like '*already*nothing changed*' | Should -Not -BeNullOrEmpty
        (Get-HwConnection).Kind | Should -Be 'Graph'
        # ... and the token was used: Graph saw it on every request.
        $auth = @($fake.Send('auth') | ConvertFrom-Json)
        $auth | Should -Be "Bearer $token"
        [int]$fake.Send('count') | Should -BeGreaterThan 10
        $downAuth | Should -Be "Bearer $token"

        $statePath = $setUp.StatePath
        $files = Get-ChildItem (Split-Path $statePath) -Recurse -File | ForEach-Object { "$($_.FullName)`n$([IO.File]::ReadAllText($_.FullName))" }
        $files | Should -Not -BeNullOrEmpty
        (Get-ChildItem $statePath -File).Name | Should -Contain 'journal.jsonl'
        # Read the journal written above back through the module (the failed reads above left the session on the stopped fake).
        Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl -StatePath $statePath | Out-Null
        $journal = Get-HwAuditLog
        ($journal | Where-Object Reason -EQ 'Secrets test').Action | Should -Be @('PostingAccessGranted', 'PostingAccessRevoked')

        $leaks = Find-HwTestSecret -Secret $token -Places @{
            'captured streams'                = ConvertTo-HwTestText $captured
            '$Error'                          = ($Error | Out-String -Width 4096) + (ConvertTo-HwTestText @($Error))
            'Get-HwConnection | Format-List'  = Get-HwConnection | Format-List * -Force | Out-String -Width 4096
            'Get-HwConnection | ConvertTo-Json' = Get-HwConnection | ConvertTo-Json -Depth 5
            'files under the test folder'     = $files -join "`n"
            'Get-HwAuditLog'                  = ($journal | Format-List * -Force | Out-String -Width 4096) + ($journal | ConvertTo-Json -Depth 5)
        }
        $leaks | Should -BeNullOrEmpty -Because 'the access token must not be shown, logged or journaled'
    }

    It 'keeps the certificate password out of the CertificateUnreadable error, the streams and $Error' {
        $right = 'hw-right-pfx-pass-5Tq2'
        $wrong = 'hw-wrong-pfx-pass-3Kd8'
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=HealthwatchPolicy test', $rsa,
                [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(30))
            $pfx = Join-Path $TestDrive 'app.pfx'
            [IO.File]::WriteAllBytes($pfx, $certificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12, $right))
            $certificate.Dispose()
        }
        finally { $rsa.Dispose() }
        $notPfx = Join-Path $TestDrive 'not-a.pfx'
        'not a certificate' | Set-Content $notPfx

        $Error.Clear()
        $wrongSecure = ConvertTo-SecureString $wrong -AsPlainText -Force
        $rightSecure = ConvertTo-SecureString $right -AsPlainText -Force
        $captured = @(& {
                try {
                    Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -ClientId 11111111-2222-4333-8444-555555555555 `
                        -CertificatePath $pfx -CertificatePassword $wrongSecure -GraphEndpoint $fake.BaseUrl -StatePath (Join-Path $TestDrive 'state') -Verbose -Debug
                }
                catch { $_ }
                try {
                    Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -ClientId 11111111-2222-4333-8444-555555555555 `
                        -CertificatePath $notPfx -CertificatePassword $rightSecure -GraphEndpoint $fake.BaseUrl -StatePath (Join-Path $TestDrive 'state') -Verbose -Debug
                }
                catch { $_ }
            } *>&1)

        $errors = @($captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 2
        foreach ($e in $errors) {
            $e.FullyQualifiedErrorId | Should -Be 'CertificateUnreadable,HealthwatchPolicy.Commands.ConnectHwDirectoryCommand'
            "$($e.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }
        $errors[0].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($pfx))*"
        $errors[1].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($notPfx))*"

        foreach ($secret in $wrong, $right) {
            $leaks = Find-HwTestSecret -Secret $secret -Places @{
                'captured streams' = ConvertTo-HwTestText $captured
                '$Error'           = ($Error | Out-String -Width 4096) + (ConvertTo-HwTestText @($Error))
            }
            $leaks | Should -BeNullOrEmpty -Because 'a certificate password must not be shown in an error'
        }
    }
}
