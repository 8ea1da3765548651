# Shared by the Pester suite: import the BUILT module through its manifest, as an admin would.
Set-StrictMode -Version Latest

function Get-HwRepoRoot { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }

function Get-HwBuiltManifest {
    if ($env:HW_MODULE_PATH) { return $env:HW_MODULE_PATH }
    $found = Get-ChildItem (Join-Path (Get-HwRepoRoot) 'out/HealthwatchPolicy/*/HealthwatchPolicy.psd1') -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if (-not $found) { throw 'The module is not built: run ./build.ps1 -Task Build first.' }
    $found.FullName
}

function Import-HwBuiltModule {
    if (-not (Get-Module HealthwatchPolicy)) { Import-Module (Get-HwBuiltManifest) -Global -ErrorAction Stop }
}

function Get-HwBundledPolicyPath { Join-Path (Split-Path (Get-HwBuiltManifest)) 'policy/social-media-policy.yaml' }

# Runs a script in a fresh pwsh (same PowerShell as this one) and returns its output lines. -Environment sets
# variables for the child only (a $null value removes one), e.g. @{ SSL_CERT_FILE = $azurite.CertificateFile }: they
# are set in this process around the call and put back after it.
function Invoke-HwChildPwsh {
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment = @{})
    $exe = [Environment]::ProcessPath
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $Command)
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pwshArgs = @((Join-Path $PSHOME 'pwsh.dll')) + $pwshArgs }
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $(if ($null -eq $Environment[$name]) { $null } else { [string]$Environment[$name] }))
    }
    try {
        $output = & $exe @pwshArgs 2>&1
        $exitCode = $LASTEXITCODE
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    [pscustomobject]@{ ExitCode = $exitCode; Output = @($output | ForEach-Object { "$_" }) }
}

Export-ModuleMember -Function Get-HwRepoRoot, Get-HwBuiltManifest, Import-HwBuiltModule, Get-HwBundledPolicyPath, Invoke-HwChildPwsh

# A fresh, writable copy of the sample organisation for each test that changes things.
function Connect-HwTestSample {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("hw-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    Connect-HwDirectory -Sample -Path $path
}
Export-ModuleMember -Function Connect-HwTestSample

# Starts a fresh pwsh running a script, without waiting; output goes to the returned process's streams.
# -Environment sets variables for the child only (a $null value removes one).
function Start-HwChildPwsh {
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment = @{})
    $exe = [Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { $null = $psi.Environment.Remove($name) } else { $psi.Environment[$name] = [string]$Environment[$name] }
    }
    [System.Diagnostics.Process]::Start($psi)
}
Export-ModuleMember -Function Start-HwChildPwsh

# ---------------------------------------------------------------------------------------------------------------
# The fake Microsoft Graph (tests/HealthwatchPolicy.FakeGraph.Host) as a child process, for running the cmdlets on
# the Graph adapter. build.ps1 sets HW_FAKEGRAPH_HOST to the host dll it built.

# The bearer token the Graph tests connect with; Secrets.Tests.ps1 greps every output for it.
$script:HwTestGraphToken = 'hw-secret-token-7Qz9'
$script:HwTestGraphTenant = '00000000-0000-4000-8000-00000000f4e1'
function Get-HwTestGraphToken { $script:HwTestGraphToken }

function Get-HwFakeGraphHostPath {
    if ($env:HW_FAKEGRAPH_HOST) {
        if (-not (Test-Path $env:HW_FAKEGRAPH_HOST)) { throw "HW_FAKEGRAPH_HOST names '$($env:HW_FAKEGRAPH_HOST)', which does not exist." }
        return (Resolve-Path $env:HW_FAKEGRAPH_HOST).Path
    }
    foreach ($configuration in 'Release', 'Debug') {
        $dll = Join-Path (Get-HwRepoRoot) "tests/HealthwatchPolicy.FakeGraph.Host/bin/$configuration/net10.0/HealthwatchPolicy.FakeGraph.Host.dll"
        if (Test-Path $dll) { return $dll }
    }
    throw 'The fake Graph host is not built: run dotnet build tests/HealthwatchPolicy.FakeGraph.Host -c Release (build.ps1 -Task Test does).'
}

