# Azure Automation (issue 18, item 2): deploy/automation/main.bicep compiles and lints clean with the Bicep CLI from
# NuGet (tools/Bicep restores Azure.Bicep.CommandLine.linux-x64), and the runbook runs as the service runs it: a
# fresh pwsh with the module on its PSModulePath (the runtime environment's package), IDENTITY_ENDPOINT and
# IDENTITY_HEADER naming the loopback managed-identity endpoint of the fake Graph host (the App Service protocol
# Azure Automation uses: GET ?api-version=2019-08-01&resource=... with X-IDENTITY-HEADER), and the state in the
# shared store (the fake Graph's SharePoint drive).
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    $repoRoot = Get-HwRepoRoot
    $template = Join-Path $repoRoot 'deploy/automation/main.bicep'
    $runbook = Join-Path $repoRoot 'deploy/automation/Invoke-HwAutomationRunbook.ps1'

    # The Bicep CLI from NuGet: restore tools/Bicep, then the binary inside the package.
    function Get-HwBicep {
        $project = Join-Path $repoRoot 'tools/Bicep/Bicep.csproj'
        & dotnet restore $project --nologo -v quiet | Out-Null
        if ($LASTEXITCODE) { throw "dotnet restore $project failed." }
        $version = ([xml](Get-Content -Raw $project)).Project.PropertyGroup.BicepVersion
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
            ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
        }
        $bicep = Join-Path $packages "azure.bicep.commandline.linux-x64/$version/tools/bicep"
        if (-not (Test-Path $bicep)) { throw "The Bicep CLI was not restored: $bicep" }
        if ($IsLinux -or $IsMacOS) { & chmod u+x $bicep }
        $bicep
    }
}

Describe 'deploy/automation/main.bicep' -Tag 'Deploy' {
    BeforeAll {
        $bicep = Get-HwBicep
        $outDir = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'arm')
        $buildOutput = & $bicep build $template --outdir $outDir 2>&1 | ForEach-Object { "$_" }
        $buildExit = $LASTEXITCODE
        $lintOutput = & $bicep lint $template 2>&1 | ForEach-Object { "$_" }
        $lintExit = $LASTEXITCODE
        $arm = Get-Content -Raw (Join-Path $outDir 'main.json') -ErrorAction SilentlyContinue | ConvertFrom-Json -AsHashtable
    }

    It 'builds and lints with exit code 0 and no warning or error' {
        $buildExit | Should -Be 0 -Because ($buildOutput -join "`n")
        $buildOutput | Should -Not -Match '(Warning|Error) BCP|Warning|Error'
        $lintExit | Should -Be 0 -Because ($lintOutput -join "`n")
        $lintOutput | Should -Not -Match 'Warning|Error'
        $arm | Should -Not -BeNullOrEmpty
    }

    It 'creates the account with a system-assigned identity, a PowerShell 7.4 runtime environment with the package, the runbook in it, daily and monthly schedules and the variables' {
        # languageVersion 2.0 templates keep resources by symbolic name; older ones in an array.
        $resources = if ($arm.resources -is [System.Collections.IDictionary]) { @($arm.resources.Values) } else { @($arm.resources) }
        function Get-Resource([string] $Type) { , @($resources | Where-Object { $_.type -eq $Type }) }
        $account = Get-Resource 'Microsoft.Automation/automationAccounts'
        $account.Count | Should -Be 1
        $account[0].identity.type | Should -Be 'SystemAssigned'
        $runtime = Get-Resource 'Microsoft.Automation/automationAccounts/runtimeEnvironments'
        $runtime[0].properties.runtime.language | Should -Be 'PowerShell'
        $runtime[0].properties.runtime.version | Should -Be '7.4'
        $package = Get-Resource 'Microsoft.Automation/automationAccounts/runtimeEnvironments/packages'
        $package[0].properties.contentLink.uri | Should -Match 'modulePackageUri'
        $rb = Get-Resource 'Microsoft.Automation/automationAccounts/runbooks'
        $rb[0].properties.runbookType | Should -Be 'PowerShell'
        $rb[0].properties.runtimeEnvironment | Should -Match 'runtimeEnvironmentName'
        $schedules = Get-Resource 'Microsoft.Automation/automationAccounts/schedules'
        @($schedules.properties.frequency) | Sort-Object | Should -Be @('Day', 'Month')
        @((Get-Resource 'Microsoft.Automation/automationAccounts/jobSchedules').properties.parameters.Mode) | Sort-Object | Should -Be @('Daily', 'Monthly')
        $variables = Get-Resource 'Microsoft.Automation/automationAccounts/variables'
        $variables[0].copy.count | Should -Match "items\(variables\(.variables.\)\)"
        foreach ($name in 'HwTenantId', 'HwStateSite', 'HwMailFrom') { $arm.variables.variables.Keys | Should -Contain $name }
    }

    It 'outputs the managed identity and the least Graph application permissions of the unattended job (docs/graph-permissions.md)' {
        $arm.outputs.Keys | Should -Contain 'managedIdentityPrincipalId'
        $arm.outputs.Keys | Should -Contain 'adminMustStillGrant'
        $granted = @($arm.outputs.graphApplicationPermissions.value) | Sort-Object
        # The Update-HwAccessReview row of the permissions table (Mail.Send and Mail.ReadWrite are scoped to the
        # mailbox in Exchange, not granted in Entra), plus Sites.Selected for the shared store.
        $row = (Get-Content (Join-Path $repoRoot 'docs/graph-permissions.md') | Where-Object { $_.StartsWith('| `Update-HwAccessReview`') }) -split '\|'
        $fromDocs = @([regex]::Matches($row[3], '[A-Z][A-Za-z]+(\.[A-Za-z]+)+') | ForEach-Object Value | Where-Object { $_ -notin 'Mail.Send', 'Mail.ReadWrite' }) + 'Sites.Selected'
        $granted | Should -Be ($fromDocs | Sort-Object -Unique)
        $granted | Should -Not -Contain 'Directory.ReadWrite.All'
        $granted | Should -Not -Contain 'Group.ReadWrite.All'
    }
}

