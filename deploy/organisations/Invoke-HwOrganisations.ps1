<#
.SYNOPSIS
    One run over many organisations: each organisation's compliance summary, in parallel, into a central Azure Blob
    container (or a folder) of summary documents that Get-HwOrganisationSummary merges.
.DESCRIPTION
    Reads a tenants file (JSON; the repository's deploy/organisations/tenants.example.json is an example, and
    docs/deploy-azure-automation.md, 'Many organisations', describes every field). Its shape:
        { "organisations": [ { "name": "Healthwatch Sefton", "tenantId": "00000000-0000-4000-8000-00000000f4e1",
                               "stateSite": "https://hwsefton.sharepoint.com/sites/healthwatch",
                               "policyPath": "policies/social-media-policy.yaml",
                               "mail": { "from": "policy-reviews@hwsefton.org.uk" },
                               "clientId": "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87",
                               "certificateThumbprint": "0123456789ABCDEF0123456789ABCDEF01234567" } ] }
    (policyPath, clientId and certificateThumbprint are optional; clientId and certificateThumbprint come together).
    A name is kept as Save-HwOrganisationSummary keeps it: trimmed, every run of space separators (a no-break or
    ideographic space) one space, Unicode NFC; it must then be 1 to 256 characters with no control, format (zero-width
    space, soft hyphen, bidirectional override, and the joiners U+200C and U+200D), separator, surrogate,
    private-use, unassigned or invisible filler character (U+034F, U+115F, U+1160, U+17B4, U+17B5, U+180B-U+180F, U+2800,
    U+3164, U+FE00-U+FE0F, U+FFA0), and unique ignoring case. A tenantId is a GUID or a domain name (contoso.onmicrosoft.com).
    With -HomeTenantId (the managed identity's tenant), an organisation that would sign in with the managed identity
    in another tenant fails on its own with GraphConnectionIncomplete, unconnected (tenant ids are compared as text,
    ignoring case: a GUID and a domain name of the same tenant do not match, so write both the same way).
    Before any organisation runs, the runner checks the tenants (JSON, named, unique, clean names, tenant ids), the container's
    address (https, a container, no query, fragment or user name: a SAS would be a secret in every message; the
    address is only ever shown without them) and the folder (-SummaryPath must be a folder or creatable as one), and
    stops with an error naming what is wrong. Then it runs every organisation in its own runspace (ForEach-Object -Parallel -ThrottleLimit N: a bounded parallel
    loop, docs/decisions/0190). Each organisation connects on its own (a managed identity by default; a certificate of
    a multi-tenant app when clientId and certificateThumbprint are given), reads its compliance summary and its
    overdue access reviews from its own shared state store, and writes one summary document
    (healthwatch-organisation-summary/1) with Save-HwOrganisationSummary: a new blob <organisation>/<time>.json in the
    container -SummaryContainer (Azure.Storage.Blobs, signed in with the managed identity: system-assigned, or the
    user-assigned one -SummaryClientId names; the identity needs Storage Blob Data Contributor on the container), or a
    new file under -SummaryPath. One organisation's failure or throttling never stops another: its error is caught,
    named in its summary (Failed: true) and in the returned result, and the loop goes on; an organisation whose summary
    cannot be written at all is a failed result naming that error too. Policy paths are relative to the tenants file
    (with -TenantsJson, to the current folder).
    Returns one result per organisation (Organisation, Failed, Errors, Summary: the file or blob written, or empty;
    Seconds); exit code 0.
.EXAMPLE
    ./Invoke-HwOrganisations.ps1 -TenantsFile ./tenants.json -SummaryContainer https://hwsummaries.blob.core.windows.net/organisation-summaries -ThrottleLimit 8
    Get-HwOrganisationSummary -ContainerUri https://hwsummaries.blob.core.windows.net/organisation-summaries -OutFile ./organisations.html
    On Azure Automation (the managed identity signs in to Graph and to the container).
.EXAMPLE
    ./Invoke-HwOrganisations.ps1 -TenantsFile ./tenants.json -SummaryPath ./summaries -ThrottleLimit 8
    Get-HwOrganisationSummary -Path ./summaries -OutFile ./organisations.html
    Summaries to a folder instead.
#>
[CmdletBinding(DefaultParameterSetName = 'FileToContainer')]
param(
    [Parameter(Mandatory, ParameterSetName = 'FileToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'FileToFolder')]
    [string] $TenantsFile,
    # The tenants file's JSON itself (the Automation runbook passes the HwTenants variable).
    [Parameter(Mandatory, ParameterSetName = 'JsonToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToFolder')]
    [string] $TenantsJson,
    # The central Azure Blob container of the summaries: https://<account>.blob.core.windows.net/<container>.
    # A string (not [uri]): a value that does not convert must not be echoed by parameter binding (it may hold a SAS).
    [Parameter(Mandatory, ParameterSetName = 'FileToContainer')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToContainer')]
    [string] $SummaryContainer,
    # A user-assigned managed identity for the container (default: the system-assigned one).
    [Parameter(ParameterSetName = 'FileToContainer')]
    [Parameter(ParameterSetName = 'JsonToContainer')]
    [string] $SummaryClientId,
    # A folder for the summaries instead of a container.
    [Parameter(Mandatory, ParameterSetName = 'FileToFolder')]
    [Parameter(Mandatory, ParameterSetName = 'JsonToFolder')]
    [string] $SummaryPath,
    [ValidateRange(1, 64)] [int] $ThrottleLimit = 4,
    # The Microsoft Graph address for a national cloud or a test double.
    [uri] $GraphEndpoint,
    # The module to import in each runspace (default: HealthwatchPolicy from PSModulePath).
    [string] $ModulePath = 'HealthwatchPolicy',
    # The managed identity's own tenant (a GUID or a domain name). With it, an organisation of another tenant that
    # would sign in with the managed identity (no clientId and certificateThumbprint) fails on its own, unconnected.
    [string] $HomeTenantId
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# The largest tenants file read (about 8,000 organisations); the Automation variable holds at most 1,048,576 characters.
$maxTenantsBytes = 4MB

# The characters a name must not hold, the rule of Save-HwOrganisationSummary (an organisation whose name the cmdlet
# refuses would run and then vanish from the overview): controls (\p{Cc}: CR, LF, TAB, NUL, ESC, C1...), format
# characters (\p{Cf}: zero-width space, soft hyphen, bidirectional overrides, the joiners U+200C and U+200D...),
# line and paragraph separators, surrogates, private-use and unassigned code points, and the invisible fillers.
$invisibleFillers = [Collections.Generic.HashSet[int]]::new([int[]](@(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0) + (0x180B..0x180F) + (0xFE00..0xFE0F) + (0xE0100..0xE01EF)))
$refusedCategories = [Collections.Generic.HashSet[string]]::new([string[]]@('Control', 'Format', 'LineSeparator', 'ParagraphSeparator', 'Surrogate', 'PrivateUse', 'OtherNotAssigned'))
function Test-HwRefusedCodePoint([int] $CodePoint) {
    if ($invisibleFillers.Contains($CodePoint)) { return $true }
    $refusedCategories.Contains("$([Globalization.CharUnicodeInfo]::GetUnicodeCategory($CodePoint))")
}

# The code points of a text (a surrogate pair is one; a lone surrogate is itself) and whether any is refused.
function Get-HwCodePoint([string] $Text) {
    for ($i = 0; $i -lt $Text.Length; $i++) {
        if ([char]::IsSurrogatePair($Text, $i)) { [char]::ConvertToUtf32($Text, $i); $i++ } else { [int]$Text[$i] }
    }
}
function Test-HwRefusedText([string] $Text) {
    if ($Text -cmatch '^[\x20-\x7E]*\z') { return $false }   # printable ASCII: nothing to refuse
    foreach ($cp in Get-HwCodePoint $Text) { if (Test-HwRefusedCodePoint $cp) { return $true } }
    $false
}

# A text with its refused characters shown as [U+XXXX], at most 200 characters: safe on one line of any output.
function Format-HwVisible([string] $Text) {
    if (Test-HwRefusedText $Text) {
        $b = [Text.StringBuilder]::new()
        foreach ($cp in Get-HwCodePoint $Text) {
            if (Test-HwRefusedCodePoint $cp) { [void]$b.AppendFormat('[U+{0:X4}]', $cp) }
            elseif ($cp -gt 0xFFFF) { [void]$b.Append([char]::ConvertFromUtf32($cp)) }
            else { [void]$b.Append([char]$cp) }
        }
        $Text = $b.ToString()
    }
    if ($Text.Length -gt 200) { $Text = $Text.Substring(0, 200) + '...' }
    $Text
}

# A name as Save-HwOrganisationSummary keeps it: trimmed, every run of space separators (\p{Zs}: no-break space,
# ideographic space...) one ASCII space, then Unicode NFC. $null when it does not normalise (a lone surrogate).
function ConvertTo-HwNormalName([string] $Name) {
    try { ([regex]::Replace($Name.Trim(), '\p{Zs}+', ' ')).Normalize([Text.NormalizationForm]::FormC) }
    catch { $null }
}

# A tenant id: a GUID or a DNS domain name (contoso.onmicrosoft.com); nothing else names one tenant.
$tenantIdPattern = '^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|(?=.{4,253}\z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\z'

# The container address as it may be shown: scheme, host, port and path only (never a query, fragment or user name).
function Format-HwAddress([string] $Address) {
    $u = $null
    if ([uri]::TryCreate($Address, [UriKind]::Absolute, [ref] $u) -and $u.Host) {
        # a query in disguise in the path (c%3Fsv%3D...%26sig%3D..., or c;sig=...) is cut too
        return ($u.GetComponents([UriComponents]::SchemeAndServer -bor [UriComponents]::Path, [UriFormat]::UriEscaped) -replace '(?i)(%3F|%23|;).*$', '…')
    }
    # Not an absolute address: cut at the first ? or # and drop anything up to an @ after the scheme.
    $cut = ($Address -split '[?#]', 2)[0] -replace '^([A-Za-z][A-Za-z0-9+.-]*:/*)[^/]*@', '$1' -replace '(?i)(%3F|%23|;).*$', '…'
    Format-HwVisible $cut
}

# Stops unless the container address is an absolute https address naming one container, with no query (a SAS),
# fragment or user info; the same rules as Save-HwOrganisationSummary -ContainerUri, checked once before any
# organisation runs (docs/decisions/0195).
function Assert-HwSummaryContainer([string] $Address, [string] $Name) {
    $shown = Format-HwAddress $Address
    $u = $null
    if (-not [uri]::TryCreate($Address, [UriKind]::Absolute, [ref] $u) -or $u.Scheme -ne 'https' -or -not $u.Host) {
        $why = if ($u -and $u.IsAbsoluteUri -and $u.Scheme -eq 'http') { ' (plain http would send the access token unencrypted)' } else { '' }
        throw "$Name must be an https:// address such as https://contoso.blob.core.windows.net/organisation-summaries; '$shown' is not$why. No organisation ran."
    }
    if ($u.Query -or $u.Fragment -or $u.UserInfo) {
        throw ("$Name must be the container's address without a query, fragment or user name ('$shown'): a SAS or key " +
            'in the address would be a secret in every message and log; the summaries are written with the managed identity ' +
            '(Storage Blob Data Contributor on the container). No organisation ran.')
    }
    $segments = @(if ($u.AbsolutePath -match '//') { @('', '', '') } else { $u.AbsolutePath.Trim('/').Split('/') })   # a doubled slash is no container address
    # An IP address or localhost (Azurite, the storage emulator) puts the account first: /<account>/<container>.
    $want = if ($u.HostNameType -in 'IPv4', 'IPv6' -or $u.Host -eq 'localhost') { 2 } else { 1 }
    $container = if ($segments.Count -eq $want) { [uri]::UnescapeDataString($segments[$want - 1]) } else { '' }
    if ($container -cnotmatch '^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$') {
        throw "$Name '$shown' names no blob container: add the container's name, as in https://contoso.blob.core.windows.net/organisation-summaries. No organisation ran."
    }
}

# The summary folder as a file-system path, refused up front when it is a file, under a file, or not on the file system.
function Resolve-HwSummaryFolder([string] $Path) {
    $provider = $null; $drive = $null
    try { $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path, [ref] $provider, [ref] $drive) }
    catch { throw "-SummaryPath '$(Format-HwVisible $Path)' is not a usable folder path: $($_.Exception.Message)" }
    if ($provider.Name -ne 'FileSystem') { throw "-SummaryPath '$(Format-HwVisible $Path)' is on the $($provider.Name) drive; give a folder on the file system." }
    if (Test-Path -LiteralPath $full -PathType Leaf) { throw "-SummaryPath '$(Format-HwVisible $full)' is a file; give a folder (it is created if missing)." }
    $parent = Split-Path -Parent $full
    while ($parent) {
        if (Test-Path -LiteralPath $parent -PathType Leaf) {
            throw "-SummaryPath '$(Format-HwVisible $full)' is under the file '$(Format-HwVisible $parent)'; give a folder (it is created if missing)."
        }
        if (Test-Path -LiteralPath $parent -PathType Container) { break }
        $parent = Split-Path -Parent $parent
    }
    $full
}

if ($PSBoundParameters.ContainsKey('HomeTenantId') -and $HomeTenantId -notmatch $tenantIdPattern) {
    throw "-HomeTenantId '$(Format-HwVisible $HomeTenantId)' is neither a GUID nor a domain name such as contoso.onmicrosoft.com: give the managed identity's tenant. No organisation ran."
}

# The container or folder first: it is the same for every organisation, so a wrong one stops the run before any works.
if ($PSCmdlet.ParameterSetName -like '*Container') { Assert-HwSummaryContainer $SummaryContainer '-SummaryContainer' }
else { $summaryFolder = Resolve-HwSummaryFolder $SummaryPath }

if ($PSCmdlet.ParameterSetName -like 'File*') {
    # Only a regular file is read: a folder, a FIFO or a device would fail or block for ever.
    $shownFile = Format-HwVisible $TenantsFile
    if (-not (Test-Path -LiteralPath $TenantsFile)) { throw "-TenantsFile '$shownFile' does not exist." }
    if (-not (Test-Path -LiteralPath $TenantsFile -PathType Leaf)) { throw "-TenantsFile '$shownFile' is a folder; give the tenants file (JSON)." }
    $item = Get-Item -LiteralPath $TenantsFile -Force
    if ($item.PSProvider.Name -ne 'FileSystem') { throw "-TenantsFile '$shownFile' is on the $($item.PSProvider.Name) drive; give a file on the file system." }
    $tenantsFull = $item.FullName
    $final = $item
    if ($item.LinkTarget) {
        # A link loop (a -> b -> a) or a chain too long throws an IOException here: refused, naming the parameter.
        try { $target = $item.ResolveLinkTarget($true) }
        catch {
            throw "-TenantsFile '$shownFile' is a link that does not resolve to a file (a loop of links, or too many): $(Format-HwVisible $_.Exception.GetBaseException().Message.TrimEnd('.')). Give the tenants file (JSON). No organisation ran."
        }
        if (-not $target -or -not $target.Exists) { throw "-TenantsFile '$shownFile' is a link to a file that does not exist." }
        $final = Get-Item -LiteralPath $target.FullName -Force
    }
    $kind = if ($final.PSObject.Properties['UnixStat'] -and $final.UnixStat) { "$($final.UnixStat.ItemType)" } else { 'File' }
    if ($kind -ne 'File' -or $final -isnot [IO.FileInfo]) { throw "-TenantsFile '$shownFile' is not a regular file (it is a $kind); give the tenants file (JSON)." }
    if ($final.Length -gt $maxTenantsBytes) { throw "-TenantsFile '$shownFile' is $('{0:N0}' -f $final.Length) bytes; a tenants file is at most $('{0:N0}' -f $maxTenantsBytes) bytes." }
    $base = Split-Path $tenantsFull
    $source = "the tenants file '$(Format-HwVisible $tenantsFull)'"
    $TenantsJson = [IO.File]::ReadAllText($final.FullName)
}
else {
    $base = (Get-Location -PSProvider FileSystem).Path; $source = 'the tenants JSON'
    if ($TenantsJson.Length -gt $maxTenantsBytes) { throw "$source is $('{0:N0}' -f $TenantsJson.Length) characters; a tenants file is at most $('{0:N0}' -f $maxTenantsBytes)." }
}
try { $tenants = $TenantsJson | ConvertFrom-Json }
catch { throw "$source is not JSON: $(Format-HwVisible $_.Exception.Message)" }
$organisations = @(if ($tenants -is [pscustomobject] -and $tenants.PSObject.Properties['organisations']) { $tenants.organisations })
if (-not $organisations) { throw "$source names no organisations (an 'organisations' array of objects with a name)." }
# One pass over the entries: each is an object with a one-line text name, clean after normalisation (the rule of
# Save-HwOrganisationSummary), text fields, a tenant id that is a GUID or a domain name, and clientId with
# certificateThumbprint or neither. Normalised names are compared ignoring case (ToUpperInvariant).
$seen = @{}
$duplicates = [Collections.Generic.List[string]]::new()
$noSite = [Collections.Generic.List[string]]::new()
$work = [Collections.Generic.List[object]]::new()
for ($i = 0; $i -lt $organisations.Count; $i++) {
    $o = $organisations[$i]
    $at = "organisations[$i] (entry $($i + 1))"
    if ($o -isnot [pscustomobject]) { throw "$source has $at that is not an object with a name." }
    $nameProperty = $o.PSObject.Properties['name']
    if (-not $nameProperty -or $null -eq $nameProperty.Value -or -not "$($nameProperty.Value)".Trim()) { throw "$source has $at without a name." }
    if ($nameProperty.Value -isnot [string]) { throw "$source has $at whose name is not a text (it is a $($nameProperty.Value.GetType().Name))." }
    $name = ConvertTo-HwNormalName $nameProperty.Value
    if ($null -eq $name -or (Test-HwRefusedText $name)) {
        throw ("$source has $at whose name holds a control character or an invisible one (a line break, tab, NUL, escape, " +
            'a format character such as a zero-width space, soft hyphen or bidirectional override, a filler such as U+115F or ' +
            "U+2800, a private-use, unassigned or lone surrogate code point; shown as [U+XXXX]): '$(Format-HwVisible $nameProperty.Value)'. " +
            'Give a name of one line of plain text. No organisation ran.')
    }
    if (-not $name) { throw "$source has $at without a name (only spaces). No organisation ran." }
    if ($name.Length -gt 256) {
        throw "$source has $at whose name is $($name.Length) characters long ('$(Format-HwVisible $name)'); a name is at most 256 characters. No organisation ran."
    }
    # The fields the runner passes on must be texts: an object or a number would reach the cmdlets as '@{...}' or fail
    # in a .NET conversion; a wrong type is a broken tenants file, refused like a missing name.
    foreach ($field in 'tenantId', 'stateSite', 'policyPath', 'clientId', 'certificateThumbprint') {
        $p = $o.PSObject.Properties[$field]
        if ($p -and $null -ne $p.Value -and $p.Value -isnot [string]) {
            throw "$source has $at ('$(Format-HwVisible $name)') whose '$field' is not a text (it is a $($p.Value.GetType().Name))."
        }
    }
    $site = $o.PSObject.Properties['stateSite']
    if (-not $site -or -not "$($site.Value)".Trim()) { $noSite.Add("$at ('$(Format-HwVisible $name)')") }
    $tenantId = if ($o.PSObject.Properties['tenantId'] -and $o.tenantId) { [string]$o.tenantId } else { '' }
    if ($tenantId -and $tenantId -notmatch $tenantIdPattern) {
        throw ("$source has $at ('$(Format-HwVisible $name)') whose tenantId '$(Format-HwVisible $tenantId)' is neither a GUID " +
            '(00000000-0000-0000-0000-000000000000) nor a domain name such as contoso.onmicrosoft.com. No organisation ran.')
    }
    $hasClient = [bool]($o.PSObject.Properties['clientId'] -and $o.clientId)
    $hasCertificate = [bool]($o.PSObject.Properties['certificateThumbprint'] -and $o.certificateThumbprint)
    if ($hasClient -ne $hasCertificate) {
        $given, $missing = if ($hasClient) { 'clientId', 'certificateThumbprint' } else { 'certificateThumbprint', 'clientId' }
        throw "$source has $at ('$(Format-HwVisible $name)') with $given but no $($missing): a multi-tenant app signs in with both; without either, the managed identity signs in. No organisation ran."
    }
    if ($hasCertificate -and -not $tenantId) {
        throw "$source has $at ('$(Format-HwVisible $name)') with a certificate but no tenantId: the app must know which tenant to sign in to. No organisation ran."
    }
    $key = $name.ToUpperInvariant()
    if ($seen.ContainsKey($key)) { $duplicates.Add("'$(Format-HwVisible $name)' ($($seen[$key]) and $i)") }
    else { $seen[$key] = $i }
    # A managed identity signs in to its own tenant only: with -HomeTenantId, another tenant's entry without an app
    # fails on its own (its summary says why) rather than reading the home tenant under the other tenant's id.
    $foreign = ''
    if ($HomeTenantId -and -not $hasCertificate -and $tenantId -and -not [string]::Equals($tenantId, $HomeTenantId, [StringComparison]::OrdinalIgnoreCase)) {
        $foreign = "GraphConnectionIncomplete: A managed identity signs in to its own tenant ($HomeTenantId) only; for $name's tenant $tenantId give clientId and certificateThumbprint of a multi-tenant app (docs/deploy-azure-automation.md)."
    }
    $work.Add([pscustomobject]@{ Entry = $o; Name = $name; TenantId = $tenantId; UseCertificate = $hasCertificate; Refused = $foreign })
}
if ($duplicates.Count) { throw "$source names these organisations twice (names compared after trimming, spaces made one, Unicode NFC normalisation, ignoring case; by index): $($duplicates -join ', '). No organisation ran." }
if ($noSite.Count) { throw "$source has entries without a stateSite (the SharePoint site of each organisation's shared state store): $($noSite -join ', '). No organisation ran." }

# Where every organisation's summary goes: Save-HwOrganisationSummary's target parameters.
$target = if ($PSCmdlet.ParameterSetName -like '*Container') {
    $t = @{ ContainerUri = [uri]$SummaryContainer; ManagedIdentity = $true }
    if ($SummaryClientId) { $t.ClientId = $SummaryClientId }
    $t
}
else {
    try { @{ Path = [IO.Directory]::CreateDirectory($summaryFolder).FullName } }
    catch { throw "-SummaryPath '$(Format-HwVisible $summaryFolder)' could not be made a folder: $($_.Exception.GetBaseException().Message)" }
}

$work | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $org = $_.Entry
    $ErrorActionPreference = 'Stop'
    $started = [Diagnostics.Stopwatch]::StartNew()
    $errors = [Collections.Generic.List[string]]::new()
    $name = $_.Name
    $tenantId = $_.TenantId
    $report = $null; $overdue = 0; $written = ''
    if ($_.Refused) { $errors.Add($_.Refused) }
    else {
        try {
            Import-Module $using:ModulePath
            $connect = @{ StateSite = [string]$org.stateSite }
            if ($org.PSObject.Properties['policyPath'] -and $org.policyPath) {
                $connect.PolicyPath = if ([IO.Path]::IsPathRooted($org.policyPath)) { $org.policyPath } else { Join-Path $using:base $org.policyPath }
            }
            if ($using:GraphEndpoint) { $connect.GraphEndpoint = $using:GraphEndpoint }
            if ($_.UseCertificate) {
                Connect-HwDirectory @connect -TenantId $tenantId -ClientId $org.clientId -CertificateThumbprint $org.certificateThumbprint | Out-Null
            }
            else {
                if ($tenantId) { $connect.TenantId = $tenantId }
                Connect-HwDirectory @connect -ManagedIdentity | Out-Null
            }
            try {
                $report = Get-HwComplianceReport -Summary
                $now = [DateTimeOffset]::UtcNow
                $overdue = @(Get-HwAccessReview | Where-Object { $_.StatusAt($now) -in 'Overdue', 'PastGrace' }).Count
            }
            finally { Disconnect-HwDirectory }
        }
        catch {
            $id = if ($_.FullyQualifiedErrorId) { $_.FullyQualifiedErrorId.Split(',')[0] } else { 'Error' }
            $errors.Add("${id}: $($_.Exception.Message)")
            $report = $null
        }
    }
    try {
        if (-not (Get-Module HealthwatchPolicy)) { Import-Module $using:ModulePath }
        $save = @{ Organisation = $name; OverdueReviews = $overdue }
        if ($tenantId) { $save.TenantId = $tenantId }
        if ($report) { $save.ComplianceSummary = $report }
        if ($errors.Count) { $save.ErrorMessage = @($errors) }
        $targetHere = $using:target
        $written = (Save-HwOrganisationSummary @save @targetHere).Source
    }
    catch {
        $id = if ($_.FullyQualifiedErrorId) { $_.FullyQualifiedErrorId.Split(',')[0] } else { 'Error' }
        $errors.Add("${id}: $($_.Exception.Message)")
    }
    [pscustomobject]@{
        Organisation = $name; Failed = [bool]($errors.Count); Errors = @($errors); Summary = $written
        Seconds = [math]::Round($started.Elapsed.TotalSeconds, 2)
    }
}
