# The main cmdlet flows on both directory adapters: the local folder (Connect-HwTestSample) and Microsoft Graph
# (Connect-HwTestGraph, against the fake Graph host loaded with the same sample organisation, same ids). The same
# expectations hold on both: ids, FullyQualifiedErrorIds, -WhatIf, pipelines, idempotence, journal entries.
BeforeDiscovery {
    $adapters = @(@{ Adapter = 'Local' }, @{ Adapter = 'Graph' })
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $fake = Start-HwFakeGraph
    $clean = 'facebook-seftonyounglisteners'   # 2 posters, room for 1

    function Connect-HwTestAdapter {
        param([Parameter(Mandatory)] [string] $Adapter)
        if ($Adapter -eq 'Graph') { Connect-HwTestGraph -Fake $fake } else { Connect-HwTestSample }
    }

    # Everything a change could touch: the directory (directory.json, or the fake tenant) and the journal.
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

Describe 'Get-HwConnection on Graph' -Tag 'Graph' {
    It 'shows Kind Graph and a directory description without the token' {
        $c = Connect-HwTestGraph -Fake $fake
        $c.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Sessions.DirectoryConnection'
        $shown = Get-HwConnection
        $shown.Kind | Should -Be 'Graph'
        $shown.IsSample | Should -BeFalse
        $shown.PolicyVersion | Should -Be '2018.10'
        $port = ([uri]$fake.BaseUrl).Port
        $shown.Directory | Should -Be "graph: tenant 00000000-0000-4000-8000-00000000f4e1 at http://127.0.0.1:$port, app -, access token"
        $shown.Actor | Should -BeLike '*via access token*'
        ($shown | Format-List * | Out-String) + ($shown | ConvertTo-Json) | Should -Not -BeLike "*$(Get-HwTestGraphToken)*"
    }
}

Describe 'Microsoft Graph throttling and outages' -Tag 'Graph' {
    BeforeEach { Connect-HwTestGraph -Fake $fake | Out-Null }
    AfterEach { $fake.Send('faults reset') | Out-Null }

    It 'rides out brief throttling (429, then 503, with Retry-After) of single requests and of $batch items' {
        # The SDK retries a single request 3 times: the first two answers throttled, the third goes through.
        $fake.Send('faults {"ThrottleNextRequests":2,"RetryAfterSeconds":0}') | Out-Null
        @(Get-HwPostingAccess).Count | Should -Be 17
        # A fifth of all requests throttled (seeded, so the same requests each run), $batch items included.
        $fake.Send('faults {"ThrottleRate":0.2,"RetryAfterSeconds":0}') | Out-Null
        (Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Throttled').Status | Should -Be 'Granted'
        $fake.Send('faults reset') | Out-Null
        (Get-HwPostingAccess -Account $clean).User | Should -Contain 'rebecca.lloyd@hwsefton.example'
        @(Get-HwAuditLog -Action PostingAccessGranted -User rebecca.lloyd@hwsefton.example).Count | Should -Be 1
    }

    It 'says GraphThrottled (ResourceUnavailable) when Graph stays busy past the SDK''s retries' {
        $fake.Send('faults {"ThrottleRate":1,"RetryAfterSeconds":0}') | Out-Null
        $e = $null
        try { Get-HwPostingAccess -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null } catch { $e = @($_) }
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'GraphThrottled,HealthwatchPolicy.Commands.GetHwPostingAccessCommand'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'ResourceUnavailable'
        $e[0].Exception.Message | Should -BeLike '*Graph stayed busy*'
    }

    It 'keeps Graph''s own words when Graph stays busy: code, message, request-id and client-request-id' {
        $fake.Send('faults {"ThrottleRate":1,"RetryAfterSeconds":0}') | Out-Null
        $e = $null
        try { Get-HwPostingAccess -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null } catch { $e = @($_) }
        $x = $e[0].Exception
        $x.Status | Should -BeIn 429, 503
        $x.Code | Should -BeIn 'TooManyRequests', 'serviceNotAvailable'
        $x.GraphMessage | Should -Not -BeNullOrEmpty
        $x.RequestId | Should -Match '^[0-9a-f-]{36}$'
        $x.ClientRequestId | Should -Match '^[0-9a-f-]{36}$'
        $x.Message | Should -BeLike "*($($x.Status) $($x.Code): $($x.GraphMessage))*"
        $x.Message | Should -BeLike "*$($x.RequestId)*"
        $x.Message | Should -BeLike "*$($x.ClientRequestId)*"
        $x.Message | Should -Not -BeLike '*(503 : )*'
    }

    It 'says GraphResponseInvalid (InvalidData) when a $batch reply has no responses, not a .NET exception' {
        $fake.Send('faults {"BatchWithoutResponses":true}') | Should -Be 'OK'
        $e = $null
        try { Get-HwPostingAccess -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null } catch { $e = @($_) }
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'GraphResponseInvalid,HealthwatchPolicy.Commands.GetHwPostingAccessCommand'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -BeLike "*no 'responses'*"
    }

    It 'says GraphUnavailable (ConnectionError) when Graph cannot be reached, and changes nothing' {
        $down = Start-HwFakeGraph
        try { $connection = Connect-HwTestGraph -Fake $down }
        finally { Stop-HwFakeGraph $down }
        $journal = Get-Content -Raw (Join-Path $connection.StatePath 'journal.jsonl')
        $e = $null
        try { Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null }
        catch { $e = @($_) }
        @($e).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'GraphUnavailable,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        "$($e[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
        $e[0].Exception.Message | Should -BeLike '*could not be reached*'
        Get-Content -Raw (Join-Path $connection.StatePath 'journal.jsonl') | Should -Be $journal
    }
}

Describe 'Grant-HwPostingAccess on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'grants an eligible person, journaled with who, when and why' {
        $g = Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Covers the youth panel'
        $g.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Access.PostingAccess'
        $g.Status | Should -Be 'Granted'
        (Get-HwPostingAccess -Account $clean).User | Should -Contain 'rebecca.lloyd@hwsefton.example'
        $e = Get-HwAuditLog -Last 1
        $e.Action | Should -Be 'PostingAccessGranted'
        $e.User | Should -Be 'rebecca.lloyd@hwsefton.example'
        $e.Account | Should -Be $clean
        $e.Reason | Should -Be 'Covers the youth panel'
        $e.Actor | Should -Not -BeNullOrEmpty
        $e.Time | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-5))
        Test-HwAuditLog | Should -BeTrue
    }

    It 'is idempotent: a second grant changes nothing, journals nothing and says so with -Verbose' {
        Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r | Out-Null
        $before = Get-HwTestState
        $verbose = Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*already*' }).Message |
            Should -BeLike '*already*nothing changed*nothing journaled*'
        ($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'AlreadyGranted'
        Get-HwTestState | Should -Be $before
    }

    It 'refuses <User> with <Id> naming SMP-3.2, the user and the account; nothing changes' -ForEach @(
        @{ User = 'jason.turner@hwsefton.example'; Id = 'PosterDisabled'; Category = 'InvalidOperation' }
        @{ User = 'graham.pritchard@hwsefton.example'; Id = 'PosterTypeNotEligible'; Category = 'PermissionDenied' }
        @{ User = 'frank.roberts@hwsefton.example'; Id = 'PolicyNotAcknowledged'; Category = 'PermissionDenied' }
        @{ User = 'priya.shah_gmail.com#EXT#@hwsefton.example'; Id = 'PosterIsGuest'; Category = 'PermissionDenied' }
    ) {
        $before = Get-HwTestState
        Grant-HwPostingAccess -Account $clean -User $User -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "$Id,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand"
        "$($e[0].CategoryInfo.Category)" | Should -Be $Category
        $e[0].TargetObject | Should -Be $User
        $e[0].Exception.Message | Should -BeLike '*SMP-3.2*'
        $e[0].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($User))*$clean*"
        Get-HwTestState | Should -Be $before
    }

    It 'refuses a poster over the limit with PosterLimitReached' {
        Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r | Out-Null
        Grant-HwPostingAccess -Account $clean -User kate.singleton@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'PosterLimitReached,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e[0].Exception.Message | Should -BeLike '*SMP-3.2*'
        (Get-HwPostingAccess -Account $clean).User | Should -Not -Contain 'kate.singleton@hwsefton.example'
    }

    It 'names an unknown account and an unknown user' {
        Grant-HwPostingAccess -Account nope -User rebecca.lloyd@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountNotFound,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e[0].Exception.Message | Should -BeLike "*'nope'*"
        Grant-HwPostingAccess -Account $clean -User nobody@hwsefton.example -Reason r -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'UserNotFound,HealthwatchPolicy.Commands.GrantHwPostingAccessCommand'
        $e2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e2[0].TargetObject | Should -Be 'nobody@hwsefton.example'
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-HwTestState
        $w = Invoke-HwWhatIf { Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason r -WhatIf } @{ clean = $clean }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*rebecca.lloyd@hwsefton.example*'
        (Get-HwPostingAccess -Account $clean).User | Should -Not -Contain 'rebecca.lloyd@hwsefton.example'
        Get-HwTestState | Should -Be $before
    }

    It 'takes rows from Import-Csv by property name: one error per bad row, the good rows applied' {
        $csv = Join-Path $TestDrive "grants-$Adapter.csv"
        @(
            [pscustomobject]@{ Account = 'twitter-hw-sefton'; User = 'rebecca.lloyd@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'twitter-hw-sefton'; User = 'graham.pritchard@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'no-such-account'; User = 'kate.singleton@hwsefton.example'; Reason = 'Rota' }
            [pscustomobject]@{ Account = 'facebook-seftonyounglisteners'; User = 'kate.singleton@hwsefton.example'; Reason = 'Rota' }
        ) | Export-Csv $csv
        $granted = Import-Csv $csv | Grant-HwPostingAccess -ErrorVariable e -ErrorAction SilentlyContinue
        $granted.User | Should -Be @('rebecca.lloyd@hwsefton.example', 'kate.singleton@hwsefton.example')
        # Graham fails two checks (a trustee, and twitter-hw-sefton is now full): one error per failing check.
        ($e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('PosterTypeNotEligible', 'PosterLimitReached', 'AccountNotFound')
        $e[0].TargetObject | Should -Be 'graham.pritchard@hwsefton.example'
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Contain 'rebecca.lloyd@hwsefton.example'
        @(Get-HwAuditLog -Action PostingAccessGranted -After ([datetime]::UtcNow.AddMinutes(-5))).Count | Should -Be 2
    }
}