# Starts the fake Graph. Returns BaseUrl, Process, and Send('command') which answers the host's one reply line.
function Start-HwFakeGraph {
    param([int] $TimeoutSeconds = 60)
    $dll = Get-HwFakeGraphHostPath
    $exe = [Environment]::ProcessPath
    if ((Split-Path -Leaf $exe) -notlike 'dotnet*') { $exe = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    $psi.ArgumentList.Add($dll)
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.Environment['DOTNET_NOLOGO'] = '1'
    $process = [System.Diagnostics.Process]::Start($psi)
    $stderr = $process.StandardError.ReadToEndAsync()   # drained in the background, shown if the host fails
    $ready = $process.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait([TimeSpan]::FromSeconds($TimeoutSeconds)) -or -not $ready.Result -or -not $ready.Result.StartsWith('READY ')) {
        $got = if ($ready.IsCompleted) { $ready.Result } else { '(nothing)' }
        try { $process.Kill($true) } catch { }
        $process.WaitForExit(5000) | Out-Null
        $err = if ($stderr.Wait(2000)) { $stderr.Result } else { '' }
        throw "The fake Graph host did not say READY within $TimeoutSeconds s (got: $got). $err"
    }
    $fake = [pscustomobject]@{
        PSTypeName = 'HwTest.FakeGraph'
        BaseUrl    = $ready.Result.Substring(6).Trim()
        Process    = $process
        Stderr     = $stderr
    }
    # One command line in, one reply line out; a reply starting 'ERR ' throws.
    $fake | Add-Member -MemberType ScriptMethod -Name Send -Value {
        param([string] $Line, [int] $TimeoutSeconds = 30)
        if ($this.Process.HasExited) { throw "The fake Graph host has exited (code $($this.Process.ExitCode)). $($this.Stderr.Result)" }
        $this.Process.StandardInput.WriteLine($Line)
        $this.Process.StandardInput.Flush()
        $reply = $this.Process.StandardOutput.ReadLineAsync()
        if (-not $reply.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) { throw "The fake Graph host did not answer '$Line' within $TimeoutSeconds s." }
        if ($null -eq $reply.Result) { throw "The fake Graph host closed its output while answering '$Line'." }
        if ($reply.Result.StartsWith('ERR ')) { throw "The fake Graph host refused '$Line': $($reply.Result.Substring(4))" }
        $reply.Result
    }
    $fake
}

# Stops a fake started by Start-HwFakeGraph (quit, then kill if it does not exit).
function Stop-HwFakeGraph {
    param([Parameter(ValueFromPipeline)] $Fake)
    process {
        if (-not $Fake -or -not $Fake.Process) { return }
        $p = $Fake.Process
        if (-not $p.HasExited) {
            try { $p.StandardInput.WriteLine('quit'); $p.StandardInput.Close() } catch { }
            if (-not $p.WaitForExit(10000)) {
                try { $p.Kill($true) } catch { }
                $p.WaitForExit(5000) | Out-Null
            }
        }
        $p.Dispose()
    }
}

