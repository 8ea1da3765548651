BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $manifest = Get-HwBuiltManifest
    # The journal head's local mirrors of this file's own (the fake site has the same URL in every run; a mirror is named by it).
    $script:savedMirror = $env:HEALTHWATCHPOLICY_HEAD_MIRROR
    $script:mirrorRoot = Join-Path ([IO.Path]::GetTempPath()) ('hw-mirrors-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $script:mirrorRoot
    $fake = Start-HwFakeGraph
}

AfterAll {
    if ($fake) { Stop-HwFakeGraph $fake }
    if ($script:mirrorRoot -and (Test-Path $script:mirrorRoot)) { Remove-Item -Recurse -Force $script:mirrorRoot }
    $env:HEALTHWATCHPOLICY_HEAD_MIRROR = $script:savedMirror
}

Describe 'One shared state store on a SharePoint site (-StateSite), over the fake Graph host' -Tag 'Graph', 'Scenario' {
    It 'a Graph connection with neither -StateSite nor -StatePath stops with StateStoreRequired' {
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        $err = { Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'StateStoreRequired,*'
    }

    It '8 admin processes granting at once plus the monthly job: one journal, the poster limit held, no HW-AUT-001 for each other' {
        Connect-HwTestGraph -Fake $fake | Out-Null          # loads the sample tenant into the fake
        $siteId = $fake.Send('site hwsefton.sharepoint.com /sites/healthwatch')
        $site = 'https://hwsefton.sharepoint.com/sites/healthwatch'
        $token = Get-HwTestGraphToken
        $connect = "Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken (ConvertTo-SecureString '$token' -AsPlainText -Force) " +
            "-GraphEndpoint '$($fake.BaseUrl)' -StateSite '$site' | Out-Null"

        # The first admin, in this process, creates the account on the shared store.
        Invoke-Expression $connect
        (Get-HwConnection).StatePath | Should -Be "$site/Shared Documents/HealthwatchPolicy"
        New-HwOfficialAccount -Platform Instagram -Handle shared -Owner daniel.okafor@hwsefton.example `
            -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Shared store test' | Out-Null

        $people = 'rebecca.lloyd', 'kate.singleton', 'craig.bennett', 'susan.kelly', 'eileen.moran', 'aisha.rahman', 'nadia.khan', 'dev.patel' |
            ForEach-Object { "$_@hwsefton.example" }
        $processes = foreach ($p in $people) {
            Start-HwChildPwsh -Command ("`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; $connect; " +
                "try { (Grant-HwPostingAccess -Account instagram-shared -User '$p' -Reason 'parallel').Status } catch { `$_.FullyQualifiedErrorId.Split(',')[0] }")
        }
        $answers = foreach ($proc in $processes) {
            $proc.WaitForExit(180000) | Should -BeTrue
            $err = $proc.StandardError.ReadToEnd()
            $proc.ExitCode | Should -Be 0 -Because $err
            $proc.StandardOutput.ReadToEnd().Trim()
        }
        @($answers | Where-Object { $_ -eq 'Granted' }).Count | Should -Be 3
        @($answers | Where-Object { $_ -ne 'Granted' }) | Sort-Object -Unique | Should -Be 'PosterLimitReached'

        # The monthly job, in another process of its own, sees the same journal and finds nothing added outside the module.
        $job = Start-HwChildPwsh -Command ("`$ErrorActionPreference = 'Stop'; Import-Module '$manifest'; $connect; " +
            "@(Get-HwAuditLog -Account instagram-shared -Action PostingAccessGranted).Count; " +
            "@(Get-HwComplianceReport -RuleId HW-AUT-001 | Where-Object Account -EQ 'instagram-shared').Count; Test-HwAuditLog")
        $job.WaitForExit(180000) | Should -BeTrue
        $jobErr = $job.StandardError.ReadToEnd()
        $job.ExitCode | Should -Be 0 -Because $jobErr
        ($job.StandardOutput.ReadToEnd().Trim() -split "`r?`n") | Should -Be @('3', '0', 'True')

        Invoke-Expression $connect
        @(Get-HwPostingAccess -Account instagram-shared).Count | Should -Be 3
        Test-HwAuditLog | Should -BeTrue
        $fake.Send("file $siteId Documents HealthwatchPolicy/locks/state.lock") | Should -Be 'null'   # every holder let go
    }
}