Describe 'Revoke-HwPostingAccess and Get-HwPostingAccess on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'shows who can post where, filtered by account and user' {
        @(Get-HwPostingAccess).Count | Should -Be 17
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Be @('daniel.okafor@hwsefton.example', 'tom.gallagher@hwsefton.example')
        (Get-HwPostingAccess -User daniel.okafor@hwsefton.example).Account.Count | Should -Be 4
    }

    It 'revokes through the pipeline from Get-HwPostingAccess, journaled; a second revoke is a no-op' {
        Get-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example | Revoke-HwPostingAccess -Reason 'Off the rota' |
            ForEach-Object Status | Should -Be 'Revoked'
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Be 'daniel.okafor@hwsefton.example'
        $entry = Get-HwAuditLog -Last 1
        $entry.Action | Should -Be 'PostingAccessRevoked'
        $entry.Reason | Should -Be 'Off the rota'
        $before = Get-HwTestState
        (Revoke-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example -Reason r).Status | Should -Be 'NotGranted'
        Get-HwTestState | Should -Be $before
    }

    It 'revokes nothing with -WhatIf' {
        $before = Get-HwTestState
        $w = Invoke-HwWhatIf { Revoke-HwPostingAccess -Account twitter-hw-sefton -User tom.gallagher@hwsefton.example -Reason r -WhatIf }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*tom.gallagher@hwsefton.example*'
        (Get-HwPostingAccess -Account twitter-hw-sefton).User | Should -Contain 'tom.gallagher@hwsefton.example'
        Get-HwTestState | Should -Be $before
    }
}

