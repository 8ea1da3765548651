BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $script:fqid = ',HealthwatchPolicy.Commands.RegisterHwAccessReviewTaskCommand'
    $script:good = @{
        TenantId              = 'contoso.onmicrosoft.com'
        ClientId              = '0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87'
        CertificateThumbprint = '3C1F9A2B7D4E6F8091A2B3C4D5E6F708192A3B4C'
        From                  = 'social-media-review@hwsefton.example'
    }
}

Describe 'Register-HwAccessReviewTask builds its command line without injection' -Tag 'Review', 'Hostile' {
    It 'refuses an identifier that is not one (<Parameter> = <Value>) before building anything' -ForEach @(
        @{ Parameter = 'TenantId'; Value = 'contoso; touch pwned' }
        @{ Parameter = 'TenantId'; Value = '$(touch pwned)' }
        @{ Parameter = 'TenantId'; Value = '-ManagedIdentity' }
        @{ Parameter = 'ClientId'; Value = 'c" & calc & "' }
        @{ Parameter = 'CertificateThumbprint'; Value = "3C1F`nrm -rf /" }
        @{ Parameter = 'From'; Value = 'a@b.example -StatePath /etc' }
        @{ Parameter = 'From'; Value = 'x@y.example%PATH%' }
    ) {
        $pwned = Join-Path $TestDrive 'pwned'
        $arguments = $script:good.Clone()
        $arguments[$Parameter] = $Value
        Push-Location $TestDrive
        try {
            $err = { Register-HwAccessReviewTask @arguments -StatePath (Join-Path $TestDrive 'state') } | Should -Throw -PassThru
        } finally { Pop-Location }
        $err.FullyQualifiedErrorId | Should -Be "TaskArgumentInvalid$script:fqid"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.ErrorDetails.Message | Should -BeLike "-$($Parameter):*"
        $err.Exception.Message | Should -Not -Match '[\x00-\x08\x0A-\x1F\x7F]'
        Test-Path $pwned | Should -BeFalse
    }

    It 'prints a POSIX line that sh reads back as exactly the values given, running nothing' -Skip:$IsWindows {
        $pwned = Join-Path $TestDrive 'pwned'
        $hostile = Join-Path $TestDrive "st'ate `$(touch $pwned) ``touch $pwned`` ; touch $pwned | & > <  *"
        $from = "o'brien+`$HOME`&{x}@hwsefton.example"
        $arguments = $script:good.Clone(); $arguments.From = $from
        $err = { Register-HwAccessReviewTask @arguments -StatePath $hostile } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "TaskSchedulerUnavailable$script:fqid"
        $line = $err.ErrorDetails.RecommendedAction
        $err.Exception.Message.EndsWith(": $line", [StringComparison]::Ordinal) | Should -BeTrue

        & /bin/sh -n -c $line
        $LASTEXITCODE | Should -Be 0 -Because 'the printed line is valid sh'
        # A stand-in for pwsh that writes each argument it receives on its own NUL-terminated record.
        $received = Join-Path $TestDrive 'received.bin'
        $env:HW_RECEIVED = $received
        & /bin/sh -c ('pwsh() { printf ''%s\0'' "$@" > "$HW_RECEIVED"; }; ' + $line) 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Test-Path $pwned | Should -BeFalse -Because 'no value may run as a command'
        $got = [IO.File]::ReadAllText($received).TrimEnd([char]0).Split([char]0)
        $script = Join-Path (Split-Path (Get-HwBuiltManifest)) 'Invoke-HwMonthlyAccessReview.ps1'
        $got | Should -Be @('-NoProfile', '-NonInteractive', '-File', $script, '-TenantId', 'contoso.onmicrosoft.com',
            '-ClientId', '0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87', '-CertificateThumbprint', '3C1F9A2B7D4E6F8091A2B3C4D5E6F708192A3B4C',
            '-From', $from, '-StatePath', $hostile)
    }

    It 'keeps -StatePath <Given> as <Case>' -Skip:$IsWindows -ForEach @(
        @{ Given = '/tmp/a\b'; Case = 'given, byte for byte (a backslash is a file-name character on Linux)'; Expected = { '/tmp/a\b' } }
        @{ Given = 'state'; Case = 'the current location joined with it (a relative path)'; Expected = { Join-Path $TestDrive 'state' } }
        @{ Given = 'st\ate'; Case = 'the current location joined with it, backslash kept'; Expected = { "$TestDrive/st\ate" } }
    ) {
        Push-Location $TestDrive
        try { $err = { Register-HwAccessReviewTask @script:good -StatePath $Given } | Should -Throw -PassThru }
        finally { Pop-Location }
        $err.FullyQualifiedErrorId | Should -Be "TaskSchedulerUnavailable$script:fqid"
        $received = Join-Path $TestDrive 'received-state.bin'
        $env:HW_RECEIVED = $received
        & /bin/sh -c ('pwsh() { printf ''%s\0'' "$@" > "$HW_RECEIVED"; }; ' + $err.ErrorDetails.RecommendedAction) 2>&1 | Out-Null
        $got = [IO.File]::ReadAllText($received).TrimEnd([char]0).Split([char]0)
        $got[-2] | Should -Be '-StatePath'
        $got[-1] | Should -BeExactly (& $Expected)
    }
}