Describe 'The runbook under a managed identity, against the fake Graph, state in the shared store' -Tag 'Deploy', 'Graph' {
    BeforeAll { $fake = Start-HwFakeGraph }
    AfterAll { if ($fake) { Stop-HwFakeGraph $fake } }

    It 'Daily runs the review job and leaves the journal in the SharePoint site; Monthly verifies that journal' {
        Connect-HwTestGraph -Fake $fake | Out-Null          # the sample tenant in the fake
        Disconnect-HwDirectory
        $siteId = $fake.Send('site hwsefton.sharepoint.com /sites/automation')
        $site = 'https://hwsefton.sharepoint.com/sites/automation'
        $mi = $fake.Send('signin') | ConvertFrom-Json
        $modules = Split-Path (Split-Path (Split-Path (Get-HwBuiltManifest)))   # out/, which holds HealthwatchPolicy/<version>
        # As the sandbox: the identity variables in the environment, the runtime environment's modules on PSModulePath,
        # Get-AutomationVariable answering the account's variables (here: the sandbox cmdlet's stand-in, a function).
        # A sandbox has no lasting disk: the local head mirror (decision 0155) lives and dies with this test, never in
        # this machine's profile, where an earlier run against the same fake site URL would read as a rewritten journal.
        $mirrors = Join-Path $TestDrive 'sandbox-head-mirrors'
        $prelude = "`$env:HEALTHWATCHPOLICY_HEAD_MIRROR = '$mirrors'; " +
            "`$env:IDENTITY_ENDPOINT = '$($mi.IdentityEndpoint)'; `$env:IDENTITY_HEADER = '$($mi.IdentityHeader)'; " +
            "`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath; " +
            "function Get-AutomationVariable([string] `$Name) { @{ HwStateSite = '$site'; HwMailFrom = 'daniel.okafor@hwsefton.example' }[`$Name] }; "
        $daily = Invoke-HwChildPwsh -Command ($prelude + "& '$runbook' -Mode Daily -GraphEndpoint '$($fake.BaseUrl)'")
        $dailyText = $daily.Output -join "`n"
        $daily.ExitCode | Should -Be 0 -Because $dailyText
        $dailyText | Should -Match "HealthwatchPolicy .* \(Daily\) on $([regex]::Escape($site))"
        $dailyText | Should -Match 'Compliance: '
        # The managed-identity endpoint was asked, with the App Service protocol, and its token reached Graph.
        $signins = $fake.Send('signins') | ConvertFrom-Json
        @($signins.Requests | Where-Object { $_.Path -like '*/msi/token' -and $_.Status -eq 200 }).Count | Should -BeGreaterThan 0
        ($fake.Send('auth') | ConvertFrom-Json) | Should -Contain "Bearer $(@($signins.Tokens)[-1])"

        # The journal (its head and entries) and the month's review are in the site's library.
        $head = $fake.Send("file $siteId Documents HealthwatchPolicy/journal.head")
        $head | Should -Not -Be 'null' -Because 'the job''s journal lives in the shared site'
        $period = [DateTime]::UtcNow.ToString('yyyy-MM')
        $fake.Send("file $siteId Documents HealthwatchPolicy/reviews/$period.json") | Should -Not -Be 'null'

        $monthly = Invoke-HwChildPwsh -Command ($prelude + "& '$runbook' -Mode Monthly -GraphEndpoint '$($fake.BaseUrl)'")
        $monthlyText = $monthly.Output -join "`n"
        $monthly.ExitCode | Should -Be 0 -Because $monthlyText
        $monthlyText | Should -Match 'Journal: verified \(([1-9]\d*) entries\)'
        $monthlyText | Should -Match 'Compliance: '
    }

    It 'stops with a clear error when the sandbox has no managed identity' {
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = `$null; `$env:IDENTITY_HEADER = `$null; & '$runbook' -Mode Daily -StateSite https://hwsefton.sharepoint.com/sites/x")
        $r.ExitCode | Should -Not -Be 0
        ($r.Output -join "`n") | Should -Match 'No managed identity in this sandbox'
    }
}

