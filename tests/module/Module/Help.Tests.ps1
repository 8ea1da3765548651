#Requires -Version 7.0
# Help.Tests: every exported command of the BUILT module has real, complete help (after Maester's
# powershell/tests/general/Help.Tests.ps1). The help source is docs/commands/en-US/<Verb-Noun>.md;
# tools/HelpGen turns it into en-US/HealthwatchPolicy.dll-Help.xml beside HealthwatchPolicy.dll.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force; Import-HwBuiltModule
    $commands = Get-Command -Module HealthwatchPolicy

    # PowerShell documents the common parameters (and -WhatIf/-Confirm) itself.
    $ignoredParameters = [System.Management.Automation.Cmdlet]::CommonParameters +
        [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $commandCases = foreach ($command in $commands) {
        @{
            CommandName    = $command.Name
            ParameterNames = @($command.Parameters.Keys | Where-Object { $_ -notin $ignoredParameters } | Sort-Object)
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force; Import-HwBuiltModule
    $module = Get-Module -Name HealthwatchPolicy
}

Describe 'The module help file' -Tag 'Help' {
    It 'exports commands to test' {
        @(Get-Command -Module HealthwatchPolicy).Count | Should -BeGreaterThan 0
    }

    It 'ships en-US/HealthwatchPolicy.dll-Help.xml as well-formed MAML' {
        $helpFile = Join-Path $module.ModuleBase 'en-US/HealthwatchPolicy.dll-Help.xml'
        $helpFile | Should -Exist
        $xml = [xml](Get-Content -LiteralPath $helpFile -Raw)
        $xml.helpItems.schema | Should -Be 'maml'
    }
}

Describe '<CommandName>' -ForEach $commandCases -Tag 'Help' {
    BeforeAll {
        $command = Get-Command -Name $CommandName -Module HealthwatchPolicy
        $help = Get-Help -Name $CommandName -Full -ErrorAction SilentlyContinue
        $helpParameters = @($help.parameters.parameter | Where-Object { $_ })
    }

    It 'has help from the module help file' {
        $help | Should -Not -BeNullOrEmpty
        $help.Name | Should -Be $CommandName
        # HelpFile is the bare file name until Get-Help has found the file, then its full path.
        Split-Path -Leaf $command.HelpFile | Should -Be 'HealthwatchPolicy.dll-Help.xml'
        # Without a help file, Get-Help makes a stub from the syntax; a stub has no description or examples.
        $help.description | Should -Not -BeNullOrEmpty -Because 'help from MAML has a description'
    }

    It 'has a synopsis that is not just the syntax' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match '<CommonParameters>'
        $synopsis | Should -Not -Match ('^' + [regex]::Escape($CommandName) + '(\s|$)')
    }

    It 'has a description' {
        (@($help.description.Text) -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least 2 examples' {
        @($help.examples.example | Where-Object { $_ }).Count | Should -BeGreaterOrEqual 2
    }

    It 'has code and an explanation in every example' {
        foreach ($example in @($help.examples.example | Where-Object { $_ })) {
            $title = "$($example.title)".Trim('- ')
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because "'$title' needs code"
            (@($example.remarks.Text) -join '').Trim() | Should -Not -BeNullOrEmpty -Because "'$title' needs an explanation"
        }
    }

    It 'shows one syntax per parameter set' {
        @($help.syntax.syntaxItem | Where-Object { $_ }).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'documents no parameter the command lacks' {
        $unknown = @($helpParameters.name | Where-Object { $_ -and -not $command.Parameters.ContainsKey($_) })
        $unknown | Should -BeNullOrEmpty -Because 'the help should describe the parameters the command has'
    }

    Context 'parameter -<_>' -ForEach $ParameterNames {
        BeforeAll {
            $parameterName = $_
            $parameter = $command.Parameters[$parameterName]
            $parameterHelp = $helpParameters | Where-Object name -EQ $parameterName | Select-Object -First 1
        }

        It 'has a description' {
            $parameterHelp | Should -Not -BeNullOrEmpty -Because "-$parameterName should have a '### -$parameterName' section"
            (@($parameterHelp.description.Text) -join "`n").Trim() | Should -Not -BeNullOrEmpty
        }

        It 'is documented as the command declares it' {
            $parameterHelp | Should -Not -BeNullOrEmpty
            $sets = @($parameter.ParameterSets.Values)

            $declared = $parameter.ParameterType
            if ([Nullable]::GetUnderlyingType($declared)) { $declared = [Nullable]::GetUnderlyingType($declared) }
            $typeNames = @($declared.Name, $declared.FullName)
            $parameterHelp.type.name | Should -BeIn $typeNames -Because "the command declares -$parameterName as $($parameter.ParameterType.Name)"

            $mandatory = [bool]($sets | Where-Object IsMandatory)
            [bool]::Parse($parameterHelp.required) | Should -Be $mandatory -Because "the command declares Mandatory = $mandatory"

            $positions = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object { "$($_.Position)" } | Sort-Object -Unique)
            if ($positions.Count -eq 0) {
                $parameterHelp.position | Should -Be 'named' -Because 'the parameter has no position'
            }
            else {
                $parameterHelp.position | Should -BeIn $positions -Because "the command declares Position = $($positions -join ' or ')"
            }

            $byValue = [bool]($sets | Where-Object ValueFromPipeline)
            $byName = [bool]($sets | Where-Object ValueFromPipelineByPropertyName)
            $pipelineInput = "$($parameterHelp.pipelineInput)"
            ($pipelineInput -like 'True*') | Should -Be ($byValue -or $byName) -Because "Accept pipeline input is '$pipelineInput'"
            ($pipelineInput -match 'ByValue') | Should -Be $byValue -Because "Accept pipeline input is '$pipelineInput'"
            ($pipelineInput -match 'ByPropertyName') | Should -Be $byName -Because "Accept pipeline input is '$pipelineInput'"

            $helpAliases = @("$($parameterHelp.aliases)" -split ',\s*' | Where-Object { $_ -and $_ -ne 'none' } | Sort-Object)
            ($helpAliases -join ', ') | Should -Be (@($parameter.Aliases | Sort-Object) -join ', ') -Because 'the help lists the aliases the command declares'
        }
    }
}
