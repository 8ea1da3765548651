# The register cmdlets' main flows run on both adapters in Scenarios/BothAdapters.Tests.ps1; what is particular
# to the cmdlets themselves stays here.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Remove-HwOfficialAccount' -Tag 'Register' {
    It 'is High impact, so it asks before retiring' {
        (Get-Command Remove-HwOfficialAccount).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
    }
}
