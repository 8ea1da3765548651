BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Add-HwPolicyAcknowledgement and Get-HwPolicyAcknowledgement' -Tag 'Access' {
    BeforeEach { Connect-HwTestSample | Out-Null }

    It 'lists who has not acknowledged the current version' {
        $missing = Get-HwPolicyAcknowledgement -Missing
        $missing[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Acknowledgements.PolicyAcknowledgement'
        $missing.User | Should -Be @('anne.clarke@hwsefton.example', 'frank.roberts@hwsefton.example', 'helen.brennan@hwsefton.example', 'liam.hughes@hwsefton.example')
        $missing | ForEach-Object Status | Sort-Object -Unique | Should -Be 'Missing'
    }

    It 'records an acknowledgement of the current version, journaled, which then allows posting' {
        $a = Add-HwPolicyAcknowledgement -User frank.roberts@hwsefton.example
        $a.Version | Should -Be '2018.10'
        $a.Status | Should -Be 'Acknowledged'
        (Get-HwAuditLog -Last 1).Action | Should -Be 'PolicyAcknowledged'
        (Get-HwPolicyAcknowledgement -Missing).User | Should -Not -Contain 'frank.roberts@hwsefton.example'
        (Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User frank.roberts@hwsefton.example -Reason r).Status | Should -Be 'Granted'
    }

    It 'takes users from the pipeline, is idempotent, and does nothing with -WhatIf' {
        'anne.clarke@hwsefton.example' | Add-HwPolicyAcknowledgement -WhatIf
        (Get-HwPolicyAcknowledgement -Missing).User | Should -Contain 'anne.clarke@hwsefton.example'
        Get-HwPolicyAcknowledgement -Missing | Add-HwPolicyAcknowledgement | Should -HaveCount 4
        $count = @(Get-HwAuditLog).Count
        (Add-HwPolicyAcknowledgement -User anne.clarke@hwsefton.example).Status | Should -Be 'AlreadyAcknowledged'
        @(Get-HwAuditLog).Count | Should -Be $count
        Get-HwPolicyAcknowledgement -Missing | Should -BeNullOrEmpty
    }

    It 'names an unknown user' {
        Add-HwPolicyAcknowledgement -User nobody@hwsefton.example -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'UserNotFound,HealthwatchPolicy.Commands.AddHwPolicyAcknowledgementCommand'
    }
}
