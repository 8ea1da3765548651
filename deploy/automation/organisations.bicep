// Many organisations on Azure Automation (issue 18, item 3; called from main.bicep when deployOrganisations is true):
// a storage account with the central blob container of the organisations' summary documents, write access to that
// container only for the Automation account's system-assigned identity, the tenants file as an Automation variable,
// and the organisations runbook (deploy/automation/Invoke-HwOrganisationsRunbook.ps1) on a daily or weekly schedule.
// One job runs every organisation in a bounded parallel loop (docs/decisions/0190); the choices of this template are
// in docs/decisions/0193. Walk-through: docs/deploy-azure-automation.md, "Many organisations".

@description('Where the storage account lives.')
param location string

@description('The Automation account (created by main.bicep) whose runbook and identity this adds to.')
param automationAccountName string

@description('The runtime environment (PowerShell 7.4 with the HealthwatchPolicy package) the runbook runs in.')
param runtimeEnvironmentName string

@description('The Automation account\'s system-assigned identity (service principal object id): it writes the summaries.')
param principalId string

@description('The storage account of the summaries: 3 to 24 lower-case letters and digits, unique in Azure.')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('The tenants file (JSON text, as deploy/organisations/tenants.example.json): { "organisations": [ { "name", "tenantId", "stateSite", "policyPath"?, "mail"?, "clientId"?, "certificateThumbprint"? } ] }.')
param tenantsJson string

@description('An https address of deploy/automation/Invoke-HwOrganisationsRunbook.ps1 Azure Automation can download.')
param organisationsRunbookUri string

@description('How often the run over all organisations starts: every day or every week.')
@allowed([
  'Day'
  'Week'
])
param frequency string

@description('First run of the organisations schedule (ISO 8601, at least 5 minutes in the future).')
param scheduleStart string

@description('The time zone the schedule runs in (IANA or Windows id).')
param timeZone string

@description('How many organisations run at once in the job (ForEach-Object -Parallel -ThrottleLimit); a cloud sandbox has 400 MB of memory.')
@minValue(1)
@maxValue(64)
param throttleLimit int

var containerName = 'organisation-summaries'
var runbookName = 'Invoke-HwOrganisationsRunbook'
// Storage Blob Data Contributor: read, write and delete blobs; no account keys, no role assignments.
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var organisations = json(tenantsJson).organisations

resource account 'Microsoft.Automation/automationAccounts@2023-11-01' existing = {
  name: automationAccountName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

// Least privilege: the identity may write blobs in this one container, not elsewhere in the account.
resource writeSummaries 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: container
  name: guid(container.id, principalId, blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'HealthwatchPolicy organisations runbook: writes each organisation\'s summary document.'
  }
}

var summaryContainerUri = '${storage.properties.primaryEndpoints.blob}${containerName}'

// Automation variables hold JSON values: each string is written as a JSON string literal. string() of a one-element
// array is that array's JSON text, so trimming the brackets leaves the value quoted and escaped.
var tenantsValue = string([tenantsJson])
var containerValue = string([summaryContainerUri])

resource tenantsVariable 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {
  parent: account
  name: 'HwTenants'
  properties: {
    description: 'The tenants file of the organisations runbook (JSON text; at most 1,048,576 characters).'
    isEncrypted: false
    value: substring(tenantsValue, 1, max(0, length(tenantsValue) - 2))
  }
}

resource containerVariable 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = {
  parent: account
  name: 'HwSummaryContainer'
  properties: {
    description: 'The blob container the organisations runbook writes the summary documents to.'
    isEncrypted: false
    value: substring(containerValue, 1, max(0, length(containerValue) - 2))
  }
}

resource runbook 'Microsoft.Automation/automationAccounts/runbooks@2024-10-23' = {
  parent: account
  name: runbookName
  location: location
  properties: {
    runbookType: 'PowerShell'
    runtimeEnvironment: runtimeEnvironmentName
    description: 'HealthwatchPolicy: every organisation of the tenants file (HwTenants) in a bounded parallel loop, each summary to the blob container.'
    logProgress: false
    logVerbose: false
    publishContentLink: {
      uri: organisationsRunbookUri
    }
  }
}

resource schedule 'Microsoft.Automation/automationAccounts/schedules@2023-11-01' = {
  parent: account
  name: 'HealthwatchPolicy-organisations'
  properties: {
    description: 'Every ${toLower(frequency)}: each organisation\'s compliance summary and overdue reviews, written to ${containerName}.'
    frequency: frequency
    interval: 1
    startTime: scheduleStart
    timeZone: timeZone
  }
}

resource jobSchedule 'Microsoft.Automation/automationAccounts/jobSchedules@2023-11-01' = {
  parent: account
  name: guid(account.id, runbookName, schedule.name)
  properties: {
    runbook: {
      name: runbook.name
    }
    schedule: {
      name: schedule.name
    }
    parameters: {
      SummaryContainer: summaryContainerUri
      ThrottleLimit: string(throttleLimit)
      // The managed identity's own tenant: an organisation of another tenant without an app fails on its own.
      HomeTenantId: tenant().tenantId
    }
  }
  dependsOn: [
    tenantsVariable
    containerVariable
    writeSummaries
  ]
}

@description('The blob container of the summary documents (Get-HwOrganisationSummary -ContainerUri).')
output summaryContainerUri string = summaryContainerUri

@description('The organisations runbook and its schedule.')
output runbook object = {
  name: runbook.name
  schedule: schedule.name
}

// A system-assigned identity gets tokens in its own tenant only (the Automation account's); another tenant needs
// a multi-tenant app with a certificate, named by clientId and certificateThumbprint in the tenants file.
var ownTenant = tenant().tenantId
var readRoles = 'User.Read.All and Group.Read.All (and, for the rules that read them, User-LifeCycleInfo.Read.All, UserAuthenticationMethod.Read.All, AuditLog.Read.All)'

@description('Per organisation of the tenants file, what its tenant\'s admin must grant (docs/graph-permissions.md).')
output adminMustStillGrant array = concat(
  [
    'Storage: nothing more for the runbook (Storage Blob Data Contributor on ${containerName} is assigned to ${principalId}). To read the overview, grant Storage Blob Data Reader on the container to the people who read it.'
  ],
  map(
    organisations,
    o =>
      !empty(o.?certificateThumbprint ?? '')
        ? '${o.name} (tenant ${o.tenantId}): consent the multi-tenant app ${o.?clientId ?? '(clientId missing in the tenants file)'} in that tenant with Graph app roles ${readRoles}, Sites.Selected with write on ${o.stateSite} only; upload its certificate (thumbprint ${o.certificateThumbprint}) to the Automation account\'s certificates.'
        : (o.tenantId == ownTenant
            ? '${o.name} (tenant ${o.tenantId}, the Automation account\'s own): Graph app roles ${readRoles} and Sites.Selected with write on ${o.stateSite} only, to the managed identity ${principalId}.'
            : '${o.name} (tenant ${o.tenantId}): the managed identity cannot sign in to another tenant (a system-assigned identity works in its own tenant ${ownTenant} only). Register a multi-tenant app with a certificate, consent it in that tenant with Graph app roles ${readRoles} and Sites.Selected with write on ${o.stateSite}, and give clientId and certificateThumbprint in the tenants file.')
  )
)
