BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
}

Describe 'Connect-HwDirectory, Get-HwConnection, Disconnect-HwDirectory' -Tag 'Register' {
    It 'says how to connect when a command needs a directory and there is none' {
        Disconnect-HwDirectory
        Get-HwConnection | Should -BeNullOrEmpty
        $err = { Get-HwOfficialAccount } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'NotConnected,HealthwatchPolicy.Commands.GetHwOfficialAccountCommand'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -BeLike '*Connect-HwDirectory -Sample*'
    }

    It 'connects to a writable copy of the sample, never the shipped files' {
        $shipped = Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/sample-org/directory.json'
        $before = (Get-FileHash $shipped).Hash
        $target = Join-Path $TestDrive 'sample'
        $c = Connect-HwDirectory -Sample -Path $target
        $c.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Sessions.DirectoryConnection'
        $c.IsSample | Should -BeTrue
        $c.Kind | Should -Be 'Local'
        $c.StatePath | Should -Be (Join-Path $target 'state')
        $c.PolicyVersion | Should -Be '2018.10'
        Test-Path (Join-Path $target 'directory.json') | Should -BeTrue
        Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason 'test' | Out-Null
        (Get-FileHash $shipped).Hash | Should -Be $before
        (Get-HwConnection).Directory | Should -Be "local: $target"
    }

    It 'connects to an organisation folder with a separate state folder, by pipeline property name' {
        $target = Join-Path $TestDrive 'org'
        Connect-HwDirectory -Sample -Path $target | Out-Null
        $state = Join-Path $TestDrive 'elsewhere'
        $c = Get-Item $target | Connect-HwDirectory -StatePath $state
        $c.StatePath | Should -Be $state
        $c.IsSample | Should -BeFalse
    }

    It 'refuses a folder that is not an organisation, naming it' {
        $err = { Connect-HwDirectory -Path $TestDrive } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'DirectoryNotFound,HealthwatchPolicy.Commands.ConnectHwDirectoryCommand'
        $err.TargetObject | Should -Be $TestDrive
    }

    It 'refuses to copy the sample over a folder that is not empty' {
        $target = Join-Path $TestDrive 'full'
        New-Item -ItemType Directory $target | Out-Null
        'x' | Set-Content (Join-Path $target 'keep.txt')
        $err = { Connect-HwDirectory -Sample -Path $target } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SampleTargetNotEmpty,*'
        Get-ChildItem $target | ForEach-Object Name | Should -Be 'keep.txt'
    }

    It 'copies nothing with -WhatIf' {
        $target = Join-Path $TestDrive 'whatif'
        $w = Invoke-HwWhatIf { Connect-HwDirectory -Sample -Path $target -WhatIf } @{ target = $target }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike "What if: *$target*"
        Test-Path $target | Should -BeFalse
    }

    It 'disconnects' {
        Connect-HwTestSample | Out-Null
        Disconnect-HwDirectory
        Get-HwConnection | Should -BeNullOrEmpty
    }
}