Describe 'The journal head mirrored on a group (-HeadMirrorGroup), over the fake Graph host' -Tag 'Graph', 'Scenario' {
    It 'the last entry and the head deleted from the library pass a new local mirror but are caught through the group''s open extension' {
        Connect-HwTestGraph -Fake $fake | Out-Null
        $siteId = $fake.Send('site hwsefton.sharepoint.com /sites/mirrored')
        $group = $fake.Send('group 00000000-0000-4000-8000-0000000b0001 Healthwatch journal head')
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        $connect = @{ TenantId = '00000000-0000-4000-8000-00000000f4e1'; AccessToken = $secure; GraphEndpoint = $fake.BaseUrl
            StateSite = 'https://hwsefton.sharepoint.com/sites/mirrored' }
        Connect-HwDirectory @connect -HeadMirrorGroup $group | Out-Null
        New-HwOfficialAccount -Platform Instagram -Handle mirrored -Owner daniel.okafor@hwsefton.example `
            -ConsentBy sarah.whitfield@hwsefton.example -Reason 'Mirror test' | Out-Null
        (Grant-HwPostingAccess -Account instagram-mirrored -User rebecca.lloyd@hwsefton.example -Reason 'Covers events').Status | Should -Be 'Granted'
        $check = Test-HwAuditLog -Detailed
        $check.IsValid | Should -BeTrue
        $check.MirrorLocation | Should -Be "group $group, open extension org.healthwatch.journalHead"
        # The grant's outcome is the journal's last entry (after its write-ahead intent, decision 0150): the witness
        # names it, and it is the entry removed below.
        $grantEntry = Get-HwAuditLog -Last 1
        $grantEntry.Action | Should -Be 'PostingAccessGranted'
        $last = $grantEntry.Sequence
        $last | Should -BeGreaterThan 1
        $check.Witness | Should -BeLike "${last}:*"

        # Someone with write access to the library removes the grant's entry and the head.
        $fake.Send(("delete $siteId Documents HealthwatchPolicy/journal/{0:D12}.json" -f $last)) | Should -Be 'OK'
        $fake.Send("delete $siteId Documents HealthwatchPolicy/journal.head") | Should -Be 'OK'

        # A computer new to the journal, with only a local mirror, cannot know (trust on first use)...
        $env:HEALTHWATCHPOLICY_HEAD_MIRROR = Join-Path $env:HEALTHWATCHPOLICY_HEAD_MIRROR 'new-computer'
        Connect-HwDirectory @connect | Out-Null
        Test-HwAuditLog | Should -BeTrue
        # ...another new computer with the group's mirror does, and makes no change on the damaged journal.
        $env:HEALTHWATCHPOLICY_HEAD_MIRROR = Join-Path $env:HEALTHWATCHPOLICY_HEAD_MIRROR 'another'
        Connect-HwDirectory @connect -HeadMirrorGroup $group | Out-Null
        $bad = Test-HwAuditLog -Detailed
        $bad.IsValid | Should -BeFalse
        $bad.FirstBadSequence | Should -Be $last
        $bad.Problem | Should -BeLike '*org.healthwatch.journalHead*'
        $err = { Revoke-HwPostingAccess -Account instagram-mirrored -User rebecca.lloyd@hwsefton.example -Reason 'after' -Confirm:$false } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'JournalCorrupt,*'
        @(Get-HwPostingAccess -Account instagram-mirrored).User | Should -Be 'rebecca.lloyd@hwsefton.example'
    }
}

Describe 'The monthly job on the shared store (Invoke-HwMonthlyAccessReview.ps1 -StateSite)' -Tag 'Graph', 'Scenario', 'Review' {
    It 'signs in with the managed identity and writes the month''s review into the SharePoint site every admin uses' {
        Connect-HwTestGraph -Fake $fake | Out-Null
        $siteId = $fake.Send('site hwsefton.sharepoint.com /sites/monthly')
        $site = 'https://hwsefton.sharepoint.com/sites/monthly'
        $mi = $fake.Send('signin') | ConvertFrom-Json
        $script = Join-Path (Split-Path (Get-HwBuiltManifest)) 'Invoke-HwMonthlyAccessReview.ps1'
        $work = Join-Path $TestDrive 'job'
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = '$($mi.IdentityEndpoint)'; `$env:IDENTITY_HEADER = '$($mi.IdentityHeader)'; " +
            "& '$script' -ManagedIdentity -GraphEndpoint '$($fake.BaseUrl)' -StateSite '$site' -From daniel.okafor@hwsefton.example " +
            "-LogPath '$work/logs' -ReportPath '$work/reports'; exit `$LASTEXITCODE")
        $r.ExitCode | Should -BeIn 0, 2 -Because ($r.Output -join "`n")
        ($r.Output -join "`n") | Should -Match 'Compliance: '
        $period = [DateTime]::UtcNow.ToString('yyyy-MM')
        $review = $fake.Send("file $siteId Documents HealthwatchPolicy/reviews/$period.json") | ConvertFrom-Json
        $review | Should -Not -BeNullOrEmpty -Because 'the job''s review lives in the shared site'
        ($review | ConvertFrom-Json).Period | Should -Be $period

        # An admin on the same site sees the job's review and journal.
        $secure = ConvertTo-SecureString (Get-HwTestGraphToken) -AsPlainText -Force
        Connect-HwDirectory -TenantId 00000000-0000-4000-8000-00000000f4e1 -AccessToken $secure -GraphEndpoint $fake.BaseUrl -StateSite $site | Out-Null
        (Get-HwAccessReview -Period $period).Period | Should -Be $period
        Test-HwAuditLog | Should -BeTrue
    }
}
