using System.Collections.Generic;
using System.Management.Automation;
using HealthwatchPolicy.Completers;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

/// <summary>
/// What Suspend-HwPosting and Resume-HwPosting share (issue 15): the accounts (register names, wildcards allowed, from
/// the pipeline by property name; every one when left out) collected over the pipeline and acted on once at the end,
/// and the reason that is journaled with the pause or its end.
/// </summary>
public abstract class PostingPauseCmdlet : HwCmdlet
{
    /// <summary>The accounts to pause or resume (register names, wildcards allowed); every (paused) account when left out.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AccountName", "Name")]
    [ArgumentCompleter(typeof(OfficialAccountCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string[]? Account { get; set; }

    /// <summary>Why posting is paused (named by every grant refused during the pause) or may resume; journaled.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    /// <summary>Every account named over the whole pipeline, in order.</summary>
    protected List<string> Accounts { get; } = new();

    /// <summary>Fails at once when not connected.</summary>
    protected override void BeginProcessing() => _ = Session;

    /// <summary>Collects the accounts; the work is done once, in EndProcessing.</summary>
    protected override void ProcessRecord()
    {
        if (Account is not null)
            Accounts.AddRange(Account);
    }
}
