BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $commands = @(Get-Command -Module HealthwatchPolicy | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $manifestPath = Get-HwBuiltManifest
    $manifest = Import-PowerShellDataFile $manifestPath
    $formatXml = [xml](Get-Content -Raw (Join-Path (Split-Path $manifestPath) 'HealthwatchPolicy.format.ps1xml'))
    $viewTypes = @($formatXml.Configuration.ViewDefinitions.View | ForEach-Object { $_.ViewSelectedBy.TypeName })
}

Describe 'The built module manifest' -Tag 'Module' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'carries the version from Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path (Get-HwRepoRoot) 'Directory.Build.props'))
        $expected = @($props.Project.PropertyGroup.ModuleVersion | Where-Object { $_ })[0]
        $manifest.ModuleVersion | Should -Be $expected
        Split-Path -Leaf (Split-Path $manifestPath) | Should -Be $expected
    }

    It 'lists its cmdlets explicitly and exports exactly those' {
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $manifest.FunctionsToExport.Count | Should -Be 0
        $manifest.AliasesToExport.Count | Should -Be 0
        $exported = (Get-Module HealthwatchPolicy).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports every [Cmdlet] class in the assembly, and nothing else' {
        $asm = (Get-Module HealthwatchPolicy).ImplementingAssembly
        $classes = $asm.GetExportedTypes() | Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        ($classes | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }
}

Describe '<Name> follows the module conventions' -Tag 'Module' -ForEach $commands {
    BeforeAll { $command = Get-Command $Name }

    It 'uses an approved verb and the Hw noun prefix' {
        (Get-Verb).Verb | Should -Contain $command.Verb
        $command.Noun | Should -BeLike 'Hw*'
    }

    It 'declares [OutputType] and every output type has a format view (or is a .NET type PowerShell formats)' {
        $command.OutputType.Count | Should -BeGreaterThan 0
        foreach ($t in $command.OutputType) {
            if ($t.Name -like 'HealthwatchPolicy.*') { $viewTypes | Should -Contain $t.Name }
        }
    }

    It 'supports -WhatIf and -Confirm when it changes anything' {
        $changes = $command.Verb -in @('Set', 'New', 'Remove', 'Add', 'Grant', 'Revoke', 'Register', 'Unregister', 'Complete', 'Start', 'Send', 'Export', 'Connect', 'Disconnect', 'ConvertTo', 'Import', 'Invoke')
        if ($changes -and $command.Name -notin @('Connect-HwDirectory', 'Disconnect-HwDirectory')) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
    }
}