Describe 'New-HwOfficialAccount on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'sets up an account with consent from the owner''s line manager, journaled' {
        $a = New-HwOfficialAccount -Platform Instagram -Handle '@seftoncarers' -Url 'https://www.instagram.com/seftoncarers' `
            -Purpose 'Carers forum news' -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Carers forum launch'
        $a.PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Register.OfficialAccount'
        $a.Name | Should -Be 'instagram-seftoncarers'
        $a.GroupName | Should -Be 'HW-Posting-instagram-seftoncarers'
        $a.ConsentBy | Should -Be 'sarah.whitfield@hwsefton.example'
        $found = Get-HwOfficialAccount -Name instagram-seftoncarers
        $found.Purpose | Should -Be 'Carers forum news'
        $found.GroupId | Should -Be $a.GroupId
        $entry = Get-HwAuditLog -Last 1
        $entry.Action | Should -Be 'AccountCreated'
        $entry.Reason | Should -Be 'Carers forum launch'
        if ($Adapter -eq 'Graph') {
            $tenant = $fake.Send('snapshot') | ConvertFrom-Json
            ($tenant.groups | Where-Object id -EQ $a.GroupId).displayName | Should -Be 'HW-Posting-instagram-seftoncarers'
        }
    }

    It 'creates an account and grants a poster at once, while Graph''s lists still leave the new group out' {
        # On Graph the fake host holds a new group out of lists for 6 s and answers 404 by its id for 1 s (real time):
        # the adapter's own backoff (2 s) is what waits. Both commands finish inside the list window, so the grant ran in it.
        if ($Adapter -eq 'Graph') { $fake.Send('faults {"ReplicationLagSeconds":6,"ReplicationLagByIdSeconds":1}') | Should -Be 'OK' }
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $a = New-HwOfficialAccount -Platform Instagram -Handle '@seftonlag' -Url 'https://www.instagram.com/seftonlag' `
                -Purpose 'Launch week' -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Launch'
            $grant = Grant-HwPostingAccess -Account $a.Name -User rebecca.lloyd@hwsefton.example -Reason 'Launch rota'
            (Get-HwPostingAccess -Account $a.Name).User | Should -Be 'rebecca.lloyd@hwsefton.example'
            $watch.Stop()
            $grant.Status | Should -Be 'Granted'
            (Get-HwAuditLog -Last 1).Action | Should -Be 'PostingAccessGranted'
            if ($Adapter -eq 'Graph') {
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
                $tenant = $fake.Send('snapshot') | ConvertFrom-Json
                $rebecca = ($tenant.users | Where-Object userPrincipalName -EQ 'rebecca.lloyd@hwsefton.example').id
                ($tenant.groups | Where-Object id -EQ $a.GroupId).members | Should -Be @($rebecca)
            }
        }
        finally {
            if ($Adapter -eq 'Graph') { $fake.Send('faults reset') | Out-Null }
        }
    }

    It 'refuses consent from someone who is not the line manager, naming clause SMP-3.1, and creates nothing' {
        $before = Get-HwTestState
        New-HwOfficialAccount -Platform Instagram -Handle x -Owner daniel.okafor@hwsefton.example -ConsentBy rebecca.lloyd@hwsefton.example `
            -Reason r -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountConsentInvalid,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].Exception.Message | Should -BeLike '*SMP-3.1*'
        $e[0].Exception.Message | Should -BeLike '*sarah.whitfield@hwsefton.example*'
        Get-HwTestState | Should -Be $before
    }

    It 'names an unknown owner' {
        New-HwOfficialAccount -Platform X -Handle y -Owner ghost@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason r `
            -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'UserNotFound,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].ErrorDetails.Message | Should -BeLike '-Owner: *ghost@hwsefton.example*'   # the cmdlet names its parameter
        $e[0].Exception.Message | Should -Not -BeLike '*-Owner*'                      # the engine does not
    }

    It 'names -Url when the address is not https, and creates nothing' {
        $before = Get-HwTestState
        New-HwOfficialAccount -Platform X -Handle z -Url http://example.org/z -Owner daniel.okafor@hwsefton.example `
            -ConsentBy sarah.whitfield@hwsefton.example -Reason r -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountUrlInvalid,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].ErrorDetails.Message | Should -Be "-Url: An account's address must be an absolute https:// address; 'http://example.org/z' is not."
        Get-HwTestState | Should -Be $before
    }

    It 'creates nothing with -WhatIf' {
        $before = Get-HwTestState
        $w = Invoke-HwWhatIf { New-HwOfficialAccount -Platform Instagram -Handle w -Owner daniel.okafor@hwsefton.example -ConsentBy sarah.whitfield@hwsefton.example -Reason r -WhatIf }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*instagram-w*'
        Get-HwOfficialAccount -Name 'instagram-w*' | Should -BeNullOrEmpty
        Get-HwTestState | Should -Be $before
    }

    It 'takes accounts from Import-Csv, one error per bad row, good rows created' {
        $csv = Join-Path $TestDrive "accounts-$Adapter.csv"
        @(
            [pscustomobject]@{ Platform = 'LinkedIn'; Handle = 'hw-events'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example'; Reason = 'Events' }
            [pscustomobject]@{ Platform = 'YouTube'; Handle = 'bad'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'daniel.okafor@hwsefton.example'; Reason = 'Self' }
            [pscustomobject]@{ Platform = 'Facebook'; Handle = 'hw-carers'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example'; Reason = 'Carers' }
        ) | Export-Csv $csv
        $made = Import-Csv $csv | New-HwOfficialAccount -ErrorVariable e -ErrorAction SilentlyContinue
        $made.Name | Should -Be @('linkedin-hw-events', 'facebook-hw-carers')
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountConsentInvalid,HealthwatchPolicy.Commands.NewHwOfficialAccountCommand'
        @(Get-HwOfficialAccount).Count | Should -Be 9
    }
}

Describe 'Get-HwOfficialAccount on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeAll { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'lists the register with filters' {
        @(Get-HwOfficialAccount).Count | Should -Be 7
        (Get-HwOfficialAccount -Platform Facebook).Name | Should -Be @('facebook-healthwatchsefton', 'facebook-seftonyounglisteners')
        (Get-HwOfficialAccount -Name 'you*').Name | Should -Be 'youtube-healthwatchsefton'
        @(Get-HwOfficialAccount -Owner daniel.okafor@hwsefton.example).Count | Should -Be 3
    }

    It 'reports a name that matches nothing' {
        Get-HwOfficialAccount -Name nope -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'AccountNotFound,HealthwatchPolicy.Commands.GetHwOfficialAccountCommand'
        $e[0].TargetObject | Should -Be 'nope'
    }

    It 'completes account and user names with Tab' {
        $line = 'Get-HwOfficialAccount -Name face'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Be @('facebook-healthwatchsefton', 'facebook-seftonyounglisteners')
        $line = 'Grant-HwPostingAccess -Account twitter-hw-sefton -User rebecca'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'rebecca.lloyd@hwsefton.example'
    }
}

