# Issue 11, kind 5: the same input means the same thing to every cmdlet. ONE table of paddings (the ways a
# spreadsheet, a web page or a careless paste mangles a value) runs through EVERY cmdlet that takes an identifier,
# on both adapters (the local sample folder and the fake Graph as a process): each padded run must give exactly what
# the clean run gives (output, errors, and the directory, journal, reviews and acknowledgements afterwards).
# A last test checks, by reflection over the built module, that the table reached every [Identifier] parameter.
BeforeDiscovery {
    $adapters = @(@{ Adapter = 'Local' }, @{ Adapter = 'Graph' })
    $period = [DateTime]::UtcNow.ToString('yyyy-MM')    # this month's review (a future month is another rule)
    $acct = 'facebook-seftonyounglisteners'             # posters nadia.khan and chloe.fitzgerald; room for one more
    $tenant = '00000000-0000-4000-8000-00000000f4e1'
    $started = { Start-HwAccessReview | Out-Null }
    $expires = [DateTime]::UtcNow.Date.AddMonths(2)
    $excepted = { New-HwComplianceException -RuleId HW-LIM-001 -Account instagram-healthwatchsefton -Justification 'j' -ApprovedBy sarah.whitfield@hwsefton.example -Expires ([DateTime]::UtcNow.Date.AddMonths(2)) | Out-Null }
    # The sample journal's own witness (<sequence>:<hash> of its last entry), which every copy of it passes through.
    $head = Get-Content -Raw (Join-Path $PSScriptRoot '../../../policy/sample-org/state/journal.head') | ConvertFrom-Json
    $witness = '{0}:{1}' -f $head.sequence, $head.hash

    # One row per cmdlet use. Ids: the identifier parameters with their clean values (these get padded). Other: the
    # rest, as given. Show: what of the output to compare. Expect: what the clean run must give (so that a padded run
    # cannot pass by failing the same way). Changes: the row changes state, so each run starts from a fresh copy.
    # CaseFree: upper case is the same input too (not where the value is stored or echoed as typed).
    $rows = @(
        @{ Command = 'Grant-HwPostingAccess'; Ids = @{ Account = $acct; User = 'rebecca.lloyd@hwsefton.example' }; Other = @{ Reason = 'r' }
            Show = 'Account', 'User', 'Status'; Expect = '*rebecca.lloyd@hwsefton.example*Granted*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Revoke-HwPostingAccess'; Ids = @{ Account = $acct; User = 'nadia.khan@hwsefton.example' }; Other = @{ Reason = 'r' }
            Show = 'Account', 'User', 'Status'; Expect = '*nadia.khan@hwsefton.example*Revoked*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Get-HwPostingAccess'; Ids = @{ Account = $acct; User = 'nadia.khan@hwsefton.example' }; Other = @{}
            Show = 'Account', 'User'; Expect = "*$acct*nadia.khan*"; Changes = $false; CaseFree = $true }
        # issue 15 (h15): the lifecycle cmdlets' -Account
        @{ Command = 'Sync-HwPostingAccess'; Ids = @{ Account = 'facebook-healthwatchsefton' }; Other = @{ Confirm = $false }
            Show = 'Account', 'User', 'Outcome'; Expect = '*facebook-healthwatchsefton*jason.turner*Revoked*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Suspend-HwPosting'; Ids = @{ Account = $acct }; Other = @{ Reason = 'r'; Confirm = $false }
            Show = 'Account', 'State'; Expect = "*$acct*Paused*"; Changes = $true; CaseFree = $true }
        @{ Command = 'Resume-HwPosting'; Ids = @{ Account = $acct }; Other = @{ Reason = 'r'; Confirm = $false }
            Setup = { Suspend-HwPosting -Account facebook-seftonyounglisteners -Reason r -Confirm:$false | Out-Null }
            Show = 'Account', 'State'; Expect = "*$acct*Resumed*"; Changes = $true; CaseFree = $true }
        @{ Command = 'Get-HwOfficialAccount'; Ids = @{ Name = $acct; Platform = 'Facebook'; Owner = 'nadia.khan@hwsefton.example' }; Other = @{}
            Show = 'Name', 'Owner'; Expect = "*$acct*"; Changes = $false; CaseFree = $true }
        @{ Command = 'New-HwOfficialAccount'; Ids = @{ Platform = 'Instagram'; Handle = '@seftoncarers'; Url = 'https://www.instagram.com/seftoncarers'; Owner = 'daniel.okafor@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example' }
            Other = @{ Reason = 'r' }; Show = 'Name', 'Platform', 'Handle', 'Url', 'Owner', 'ConsentBy'; Expect = '*instagram-seftoncarers*'; Changes = $true; CaseFree = $false }
        @{ Command = 'Set-HwOfficialAccount'; Ids = @{ Name = 'youtube-healthwatchsefton'; Owner = 'aisha.rahman@hwsefton.example'; ConsentBy = 'sarah.whitfield@hwsefton.example' }
            Other = @{ Reason = 'r'; PassThru = $true }; Show = 'Name', 'Owner', 'ConsentBy'; Expect = '*aisha.rahman*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Set-HwOfficialAccount'; Ids = @{ Name = 'youtube-healthwatchsefton'; Url = 'https://www.youtube.com/@healthwatchsefton-events' }
            Other = @{ Reason = 'r'; PassThru = $true }; Show = 'Name', 'Url'; Expect = '*healthwatchsefton-events*'; Changes = $true; CaseFree = $false }
        @{ Command = 'Remove-HwOfficialAccount'; Ids = @{ Name = 'twitter-hw-sefton' }; Other = @{ Reason = 'r'; PassThru = $true; Confirm = $false }
            Show = 'Name', 'Status', 'PosterCount'; Expect = '*Retired*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Test-HwAuditLog'; Ids = @{ Witness = $witness }; Other = @{ Detailed = $true }
            Show = 'IsValid', 'EntryCount'; Expect = '*"IsValid":true*'; Changes = $false; CaseFree = $false }
        @{ Command = 'Get-HwAuditLog'; Ids = @{ Account = 'youtube-healthwatchsefton'; User = 'liam.hughes@hwsefton.example'; Action = 'PostingAccessGranted' }; Other = @{}
            Show = 'Sequence', 'Action', 'Account', 'User'; Expect = '*PostingAccessGranted*liam.hughes*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Get-HwComplianceReport'; Ids = @{ Account = 'facebook-healthwatchsefton'; RuleId = 'HW-ELG-001'; Severity = 'Critical' }; Other = @{}
            Show = 'RuleId', 'Severity', 'Account', 'Subject'; Expect = '*HW-ELG-001*jason.turner*'; Changes = $false; CaseFree = $true }
        @{ Command = 'New-HwComplianceException'; Ids = @{ RuleId = 'HW-LIM-001'; Account = 'instagram-healthwatchsefton'; Subject = 'instagram-healthwatchsefton'; ApprovedBy = 'sarah.whitfield@hwsefton.example' }
            Other = @{ Justification = 'j'; Expires = $expires }; Show = 'Id', 'RuleId', 'ApprovedBy'; Expect = '*EXC-0001*HW-LIM-001*sarah.whitfield*'; Changes = $true; CaseFree = $false }
        @{ Command = 'Get-HwComplianceException'; Ids = @{ Id = 'EXC-0001'; RuleId = 'HW-LIM-001'; Account = 'instagram-healthwatchsefton' }; Other = @{}; Setup = $excepted
            Show = 'Id', 'RuleId', 'Account'; Expect = '*EXC-0001*HW-LIM-001*instagram-healthwatchsefton*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Remove-HwComplianceException'; Ids = @{ Id = 'EXC-0001' }; Other = @{ Reason = 'r'; PassThru = $true; Confirm = $false }; Setup = $excepted
            Show = 'Id', 'RuleId'; Expect = '*EXC-0001*HW-LIM-001*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Get-HwPolicy'; Ids = @{ Id = 'SMP-1.1'; Section = 'about' }; Other = @{}
            Show = 'Id', 'Kind'; Expect = '*SMP-1.1*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Get-HwPolicy'; Ids = @{ Kind = 'Enforced' }; Other = @{}
            Show = 'Id', 'Kind'; Expect = '*Enforced*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Get-HwPolicyAcknowledgement'; Ids = @{ User = 'aisha.rahman@hwsefton.example'; Version = '2018.10' }; Other = @{}
            Show = 'User', 'Version', 'Status'; Expect = '*aisha.rahman*2018.10*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Add-HwPolicyAcknowledgement'; Ids = @{ User = 'liam.hughes@hwsefton.example'; Version = '2018.10' }; Other = @{}
            Show = 'User', 'Version', 'Status'; Expect = '*liam.hughes*2018.10*Acknowledged*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Start-HwAccessReview'; Ids = @{ Period = $period }; Other = @{}
            Show = 'Period', 'Undecided'; Expect = "*$period*"; Changes = $true; CaseFree = $true }
        @{ Command = 'Get-HwAccessReview'; Ids = @{ Period = $period }; Other = @{}; Setup = $started
            Show = 'Period', 'Undecided'; Expect = "*$period*"; Changes = $true; CaseFree = $true }
        @{ Command = 'Complete-HwAccessReview'; Ids = @{ Account = $acct; User = 'nadia.khan@hwsefton.example'; Decision = 'Remove'; Period = $period }
            Other = @{ Justification = 'j' }; Setup = $started; Show = 'Account', 'User', 'Decision', 'Outcome'; Expect = '*Remove*Revoked*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Complete-HwAccessReview'; Ids = @{ Account = $acct; User = 'chloe.fitzgerald@hwsefton.example'; Decision = 'Keep' }
            Other = @{ Justification = 'j' }; Setup = $started; Show = 'Account', 'User', 'Decision', 'Outcome'; Expect = '*Keep*Kept*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Send-HwAccessReview'; Ids = @{ Period = $period; From = 'sarah.whitfield@hwsefton.example' }; Other = @{}; Setup = $started
            Show = 'Kind', 'Recipient', 'Items'; Expect = '*Initial*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Close-HwAccessReview'; Ids = @{ Period = $period }; Other = @{ Confirm = $false }; Setup = $started
            Show = 'Period'; Expect = '*ReviewNotDue*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Update-HwAccessReview'; Ids = @{ From = 'social-media-review@hwsefton.example'; SmtpServer = '127.0.0.1' }; Other = @{ SmtpPort = 9; Confirm = $false }
            Show = 'Kind', 'Period'; Expect = '*error *127.0.0.1*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Receive-HwAccessReviewDecision'; Ids = @{ From = 'sarah.whitfield@hwsefton.example'; SmtpServer = '127.0.0.1' }; Other = @{ SmtpPort = 9 }; Setup = $started
            Show = 'Outcome', 'User'; Expect = ''; Changes = $true; CaseFree = $true }
        @{ Command = 'Send-HwComplianceReport'; Ids = @{ To = 'sarah.whitfield@hwsefton.example'; From = 'daniel.okafor@hwsefton.example' }; Other = @{}
            Show = 'Kind', 'Recipient', 'Items'; Expect = '*ComplianceReport*sarah.whitfield*'; Changes = $true; CaseFree = $false }
        @{ Command = 'Send-HwAccessReview'; Ids = @{ SmtpServer = '127.0.0.1' }; Other = @{ SmtpPort = 9 }; Setup = $started
            Show = 'Kind', 'Recipient'; Expect = '*error *127.0.0.1*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Send-HwComplianceReport'; Ids = @{ SmtpServer = '127.0.0.1' }; Other = @{ SmtpPort = 9 }
            Show = 'Kind', 'Recipient'; Expect = '*error *127.0.0.1*'; Changes = $false; CaseFree = $true }
        @{ Command = 'ConvertTo-HwPolicyDocument'; Ids = @{ Format = 'Markdown' }; Other = @{}
            Show = @(); Expect = '#*SMP-1.1*'; Changes = $false; CaseFree = $true }
        @{ Command = 'Export-HwComplianceReport'; Ids = @{ Format = 'Markdown' }; Other = @{ Path = 'report.txt' }
            Show = @(); Expect = '#*'; Changes = $true; CaseFree = $true }
        @{ Command = 'Save-HwOrganisationSummary'; Ids = @{ Organisation = 'Healthwatch Sefton'; TenantId = '00000000-0000-4000-8000-00000000f4e1' }
            Other = @{ Path = 'summaries'; ErrorMessage = 'GraphThrottled: gave up' }
            Show = 'Organisation', 'TenantId', 'Failed', 'WorstSeverity'; Expect = '*"Healthwatch Sefton"*00000000-0000-4000-8000-00000000f4e1*Error*'; Changes = $false; CaseFree = $false }
        # The user-assigned identity's id binds the same way; the plain-http address is refused before any sign-in (no network here).
        @{ Command = 'Save-HwOrganisationSummary'; Ids = @{ ClientId = '00000000-0000-4000-8000-0000000c11e1'; ContainerUri = 'http://127.0.0.1:1/devstoreaccount1/summaries' }
            Other = @{ Organisation = 'Healthwatch Sefton'; ManagedIdentity = $true; ErrorMessage = 'X: y' }
            Show = @(); Expect = '*SummaryContainerInvalid*'; Changes = $false; CaseFree = $false }
        @{ Command = 'Get-HwOrganisationSummary'; Ids = @{ ClientId = '00000000-0000-4000-8000-0000000c11e1'; ContainerUri = 'http://127.0.0.1:1/devstoreaccount1/summaries' }
            Other = @{ ManagedIdentity = $true }
            Show = @(); Expect = '*SummaryContainerInvalid*'; Changes = $false; CaseFree = $false }
        @{ Command = 'Connect-HwDirectory'; Ids = @{ TenantId = $tenant; ClientId = 'app-1'; CertificateThumbprint = 'AB12CD34' }; Other = @{ StatePath = 'state' }
            Show = @(); Expect = "*no certificate 'AB12CD34'*"; Changes = $false; CaseFree = $false }
        @{ Command = 'Connect-HwDirectory'; Ids = @{ TenantId = $tenant }; Other = @{ AccessToken = 'token' }; Setup = { Connect-HwTestGraph -Fake $fake | Out-Null }
            Show = 'Kind', 'Directory', 'PolicyVersion'; Expect = "*Graph*$tenant*"; Changes = $true; CaseFree = $false }
        @{ Command = 'Connect-HwDirectory'; Ids = @{ TenantId = $tenant; StateSite = 'https://hwsefton.sharepoint.com/sites/healthwatch'; StateLibrary = 'Documents'; HeadMirrorGroup = '00000000-0000-4000-8000-0000000a11ed' }; Other = @{ AccessToken = 'token' }
            Setup = { Connect-HwTestGraph -Fake $fake | Out-Null; $fake.Send('site hwsefton.sharepoint.com /sites/healthwatch') | Out-Null; $fake.Send('group 00000000-0000-4000-8000-0000000a11ed Healthwatch journal head') | Out-Null }
            Show = 'Kind', 'StatePath'; Expect = '*Graph*https://hwsefton.sharepoint.com/sites/healthwatch/Shared Documents/HealthwatchPolicy*'; Changes = $true; CaseFree = $false }
        @{ Command = 'Register-HwAccessReviewTask'; Ids = @{ TenantId = $tenant; ClientId = '00000000-0000-4000-8000-00000000c1e7'; CertificateThumbprint = 'AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34'; From = 'sarah.whitfield@hwsefton.example'; StateSite = 'https://hwsefton.sharepoint.com/sites/healthwatch'; HeadMirrorGroup = '00000000-0000-4000-8000-0000000a11ed' }
            Other = @{}; Show = @(); Expect = "*TaskSchedulerUnavailable*-StateSite*https://hwsefton.sharepoint.com/sites/healthwatch*-HeadMirrorGroup*00000000-0000-4000-8000-0000000a11ed*"; Changes = $false; CaseFree = $false }
        @{ Command = 'Register-HwAccessReviewTask'; Ids = @{ TenantId = $tenant; ClientId = '00000000-0000-4000-8000-00000000c1e7'; CertificateThumbprint = 'AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34'; From = 'sarah.whitfield@hwsefton.example'; TaskName = 'Monthly review' }
            Other = @{ StatePath = 'state' }; Show = @(); Expect = "*TaskSchedulerUnavailable*$tenant*"; Changes = $false; CaseFree = $false }
    )

    # THE table: how a value arrives. Upper: the value is also upper-cased (only for a CaseFree row).
    $pads = @(
        @{ Pad = 'a trailing space (the issue''s example)'; Pre = ''; Post = ' '; Upper = $false }
        @{ Pad = 'a leading space, in upper case'; Pre = ' '; Post = ''; Upper = $true }
        @{ Pad = 'tabs'; Pre = "`t"; Post = "`t"; Upper = $false }
        @{ Pad = 'no-break spaces, in upper case'; Pre = "`u{00A0}"; Post = "`u{00A0}"; Upper = $true }
        @{ Pad = 'a BOM and a zero-width space'; Pre = "`u{FEFF}"; Post = "`u{200B}"; Upper = $false }
        @{ Pad = 'an ideographic space, a thin space and a direction mark'; Pre = "`u{3000}"; Post = "`u{2009}`u{200E}"; Upper = $false }
    )
    $cases = foreach ($a in $adapters) {
        foreach ($r in $rows) {
            @{ Row = $r; Command = $r.Command; Ids = $r.Ids; Expect = $r.Expect; CaseFree = $r.CaseFree; Adapter = $a.Adapter; Pads = $pads
                Label = ($r.Ids.Keys | Sort-Object | ForEach-Object { "-$_" }) -join ' ' }
        }
    }
}

BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    # The journal head's local mirrors of this file's own (the fake site has the same URL in every run; a mirror is named by it).
    $script:savedMirror = $env:HEALTHWATCHPOLICY_HEAD_MIRROR
    $script:mirrorRoot = Join-Path ([IO.Path]::GetTempPath()) ('hw-mirrors-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $script:mirrorRoot
    $fake = Start-HwFakeGraph
    $exercised = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)

    function Connect-HwTestAdapter([string] $Adapter) {
        if ($Adapter -eq 'Graph') { Connect-HwTestGraph -Fake $fake } else { Connect-HwTestSample }
    }

    # What the module knows afterwards, without times and temporary paths.
    function Get-HwObservedState {
        @(Get-HwOfficialAccount -IncludeRetired | ForEach-Object { "account $($_.Name) $($_.Platform) $($_.Handle) $($_.Url) $($_.Owner) $($_.ConsentBy) $($_.Status)" }
            Get-HwPostingAccess | ForEach-Object { "poster $($_.Account) $($_.User)" }
            Get-HwAuditLog | ForEach-Object { "journal $($_.Sequence) $($_.Action) $($_.Account) $($_.User) $($_.Reason)" }
            Get-HwAccessReview -Item -ErrorAction SilentlyContinue | ForEach-Object { "review $($_.Account) $($_.User) $($_.Decision) $($_.Outcome)" }
            Get-HwPolicyAcknowledgement | ForEach-Object { "ack $($_.User) $($_.Version)" }
            Get-HwComplianceException | ForEach-Object { "exception $($_.Id) $($_.RuleId) $($_.Account) $($_.Subject) $($_.ApprovedBy)" }) -join "`n"
    }

    # Runs one row with the given identifier values; returns the output (errors as their id and message) and the state.
    function Invoke-HwRow([hashtable] $Row, [hashtable] $Ids, [string] $Adapter) {
        if ($Row.Changes) { Connect-HwTestAdapter $Adapter | Out-Null }
        if ($Row['Setup']) { & $Row['Setup'] }
        $other = @{}
        foreach ($k in $Row.Other.Keys) {
            $v = $Row.Other[$k]
            $other[$k] = switch ($k) {
                'Path' { Join-Path $TestDrive $v }
                'StatePath' { Join-Path $TestDrive $v }
                'AccessToken' { ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force }
                default { $v }
            }
        }
        if ($other.ContainsKey('AccessToken')) {
            $other.GraphEndpoint = $fake.BaseUrl
            if (-not $Ids.ContainsKey('StateSite')) { $other.StatePath = (Get-HwConnection).StatePath }
        }
        $ErrorActionPreference = 'Continue'
        $out = try { & $Row.Command @Ids @other 2>&1 } catch { $_ }
        $shown = foreach ($o in @($out)) {
            if ($o -is [System.Management.Automation.ErrorRecord]) { "error $($o.FullyQualifiedErrorId): $($o.Exception.Message)" }
            elseif ($o -is [string]) { $o }
            elseif ($o -is [System.IO.FileInfo]) { Get-Content -Raw $o.FullName | ForEach-Object { $_ -replace '(?m)^.*(Generated|generated|UTC|\d\d:\d\d|Directory: ).*$', '' } }
            else { ($o | Select-Object -Property $Row.Show | ConvertTo-Json -Compress -EnumsAsStrings) }
        }
        $ErrorActionPreference = 'Stop'
        [pscustomobject]@{ Output = ($shown -join "`n"); State = $(if ($Row.Changes) { Get-HwObservedState } else { '' }) }
    }
}

