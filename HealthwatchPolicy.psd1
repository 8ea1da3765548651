#
# Module manifest for HealthwatchPolicy.
# ModuleVersion is stamped by build.ps1 from Directory.Build.props (its one home); do not edit it here.
#
@{
    RootModule             = 'HealthwatchPolicy.dll'
    ModuleVersion          = '{{ModuleVersion}}'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '5b0a5c1e-7f62-4d55-9a0e-3c1d2f6b8e41'
    Author                 = 'HealthwatchPolicy contributors'
    CompanyName            = 'Healthwatch Sefton'
    Copyright              = '(c) Healthwatch Sefton. MIT licence.'
    Description            = 'Turns the Healthwatch Sefton social media policy into enforced, audited practice in Microsoft 365: the policy as validated data, the official-account register, posting access, monthly access reviews and compliance reports.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('HealthwatchPolicy.format.ps1xml')
    CmdletsToExport        = @(
        'Get-HwPolicy'
        'Test-HwPolicy'
        'ConvertTo-HwPolicyDocument'
        'Compare-HwPolicy'
        'Connect-HwDirectory'
        'Get-HwConnection'
        'Disconnect-HwDirectory'
        'New-HwOfficialAccount'
        'Get-HwOfficialAccount'
        'Set-HwOfficialAccount'
        'Remove-HwOfficialAccount'
        'Grant-HwPostingAccess'
        'Sync-HwPostingAccess'
        'Suspend-HwPosting'
        'Resume-HwPosting'
        'Revoke-HwPostingAccess'
        'Get-HwPostingAccess'
        'Add-HwPolicyAcknowledgement'
        'Get-HwPolicyAcknowledgement'
        'Get-HwAuditLog'
        'Test-HwAuditLog'
        'Repair-HwAuditLog'
        'Export-HwDirectorySnapshot'
        'Get-HwComplianceReport'
        'Export-HwComplianceReport'
        'Send-HwComplianceReport'
        'New-HwComplianceException'
        'Get-HwComplianceException'
        'Remove-HwComplianceException'
        'Compare-HwComplianceReport'
        'Start-HwAccessReview'
        'Get-HwAccessReview'
        'Send-HwAccessReview'
        'Complete-HwAccessReview'
        'Receive-HwAccessReviewDecision'
        'Close-HwAccessReview'
        'Update-HwAccessReview'
        'Register-HwAccessReviewTask'
        'Get-HwOrganisationSummary'
        'Save-HwOrganisationSummary'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('SocialMedia', 'Policy', 'Compliance', 'EntraID', 'MicrosoftGraph', 'AccessReview', 'Healthwatch', 'AzureAutomation', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://example.invalid/HealthwatchPolicy'
            LicenseUri   = 'https://example.invalid/HealthwatchPolicy/blob/main/LICENSE'
            # Stamped by build.ps1 from this version's section of CHANGELOG.md.
            ReleaseNotes = '{{ReleaseNotes}}'
        }
    }
}
