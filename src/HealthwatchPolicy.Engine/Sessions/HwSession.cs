using System;
using System.IO;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Storage;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>What Get-HwConnection shows: where the module is connected, as whom, under which policy.</summary>
public sealed class DirectoryConnection
{
    internal DirectoryConnection(string kind, string directory, string statePath, string policyPath, string policyVersion,
        string actor, DateTimeOffset connectedAt, bool isSample)
    {
        Kind = kind;
        Directory = directory;
        StatePath = statePath;
        PolicyPath = policyPath;
        PolicyVersion = policyVersion;
        Actor = actor;
        ConnectedAt = connectedAt;
        IsSample = isSample;
    }

    /// <summary><c>Local</c> or <c>Graph</c>.</summary>
    public string Kind { get; }
    public string Directory { get; }
    public string StatePath { get; }
    public string PolicyPath { get; }
    public string PolicyVersion { get; }
    /// <summary>Who the journal records as making changes.</summary>
    public string Actor { get; }
    public DateTimeOffset ConnectedAt { get; }
    public bool IsSample { get; }
}

/// <summary>A connection's working parts: the directory, the journal, the policy, the clock and the domain services.</summary>
public sealed class HwSession
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(120);

    internal HwSession(DirectoryConnection connection, IDirectory directory, IStateStore state, IJournal journal, PolicyDocument policy, TimeProvider clock)
    {
        Connection = connection;
        Directory = directory;
        State = state;
        Journal = journal;
        Policy = policy;
        Clock = clock;
        Register = new RegisterService(this);
        Access = new AccessService(this);
        Acknowledgements = new AcknowledgementService(this);
        Compliance = new Compliance.ComplianceService(this);
        Reviews = new Reviews.ReviewService(this);
    }

    public DirectoryConnection Connection { get; }
    public PolicyDocument Policy { get; }
    public RegisterService Register { get; }
    public AccessService Access { get; }
    public AcknowledgementService Acknowledgements { get; }
    public Compliance.ComplianceService Compliance { get; }
    public Reviews.ReviewService Reviews { get; }
    public IJournal Journal { get; }
    internal IDirectory Directory { get; }
    /// <summary>Where the module's own state lives (reviews; the journal sits in it too).</summary>
    internal IStateStore State { get; }
    internal TimeProvider Clock { get; }
    internal string Actor => Connection.Actor;

    /// <summary>
    /// Serialises every decide-and-change sequence of this module across processes (the state folder's lock),
    /// so two admins cannot both pass the poster limit or lose each other's journal entries.
    /// </summary>
    internal IDisposable LockState()
    {
        // Re-entrant within this process (a review decision revokes through AccessService, which locks too);
        // the lock file makes it exclusive across processes.
        System.Threading.Monitor.Enter(_gate);
        if (_depth++ == 0)
        {
            try
            {
                _fileLock = FileLock.Acquire(Path.Combine(Connection.StatePath, "state.lock"), s_lockTimeout);
            }
            catch
            {
                _depth--;
                System.Threading.Monitor.Exit(_gate);
                throw;
            }
        }
        return new Releaser(this);
    }

    private readonly object _gate = new();
    private int _depth;
    private IDisposable? _fileLock;

    private sealed class Releaser : IDisposable
    {
        private HwSession? _session;

        public Releaser(HwSession session) => _session = session;

        public void Dispose()
        {
            HwSession? s = System.Threading.Interlocked.Exchange(ref _session, null);
            if (s is null)
                return;
            if (--s._depth == 0)
            {
                s._fileLock?.Dispose();
                s._fileLock = null;
            }
            System.Threading.Monitor.Exit(s._gate);
        }
    }

    /// <summary>
    /// Starts a change: takes the state lock and checks that the journal can record it, so no change is ever
    /// made that the journal cannot witness. Dispose to end the change.
    /// </summary>
    internal IDisposable BeginChange()
    {
        IDisposable held = LockState();
        try
        {
            Journal.EnsureAppendable();
            // One read of the directory for the whole change where the adapter can hold it (the local folder).
            return Directory is IChangeScopedDirectory scoped ? new ChangeEnd(scoped.BeginChange(), held) : held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private sealed class ChangeEnd : IDisposable
    {
        private readonly IDisposable _directory;
        private readonly IDisposable _state;

        public ChangeEnd(IDisposable directory, IDisposable state)
        {
            _directory = directory;
            _state = state;
        }

        public void Dispose()
        {
            try { _directory.Dispose(); }
            finally { _state.Dispose(); }
        }
    }

    /// <summary>
    /// How mail leaves: SMTP when a server is given; else Graph sendMail as <paramref name="from"/> on a Graph
    /// connection; else .eml files in the outbox folder (default state/outbox) on the local directory.
    /// </summary>
    public IMailer CreateMailer(string? from, string? smtpServer, int smtpPort, System.Net.NetworkCredential? smtpCredential, string? outboxPath,
        bool allowInsecureSmtp = false)
    {
        if (!string.IsNullOrEmpty(smtpServer))
            return new Mail.SmtpMailer(smtpServer!, smtpPort, smtpCredential, allowInsecureSmtp);
        if (Directory is IMailCapableDirectory graph)
            return graph.CreateMailer(from ?? throw new HwException(ErrorIds.MailFromRequired,
                "On a Microsoft Graph connection, name the mailbox the review mail is sent from (Mail.Send is scoped to it).", input: "from"));
        return new Mail.OutboxMailer(outboxPath ?? System.IO.Path.Combine(Connection.StatePath, "outbox"));
    }

    /// <summary>The From address when none is given: a review mailbox in the Manager's domain.</summary>
    public string DefaultFrom =>
        "social-media-review@" + (Policy.FindRole("Manager")?.User is { } upn && upn.Contains("@") ? upn.Substring(upn.IndexOf('@') + 1) : "localhost");

    /// <summary>Mails the compliance report (HTML with a Markdown text alternative) to the Manager, or to <paramref name="to"/>.</summary>
    public Reviews.ReviewMailRecord SendComplianceReport(IMailer mailer, string from, string? to)
    {
        HealthwatchPolicy.Engine.Compliance.ComplianceReport report = Compliance.BuildReport();
        DirectoryUser? recipient = Directory.FindUser(to ?? Policy.FindRole("Manager")?.User ?? "")
            ?? throw new HwException(ErrorIds.RecipientNotFound,
                to is null ? "The policy's Manager role names nobody in the directory: name the recipient." : $"There is no user '{to}' in the directory.", to, input: "to");
        string address = recipient.Mail ?? throw new HwException(ErrorIds.RecipientHasNoMailbox,
            $"'{recipient.UserPrincipalName}' has no mailbox: name a recipient who has one.", recipient.UserPrincipalName, input: "to");
        var message = new MimeKit.MimeMessage { Subject = $"Social media policy compliance: {report.Summary.Result} ({report.Summary.Total} findings)" };
        message.From.Add(new MimeKit.MailboxAddress(Policy.Organisation, from));
        message.To.Add(new MimeKit.MailboxAddress(recipient.DisplayName, address));
        message.Body = new MimeKit.BodyBuilder
        {
            HtmlBody = HealthwatchPolicy.Engine.Compliance.ComplianceReportRenderer.ToHtml(report),
            TextBody = HealthwatchPolicy.Engine.Compliance.ComplianceReportRenderer.ToMarkdown(report),
        }.ToMessageBody();
        mailer.Send(message);
        return new Reviews.ReviewMailRecord
        {
            Period = Clock.UtcNow.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), Kind = "ComplianceReport",
            Recipient = recipient.UserPrincipalName, To = new() { address }, Subject = message.Subject ?? "", Items = report.Findings.Count,
            SentAt = Clock.UtcNow, Transport = mailer.Description,
        };
    }

    /// <summary>Writes the directory as an organisation folder the local adapter can open (Export-HwDirectorySnapshot).</summary>
    public DirectorySnapshot ExportSnapshot(string path) => DirectorySnapshotWriter.Write(this, path);

    internal JournalEntry Record(string action, string? account, string? user, string reason,
        System.Text.Json.Nodes.JsonObject? before, System.Text.Json.Nodes.JsonObject? after) =>
        Journal.Append(new JournalRecord(Actor, action, account, user, reason, Policy.Version, before, after));
}