Describe 'Set-HwOfficialAccount and Remove-HwOfficialAccount on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'updates the purpose and journals before and after' {
        $a = Set-HwOfficialAccount -Name youtube-healthwatchsefton -Purpose 'Recorded events' -Reason 'Clarified' -PassThru
        $a.Purpose | Should -Be 'Recorded events'
        (Get-HwOfficialAccount -Name youtube-healthwatchsefton).Purpose | Should -Be 'Recorded events'
        $entry = Get-HwAuditLog -Action AccountUpdated -Last 1
        $entry.After | Should -BeLike '*Recorded events*'
    }

    It 'keeps the consent date when it changes something else (read, journaled and written back)' {
        (Get-HwOfficialAccount -Name youtube-healthwatchsefton).ConsentDate | Should -Be ([datetime]'2025-01-10')
        Set-HwOfficialAccount -Name youtube-healthwatchsefton -Purpose 'Recorded events' -Reason 'Clarified'
        (Get-HwOfficialAccount -Name youtube-healthwatchsefton).ConsentDate | Should -Be ([datetime]'2025-01-10')
        $entry = Get-HwAuditLog -Action AccountUpdated -Last 1
        ($entry.Before | ConvertFrom-Json).consentDate | Should -Be '2025-01-10'
        ($entry.After | ConvertFrom-Json).consentDate | Should -Be '2025-01-10'
    }

    It 'retires an account: posters revoked, record kept, each revocation journaled' {
        Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason 'Leaving X' -Confirm:$false
        Get-HwOfficialAccount -Name twitter-hw-sefton -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $retired = Get-HwOfficialAccount -Name twitter-hw-sefton -IncludeRetired
        $retired.Status | Should -Be 'Retired'
        $retired.PosterCount | Should -Be 0
        Get-HwPostingAccess -Account twitter-hw-sefton -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-HwAuditLog -Account twitter-hw-sefton -Action PostingAccessRevoked).Count | Should -Be 2
        Test-HwAuditLog | Should -BeTrue
    }

    It 'retires nothing with -WhatIf' {
        $before = Get-HwTestState
        $w = Invoke-HwWhatIf { Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason r -WhatIf }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*twitter-hw-sefton*'
        (Get-HwOfficialAccount -Name twitter-hw-sefton).PosterCount | Should -Be 2
        Get-HwTestState | Should -Be $before
    }
}

