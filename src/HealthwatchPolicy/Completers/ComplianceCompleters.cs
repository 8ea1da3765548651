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
