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

Describe 'A consent date in the future' -Tag 'Register' {
    BeforeEach { $connection = Connect-HwTestSample }

    It 'is refused by New-HwOfficialAccount and Set-HwOfficialAccount, naming -ConsentDate, and nothing changes' {
        $entries = @(Get-HwAuditLog).Count
        New-HwOfficialAccount -Platform Instagram -Handle seftoncarers -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example `
            -ConsentDate 2099-12-01 -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'ConsentDateInFuture,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].Exception.Message | Should -BeLike 'The consent date 2099-12-01 has not come yet*'
        Get-HwOfficialAccount -Name instagram-seftoncarers -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $a = New-HwOfficialAccount -Platform Instagram -Handle seftoncarers -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example `
            -ConsentDate 2025-05-30 -Reason r
        $a.ConsentDate | Should -Be ([datetime]'2025-05-30')
        { Set-HwOfficialAccount -Name $a.Name -ConsentBy sarah.whitfield@hwsefton.example -ConsentDate 2099-12-01 -Reason r -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConsentDateInFuture,HealthwatchPolicy.Commands.SetHwOfficialAccountCommand'
        (Get-HwOfficialAccount -Name $a.Name).ConsentDate | Should -Be ([datetime]'2025-05-30')
        @(Get-HwAuditLog).Count | Should -Be ($entries + 1)
    }
}