Describe 'Add-HwPolicyAcknowledgement and Get-HwPolicyAcknowledgement on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

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
        (Grant-HwPostingAccess -Account $clean -User frank.roberts@hwsefton.example -Reason r).Status | Should -Be 'Granted'
    }

    It 'takes users from the pipeline, is idempotent, and does nothing with -WhatIf' {
        $before = Get-HwTestState
        $w = Invoke-HwWhatIf { 'anne.clarke@hwsefton.example' | Add-HwPolicyAcknowledgement -WhatIf }
        $w.WhatIf | Should -HaveCount 1
        $w.WhatIf[0] | Should -BeLike '*anne.clarke@hwsefton.example*'
        (Get-HwPolicyAcknowledgement -Missing).User | Should -Contain 'anne.clarke@hwsefton.example'
        Get-HwTestState | Should -Be $before
        Get-HwPolicyAcknowledgement -Missing | Add-HwPolicyAcknowledgement | Should -HaveCount 4
        $after = Get-HwTestState
        (Add-HwPolicyAcknowledgement -User anne.clarke@hwsefton.example).Status | Should -Be 'AlreadyAcknowledged'
        Get-HwTestState | Should -Be $after
        Get-HwPolicyAcknowledgement -Missing | Should -BeNullOrEmpty
    }

    It 'names an unknown user' {
        Add-HwPolicyAcknowledgement -User nobody@hwsefton.example -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'UserNotFound,HealthwatchPolicy.Commands.AddHwPolicyAcknowledgementCommand'
    }
}

