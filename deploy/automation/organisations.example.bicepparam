// An example parameters file for main.bicep with the many-organisations run (docs/deploy-azure-automation.md,
// "Many organisations"). Copy it, put in your addresses, and deploy with
//   New-AzResourceGroupDeployment -ResourceGroupName rg-healthwatch -TemplateParameterFile my.bicepparam
// The tenants file is read from disk when the file is built (loadTextContent), so HwTenants holds exactly its text.
using 'main.bicep'

param modulePackageUri = 'https://hwdeploy.blob.core.windows.net/deploy/HealthwatchPolicy.0.1.0.nupkg'
param moduleVersion = '0.1.0'
param runbookUri = 'https://hwdeploy.blob.core.windows.net/deploy/Invoke-HwAutomationRunbook.ps1'
param stateSite = 'https://hwsefton.sharepoint.com/sites/healthwatch'
param mailFrom = 'policy-reviews@hwsefton.org.uk'
param scheduleStart = '2026-12-01T07:00:00+00:00'

param deployOrganisations = true
param tenantsJson = loadTextContent('../organisations/tenants.example.json')
param organisationsRunbookUri = 'https://hwdeploy.blob.core.windows.net/deploy/Invoke-HwOrganisationsRunbook.ps1'
param organisationsFrequency = 'Week'
param organisationsThrottleLimit = 8