# Many organisations on Azure Automation (issue 18, item 3; docs/decisions/0193): main.bicep with deployOrganisations
# adds deploy/automation/organisations.bicep as a nested deployment: the blob container of the summary documents,
# write access to that container only for the account's identity, the tenants file in HwTenants, and the
# organisations runbook on its own schedule. The example parameters file turns it on and loads the example tenants file.
Describe 'deploy/automation/main.bicep with deployOrganisations (organisations.bicep)' -Tag 'Deploy' {
    BeforeAll {
        $bicep = Get-HwBicep
        $paramsFile = Join-Path $repoRoot 'deploy/automation/organisations.example.bicepparam'
        $outDir = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'arm-organisations')
        $buildOutput = & $bicep build $template --outdir $outDir 2>&1 | ForEach-Object { "$_" }
        $buildExit = $LASTEXITCODE
        $paramsOutput = & $bicep build-params $paramsFile --outfile (Join-Path $outDir 'parameters.json') 2>&1 | ForEach-Object { "$_" }
        $paramsExit = $LASTEXITCODE
        $lintOutput = @(foreach ($file in (Join-Path $repoRoot 'deploy/automation/organisations.bicep'), $paramsFile) {
                & $bicep lint $file 2>&1 | ForEach-Object { "$_" }
                if ($LASTEXITCODE) { "lint $file exited with $LASTEXITCODE" }
            })
        $arm = Get-Content -Raw (Join-Path $outDir 'main.json') -ErrorAction SilentlyContinue | ConvertFrom-Json -AsHashtable
        $parameters = (Get-Content -Raw (Join-Path $outDir 'parameters.json') -ErrorAction SilentlyContinue | ConvertFrom-Json -AsHashtable).parameters
        function Get-Resources($Template) {
            if ($Template.resources -is [System.Collections.IDictionary]) { @($Template.resources.Values) } else { @($Template.resources) }
        }
        $deployment = @(Get-Resources $arm | Where-Object { $_.type -eq 'Microsoft.Resources/deployments' })
        $nested = if ($deployment) { Get-Resources $deployment[0].properties.template } else { @() }
        function Get-Nested([string] $Type) { , @($nested | Where-Object { $_.type -eq $Type }) }
    }

    It 'builds, builds the example parameters and lints the module and the parameters file with no warning or error' {
        $buildExit | Should -Be 0 -Because ($buildOutput -join "`n")
        $buildOutput | Should -Not -Match 'Warning|Error'
        $paramsExit | Should -Be 0 -Because ($paramsOutput -join "`n")
        $paramsOutput | Should -Not -Match 'Warning|Error'
        $lintOutput | Should -BeNullOrEmpty
        $parameters.deployOrganisations.value | Should -BeTrue
        # HwTenants gets the tenants file's text as it is on disk.
        $parameters.tenantsJson.value | Should -Be (Get-Content -Raw (Join-Path $repoRoot 'deploy/organisations/tenants.example.json'))
        $parameters.organisationsFrequency.value | Should -Be 'Week'
    }

    It 'is off by default: the nested deployment is conditional on deployOrganisations, which defaults to false' {
        $arm.parameters.deployOrganisations.defaultValue | Should -BeFalse
        $deployment.Count | Should -Be 1
        $deployment[0].condition | Should -Be "[parameters('deployOrganisations')]"
        $deployment[0].dependsOn -join ' ' | Should -Match 'runtimeEnvironments/packages'
    }

    It 'creates a StorageV2 account without shared keys or public blobs, TLS 1.2 and https only, and a private container organisation-summaries' {
        $storage = Get-Nested 'Microsoft.Storage/storageAccounts'
        $storage.Count | Should -Be 1
        $storage[0].kind | Should -Be 'StorageV2'
        $storage[0].properties.allowSharedKeyAccess | Should -BeFalse
        $storage[0].properties.allowBlobPublicAccess | Should -BeFalse
        $storage[0].properties.minimumTlsVersion | Should -Be 'TLS1_2'
        $storage[0].properties.supportsHttpsTrafficOnly | Should -BeTrue
        $container = Get-Nested 'Microsoft.Storage/storageAccounts/blobServices/containers'
        $container.Count | Should -Be 1
        $container[0].name | Should -Match 'organisation-summaries|containerName'
        $deployment[0].properties.template.variables.containerName | Should -Be 'organisation-summaries'
        $container[0].properties.publicAccess | Should -Be 'None'
    }

    It 'gives the Automation account''s system-assigned identity Storage Blob Data Contributor on the container only' {
        $assignment = Get-Nested 'Microsoft.Authorization/roleAssignments'
        $assignment.Count | Should -Be 1
        $deployment[0].properties.template.variables.blobDataContributor | Should -Be 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
        $assignment[0].properties.roleDefinitionId | Should -Be "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('blobDataContributor'))]"
        $assignment[0].properties.principalType | Should -Be 'ServicePrincipal'
        $assignment[0].properties.principalId | Should -Be "[parameters('principalId')]"
        # The principal is the account's own identity, handed to the module by main.bicep.
        $deployment[0].properties.parameters.principalId.value | Should -Match "automationAccounts.*identity\.principalId"
        # Scoped to the container (not the account, the resource group or the subscription).
        $assignment[0].scope | Should -Match "^\[resourceId\('Microsoft\.Storage/storageAccounts/blobServices/containers'"
    }

    It 'holds the tenants file and the container in variables and runs the organisations runbook on its schedule with SummaryContainer and ThrottleLimit' {
        $variables = Get-Nested 'Microsoft.Automation/automationAccounts/variables'
        @($variables | ForEach-Object { $_.name }) -join ' ' | Should -Match 'HwTenants'
        @($variables | ForEach-Object { $_.name }) -join ' ' | Should -Match 'HwSummaryContainer'
        ($variables | Where-Object { $_.name -match 'HwTenants' }).properties.value | Should -Match "tenantsValue"
        $deployment[0].properties.parameters.tenantsJson.value | Should -Be "[parameters('tenantsJson')]"

        $runbook = Get-Nested 'Microsoft.Automation/automationAccounts/runbooks'
        $runbook.Count | Should -Be 1
        $deployment[0].properties.template.variables.runbookName | Should -Be 'Invoke-HwOrganisationsRunbook'
        $runbook[0].properties.runbookType | Should -Be 'PowerShell'
        $runbook[0].properties.runtimeEnvironment | Should -Be "[parameters('runtimeEnvironmentName')]"
        $runbook[0].properties.publishContentLink.uri | Should -Be "[parameters('organisationsRunbookUri')]"

        $schedule = Get-Nested 'Microsoft.Automation/automationAccounts/schedules'
        $schedule.Count | Should -Be 1
        $schedule[0].properties.frequency | Should -Be "[parameters('frequency')]"
        $deployment[0].properties.template.parameters.frequency.allowedValues | Should -Be @('Day', 'Week')
        $link = Get-Nested 'Microsoft.Automation/automationAccounts/jobSchedules'
        $link.Count | Should -Be 1
        $link[0].properties.runbook.name | Should -Be "[variables('runbookName')]"
        $link[0].properties.schedule.name | Should -Be 'HealthwatchPolicy-organisations'
        $schedule[0].name | Should -Match 'HealthwatchPolicy-organisations'
        @($link[0].properties.parameters.Keys) | Sort-Object | Should -Be @('HomeTenantId', 'SummaryContainer', 'ThrottleLimit')
        $link[0].properties.parameters.HomeTenantId | Should -Be '[tenant().tenantId]' -Because 'the managed identity signs in to the deployment''s own tenant only'
        $link[0].properties.parameters.SummaryContainer | Should -Match 'primaryEndpoints\.blob'
    }

    It 'outputs the container address and, per organisation, what its tenant''s admin must grant (the managed identity in its own tenant only)' {
        $arm.outputs.Keys | Should -Contain 'summaryContainerUri'
        $arm.outputs.adminMustStillGrant.value | Should -Match "outputs\.adminMustStillGrant"
        $grant = $deployment[0].properties.template.outputs.adminMustStillGrant.value
        $grant | Should -Match "map\(variables\('organisations'\)"
        $grant | Should -Match 'its own tenant'
        $grant | Should -Match 'multi-tenant app'
        $grant | Should -Match 'certificate'
        $grant | Should -Match 'Sites\.Selected'
    }
}

