using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Checks;

namespace HealthwatchPolicy.Completers;

/// <summary>The compliance rule ids, with their titles as tooltips.</summary>
internal sealed class ComplianceRuleCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Complete(wordToComplete, ComplianceRules.All.Select(r => (r.Id, $"{r.Id} ({r.Severity}): {r.Title}")));
}

/// <summary>The connected state store's compliance exception ids, with their rule and expiry as tooltips.</summary>
internal sealed class ComplianceExceptionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (HwCmdlet.Engine.Session is not { } session)
                return Enumerable.Empty<CompletionResult>();
            return Completion.Complete(wordToComplete, session.Exceptions.Get().Select(e =>
                (e.Id, $"{e.Id}: {e.RuleId} {e.Account} {e.Subject} until {e.Expires:yyyy-MM-dd}")));
        }
        catch (System.Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}
