using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace HealthwatchPolicy.Completers;

/// <summary>Official account names from the connected register (cached by the session: no network on Tab).</summary>
internal sealed class OfficialAccountCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (HwCmdlet.Engine.Session is not { } session)
                return Enumerable.Empty<CompletionResult>();
            return Completion.Complete(wordToComplete, session.Register.CachedAccounts().Select(a => (a.Name, $"{a.Platform} {a.Handle}")));
        }
        catch (System.Exception)
        {
            return Enumerable.Empty<CompletionResult>(); // completion must never throw
        }
    }
}

/// <summary>Users (user principal names) from the connected directory.</summary>
internal sealed class DirectoryUserCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (HwCmdlet.Engine.Session is not { } session)
                return Enumerable.Empty<CompletionResult>();
            return Completion.Complete(wordToComplete, session.Register.CachedUsers().Select(u => (u.UserPrincipalName, $"{u.DisplayName} ({u.EmployeeType})")));
        }
        catch (System.Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}

/// <summary>The platforms the connected (or bundled) policy names.</summary>
internal sealed class PlatformCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var policy = HwCmdlet.Engine.Session?.Policy ?? HwCmdlet.Engine.Policies.Test(HwCmdlet.Engine.Policies.BundledPolicyPath).Policy;
            return policy is null ? Enumerable.Empty<CompletionResult>() : Completion.Complete(wordToComplete, policy.Scope.Platforms.Select(p => (p, p)));
        }
        catch (System.Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}
