# Every identifier-like parameter of every cmdlet carries [Identifier] (docs/decisions/0060-identifier-normalisation.md),
# found by reflection over the BUILT module's cmdlets, so a new cmdlet or parameter cannot forget it: a string
# parameter is an identifier unless it is listed below as free text or a path.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $script:stringParameters = foreach ($command in Get-Command -Module HealthwatchPolicy -CommandType Cmdlet) {
        foreach ($p in $command.Parameters.Values) {
            if ($p.Name -in $common) { continue }
            if ($p.ParameterType -ne [string] -and $p.ParameterType -ne [string[]]) { continue }
            @{ Command = $command.Name; Parameter = $p.Name }
        }
    }
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    # Free text (kept as written) and file-system paths (a file name may end in a space): not identifiers.
    $script:notIdentifiers = @{
        FreeText = @('Reason', 'Justification', 'Purpose', 'ErrorMessage')
        Path     = @('Path', 'ReferencePath', 'DifferencePath', 'OutFile', 'Policy', 'PolicyPath', 'StatePath', 'StateFolder', 'CertificatePath', 'OutboxPath', 'Previous', 'ReferenceReport', 'DifferenceReport')
    }
    function Get-HwIdentifierAttribute([string] $Command, [string] $Parameter) {
        @((Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_.GetType().FullName -eq 'HealthwatchPolicy.Hosting.IdentifierAttribute' })
    }
}

Describe 'The [Identifier] attribute on the built module' -Tag 'Identifiers' {
    It 'finds string parameters to check (the reflection works)' {
        @($stringParameters).Count | Should -BeGreaterThan 40
        # The issue's example: Revoke-HwPostingAccess -User was not normalised the way Grant's was.
        Get-HwIdentifierAttribute Revoke-HwPostingAccess User | Should -HaveCount 1
    }

    It '<Command> -<Parameter> is normalised as an identifier, or is free text or a path' -ForEach $stringParameters {
        $attributes = Get-HwIdentifierAttribute $Command $Parameter
        if ($Parameter -in ($notIdentifiers.FreeText + $notIdentifiers.Path)) {
            $attributes | Should -HaveCount 0 -Because "-$Parameter is free text or a path, kept as written"
        }
        else {
            $attributes | Should -HaveCount 1 -Because "-$Parameter of $Command is identifier-like"
            # A parameter with a fixed set takes the set's spelling: the attribute names the same members as ValidateSet.
            $set = @((Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
            if ($set) { @($attributes[0].OneOf) | Should -Be @($set[0].ValidValues) }
            else { @($attributes[0].OneOf) | Should -HaveCount 0 }
        }
    }

    It 'lists no free-text or path name that no cmdlet has (the allowlist stays true)' {
        $names = $stringParameters | ForEach-Object { $_.Parameter } | Sort-Object -Unique
        foreach ($n in $notIdentifiers.FreeText + $notIdentifiers.Path) { $names | Should -Contain $n }
    }
}

Describe 'What [Identifier] does, through real binding' -Tag 'Identifiers' {
    BeforeAll {
        # A throwaway advanced function using the module's own attribute: binding is PowerShell's, not ours.
        function Test-HwBinding {
            [CmdletBinding()]
            param(
                [Parameter(ValueFromPipelineByPropertyName)] [HealthwatchPolicy.Hosting.Identifier()] [ValidateNotNullOrEmpty()] [string] $Name,
                [Parameter(ValueFromPipelineByPropertyName)] [HealthwatchPolicy.Hosting.Identifier('Keep', 'Remove')] [ValidateSet('Keep', 'Remove')] [string] $Decision,
                [HealthwatchPolicy.Hosting.Identifier()] [string[]] $Many
            )
            process { [pscustomobject]@{ Name = $Name; Decision = $Decision; Many = $Many } }
        }
    }

    It 'removes <Label> around a value and keeps what is inside' -ForEach @(
        @{ Label = 'spaces and tabs'; Value = " `tRebecca Lloyd `t" }
        @{ Label = 'no-break spaces'; Value = "`u{00A0}Rebecca Lloyd`u{202F}" }
        @{ Label = 'ideographic, thin and em spaces'; Value = "`u{3000}`u{2009}Rebecca Lloyd`u{2003}" }
        @{ Label = 'a BOM and zero-width characters'; Value = "`u{FEFF}`u{200B}Rebecca Lloyd`u{200D}`u{2060}" }
        @{ Label = 'direction marks (a copied certificate thumbprint)'; Value = "`u{200E}Rebecca Lloyd`u{200F}" }
        @{ Label = 'line breaks'; Value = "`r`nRebecca Lloyd`n`u{2028}" }
    ) {
        (Test-HwBinding -Name $Value).Name | Should -BeExactly 'Rebecca Lloyd'
    }

    It 'composes the same name typed two ways (NFC)' {
        (Test-HwBinding -Name "Jose`u{0301}").Name | Should -BeExactly "Jos`u{00E9}"
    }

    It 'spells a fixed-set value as the set does: <Value>' -ForEach @(
        @{ Value = 'keep' }, @{ Value = "keep`t" }, @{ Value = ' KEEP ' }, @{ Value = "`u{00A0}kEeP`u{FEFF}" }
    ) {
        (Test-HwBinding -Decision $Value).Decision | Should -BeExactly 'Keep'
    }

    It 'still refuses a value outside the set, and a value that is only padding' {
        { Test-HwBinding -Decision 'kept' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-HwBinding'
        { Test-HwBinding -Name " `u{00A0}`u{200B}" } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-HwBinding'
    }

    It 'normalises each string of an array, and pipeline input by property name (Import-Csv rows)' {
        (Test-HwBinding -Many ' a', "b`u{00A0}").Many | Should -BeExactly @('a', 'b')
        $csv = Join-Path $TestDrive 'rows.csv'
        Set-Content $csv -Value "Name,Decision`n`"rebecca.lloyd@hwsefton.example `",`"remove `"" -Encoding utf8BOM
        $row = Import-Csv $csv | Test-HwBinding
        $row.Name | Should -BeExactly 'rebecca.lloyd@hwsefton.example'
        $row.Decision | Should -BeExactly 'Remove'
    }
}
