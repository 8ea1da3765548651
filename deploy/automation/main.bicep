// HealthwatchPolicy on Azure Automation (issue 18): an Automation account with a system-assigned managed identity,
// a PowerShell 7.4 runtime environment holding the module package, the runbook, its daily and monthly schedules
// and the variables it reads. The template cannot grant Microsoft Graph application permissions (that needs an
// Entra admin, not an Azure Resource Manager deployment): the outputs name what the admin must still grant.
// With deployOrganisations, the many-organisations run (organisations.bicep) is added: a blob container of summary
// documents, the tenants file as a variable and a second runbook on its own schedule. Off by default, so the
// single-organisation deployment is unchanged.
// Walk-through: docs/deploy-azure-automation.md.

@description('Where the Automation account lives.')
param location string = resourceGroup().location

@description('The Automation account name (6 to 50 letters, digits and hyphens).')
@minLength(6)
@maxLength(50)
param automationAccountName string = 'healthwatch-policy'

@description('An https address Azure Automation can download the module package from: HealthwatchPolicy.<version>.nupkg from build.ps1 -Task Package (a blob with a read-only SAS, or a gallery download link).')
param modulePackageUri string

@description('The module version in the package (the runtime environment lists it).')
param moduleVersion string = '0.1.0'

@description('An https address of deploy/automation/Invoke-HwAutomationRunbook.ps1 (the runbook source) Azure Automation can download.')
param runbookUri string

@description('The Entra tenant id (GUID) of the organisation.')
param tenantId string = tenant().tenantId

@description('The shared state store: the SharePoint site URL whose library holds the journal, reviews and lock.')
param stateSite string

@description('The mailbox the review mail and the compliance report are sent from (scoped to this mailbox in Exchange Online).')
param mailFrom string

@description('First run of the daily schedule (ISO 8601, at least 5 minutes in the future). The monthly one starts a day later at the same time.')
param scheduleStart string

@description('The time zone the schedules run in (IANA or Windows id).')
param timeZone string = 'Europe/London'

@description('Also deploy the run over many organisations (organisations.bicep): summaries in a blob container, the tenants file in the HwTenants variable, the organisations runbook on its own schedule.')
param deployOrganisations bool = false

@description('With deployOrganisations: the tenants file as JSON text (deploy/organisations/tenants.example.json), e.g. (Get-Content tenants.json -Raw).')
param tenantsJson string = '{"organisations":[]}'

@description('With deployOrganisations: an https address of deploy/automation/Invoke-HwOrganisationsRunbook.ps1 Azure Automation can download.')
param organisationsRunbookUri string = ''

@description('With deployOrganisations: the storage account of the summary documents (3 to 24 lower-case letters and digits, unique in Azure).')
@minLength(3)
@maxLength(24)
param summaryStorageAccountName string = 'hworgs${uniqueString(resourceGroup().id)}'

@description('With deployOrganisations: run over the organisations every day or every week.')
@allowed([
  'Day'
  'Week'
])
param organisationsFrequency string = 'Day'

@description('With deployOrganisations: how many organisations run at once in the job.')
@minValue(1)
@maxValue(64)
param organisationsThrottleLimit int = 4

var runtimeEnvironmentName = 'HealthwatchPolicy-PowerShell-74'
var runbookName = 'Invoke-HwAutomationRunbook'

resource account 'Microsoft.Automation/automationAccounts@2023-11-01' = {
  name: automationAccountName
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    sku: {
      name: 'Basic'
    }
    publicNetworkAccess: true
    disableLocalAuth: true
  }
}

resource runtimeEnvironment 'Microsoft.Automation/automationAccounts/runtimeEnvironments@2024-10-23' = {
  parent: account
  name: runtimeEnvironmentName
  location: location
  properties: {
    runtime: {
      language: 'PowerShell'
      version: '7.4'
    }
    description: 'PowerShell 7.4 with HealthwatchPolicy ${moduleVersion}'
  }
}

resource modulePackage 'Microsoft.Automation/automationAccounts/runtimeEnvironments/packages@2024-10-23' = {
  parent: runtimeEnvironment
  name: 'HealthwatchPolicy'
  properties: {
    contentLink: {
      uri: modulePackageUri
    }
  }
}

resource runbook 'Microsoft.Automation/automationAccounts/runbooks@2024-10-23' = {
  parent: account
  name: runbookName
  location: location
  properties: {
    runbookType: 'PowerShell'
    runtimeEnvironment: runtimeEnvironment.name
    description: 'HealthwatchPolicy: the daily access-review steps and the monthly journal check, signed in with the managed identity, state in the shared SharePoint store.'
    logProgress: false
    logVerbose: false
    publishContentLink: {
      uri: runbookUri
    }
  }
  dependsOn: [
    modulePackage
  ]
}