AfterAll {
    if (Get-Command Disconnect-HwDirectory -ErrorAction SilentlyContinue) { Disconnect-HwDirectory }
    Get-Variable fake -ValueOnly -ErrorAction SilentlyContinue | Stop-HwFakeGraph
    if ($script:mirrorRoot -and (Test-Path $script:mirrorRoot)) { Remove-Item -Recurse -Force $script:mirrorRoot }
    $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $script:savedMirror
}

Describe 'The issue''s example on <Adapter>: a spreadsheet row that grants access also revokes it' -Tag 'Graph', 'Identifiers' -ForEach $adapters {
    BeforeEach { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'revokes with -User ''rebecca.lloyd@hwsefton.example '' (was UserNotFound): the leaver loses access' {
        (Grant-HwPostingAccess -Account facebook-seftonyounglisteners -User 'rebecca.lloyd@hwsefton.example ' -Reason x).Status | Should -Be 'Granted'
        $r = Revoke-HwPostingAccess -Account facebook-seftonyounglisteners -User 'rebecca.lloyd@hwsefton.example ' -Reason x
        $r.Status | Should -Be 'Revoked'
        $r.User | Should -Be 'rebecca.lloyd@hwsefton.example'
        (Get-HwPostingAccess -Account facebook-seftonyounglisteners).User | Should -Not -Contain 'rebecca.lloyd@hwsefton.example'
        (Get-HwAuditLog -Last 1).User | Should -Be 'rebecca.lloyd@hwsefton.example'
    }

    It 'grants and revokes with -Account ''facebook-seftonyounglisteners '' (was AccountNotFound in both)' {
        (Grant-HwPostingAccess -Account 'facebook-seftonyounglisteners ' -User rebecca.lloyd@hwsefton.example -Reason x).Status | Should -Be 'Granted'
        (Revoke-HwPostingAccess -Account 'facebook-seftonyounglisteners ' -User rebecca.lloyd@hwsefton.example -Reason x).Status | Should -Be 'Revoked'
        (Get-HwAuditLog -Last 2).Account | Should -Be @('facebook-seftonyounglisteners', 'facebook-seftonyounglisteners')
    }

    It 'grants from a spreadsheet''s rows (Import-Csv) and revokes from the same rows: nobody keeps access' {
        $csv = Join-Path $TestDrive "leavers-$Adapter.csv"
        $rows = @(
            [pscustomobject]@{ Account = " FACEBOOK-seftonyounglisteners`u{00A0}"; UserPrincipalName = "`u{FEFF}Rebecca.Lloyd@hwsefton.example "; Reason = 'Cover' }
        )
        $rows | Export-Csv $csv -NoTypeInformation -Encoding utf8BOM
        (Import-Csv $csv | Grant-HwPostingAccess).Status | Should -Be 'Granted'
        (Get-HwPostingAccess -Account facebook-seftonyounglisteners).User | Should -Contain 'rebecca.lloyd@hwsefton.example'
        (Import-Csv $csv | Revoke-HwPostingAccess).Status | Should -Be 'Revoked'
        (Get-HwPostingAccess -Account facebook-seftonyounglisteners).User | Should -Not -Contain 'rebecca.lloyd@hwsefton.example'
    }

    It 'acknowledges padded users piped by value, as the clean ones' {
        $done = "`u{00A0}liam.hughes@hwsefton.example ", "`tANNE.CLARKE@hwsefton.example`u{200B}" | Add-HwPolicyAcknowledgement
        $done.User | Should -Be @('liam.hughes@hwsefton.example', 'anne.clarke@hwsefton.example')
        $done.Status | Should -Be @('Acknowledged', 'Acknowledged')
        (Get-HwPolicyAcknowledgement -Missing).User | Should -Not -Contain 'liam.hughes@hwsefton.example'
    }

    It 'takes a decision written "keep" and a tab, for the month written with spaces around it, as Keep' {
        Start-HwAccessReview | Out-Null
        $month = " $([DateTime]::UtcNow.ToString('yyyy-MM')) "
        $d = Complete-HwAccessReview -Account facebook-seftonyounglisteners -User chloe.fitzgerald@hwsefton.example -Decision "keep`t" -Justification j -Period $month
        $d.Decision | Should -BeExactly 'Keep'
        $d.Outcome | Should -Be 'Kept'
    }
}

Describe '<Command> <Label> on <Adapter>, padded as in the table' -Tag 'Graph', 'Identifiers' -ForEach $cases {
    BeforeAll { Connect-HwTestAdapter $Adapter | Out-Null }

    It 'gives what the clean values give, with every padding in the table' {
        $clean = Invoke-HwRow $Row $Ids $Adapter
        $clean.Output | Should -BeLike $Expect -Because 'the clean run must do the real thing, or the comparison proves nothing'
        foreach ($pad in $Pads) {
            $padded = @{}
            foreach ($k in $Ids.Keys) {
                $v = if ($pad.Upper -and $CaseFree) { $Ids[$k].ToUpperInvariant() } else { $Ids[$k] }
                $padded[$k] = $pad.Pre + $v + $pad.Post
                $exercised.Add("$Command -$k") | Out-Null
            }
            $run = Invoke-HwRow $Row $padded $Adapter
            $run.Output | Should -BeExactly $clean.Output -Because "$Command with $($pad.Pad) is the same input"
            $run.State | Should -BeExactly $clean.State -Because "$Command with $($pad.Pad) leaves the same state"
        }
    }
}

Describe 'The table reaches every identifier parameter' -Tag 'Identifiers' {
    It 'ran a padded value through every [Identifier] parameter of every cmdlet' {
        $all = foreach ($command in Get-Command -Module HealthwatchPolicy -CommandType Cmdlet) {
            foreach ($p in $command.Parameters.Values) {
                if ($p.Attributes | Where-Object { $_.GetType().FullName -eq 'HealthwatchPolicy.Hosting.IdentifierAttribute' }) { "$($command.Name) -$($p.Name)" }
            }
        }
        @($all).Count | Should -BeGreaterThan 40
        $missed = @($all | Where-Object { -not $exercised.Contains($_) })
        $missed | Should -BeNullOrEmpty -Because 'each identifier parameter is in the table'
    }
}