# Connects the module to the fake Graph holding a fresh copy of the BUILT module's sample organisation, with a
# fresh state folder holding the sample's journal: the Graph twin of Connect-HwTestSample.
function Connect-HwTestGraph {
    param([Parameter(Mandatory)] $Fake, [string] $PolicyPath)
    $root = Join-Path ([IO.Path]::GetTempPath()) ('hw-pester-graph-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    # The module's own sample copy: its sign-in and leave dates are moved to today (decision 0174), so the fake Graph
    # serves the same poster facts as Connect-HwTestSample and both adapters find the same.
    Connect-HwDirectory -Sample -Path $root | Out-Null
    $state = Get-Item (Join-Path $root 'state')
    $Fake.Send('faults reset') | Out-Null
    $Fake.Send("load $(Join-Path $root 'directory.json')") | Out-Null
    $secure = ConvertTo-SecureString $script:HwTestGraphToken -AsPlainText -Force
    $connect = @{ TenantId = $script:HwTestGraphTenant; AccessToken = $secure; GraphEndpoint = $Fake.BaseUrl; StatePath = $state.FullName }
    if ($PolicyPath) { $connect.PolicyPath = $PolicyPath }
    Connect-HwDirectory @connect
}
Export-ModuleMember -Function Get-HwTestGraphToken, Get-HwFakeGraphHostPath, Start-HwFakeGraph, Stop-HwFakeGraph, Connect-HwTestGraph

# ---- -WhatIf text, captured (issue 14 item 6) -------------------------------------------------------------------
# The host writes "What if:" itself, past every stream: redirection cannot catch it, so a test that ran a cmdlet with
# -WhatIf left a stray line in the Pester output and could not assert on it. Invoke-HwWhatIf runs the command in a
# second runspace of this process whose host records what it is asked to write. The module's connection is
# process-wide, so the command sees the same directory as the test.

class HwCapturingHostUI : System.Management.Automation.Host.PSHostUserInterface {
    [System.Collections.Generic.List[string]] $Lines = [System.Collections.Generic.List[string]]::new()
    hidden [System.Text.StringBuilder] $Pending = [System.Text.StringBuilder]::new()
    [System.Management.Automation.Host.PSHostRawUserInterface] get_RawUI() { return $null }
    [string] ReadLine() { throw 'The capturing host reads nothing.' }
    [System.Security.SecureString] ReadLineAsSecureString() { throw 'The capturing host reads nothing.' }
    [void] Write([string] $value) { $null = $this.Pending.Append($value) }
    [void] Write([System.ConsoleColor] $f, [System.ConsoleColor] $b, [string] $value) { $null = $this.Pending.Append($value) }
    [void] WriteLine([string] $value) { $null = $this.Pending.Append($value); $this.Lines.Add($this.Pending.ToString()); $null = $this.Pending.Clear() }
    [void] WriteErrorLine([string] $value) { $this.Lines.Add($value) }
    [void] WriteDebugLine([string] $value) { }
    [void] WriteProgress([long] $id, [System.Management.Automation.ProgressRecord] $record) { }
    [void] WriteVerboseLine([string] $value) { }
    [void] WriteWarningLine([string] $value) { }
    [System.Collections.Generic.Dictionary[string, psobject]] Prompt([string] $caption, [string] $message,
        [System.Collections.ObjectModel.Collection[System.Management.Automation.Host.FieldDescription]] $descriptions) { throw 'The capturing host prompts for nothing.' }
    [int] PromptForChoice([string] $caption, [string] $message,
        [System.Collections.ObjectModel.Collection[System.Management.Automation.Host.ChoiceDescription]] $choices, [int] $defaultChoice) { throw 'The capturing host prompts for nothing.' }
    [System.Management.Automation.PSCredential] PromptForCredential([string] $caption, [string] $message, [string] $userName, [string] $targetName) { throw 'The capturing host prompts for nothing.' }
    [System.Management.Automation.PSCredential] PromptForCredential([string] $caption, [string] $message, [string] $userName, [string] $targetName,
        [System.Management.Automation.PSCredentialTypes] $allowedCredentialTypes, [System.Management.Automation.PSCredentialUIOptions] $options) { throw 'The capturing host prompts for nothing.' }
}

class HwCapturingHost : System.Management.Automation.Host.PSHost {
    hidden [HwCapturingHostUI] $CapturingUI = [HwCapturingHostUI]::new()
    hidden [guid] $Id = [guid]::NewGuid()
    [string] get_Name() { return 'HwCapturingHost' }
    [version] get_Version() { return [version]'1.0' }
    [guid] get_InstanceId() { return $this.Id }
    [System.Management.Automation.Host.PSHostUserInterface] get_UI() { return $this.CapturingUI }
    [System.Globalization.CultureInfo] get_CurrentCulture() { return [System.Globalization.CultureInfo]::InvariantCulture }
    [System.Globalization.CultureInfo] get_CurrentUICulture() { return [System.Globalization.CultureInfo]::InvariantCulture }
    [void] SetShouldExit([int] $exitCode) { }
    [void] EnterNestedPrompt() { throw 'No nested prompts.' }
    [void] ExitNestedPrompt() { }
    [void] NotifyBeginApplication() { }
    [void] NotifyEndApplication() { }
}

<#
.SYNOPSIS
    Runs $ScriptBlock (a command with -WhatIf) with the built module in a runspace whose host output is captured.
    $Variables become variables there (the block cannot see the test's own). Returns Output (the pipeline's objects),
    WhatIf (the "What if:" lines), HostLines (everything the host was asked to write) and Errors (the error records).
#>
function Invoke-HwWhatIf {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [hashtable] $Variables = @{})
    $capturing = [HwCapturingHost]::new()
    $iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $iss.ImportPSModule([string[]] @(Get-HwBuiltManifest))
    $runspace = [System.Management.Automation.Runspaces.RunspaceFactory]::CreateRunspace($capturing, $iss)
    $runspace.Open()
    try {
        foreach ($name in $Variables.Keys) { $runspace.SessionStateProxy.SetVariable($name, $Variables[$name]) }
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript($ScriptBlock.ToString())
        $output = $ps.Invoke()
        $lines = @($capturing.CapturingUI.Lines)
        [pscustomobject]@{
            Output    = @($output)
            WhatIf    = @($lines | Where-Object { $_ -like 'What if:*' })
            HostLines = $lines
            Errors    = @($ps.Streams.Error)
        }
    }
    finally {
        $runspace.Dispose()
    }
}
Export-ModuleMember -Function Invoke-HwWhatIf