// Automation variables hold JSON values: a string is written with its quotes.
var variables = {
  HwTenantId: tenantId
  HwStateSite: stateSite
  HwMailFrom: mailFrom
}

resource automationVariables 'Microsoft.Automation/automationAccounts/variables@2023-11-01' = [
  for v in items(variables): {
    parent: account
    name: v.key
    properties: {
      isEncrypted: false
      value: '"${v.value}"'
    }
  }
]

resource daily 'Microsoft.Automation/automationAccounts/schedules@2023-11-01' = {
  parent: account
  name: 'HealthwatchPolicy-daily'
  properties: {
    description: 'Every day: each step of the month\'s access review that is due, once.'
    frequency: 'Day'
    interval: 1
    startTime: scheduleStart
    timeZone: timeZone
  }
}

resource monthly 'Microsoft.Automation/automationAccounts/schedules@2023-11-01' = {
  parent: account
  name: 'HealthwatchPolicy-monthly'
  properties: {
    description: 'On the 1st of each month: verify the shared journal and record the compliance summary.'
    frequency: 'Month'
    interval: 1
    startTime: dateTimeAdd(scheduleStart, 'P1D')
    timeZone: timeZone
    advancedSchedule: {
      monthDays: [
        1
      ]
    }
  }
}

resource dailyJob 'Microsoft.Automation/automationAccounts/jobSchedules@2023-11-01' = {
  parent: account
  name: guid(account.id, runbookName, daily.name)
  properties: {
    runbook: {
      name: runbook.name
    }
    schedule: {
      name: daily.name
    }
    parameters: {
      Mode: 'Daily'
    }
  }
  dependsOn: [
    automationVariables
  ]
}

resource monthlyJob 'Microsoft.Automation/automationAccounts/jobSchedules@2023-11-01' = {
  parent: account
  name: guid(account.id, runbookName, monthly.name)
  properties: {
    runbook: {
      name: runbook.name
    }
    schedule: {
      name: monthly.name
    }
    parameters: {
      Mode: 'Monthly'
    }
  }
  dependsOn: [
    automationVariables
  ]
}

module organisations 'organisations.bicep' = if (deployOrganisations) {
  name: 'healthwatch-organisations'
  params: {
    location: location
    automationAccountName: account.name
    runtimeEnvironmentName: runtimeEnvironment.name
    principalId: account.identity.principalId
    storageAccountName: summaryStorageAccountName
    tenantsJson: tenantsJson
    organisationsRunbookUri: organisationsRunbookUri
    frequency: organisationsFrequency
    scheduleStart: dateTimeAdd(scheduleStart, 'PT1H')
    timeZone: timeZone
    throttleLimit: organisationsThrottleLimit
  }
  dependsOn: [
    modulePackage
  ]
}

@description('The managed identity\'s service principal (object) id: grant the Graph application permissions to it.')
output managedIdentityPrincipalId string = account.identity.principalId

@description('The Microsoft Graph application permissions (app roles) the unattended job needs, least privilege (docs/graph-permissions.md): assign each to the managed identity with New-MgServicePrincipalAppRoleAssignment.')
output graphApplicationPermissions array = [
  'User.Read.All'
  'Group.Read.All'
  'GroupMember.ReadWrite.All'
  'Sites.Selected'
]

@description('What the admin must still do by hand after the deployment, in order.')
output adminMustStillGrant array = concat([
  'Graph app roles User.Read.All, Group.Read.All and GroupMember.ReadWrite.All to service principal ${account.identity.principalId} (Microsoft Graph, appId 00000003-0000-0000-c000-000000000000).'
  'Graph app role Sites.Selected to the same service principal, then a write permission on ${stateSite} only (POST /sites/{site-id}/permissions with roles [write]).'
  'Mail.Send for ${mailFrom} only: Exchange Online RBAC for Applications (New-ServicePrincipal, New-ManagementScope, New-ManagementRoleAssignment -Role "Application Mail.Send"); do not grant Mail.Send in Entra.'
  'Mail.ReadWrite for ${mailFrom} only (Receive-HwAccessReviewDecision reads the reviewers\' replies there): Exchange Online RBAC for Applications, New-ManagementRoleAssignment -Role "Application Mail.ReadWrite" with the same scope; do not grant Mail.ReadWrite in Entra (docs/graph-permissions.md).'
], deployOrganisations ? organisations!.outputs.adminMustStillGrant : [])

@description('With deployOrganisations: the blob container of the organisations\' summary documents (Get-HwOrganisationSummary -ContainerUri); empty without.')
output summaryContainerUri string = deployOrganisations ? organisations!.outputs.summaryContainerUri : ''

@description('The runbook and the runtime environment it runs in.')
output runbook object = {
  name: runbook.name
  runtimeEnvironment: runtimeEnvironment.name
}
