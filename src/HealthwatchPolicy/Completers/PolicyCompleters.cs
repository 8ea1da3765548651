using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Completers;

/// <summary>Shared completion: match, quote, never throw (a completer that throws breaks the admin's Tab key).</summary>
internal static class Completion
{
    public static IEnumerable<CompletionResult> Complete(string wordToComplete, IEnumerable<(string Value, string Tooltip)> candidates)
    {
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(wordToComplete.Trim('\'', '"')) + "*", WildcardOptions.IgnoreCase);
        return candidates.Where(c => pattern.IsMatch(c.Value))
            .Select(c => new CompletionResult(Quote(c.Value), c.Value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(c.Tooltip) ? c.Value : c.Tooltip))
            .ToList();
    }

    /// <summary>Quotes a value only where PowerShell would otherwise read it differently ('@' and '#' matter only at the start).</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}', '|', '&', '<', '>' }) < 0 && s[0] != '@' && s[0] != '#' && s[0] != '-'
            ? s
            : "'" + s.Replace("'", "''") + "'";

    /// <summary>The policy named by -Path on the command line, else the bundled one; null if it does not load.</summary>
    public static PolicyDocument? Policy(IDictionary fakeBoundParameters)
    {
        try
        {
            string? path = fakeBoundParameters["Path"] as string;
            PolicyLoadResult result = HwCmdlet.Engine.Policies.Test(string.IsNullOrEmpty(path) ? HwCmdlet.Engine.Policies.BundledPolicyPath : path!);
            return result.Policy;
        }
        catch (Exception)
        {
            return null; // completion must never throw
        }
    }
}

internal sealed class PolicyClauseIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Policy(fakeBoundParameters) is { } policy
            ? Completion.Complete(wordToComplete, policy.Clauses.Select(c => (c.Id, $"{c.Id} ({c.Kind}): {c.Text}")))
            : Enumerable.Empty<CompletionResult>();
}

internal sealed class PolicySectionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Policy(fakeBoundParameters) is { } policy
            ? Completion.Complete(wordToComplete, policy.Sections.Select(s => (s.Id, s.Title)))
            : Enumerable.Empty<CompletionResult>();
}

/// <summary>Keep or Remove, for Complete-HwAccessReview -Decision (a completer, not ValidateSet, so a CSV row's bad
/// decision is the engine's DecisionInvalid naming the row: decision 0162).</summary>
internal sealed class ReviewDecisionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Complete(wordToComplete, new[] { ("Keep", "Keep: the access stays"), ("Remove", "Remove: record it and revoke the access") });
}