# Real objects of the output types added after issue 14 (exceptions and report changes, lifecycle sync and pauses,
# decisions by mail, organisation summaries), for the tests that need an instance of every [OutputType] type
# (Module/FormatViews.Tests.ps1, Module/CsvRoundTrip.Tests.ps1). Each comes from the module's own cmdlets on the
# current connection: the sample organisation with an access review started and its mail sent (so the outbox holds a
# review mail with a Keep link). It changes the organisation (an exception, a sync, a pause and resume, a decision by
# mail), so callers collect their other objects first. $Work: a folder for the reports, replies and summaries.
# Returns a hashtable keyed by full type name.
function Get-HwTestLaterOutputs {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Work)
    $ErrorActionPreference = 'Stop'
    $connection = Get-HwConnection
    New-Item -ItemType Directory -Force $Work | Out-Null
    $out = @{}

    # Issue 16: an exception (HW-LIM-001 on the Instagram account, four posters agreed), and what changed since a
    # report saved before it (the finding now Suppressed, the others StillOpen).
    $before = Join-Path $Work 'before.json'
    Export-HwComplianceReport -Path $before | Out-Null
    $insta = 'instagram-healthwatchsefton'
    $out['HealthwatchPolicy.Engine.Compliance.ComplianceException'] = @(
        New-HwComplianceException -RuleId HW-LIM-001 -Account $insta -Subject $insta -Justification 'Campaign month: four posters agreed by the board' `
            -ApprovedBy sarah.whitfield@hwsefton.example -Expires ([DateTime]::UtcNow.AddMonths(3)) -Confirm:$false)
    $out['HealthwatchPolicy.Engine.Compliance.ComplianceChange'] = @(Compare-HwComplianceReport -ReferenceReport $before)

    # Issue 17: two replies made from the Keep link of the first review mail in the outbox, one from its reviewer
    # (applied) and one from someone else (refused, NotReviewer), read from the state folder's mailbox.
    $eml = Get-ChildItem (Join-Path $connection.StatePath 'outbox') -Filter *.eml | Sort-Object Name | Select-Object -First 1
    $raw = Get-Content -Raw $eml.FullName
    $to = [regex]::Match($raw, '(?m)^To: (?:.*<)?([\w.+-]+@[\w.-]+)>?\s*$').Groups[1].Value
    $joined = $raw -replace "=\r?\n", ''
    $bytes = [System.Collections.Generic.List[byte]]::new()
    for ($i = 0; $i -lt $joined.Length; $i++) {
        if ($joined[$i] -eq '=' -and $i + 2 -lt $joined.Length -and $joined.Substring($i + 1, 2) -match '^[0-9A-F]{2}$') {
            $bytes.Add([Convert]::ToByte($joined.Substring($i + 1, 2), 16)); $i += 2
        } else { $bytes.AddRange([Text.Encoding]::UTF8.GetBytes([string]$joined[$i])) }
    }
    $text = [Text.Encoding]::UTF8.GetString($bytes.ToArray())
    $link = [regex]::Match($text, 'Keep \(opens an email; write your reason and send\): (mailto:\S+)').Groups[1].Value
    if (-not $link -or -not $to) { throw "The review mail '$($eml.FullName)' has no Keep link to reply with." }
    $address = $link.Substring(7, $link.IndexOf('?') - 7)
    $query = @{}
    foreach ($p in $link.Substring($link.IndexOf('?') + 1).Split('&')) { $kv = $p.Split('=', 2); $query[$kv[0]] = [Uri]::UnescapeDataString($kv[1]) }
    $inbox = New-Item -ItemType Directory -Force (Join-Path $connection.StatePath 'mailbox/inbox')
    $n = 0
    foreach ($reply in @(@{ From = $to; Reason = 'Still runs our posts' }, @{ From = 'liam.hughes@hwsefton.example'; Reason = 'I forwarded it' })) {
        $n++
        $file = Join-Path $inbox ("reply-$n.eml")
        $body = "From: $($reply.From)`r`nTo: $address`r`nSubject: $($query.subject)`r`nDate: $([DateTime]::UtcNow.ToString('r'))`r`n" +
                "Message-ID: <$([guid]::NewGuid())@hwsefton.example>`r`nX-MS-Exchange-Organization-AuthAs: Internal`r`n" +
                "MIME-Version: 1.0`r`nContent-Type: text/plain; charset=utf-8`r`n`r`n$($query.body)$($reply.Reason)`r`n"
        [IO.File]::WriteAllText($file, $body, [Text.UTF8Encoding]::new($false))
    }
    $out['HealthwatchPolicy.Engine.Reviews.ReviewDecisionReceipt'] = @(Receive-HwAccessReviewDecision -Confirm:$false)

    # Issue 15: the lifecycle sync (the sample's leavers and disabled posters revoked or flagged), then every account
    # paused and resumed (the posters still eligible put back).
    $out['HealthwatchPolicy.Engine.Lifecycle.AccessSyncItem'] = @(Sync-HwPostingAccess -Confirm:$false -WarningAction SilentlyContinue)
    $paused = @(Suspend-HwPosting -Reason 'Compromise drill' -Confirm:$false)
    $resumed = @(Resume-HwPosting -Reason 'Drill over' -Confirm:$false -WarningAction SilentlyContinue)
    $out['HealthwatchPolicy.Engine.Lifecycle.PostingPauseResult'] = @($paused + $resumed)

    # Issue 18: two summary documents as deploy/organisations/Invoke-HwOrganisations.ps1 writes them, one from this
    # organisation's compliance summary and reviews, one of a run an error stopped (the module's own error, caught as
    # the script catches it), merged by Get-HwOrganisationSummary.
    $summaries = New-Item -ItemType Directory -Force (Join-Path $Work 'summaries')
    $summary = Get-HwComplianceReport -Summary
    $now = [DateTimeOffset]::UtcNow
    $docs = @(
        [ordered]@{
            schema = 'healthwatch-organisation-summary/1'; organisation = 'Healthwatch Sefton'; tenantId = '00000000-0000-4000-8000-00000000f4e1'
            generatedAt = $now.ToString('o'); failed = $false
            findings = [ordered]@{ critical = $summary.Critical; high = $summary.High; medium = $summary.Medium; low = $summary.Low; total = $summary.Total }
            overdueReviews = @(Get-HwAccessReview | Where-Object { $_.StatusAt($now) -in 'Overdue', 'PastGrace' }).Count
            witness = $summary.Witness; errors = @()
        })
    $errors = [System.Collections.Generic.List[string]]::new()
    try { Get-HwPolicy -Path (Join-Path $Work 'no-such-policy.yaml') | Out-Null }
    catch { $errors.Add("$($_.FullyQualifiedErrorId.Split(',')[0]): $($_.Exception.Message)") }
    if ($errors.Count -eq 0) { throw 'Get-HwPolicy read a policy file that does not exist.' }
    $docs += [ordered]@{
        schema = 'healthwatch-organisation-summary/1'; organisation = 'Healthwatch Knowsley'; tenantId = 'knowsley.onmicrosoft.com'
        generatedAt = $now.ToString('o'); failed = $true
        findings = [ordered]@{ critical = 0; high = 0; medium = 0; low = 0; total = 0 }
        overdueReviews = 0; witness = $null; errors = @($errors)
    }
    foreach ($d in $docs) {
        $folder = New-Item -ItemType Directory -Force (Join-Path $summaries ($d.organisation -replace '[^A-Za-z0-9._-]', '-'))
        $d | ConvertTo-Json -Depth 4 | Set-Content -Path (Join-Path $folder "$($now.ToString('yyyyMMddTHHmmssfffZ')).json") -Encoding utf8
    }
    $out['HealthwatchPolicy.Engine.Organisations.OrganisationSummary'] = @(Get-HwOrganisationSummary -Path $summaries)

    foreach ($k in @($out.Keys)) { if (@($out[$k]).Count -eq 0) { throw "No real $k came from the cmdlets." } }
    $out
}
Export-ModuleMember -Function Get-HwTestLaterOutputs

# ---------------------------------------------------------------------------------------------------------------
# Azurite (the npm package, tools/Azurite) as the blob service, over https with --oauth basic (decision 0191). The
# Azure SDK sends a bearer token only over https, and Azurite accepts bearer tokens only over https; its certificate is
# a fresh self-signed one for 127.0.0.1/localhost. A child process trusts it with SSL_CERT_FILE=<CertificateFile>
# (.NET on Linux reads it through OpenSSL); nothing is added to the user's or the machine's trust store.

function Get-HwAzuritePath {
    if ($env:HW_AZURITE) {
        if (-not (Test-Path -LiteralPath $env:HW_AZURITE)) { throw "HW_AZURITE names '$($env:HW_AZURITE)', which does not exist." }
        return (Resolve-Path -LiteralPath $env:HW_AZURITE).Path
    }
    $main = Join-Path (Get-HwRepoRoot) 'tools/Azurite/node_modules/azurite/dist/src/blob/main.js'
    if (Test-Path -LiteralPath $main) { return $main }
    throw 'Azurite is not installed: run npm ci --prefix tools/Azurite --no-audit --no-fund (build.ps1 -Task Test does; it needs Node.js 20+ and npm: apt-get install -y nodejs npm).'
}

# Writes a self-signed server certificate for 127.0.0.1 and localhost (SAN IP 127.0.0.1, DNS localhost; serverAuth;
# valid from an hour ago for two days) as certificate.pem and key.pem (PKCS#8) in $Folder; returns both paths.
function New-HwAzuriteCertificate {
    param([Parameter(Mandatory)] [string] $Folder)
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    try {
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=127.0.0.1', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $san.AddIpAddress([System.Net.IPAddress]::Loopback)
        $san.AddDnsName('localhost')
        $request.CertificateExtensions.Add($san.Build($true))
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $true))
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
            [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment', $true))
        $eku = [System.Security.Cryptography.OidCollection]::new()
        $null = $eku.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
        $now = [DateTimeOffset]::UtcNow
        $certificate = $request.CreateSelfSigned($now.AddHours(-1), $now.AddDays(2))
        try {
            $certFile = Join-Path $Folder 'certificate.pem'
            $keyFile = Join-Path $Folder 'key.pem'
            [IO.File]::WriteAllText($certFile, $certificate.ExportCertificatePem() + "`n")
            [IO.File]::WriteAllText($keyFile, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
            [pscustomobject]@{ CertificateFile = $certFile; KeyFile = $keyFile; Thumbprint = $certificate.Thumbprint }
        }
        finally { $certificate.Dispose() }
    }
    finally { $rsa.Dispose() }
}