Describe 'deploy/automation/Invoke-HwOrganisationsRunbook.ps1' -Tag 'Deploy' {
    BeforeAll { $orgRunbook = Join-Path $repoRoot 'deploy/automation/Invoke-HwOrganisationsRunbook.ps1' }

    It 'parses without error' {
        $tokens = $null; $errors = $null
        [System.Management.Automation.Language.Parser]::ParseFile($orgRunbook, [ref] $tokens, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }

    It 'stops with a clear error when the sandbox has no managed identity' {
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = `$null; `$env:IDENTITY_HEADER = `$null; " +
            "& '$orgRunbook' -TenantsJson '{""organisations"":[]}' -SummaryContainer https://acct.blob.core.windows.net/organisation-summaries")
        $r.ExitCode | Should -Not -Be 0
        ($r.Output -join "`n") | Should -Match 'No managed identity in this sandbox'
    }

    It 'names the Automation variable it needs when neither it nor the parameter is there' {
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = 'http://127.0.0.1:9/msi/token'; `$env:IDENTITY_HEADER = 'h'; " +
            "function Get-AutomationVariable([string] `$Name) { `$null }; " +
            "& '$orgRunbook' -SummaryContainer https://acct.blob.core.windows.net/organisation-summaries")
        $r.ExitCode | Should -Not -Be 0
        ($r.Output -join "`n") | Should -Match "Automation variable 'HwTenants'"
    }

    It 'runs the organisations runner that ships in the built module (build.ps1 copies it to the module root)' {
        $shipped = Join-Path (Split-Path (Get-HwBuiltManifest)) 'Invoke-HwOrganisations.ps1'
        $shipped | Should -Exist
        (Get-FileHash $shipped).Hash | Should -Be (Get-FileHash (Join-Path $repoRoot 'deploy/organisations/Invoke-HwOrganisations.ps1')).Hash
        Get-Content -Raw $orgRunbook | Should -Match "Join-Path \`$module\.ModuleBase 'Invoke-HwOrganisations\.ps1'"
    }

    It 'refuses an HwTenants or HwSummaryContainer variable of the wrong type, naming the variable and never its value' {
        foreach ($case in @(
                @{ Answer = '@{ HwTenants = 42; HwSummaryContainer = ''https://acct.blob.core.windows.net/organisation-summaries'' }'; Expect = "The Automation variable 'HwTenants' is a Int32; it must be a string" }
                @{ Answer = '@{ HwTenants = ''{"organisations":[{"name":"A"}]}''; HwSummaryContainer = @{ uri = ''https://acct.blob.core.windows.net/organisation-summaries?sig=SASSECRET999'' } }'; Expect = "The Automation variable 'HwSummaryContainer' is a Hashtable; it must be a string \(the address\)" })) {
            $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = 'http://127.0.0.1:9/msi/token'; `$env:IDENTITY_HEADER = 'h'; " +
                "function Get-AutomationVariable([string] `$Name) { ($($case.Answer))[`$Name] }; " +
                "try { & '$orgRunbook' } catch { 'ERROR: ' + `$_.Exception.Message; exit 1 }")
            $r.ExitCode | Should -Not -Be 0
            ($r.Output -join "`n") | Should -Match $case.Expect
            foreach ($line in $r.Output) { $line | Should -Not -Match 'SASSECRET999' }
        }
    }

    It 'refuses a ThrottleLimit out of 1 to 64, naming it, before any organisation runs' {
        foreach ($limit in 0, 65) {
            $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = 'http://127.0.0.1:9/msi/token'; `$env:IDENTITY_HEADER = 'h'; " +
                "try { & '$orgRunbook' -TenantsJson '{""organisations"":[{""name"":""A""}]}' -SummaryContainer https://acct.blob.core.windows.net/organisation-summaries -ThrottleLimit $limit } " +
                "catch { 'ERROR: ' + `$_.Exception.Message; exit 1 }")
            $r.ExitCode | Should -Not -Be 0
            ($r.Output -join "`n") | Should -Match "ERROR: .*parameter 'ThrottleLimit'.*(minimum|maximum) allowed range of (1|64)"
            ($r.Output -join "`n") | Should -Not -Match 'HealthwatchPolicy \d+\.\d+\.\d+: organisations' -Because 'nothing started'
        }
    }

}

