# Issue 12, items 1 and 3 through the built module, on both adapters from the same directory.json: a group nested in
# a posting group gives its people posting access (3 posters on twitter-hw-sefton, a Critical HW-ELG-001 for the
# leaver inside it, HW-AUT-002 for the group; revoking him is refused naming the group), and a mail-enabled security
# posting group is flagged (HW-REG-003) and its members left alone (GroupNotManageable). docs/decisions/0090.
BeforeDiscovery {
    $adapters = @(@{ Adapter = 'Local' }, @{ Adapter = 'Graph' })
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
    $leaver = 'jason.turner@hwsefton.example'          # disabled in the sample organisation
    $leaverId = '7eb620ad-7e79-5ec4-ab3d-94f234c53649'
    $twitterGroupId = 'c1986002-7a7d-5d7c-9b6b-76d7c8f94f2c'
    $youngGroupId = '78bcdf1a-17b5-5bd9-adac-986abe2d1938'  # facebook-seftonyounglisteners

    # Connects to a fresh copy of the sample on the adapter, after $Change has edited its directory.json (parsed).
    function Connect-HwChangedSample {
        param([Parameter(Mandatory)] [string] $Adapter, [Parameter(Mandatory)] [scriptblock] $Change)
        $c = if ($Adapter -eq 'Graph') { Connect-HwTestGraph -Fake $fake } else { Connect-HwTestSample }
        $path = if ($Adapter -eq 'Graph') {
            Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-nested-' + [guid]::NewGuid().ToString('N').Substring(0, 10) + '.json')
        } else { Join-Path ((Get-HwConnection).Directory -replace '^local: ', '') 'directory.json' }
        $source = if ($Adapter -eq 'Graph') { Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/sample-org/directory.json' } else { $path }
        $doc = Get-Content -Raw $source | ConvertFrom-Json -AsHashtable
        & $Change $doc
        $doc | ConvertTo-Json -Depth 10 | Set-Content -Path $path -Encoding utf8NoBOM
        if ($Adapter -eq 'Graph') { $fake.Send("load $path") | Out-Null }
    }

    function Get-HwTestState {
        $c = Get-HwConnection
        $directory = if ($c.Kind -eq 'Graph') { $fake.Send('snapshot') } else {
            Get-Content -Raw (Join-Path ($c.Directory -replace '^local: ', '') 'directory.json')
        }
        $journal = Get-ChildItem $c.StatePath -File | Where-Object Extension -NE '.lock' | Sort-Object Name |
            ForEach-Object { "$($_.Name)`n$(Get-Content -Raw $_.FullName)" }
        "$directory`n$($journal -join "`n")"
    }
}

AfterAll {
    if (Get-Command Disconnect-HwDirectory -ErrorAction SilentlyContinue) { Disconnect-HwDirectory }
    Get-Variable fake -ValueOnly -ErrorAction SilentlyContinue | Stop-HwFakeGraph
}

Describe 'A group nested in a posting group on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach {
        Connect-HwChangedSample -Adapter $Adapter -Change {
            param($doc)
            $doc.groups += @{ id = 'g-rota'; displayName = 'Weekend Rota'; mailNickname = 'weekend-rota'; members = @($leaverId) }
            ($doc.groups | Where-Object id -EQ $twitterGroupId).members += 'g-rota'
        }
    }

    It 'counts its people as posters: 3 on twitter-hw-sefton, the Critical HW-ELG-001 for the leaver in it, and HW-AUT-002 for the group' {
        @(Get-HwPostingAccess -Account twitter-hw-sefton).User | Sort-Object |
            Should -Be @('daniel.okafor@hwsefton.example', $leaver, 'tom.gallagher@hwsefton.example')
        $findings = @(Get-HwComplianceReport)
        $critical = @($findings | Where-Object { $_.RuleId -eq 'HW-ELG-001' -and $_.Account -eq 'twitter-hw-sefton' })
        $critical.Count | Should -Be 1
        $critical[0].Subject | Should -Be $leaver
        "$($critical[0].Severity)" | Should -Be 'Critical'
        $nested = @($findings | Where-Object RuleId -EQ 'HW-AUT-002')
        $nested.Count | Should -Be 1
        $nested[0].Subject | Should -Be 'Weekend Rota'
        $nested[0].Account | Should -Be 'twitter-hw-sefton'
    }

    It 'refuses to revoke someone who posts through it, naming the group, and changes nothing' {
        $before = Get-HwTestState
        Revoke-HwPostingAccess -Account twitter-hw-sefton -User $leaver -Reason 'Left' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'PosterThroughNestedGroup,HealthwatchPolicy.Commands.RevokeHwPostingAccessCommand'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        $e[0].Exception.Message | Should -BeLike "*'Weekend Rota' (g-rota)*"
        Get-HwTestState | Should -Be $before
    }
}

Describe 'A mail-enabled security posting group on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach {
        Connect-HwChangedSample -Adapter $Adapter -Change {
            param($doc)
            $g = $doc.groups | Where-Object id -EQ $youngGroupId
            $g.mailEnabled = $true
            $g.securityEnabled = $true
        }
    }

    It 'is flagged HW-REG-003 and its members are not changed' {
        $finding = @(Get-HwComplianceReport -RuleId HW-REG-003)
        $finding.Count | Should -Be 1
        $finding[0].Account | Should -Be 'facebook-seftonyounglisteners'
        $finding[0].Evidence | Should -BeLike '*mail-enabled security group*'
        $before = Get-HwTestState
        Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User rebecca.lloyd@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'GroupNotManageable,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        Get-HwTestState | Should -Be $before
    }
}