<#
Starts Azurite's blob service on 127.0.0.1, a port the system picks, over https with --oauth basic, in memory
(--inMemoryPersistence; --location cannot go with it, so the process runs in $Path), with telemetry off and the access
log off. Ready when it prints "successfully listens on https://127.0.0.1:<port>" (the signal; no sleep), or throws
with its output after $TimeoutSeconds. Returns BlobEndpoint (https://127.0.0.1:<port>/devstoreaccount1), AccountName,
Port, CertificateFile (the PEM a child trusts with SSL_CERT_FILE), KeyFile, Folder, Process, Stdout/Stderr (tasks).
#>
function Start-HwAzurite {
    [CmdletBinding()]
    param(
        # A folder for the certificate and the working directory (TestDrive:\x works); a new temp folder when left out.
        [string] $Path,
        [int] $TimeoutSeconds = 60
    )
    $main = Get-HwAzuritePath
    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $node) { throw 'Azurite needs Node.js 20+ (node on PATH): apt-get install -y nodejs npm.' }
    $ownsFolder = -not $Path
    if (-not $Path) { $Path = Join-Path ([IO.Path]::GetTempPath()) ('hw-azurite-' + [guid]::NewGuid().ToString('N').Substring(0, 10)) }
    $folder = (New-Item -ItemType Directory -Force -Path $Path).FullName
    $cert = New-HwAzuriteCertificate -Folder $folder

    $psi = [System.Diagnostics.ProcessStartInfo]::new($node.Source)
    foreach ($a in @($main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--oauth', 'basic', '--cert', $cert.CertificateFile,
            '--key', $cert.KeyFile, '--inMemoryPersistence', '--extentMemoryLimit', '256', '--disableTelemetry', '--silent')) {
        $psi.ArgumentList.Add($a)
    }
    $psi.WorkingDirectory = $folder
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $null = $psi.Environment.Remove('AZURITE_ACCOUNTS')
    $process = [System.Diagnostics.Process]::Start($psi)
    $stderr = $process.StandardError.ReadToEndAsync()
    $seen = [System.Collections.Generic.List[string]]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $port = 0
    while (-not $port) {
        $line = $process.StandardOutput.ReadLineAsync()
        $left = $deadline - [DateTime]::UtcNow
        if ($left -le [TimeSpan]::Zero -or -not $line.Wait($left) -or $null -eq $line.Result) {
            try { $process.Kill($true) } catch { }
            $process.WaitForExit(5000) | Out-Null
            $err = if ($stderr.Wait(2000)) { $stderr.Result } else { '' }
            $why = if ($process.HasExited) { "it exited with code $($process.ExitCode)" } else { "it did not say it listens within $TimeoutSeconds s" }
            throw "Azurite ($main) did not start: $why. Output: $($seen -join ' | ') Errors: $err"
        }
        $seen.Add($line.Result)
        if ($line.Result -match 'successfully listens on https://127\.0\.0\.1:(\d+)') { $port = [int]$Matches[1] }
    }
    $stdout = $process.StandardOutput.ReadToEndAsync()   # drained in the background from now on
    [pscustomobject]@{
        PSTypeName      = 'HwTest.Azurite'
        BlobEndpoint    = "https://127.0.0.1:$port/devstoreaccount1"
        AccountName     = 'devstoreaccount1'
        Port            = $port
        CertificateFile = $cert.CertificateFile
        KeyFile         = $cert.KeyFile
        Folder          = $folder
        OwnsFolder      = $ownsFolder
        Process         = $process
        Stdout          = $stdout
        Stderr          = $stderr
    }
}

# Stops an Azurite started by Start-HwAzurite (kills it: it keeps nothing) and removes its folder when it made it.
function Stop-HwAzurite {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Azurite)
    process {
        if (-not $Azurite -or -not $Azurite.Process) { return }
        $p = $Azurite.Process
        if (-not $p.HasExited) {
            try { $p.Kill($true) } catch { }
            $p.WaitForExit(10000) | Out-Null
        }
        $p.Dispose()
        if ($Azurite.OwnsFolder -and (Test-Path -LiteralPath $Azurite.Folder)) { Remove-Item -LiteralPath $Azurite.Folder -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
Export-ModuleMember -Function Get-HwAzuritePath, New-HwAzuriteCertificate, Start-HwAzurite, Stop-HwAzurite