Describe 'Get-HwAuditLog and Test-HwAuditLog on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeAll { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'reads the sample''s journal and filters it' {
        $all = Get-HwAuditLog
        $all.Count | Should -Be 44
        $all[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Journal.JournalEntry'
        (Get-HwAuditLog -Action AccountCreated).Count | Should -Be 7
        Get-HwAuditLog -Account instagram-healthwatchsefton -Action PostingAccessGranted | Should -HaveCount 4
        Get-HwAuditLog -User 'liam.hughes*' | ForEach-Object User | Sort-Object -Unique | Should -Be 'liam.hughes@hwsefton.example'
        Get-HwAuditLog -Last 3 | Should -HaveCount 3
        Get-HwOfficialAccount -Name twitter-hw-sefton | Get-HwAuditLog | ForEach-Object Account | Sort-Object -Unique | Should -Be 'twitter-hw-sefton'
    }

    It 'verifies the untouched journal' {
        Test-HwAuditLog | Should -BeTrue
        $d = Test-HwAuditLog -Detailed
        $d.IsValid | Should -BeTrue
        $d.EntryCount | Should -Be 44
    }
}

Describe 'Get-HwComplianceReport and Export-HwComplianceReport on <Adapter>' -Tag 'Graph' -ForEach $adapters {
    BeforeAll {
        Connect-HwTestAdapter $Adapter | Out-Null
        $findings = @(Get-HwComplianceReport)
    }

    It 'finds the sample''s 10 planted cases and nothing else' {
        $findings[0].PSObject.TypeNames[0] | Should -Be 'HealthwatchPolicy.Engine.Compliance.ComplianceFinding'
        ($findings | ForEach-Object { "$($_.RuleId) $($_.Account) $($_.Subject)" } | Sort-Object) | Should -Be @(
            'HW-AUT-001 twitter-hw-sefton tom.gallagher@hwsefton.example'
            'HW-CON-001 whatsapp-hwseftonvolunteers whatsapp-hwseftonvolunteers'
            'HW-ELG-001 facebook-healthwatchsefton jason.turner@hwsefton.example'
            'HW-ELG-003 linkedin-healthwatch-sefton graham.pritchard@hwsefton.example'
            'HW-ELG-004 youtube-healthwatchsefton liam.hughes@hwsefton.example'
            'HW-LIF-001 whatsapp-hwseftonvolunteers patricia.walsh@hwsefton.example'
            'HW-LIM-001 instagram-healthwatchsefton instagram-healthwatchsefton'
            'HW-MFA-001 whatsapp-hwseftonvolunteers joanne.mckenna@hwsefton.example'
            'HW-POL-001  Healthwatch Sefton Social Media Policy v2018.10'
            'HW-SGN-001 instagram-healthwatchsefton dev.patel@hwsefton.example'
        )
        $f = $findings | Where-Object RuleId -EQ 'HW-ELG-001'
        $f.ClauseId | Should -Be 'SMP-3.2'
        $f.Evidence | Should -BeLike '*jason.turner@hwsefton.example is disabled*'
    }

    It 'reads the same poster facts: no MFA, past the leave date, no sign-in for 90 days (issue 15 item 4)' {
        $mfa = @($findings | Where-Object RuleId -EQ 'HW-MFA-001')
        $mfa.Subject | Should -Be 'joanne.mckenna@hwsefton.example'
        $mfa[0].Evidence | Should -BeLike '*no MFA method registered*'
        $leaver = @($findings | Where-Object RuleId -EQ 'HW-LIF-001')
        $leaver.Subject | Should -Be 'patricia.walsh@hwsefton.example'
        $leaver[0].Evidence | Should -BeLike ('*left on ' + [DateTime]::UtcNow.Date.AddDays(-17).ToString('yyyy-MM-dd') + ' 17:00 UTC*lifecycle.leaveDate: Revoke*')
        $idle = @($findings | Where-Object RuleId -EQ 'HW-SGN-001')
        $idle.Subject | Should -Be 'dev.patel@hwsefton.example'
        $idle[0].Evidence | Should -BeLike ('*last signed in on ' + [DateTime]::UtcNow.Date.AddDays(-132).ToString('yyyy-MM-dd') + ' 18:40 UTC*')
        @($findings | Where-Object RuleId -In 'HW-MFA-002', 'HW-SGN-002', 'HW-LIF-005') | Should -BeNullOrEmpty
    }

    It 'summarises 1 critical, 5 high, 4 medium: Fail' {
        $s = Get-HwComplianceReport -Summary
        $s.Result | Should -Be 'Fail'
        ($s.Critical, $s.High, $s.Medium) | Should -Be @(1, 5, 4)
    }

    It 'exports the report to one self-contained HTML file' {
        $path = Join-Path $TestDrive "report-$Adapter.html"
        $file = Export-HwComplianceReport -Path $path
        $file.FullName | Should -Be $path
        $html = Get-Content -Raw $path
        $html | Should -Match '<html lang="en-GB">'
        $html | Should -Match 'Result: Fail'
        ([regex]::Matches($html, 'class="finding ')).Count | Should -Be 10
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive "whatif-$Adapter.html"
        $w = Invoke-HwWhatIf { Export-HwComplianceReport -Path $path -WhatIf } @{ path = $path }
        $w.WhatIf | Should -HaveCount 1
        Test-Path $path | Should -BeFalse
    }

    It 'follows a remediation: revoking the disabled poster clears that finding' {
        Revoke-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Leaver' | Out-Null
        Get-HwComplianceReport -RuleId HW-ELG-001 | Should -BeNullOrEmpty
    }
}

