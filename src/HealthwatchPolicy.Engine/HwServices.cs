using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Mail;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Services;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine;

/// <summary>
/// One connection as the cmdlets use it: the <see cref="HwSession"/> (connection, directory, state, journal,
/// policy, clock, lock) and the services composed over it. <see cref="HwEngine"/> builds it at connection; each
/// service is given the session and the other services it calls, and nothing else.
/// </summary>
public sealed class HwServices
{
    internal HwServices(HwSession session)
    {
        Session = session;
        Register = new RegisterService(session);
        Access = new AccessService(session, Register);
        Acknowledgements = new AcknowledgementService(session, Register);
        Compliance = new ComplianceService(session, Register);
        Reviews = new ReviewService(session, Register, Access, Compliance);
        Mail = new Mailers(session);
        Snapshots = new SnapshotService(session, Register);
        Exceptions = new ExceptionService(session, Register);
        Lifecycle = new LifecycleService(session, Register, Access);
    }

    /// <summary>Compliance exceptions: accepted deviations with a justification, an approver and an expiry.</summary>
    public ExceptionService Exceptions { get; }

    /// <summary>Issue 15: Sync-HwPostingAccess, time-bound grants, Suspend-HwPosting and Resume-HwPosting.</summary>
    public LifecycleService Lifecycle { get; }

    /// <summary>The connection's context: what every service shares.</summary>
    public HwSession Session { get; }
    /// <summary>Where the session is connected, as whom and under which policy (what Get-HwConnection shows).</summary>
    public DirectoryConnection Connection => Session.Connection;
    /// <summary>The policy loaded at connection.</summary>
    public PolicyDocument Policy => Session.Policy;
    /// <summary>The audit journal (<c>journal.jsonl</c> + <c>journal.head</c> in the state folder).</summary>
    public IJournal Journal => Session.Journal;
    /// <summary>The register of official accounts (posting groups and their register entries).</summary>
    public RegisterService Register { get; }
    /// <summary>Who may post: grant and revoke, the checks asked first.</summary>
    public AccessService Access { get; }
    /// <summary>Policy acknowledgements (the user's extension).</summary>
    public AcknowledgementService Acknowledgements { get; }
    /// <summary>The compliance report: every check over one register read, and its mail.</summary>
    public ComplianceService Compliance { get; }
    /// <summary>Access reviews and the month's schedule.</summary>
    public ReviewService Reviews { get; }
    /// <summary>How mail leaves (SMTP, Graph sendMail or the outbox) and the default sender.</summary>
    public Mailers Mail { get; }
    /// <summary>
    /// Repair-HwAuditLog: removes a torn final line (a last line that is not a whole entry) and records its bytes
    /// (base64) and SHA-256 in a <c>JournalRepaired</c> entry. Returns that entry, or null when there is no torn line.
    /// Throws <c>JournalCorrupt</c> for any other damage (nothing is changed): history is never rewritten.
    /// </summary>
    public JournalEntry? RepairJournal(string reason) => Session.RepairJournal(reason);

    /// <summary>What <paramref name="change"/> (a call of a change method of these services) would do, without doing it (<see cref="HwSession.Plan"/>; -WhatIf).</summary>
    public ChangePlan Plan(System.Func<object?> change) => Session.Plan(change);

    /// <summary>Export-HwDirectorySnapshot.</summary>
    public SnapshotService Snapshots { get; }
}