Describe 'The organisations runbook under a managed identity: Graph from the fake host, summaries in a Blob container (Azurite)' -Tag 'Deploy', 'Graph', 'Azurite' {
    BeforeAll {
        $orgRunbook = Join-Path $repoRoot 'deploy/automation/Invoke-HwOrganisationsRunbook.ps1'
        $fake = Start-HwFakeGraph
        $azurite = Start-HwAzurite -Path (Join-Path $TestDrive 'azurite')
        Connect-HwTestGraph -Fake $fake | Out-Null
        Disconnect-HwDirectory
        $mi = $fake.Send('signin') | ConvertFrom-Json
        $modules = Split-Path (Split-Path (Split-Path (Get-HwBuiltManifest)))   # out/, which holds HealthwatchPolicy/<version>
        $sandbox = @{ IDENTITY_ENDPOINT = $mi.IdentityEndpoint; IDENTITY_HEADER = $mi.IdentityHeader; SSL_CERT_FILE = $azurite.CertificateFile
            HEALTHWATCHPOLICY_HEAD_MIRROR = (Join-Path $TestDrive 'sandbox-head-mirrors') }
        # The container, as organisations.bicep creates it (plain REST with the identity's storage token).
        $container = "$($azurite.BlobEndpoint)/organisation-summaries"
        $token = (Invoke-RestMethod -Uri "$($mi.IdentityEndpoint)?api-version=2019-08-01&resource=$([uri]::EscapeDataString('https://storage.azure.com/'))" `
                -Headers @{ 'X-IDENTITY-HEADER' = $mi.IdentityHeader }).access_token
        $create = Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TOKEN = $token; HW_TEST_URL = $container }) -Command (
            '$h = [System.Net.Http.HttpClient]::new(); $q = [System.Net.Http.HttpRequestMessage]::new(''PUT'', $env:HW_TEST_URL + ''?restype=container''); ' +
            '$q.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new(''Bearer'', $env:HW_TEST_TOKEN); $q.Headers.Add(''x-ms-version'', ''2025-11-05''); ' +
            '[int]$h.SendAsync($q).GetAwaiter().GetResult().StatusCode')
        ($create.Output -join '') | Should -Be '201'
        $badPolicy = Join-Path $TestDrive 'broken-policy.yaml'
        Set-Content $badPolicy "apiVersion: healthwatch.policy/v1`nkind: [not a policy"

        # The sandbox: the module on PSModulePath, Get-AutomationVariable answering HwTenants and HwSummaryContainer.
        # A job that fails prints 'ERROR: <message>' on one line, then its whole error record (checked for secrets too).
        function Invoke-OrganisationsRunbook([object[]] $Organisations, [string] $Extra = '', [string] $Container = $container) {
            $tenants = @{ organisations = @($Organisations) } | ConvertTo-Json -Depth 4 -Compress
            Invoke-HwChildPwsh -Environment ($sandbox + @{ HW_TEST_TENANTS = $tenants; HW_TEST_CONTAINER = $Container }) -Command (
                "`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath; " +
                "function Get-AutomationVariable([string] `$Name) { @{ HwTenants = `$env:HW_TEST_TENANTS; HwSummaryContainer = `$env:HW_TEST_CONTAINER; HwTenantId = '00000000-0000-4000-8000-00000000f4e1' }[`$Name] }; " +
                "try { & '$orgRunbook' -ThrottleLimit 4 -GraphEndpoint '$($fake.BaseUrl)' $Extra } " +
                "catch { 'ERROR: ' + `$_.Exception.Message; `$_ | Format-List * -Force | Out-String -Width 4096; exit 1 }")
        }
        function New-Organisation([string] $Name, [string] $Policy) {
            $fake.Send("site hwsefton.sharepoint.com /sites/$Name") | Out-Null
            $o = @{ name = $Name; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = "https://hwsefton.sharepoint.com/sites/$Name" }
            if ($Policy) { $o.policyPath = $Policy }
            $o
        }
    }
    AfterAll {
        if ($azurite) { Stop-HwAzurite $azurite }
        if ($fake) { Stop-HwFakeGraph $fake }
    }

    It 'runs every organisation of HwTenants, writes each summary to HwSummaryContainer, names the one that failed, and succeeds' {
        $orgs = @(foreach ($i in 1..5) { New-Organisation ('auto-{0:00}' -f $i) $(if ($i -eq 3) { $badPolicy }) })
        $r = Invoke-OrganisationsRunbook $orgs
        $text = $r.Output -join "`n"
        $r.ExitCode | Should -Be 0 -Because $text
        foreach ($n in 'auto-01', 'auto-02', 'auto-04', 'auto-05') { $text | Should -Match "(?m)^${n}: ok$" }
        $text | Should -Match '(?m)^auto-03: FAILED: .*Policy'
        $text | Should -Match 'Organisations: 5, complete: 4, failed: 1'

        $read = Invoke-HwChildPwsh -Environment $sandbox -Command (
            "Import-Module '$(Get-HwBuiltManifest)'; Get-HwOrganisationSummary -ContainerUri '$container' -ManagedIdentity | ForEach-Object { '{0} {1} {2}' -f `$_.Organisation, `$_.WorstSeverity, `$_.Source }")
        $read.ExitCode | Should -Be 0 -Because ($read.Output -join "`n")
        $lines = @($read.Output | Where-Object { $_ -like 'auto-*' })
        $lines.Count | Should -Be 5
        $lines[0] | Should -BeLike "auto-03 Error $container/auto-03-*/*.json"
    }

    It 'passes HwTenantId as -HomeTenantId: an organisation of another tenant without an app fails on its own, unconnected; the others run' {
        $foreign = @{ name = 'auto-other-tenant'; tenantId = '11111111-2222-4333-8444-555555555555'; stateSite = 'https://hwsefton.sharepoint.com/sites/auto-other-tenant' }
        $r = Invoke-OrganisationsRunbook @((New-Organisation 'auto-home-1'), $foreign, (New-Organisation 'auto-home-2'))
        $text = $r.Output -join "`n"
        $r.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match '(?m)^auto-home-1: ok$'
        $text | Should -Match '(?m)^auto-home-2: ok$'
        $text | Should -Match ('(?m)^auto-other-tenant: FAILED: GraphConnectionIncomplete: A managed identity signs in to its own tenant ' +
            '\(00000000-0000-4000-8000-00000000f4e1\) only; for auto-other-tenant''s tenant 11111111-2222-4333-8444-555555555555 give clientId and certificateThumbprint')
        $text | Should -Match 'Organisations: 3, complete: 2, failed: 1'
    }

    It 'names the HwTenantId variable when neither it nor -HomeTenantId is there' {
        $r = Invoke-HwChildPwsh -Command ("`$env:IDENTITY_ENDPOINT = 'http://127.0.0.1:9/msi/token'; `$env:IDENTITY_HEADER = 'h'; " +
            "function Get-AutomationVariable([string] `$Name) { @{ HwTenants = '{""organisations"":[{""name"":""A""}]}'; HwSummaryContainer = 'https://acct.blob.core.windows.net/organisation-summaries' }[`$Name] }; " +
            "try { & '$orgRunbook' } catch { 'ERROR: ' + `$_.Exception.Message; exit 1 }")
        $r.ExitCode | Should -Not -Be 0
        ($r.Output -join "`n") | Should -Match "ERROR: The runbook needs the Automation variable 'HwTenantId'"
    }

    It 'fails the job when every organisation failed' {
        $r = Invoke-OrganisationsRunbook @((New-Organisation 'auto-bad-1' $badPolicy), (New-Organisation 'auto-bad-2' $badPolicy))
        $r.ExitCode | Should -Not -Be 0
        ($r.Output -join "`n") | Should -Match 'Every organisation failed'
    }

    It 'stops before any organisation runs when HwSummaryContainer or -SummaryContainer holds a SAS, naming which, and prints the SAS nowhere' {
        foreach ($case in @(
                @{ Container = "$($container)?sv=2024-11-04&sig=SASSECRET999"; Extra = ''; Expect = "The Automation variable 'HwSummaryContainer' must be the container's address without a query" }
                @{ Container = $container; Extra = "-SummaryContainer '$($container)?sv=2024-11-04&sig=SASSECRET999'"; Expect = "-SummaryContainer must be the container's address without a query" }
                @{ Container = ($container -replace '^https://', 'https://acct:SASSECRET999@'); Extra = ''; Expect = "'HwSummaryContainer' must be the container's address without a query, fragment or user name" }
                @{ Container = "$($container)#SASSECRET999"; Extra = ''; Expect = "'HwSummaryContainer' must be the container's address without a query, fragment or user name" })) {
            $requests = [int]$fake.Send('count')
            $signins = @(($fake.Send('signins') | ConvertFrom-Json).Requests).Count
            $r = Invoke-OrganisationsRunbook @((New-Organisation 'auto-sas-1'), (New-Organisation 'auto-sas-2')) -Extra $case.Extra -Container $case.Container
            $text = $r.Output -join "`n"
            $r.ExitCode | Should -Not -Be 0 -Because $text
            $text | Should -Match ([regex]::Escape($case.Expect))
            $text | Should -Match ([regex]::Escape("('$container')")) -Because 'the address is shown without its query, fragment or user name'
            $text | Should -Match 'No organisation ran'
            foreach ($line in $r.Output) { $line | Should -Not -Match 'SASSECRET999' }
            $text | Should -Not -Match 'auto-sas-\d: (ok|FAILED)'
            [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation reached Graph'
            @(($fake.Send('signins') | ConvertFrom-Json).Requests).Count | Should -Be $signins -Because 'no organisation signed in'
        }
    }

    It 'prints one line per organisation: a name with a line break is refused up front, and an error with line breaks is one line' {
        $requests = [int]$fake.Send('count')
        $forged = @{ name = "Evil`nauto-forged: ok"; tenantId = '00000000-0000-4000-8000-00000000f4e1'; stateSite = 'https://hwsefton.sharepoint.com/sites/auto-nl-1' }
        $r = Invoke-OrganisationsRunbook @((New-Organisation 'auto-nl-1'), $forged)
        $r.ExitCode | Should -Not -Be 0
        $r.Output | Should -Not -Contain 'auto-forged: ok'
        ($r.Output -join "`n") | Should -Match "ERROR: .*organisations\[1\] \(entry 2\) whose name holds a control character.*'Evil\[U\+000A\]auto-forged: ok'"
        [int]$fake.Send('count') | Should -Be $requests -Because 'no organisation ran'

        # A policy file whose name holds line breaks: the organisation's error names it; the job prints it on one line.
        $multi = New-Organisation 'auto-nl-2' (Join-Path $TestDrive "missing`r`nauto-forged-2: ok`n.yaml")
        $r = Invoke-OrganisationsRunbook @((New-Organisation 'auto-nl-3'), $multi)
        $text = $r.Output -join "`n"
        $r.ExitCode | Should -Be 0 -Because $text
        $r.Output | Should -Contain 'auto-nl-3: ok'
        @($r.Output | Where-Object { $_ -like 'auto-nl-2: FAILED: *' }).Count | Should -Be 1
        ($r.Output | Where-Object { $_ -like 'auto-nl-2: FAILED: *' }) | Should -Match 'missing auto-forged-2: ok \.yaml'
        $r.Output | Should -Not -Contain 'auto-forged-2: ok'
        $r.Output | Where-Object { $_ -like 'auto-forged-2*' } | Should -BeNullOrEmpty
    }
}