Describe 'The two adapters give the same answers' -Tag 'Graph' {
    BeforeAll {
        # What each read command returns, as JSON, without what differs from run to run by design: the times of
        # this run, who recorded an acknowledgement (the actor names the sign-in method: 'via access token'), and
        # the write-ahead intent ids (a fresh GUID per change, decision 0150).
        function Get-HwTestReadings {
            $volatile = 'DetectedAt', 'GeneratedAt', 'Directory', 'CreatedAt', 'RetiredAt', 'AcknowledgedAt', 'RecordedBy'
            $today = [regex]::Escape([DateTime]::UtcNow.ToString('yyyy-MM-dd')) + 'T[0-9:.]+(\\u002B[0-9:]+|Z)?'
            [ordered]@{
                Accounts         = Get-HwOfficialAccount -IncludeRetired | Select-Object * -ExcludeProperty $volatile | ConvertTo-Json -Depth 4
                Access           = Get-HwPostingAccess | ConvertTo-Json -Depth 4
                Acknowledgements = Get-HwPolicyAcknowledgement | Select-Object * -ExcludeProperty $volatile | ConvertTo-Json -Depth 4
                Findings         = Get-HwComplianceReport | Select-Object * -ExcludeProperty $volatile | ConvertTo-Json -Depth 4
                Journal          = (Get-HwAuditLog | Select-Object Sequence, Action, Account, User, Reason, PolicyVersion, Before, After |
                    ConvertTo-Json -Depth 4) -replace $today, '(today)' -replace '\\"intent\\":\\"[0-9a-f]{32}\\"', '(intent)'
            }
        }
        # The same changes on each adapter: a grant, a refused grant, a revoke, an acknowledgement, an update, a retirement.
        function Invoke-HwTestChanges {
            Grant-HwPostingAccess -Account $clean -User rebecca.lloyd@hwsefton.example -Reason 'Parity' | Out-Null
            Grant-HwPostingAccess -Account $clean -User jason.turner@hwsefton.example -Reason 'Parity' -ErrorAction SilentlyContinue
            Revoke-HwPostingAccess -Account facebook-healthwatchsefton -User jason.turner@hwsefton.example -Reason 'Leaver' | Out-Null
            Add-HwPolicyAcknowledgement -User frank.roberts@hwsefton.example | Out-Null
            Set-HwOfficialAccount -Name youtube-healthwatchsefton -Purpose 'Recorded events' -Reason 'Clarified'
            Remove-HwOfficialAccount -Name twitter-hw-sefton -Reason 'Leaving X' -Confirm:$false
        }
    }

    It 'reads the same register, access, acknowledgements, findings and journal, before and after the same changes' {
        Connect-HwTestSample | Out-Null
        $local = Get-HwTestReadings
        Invoke-HwTestChanges
        $localAfter = Get-HwTestReadings
        Connect-HwTestGraph -Fake $fake | Out-Null
        $graph = Get-HwTestReadings
        Invoke-HwTestChanges
        $graphAfter = Get-HwTestReadings
        # Every difference, not just the first: 'what, when: first differing line on each side'.
        $differences = foreach ($key in $local.Keys) {
            foreach ($pair in @(@('before', $local[$key], $graph[$key]), @('after', $localAfter[$key], $graphAfter[$key]))) {
                if ($pair[1] -ceq $pair[2]) { continue }
                $l = $pair[1] -split "`n"; $g = $pair[2] -split "`n"
                $i = 0; while ($i -lt [Math]::Min($l.Count, $g.Count) -and $l[$i] -ceq $g[$i]) { $i++ }
                $context = if ($i -gt 0) { $l[$i - 1].Trim() } else { '' }
                "$key $($pair[0]) the changes, line $($i + 1) after [$context]: local [$(if ($i -lt $l.Count) { $l[$i].Trim() })] graph [$(if ($i -lt $g.Count) { $g[$i].Trim() })]"
            }
        }
        $differences | Should -BeNullOrEmpty
        $localAfter.Journal | Should -Not -Be $local.Journal
    }
}
