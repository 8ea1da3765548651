BeforeAll {
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $manifestPath = Get-HwBuiltManifest
    $moduleBase = Split-Path $manifestPath
}

Describe 'Dependency isolation' -Tag 'Module' {
    It 'keeps third-party assemblies out of the module root' {
        Get-ChildItem $moduleBase -Filter *.dll | ForEach-Object Name | Should -Be 'HealthwatchPolicy.dll'
        Test-Path (Join-Path $moduleBase 'dependencies/YamlDotNet.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleBase 'dependencies/HealthwatchPolicy.Engine.dll') | Should -BeTrue
    }

    It 'loads the policy with its own YamlDotNet when another version is already in the session' {
        $foreign = $env:HW_FOREIGN_YAMLDOTNET
        $foreign | Should -Exist
        $script = @"
`$ErrorActionPreference = 'Stop'
`$theirs = [System.Reflection.Assembly]::LoadFrom('$foreign')
"theirs=`$(`$theirs.GetName().Version)"
Import-Module '$manifestPath'
"graphAfterImport=`$(@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'Microsoft.Graph*' -or `$_.GetName().Name -like 'Azure.Identity*' -or `$_.GetName().Name -eq 'HealthwatchPolicy.Engine.Graph' }).Count)"
`$p = Get-HwPolicy
"clauses=`$(`$p.Clauses.Count)"
"graphAfterLocalWork=`$(@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'Microsoft.Graph*' -or `$_.GetName().Name -like 'Azure.Identity*' }).Count)"
`$all = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' }
foreach (`$a in `$all) { "yaml=`$(`$a.GetName().Version)|`$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name)" }
`$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'HealthwatchPolicy.Engine' }
"engineAlc=`$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$engine).Name)"
"sessionYaml=`$([Type]::GetType('YamlDotNet.Serialization.Deserializer, YamlDotNet').Assembly.GetName().Version)"
"@
        $r = Invoke-HwChildPwsh -Command $script
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'theirs=11.0.0.0'
        $r.Output | Should -Contain 'graphAfterImport=0'        # the Graph SDK and Azure.Identity load only at a Graph connection
        $r.Output | Should -Contain 'graphAfterLocalWork=0'
        $r.Output | Should -Contain 'clauses=34'
        $r.Output | Should -Contain 'engineAlc=HealthwatchPolicy'
        $r.Output | Should -Contain 'yaml=11.0.0.0|Default'      # the session's copy is untouched
        ($r.Output | Where-Object { $_ -like 'yaml=*|HealthwatchPolicy' }) | Should -Not -BeNullOrEmpty
        $r.Output | Should -Contain 'sessionYaml=11.0.0.0'
    }
}
