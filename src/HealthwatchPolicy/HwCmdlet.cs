using System.Management.Automation;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy;

/// <summary>What every Hw cmdlet shares: the engine, progress on the pipeline thread, and error mapping.</summary>
public abstract class HwCmdlet : PSCmdlet
{
    private int _processed;
    private bool _progressShown;

    /// <summary>The session's engine (loaded on first use, not at import).</summary>
    internal static HwEngine Engine => EngineSession.Engine;

    /// <summary>The current connection; a terminating NotConnected error (saying how to connect) when there is none.</summary>
    internal HwServices Session
    {
        get
        {
            try
            {
                return Engine.Current;
            }
            catch (HwException ex)
            {
                ThrowHwError(ex, null);
                throw; // not reached
            }
        }
    }

    /// <summary>Runs an engine call; an engine error becomes a non-terminating ErrorRecord and the result is default.</summary>
    internal T? TryEngine<T>(System.Func<T> call, object? target)
    {
        try
        {
            return call();
        }
        catch (HwException ex)
        {
            WriteHwError(ex, target);
            return default;
        }
        finally
        {
            WriteChangeWarnings();
        }
    }

    /// <summary>Changes made but with something after their journal entry unwritten (the head, its mirror): done, with a warning.</summary>
    internal void WriteChangeWarnings()
    {
        if (Engine.Session is { } s)
            foreach (string w in s.Session.TakeWarnings())
                WriteWarning(w);
    }

    /// <summary>One progress activity per cmdlet type; call from ProcessRecord (the pipeline thread).</summary>
    protected void ReportProgress(string activity, string status)
    {
        _progressShown = true;
        WriteProgress(new ProgressRecord(ActivityId, activity, Shown(status))
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

    // What a Hw cmdlet says to the person at the terminal (-WhatIf/-Confirm text, verbose, warnings, progress) quotes
    // names, reasons and directory data: these hide Cmdlet's own methods so every such message has its control
    // characters made visible (SafeText), without touching each call site. Objects and errors are handled elsewhere.
    internal new bool ShouldProcess(string target) => base.ShouldProcess(Shown(target));

    internal new bool ShouldProcess(string target, string action) => base.ShouldProcess(Shown(target), Shown(action));

    /// <summary>Whether -WhatIf (or $WhatIfPreference) is in effect for this call.</summary>
    internal bool WhatIfActive =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w)
            ? w is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(w)
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>
    /// ShouldProcess that, under -WhatIf, first runs the change in plan mode (reads and checks, no writes, no lock:
    /// docs/decisions/0161) and says what would happen: "What if: &lt;action&gt; for &lt;target&gt;: would be refused:
    /// &lt;reason&gt; (&lt;clause&gt;)", "… &lt;wouldDo&gt;", or "… would change nothing: &lt;why&gt;". Without -WhatIf
    /// it is the ordinary ShouldProcess (target, action), so -Confirm asks as before.
    /// </summary>
    internal bool ShouldProcessPlanned(string target, string action, System.Func<object?> change, string wouldDo,
        System.Func<object?, string?>? unchanged = null, System.Func<object?, string?>? wouldDoFrom = null)
    {
        if (!WhatIfActive)
            return ShouldProcess(target, action);
        ChangePlan plan = Session.Plan(change);
        string text = $"{action} for {target}: {(plan.WouldChange && plan.Refusal is null && wouldDoFrom?.Invoke(plan.Result) is { } planned ? planned : Verdict(plan, wouldDo, unchanged))}";
        return base.ShouldProcess(Shown(text), Shown(text), Shown(action));
    }

    private static string Verdict(ChangePlan plan, string wouldDo, System.Func<object?, string?>? unchanged)
    {
        if (plan.Refusal is HealthwatchPolicy.Engine.Checks.PolicyRefusalException policy)
            return "would be refused: " + Refused(policy.Refusal);
        if (plan.Refusal is { } error)
            return $"would be refused: {error.Message.TrimEnd().TrimEnd('.')} ({error.ErrorId})";
        if (plan.Result is HealthwatchPolicy.Engine.Access.AccessOutcome { Refusals.Count: > 0 } outcome)
            return "would be refused: " + string.Join("; ", System.Linq.Enumerable.Select(outcome.Refusals, Refused));
        if (plan.WouldChange)
            return wouldDo;
        string? why = unchanged?.Invoke(plan.Result);
        return why is null ? "would change nothing" : "would change nothing: " + why;
    }

    /// <summary>A refusal as -WhatIf and warnings say it: the explanation, then the clause and id it stands on.</summary>
    internal static string Refused(HealthwatchPolicy.Engine.Checks.PolicyRefusal r) =>
        r.ClauseId is null ? $"{r.Explanation.TrimEnd('.')} ({r.ErrorId})" : $"{r.Explanation.TrimEnd('.')} (policy clause {r.ClauseId}, {r.ErrorId})";

    internal new void WriteVerbose(string text) => base.WriteVerbose(Shown(text));

    internal new void WriteWarning(string text) => base.WriteWarning(Shown(text));

    private static string Shown(string text) => HealthwatchPolicy.Engine.Text.SafeText.Neutralise(text, keepLineFeeds: true)!;

    /// <summary>A non-terminating error: the pipeline goes on with the next item.</summary>
    internal void WriteHwError(HwException ex, object? target) => WriteError(ErrorMapping.ToErrorRecord(ex, target, MyInvocation.MyCommand));

    /// <summary>
    /// Runs an engine call for one pipeline row (an Import-Csv line): an engine error becomes one non-terminating
    /// ErrorRecord whose message names the row's account and user (docs/decisions/0160), and the result is default.
    /// </summary>
    internal T? TryRow<T>(System.Func<T> call, string account, string user)
    {
        try
        {
            return call();
        }
        catch (HwException ex)
        {
            WriteRowError(ex, account, user);
            return default;
        }
        finally
        {
            WriteChangeWarnings();
        }
    }

    /// <summary>An engine error about one row, its message ending with the row's account and user unless it names both.</summary>
    internal void WriteRowError(HwException ex, string account, string user)
    {
        ErrorRecord record = ErrorMapping.ToErrorRecord(ex, (object?)user, MyInvocation.MyCommand);
        string message = record.ErrorDetails?.Message ?? ex.Message;
        if (message.IndexOf(account, System.StringComparison.OrdinalIgnoreCase) < 0 || message.IndexOf(user, System.StringComparison.OrdinalIgnoreCase) < 0)
            record.ErrorDetails = new ErrorDetails(Shown($"{message.TrimEnd()} (row: account '{account}', user '{user}')"));
        WriteError(record);
    }

    /// <summary>A terminating error, for setup failures (a bad policy file, no connection).</summary>
    internal void ThrowHwError(HwException ex, object? target) => ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target, MyInvocation.MyCommand));

    /// <summary>A provider path (relative to the current location, ~ expanded) as a file-system path.</summary>
    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);
}
