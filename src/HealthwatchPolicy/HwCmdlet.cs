using System.Management.Automation;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy;

/// <summary>What every Hw cmdlet shares: the engine, progress on the pipeline thread, and error mapping.</summary>
public abstract class HwCmdlet : PSCmdlet
{
    private int _processed;
    private bool _progressShown;

    /// <summary>The session's engine (loaded on first use, not at import).</summary>
    internal static HwEngine Engine => EngineSession.Engine;

    /// <summary>One progress activity per cmdlet type; call from ProcessRecord (the pipeline thread).</summary>
    protected void ReportProgress(string activity, string status)
    {
        _progressShown = true;
        WriteProgress(new ProgressRecord(ActivityId, activity, status)
        {
            CurrentOperation = $"{_processed++} processed",
        });
    }

    protected void CompleteProgress()
    {
        if (!_progressShown)
            return;
        WriteProgress(new ProgressRecord(ActivityId, GetType().Name, "Done") { RecordType = ProgressRecordType.Completed });
    }

    private int ActivityId => GetType().Name.GetHashCode() & 0x7fff;

    /// <summary>A non-terminating error: the pipeline goes on with the next item.</summary>
    internal void WriteHwError(HwException ex, object? target) => WriteError(ErrorMapping.ToErrorRecord(ex, target));

    /// <summary>A terminating error, for setup failures (a bad policy file, no connection).</summary>
    internal void ThrowHwError(HwException ex, object? target) => ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target));

    /// <summary>A provider path (relative to the current location, ~ expanded) as a file-system path.</summary>
    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);
}
