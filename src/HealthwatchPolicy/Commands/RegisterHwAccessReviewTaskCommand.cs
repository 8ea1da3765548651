using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// Registers a daily Windows scheduled task that runs Invoke-HwMonthlyAccessReview.ps1 with certificate sign-in.
/// On Linux and macOS it refuses and points to the cron/systemd recipes in docs/scheduling.md.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "HwAccessReviewTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class RegisterHwAccessReviewTaskCommand : HwCmdlet
{
    [Parameter(Mandatory = true)] [ValidateNotNullOrEmpty] [Identifier] public string TenantId { get; set; } = "";
    [Parameter(Mandatory = true)] [ValidateNotNullOrEmpty] [Identifier] public string ClientId { get; set; } = "";
    [Parameter(Mandatory = true)] [ValidateNotNullOrEmpty] [Identifier] public string CertificateThumbprint { get; set; } = "";
    [Parameter(Mandatory = true)] [ValidateNotNullOrEmpty] [Identifier] public string From { get; set; } = "";
    /// <summary>A local state folder (with -StateSite, only where logs and reports go).</summary>
    [Parameter] [ValidateNotNullOrEmpty] public string? StatePath { get; set; }

    /// <summary>The shared state store: the SharePoint site every admin connects with (URL or id).</summary>
    [Parameter] [ValidateNotNullOrEmpty] [Identifier] public string? StateSite { get; set; }

    /// <summary>The group (object id) whose open extension mirrors the shared journal's head, as Connect-HwDirectory -HeadMirrorGroup.</summary>
    [Parameter] [ValidateNotNullOrEmpty] [Identifier] public string? HeadMirrorGroup { get; set; }

    /// <summary>The time of day the task runs (default 07:00).</summary>
    [Parameter] public DateTime At { get; set; } = DateTime.Today.AddHours(7);

    [Parameter] [ValidateNotNullOrEmpty] [Identifier] public string TaskName { get; set; } = "HealthwatchPolicy monthly access review";

    /// <summary>The account the task runs as (default: the current user; use a dedicated service account).</summary>
    [Parameter] public PSCredential? RunAs { get; set; }

    /// <summary>
    /// The state folder as the job will see it: an absolute path byte for byte as given (PowerShell's provider would
    /// turn '\' into '/' on Linux, where '\' is an ordinary character of a file name); a relative one joined to the
    /// current file-system location; a PowerShell path (~, a drive) resolved by the provider.
    /// </summary>
    private string StateFolder()
    {
        string path = StatePath!;
        if (System.IO.Path.IsPathRooted(path) && (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || path.StartsWith("/", StringComparison.Ordinal)))
            return path;
        if (path.StartsWith("~", StringComparison.Ordinal) || path.IndexOf(':') >= 0)
            return ResolvePath(path);
        return System.IO.Path.Combine(SessionState.Path.CurrentFileSystemLocation.ProviderPath, path);
    }

    protected override void EndProcessing()
    {
        string script = System.IO.Path.Combine(DependencyLoader.ModuleBase, "Invoke-HwMonthlyAccessReview.ps1");
        // Every value is checked for what it is and quoted for the shell it lands in (ReviewTaskCommand).
        string arguments, posixCommand;
        try
        {
            var command = HealthwatchPolicy.Engine.Scheduling.ReviewTaskCommand.Create(script, TenantId, ClientId, CertificateThumbprint, From,
                StatePath is null ? null : StateFolder(), StateSite, HeadMirrorGroup);
            arguments = command.WindowsArguments;
            posixCommand = command.PosixCommand();
        }
        catch (HealthwatchPolicy.Engine.Errors.HwException ex)
        {
            ThrowHwError(ex, ex.Target);
            return;
        }
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var record = ErrorMapping.ToErrorRecord(new PlatformNotSupportedException(
                    "Task Scheduler is Windows-only. On Linux or macOS schedule this daily instead (see docs/scheduling.md): " + posixCommand),
                ErrorIds.TaskSchedulerUnavailable, TaskName);
            // The line alone, for a script to put in a crontab or a systemd unit (ExecStart=/bin/sh -c '...').
            record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = posixCommand };
            ThrowTerminatingError(record);
            return;
        }
        if (!ShouldProcess(TaskName, $"Register a daily scheduled task at {At:HH:mm} running {System.IO.Path.GetFileName(script)}"))
            return;
        // ScheduledTasks is Windows' own module; run it through PowerShell rather than re-implementing it.
        const string register = @"param($name, $arguments, $at, $cred)
$exe = Join-Path $PSHOME 'pwsh.exe'
if (-not (Test-Path $exe)) { $exe = Join-Path $PSHOME 'powershell.exe' }   # Windows PowerShell 5.1
$action = New-ScheduledTaskAction -Execute $exe -Argument $arguments
$trigger = New-ScheduledTaskTrigger -Daily -At $at
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Hours 2)
if ($cred) { Register-ScheduledTask -TaskName $name -Action $action -Trigger $trigger -Settings $settings -User $cred.UserName -Password $cred.GetNetworkCredential().Password -Force }
else { Register-ScheduledTask -TaskName $name -Action $action -Trigger $trigger -Settings $settings -Force }";
        foreach (PSObject result in InvokeCommand.InvokeScript(register, TaskName, arguments, At, RunAs!))
            WriteObject(result);
    }
}
