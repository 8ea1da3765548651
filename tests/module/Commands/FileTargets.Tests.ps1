# The cmdlets that write a file replace only a regular file (decision 0120): a device, a FIFO, a directory or a
# symbolic link at the target is refused with FileTargetNotRegular and left as it was; a mode-600 file stays 600.
# The device is made with mknod in $TestDrive (1,3: what /dev/null is), never the real /dev/null.
BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-HwBuiltModule
    Connect-HwTestSample | Out-Null

    function Get-NodeType([string] $Path) { (& stat -c '%F' -- $Path) }
}

Describe 'Writing over something that is not a regular file' -Tag 'FileTargets' {
    BeforeAll {
        $dev = Join-Path $TestDrive 'null'
        & mknod $dev c 1 3
        $fifo = Join-Path $TestDrive 'pipe'
        & mkfifo $fifo
        $real = Join-Path $TestDrive 'real.md'
        Set-Content -LiteralPath $real -Value 'original'
        $link = Join-Path $TestDrive 'link.md'
        New-Item -ItemType SymbolicLink -Path $link -Target $real | Out-Null
        $folder = Join-Path $TestDrive 'folder.md'
        New-Item -ItemType Directory $folder | Out-Null
    }

    It 'Export-HwComplianceReport refuses <Name> and leaves it as it was' -ForEach @(
        @{ Name = 'a character device'; Leaf = 'null'; Type = 'character special file' }
        @{ Name = 'a FIFO'; Leaf = 'pipe'; Type = 'fifo' }
        @{ Name = 'a symbolic link'; Leaf = 'link.md'; Type = 'symbolic link' }
        @{ Name = 'a directory'; Leaf = 'folder.md'; Type = 'directory' }
    ) {
        $target = Join-Path $TestDrive $Leaf
        $before = @(Get-ChildItem -Force $TestDrive).Name
        $err = { Export-HwComplianceReport -Path $target -Format Markdown } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'FileTargetNotRegular,HealthwatchPolicy.Commands.ExportHwComplianceReportCommand'
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "Cannot write '$target': it is *, not a regular file.*"
        Get-NodeType $target | Should -Be $Type
        @(Get-ChildItem -Force $TestDrive).Name | Should -Be $before
        Get-Content -Raw -LiteralPath $real | Should -Be "original$([Environment]::NewLine)"
    }

    It 'ConvertTo-HwPolicyDocument -OutFile refuses <Name>' -ForEach @(
        @{ Name = 'a character device'; Leaf = 'null'; Type = 'character special file' }
        @{ Name = 'a FIFO'; Leaf = 'pipe'; Type = 'fifo' }
        @{ Name = 'a symbolic link'; Leaf = 'link.md'; Type = 'symbolic link' }
    ) {
        $target = Join-Path $TestDrive $Leaf
        $err = { ConvertTo-HwPolicyDocument -Format Text -OutFile $target } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'FileTargetNotRegular,HealthwatchPolicy.Commands.ConvertToHwPolicyDocumentCommand'
        Get-NodeType $target | Should -Be $Type
    }

    It 'keeps a mode-600 report at 600 when it replaces it' {
        $file = Join-Path $TestDrive 'private.md'
        Set-Content -LiteralPath $file -Value 'old'
        & chmod 600 $file
        Export-HwComplianceReport -Path $file -Format Markdown | Out-Null
        (& stat -c '%a' -- $file) | Should -Be '600'
        Get-Content -Raw -LiteralPath $file | Should -BeLike '*HW-ELG-001*'
        ConvertTo-HwPolicyDocument -Format Text -OutFile $file | Out-Null
        (& stat -c '%a' -- $file) | Should -Be '600'
    }
}
