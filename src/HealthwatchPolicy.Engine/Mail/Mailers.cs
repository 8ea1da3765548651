using System.IO;
using System.Net;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Mail;

/// <summary>How a connection's mail leaves: the choice of transport and the default sender.</summary>
public sealed class Mailers
{
    private readonly HwSession _session;

    internal Mailers(HwSession session) => _session = session;

    /// <summary>
    /// The mailer to send with: SMTP (MailKit) to <paramref name="smtpServer"/>:<paramref name="smtpPort"/> when a
    /// server is given; else Graph <c>POST /users/{from}/sendMail</c> on a Graph connection; else one <c>.eml</c> file
    /// per message in <paramref name="outboxPath"/> (default <c>&lt;state folder&gt;/outbox</c>) on the local directory.
    /// Throws <c>MailFromRequired</c> on a Graph connection without <paramref name="from"/> (Mail.Send is scoped to a mailbox).
    /// SMTP requires TLS (on connect for port 465, else STARTTLS) before the sign-in and the message unless
    /// <paramref name="allowInsecureSmtp"/> is set; a server without it fails with <c>SmtpTlsUnavailable</c> at send.
    /// </summary>
    /// <exception cref="HwException">MailFromInvalid (input <c>from</c>: not exactly one bare mail address), SmtpServerInvalid
    /// (input <c>smtpServer</c>: not a host name or an IP address), MailFromRequired. Both are checked before any mail is built.</exception>
    public IMailer Create(string? from, string? smtpServer, int smtpPort, NetworkCredential? smtpCredential, string? outboxPath,
        bool allowInsecureSmtp = false)
    {
        CheckFrom(from);
        if (smtpServer is not null && !NetworkNames.IsHost(smtpServer))
            throw new HwException(ErrorIds.SmtpServerInvalid,
                $"The SMTP server must be a host name (smtp.contoso.org.uk) or an IP address, with no scheme, port, path, space or line break; '{SafeText.Neutralise(smtpServer)}' is not. Give the port with -SmtpPort.",
                smtpServer, input: "smtpServer");
        if (!string.IsNullOrEmpty(smtpServer))
            return new SmtpMailer(smtpServer!, smtpPort, smtpCredential, allowInsecureSmtp);
        if (_session.Directory is IMailCapableDirectory graph)
            return graph.CreateMailer(from ?? throw new HwException(ErrorIds.MailFromRequired,
                "On a Microsoft Graph connection, name the mailbox the review mail is sent from (Mail.Send is scoped to it).", input: "from"));
        return new OutboxMailer(outboxPath ?? Path.Combine(_session.Connection.StatePath, "outbox"));
    }

    /// <summary>Refuses a sender that is not exactly one bare mail address (<c>name@domain</c>: no display name, no list, no header); null passes.</summary>
    /// <exception cref="HwException">MailFromInvalid, with input <c>from</c>.</exception>
    public static void CheckFrom(string? from)
    {
        if (from is not null && !NetworkNames.IsMailbox(from))
            throw new HwException(ErrorIds.MailFromInvalid,
                $"The sender must be one mail address such as social-media-review@contoso.org.uk, with no display name, second address, space or line break; '{SafeText.Neutralise(from)}' is not.",
                from, input: "from");
    }

    /// <summary>
    /// The From address when none is given: <c>social-media-review@</c> the domain of the policy's Manager
    /// (<c>localhost</c> when the Manager role names no user principal name).
    /// </summary>
    public string DefaultFrom =>
        "social-media-review@" + (_session.Policy.FindRole("Manager")?.User is { } upn && upn.Contains("@") ? upn.Substring(upn.IndexOf('@') + 1) : "localhost");
}
