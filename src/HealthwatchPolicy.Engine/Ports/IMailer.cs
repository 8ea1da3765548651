using MimeKit;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The mail port. Messages are MimeKit messages (HTML with a plain-text alternative); transports: an outbox
/// folder of .eml files (the local directory), SMTP through MailKit, or Graph sendMail from one mailbox.
/// </summary>
public interface IMailer
{
    /// <summary>How mail leaves, for people ("outbox: /path", "graph: sendMail as reviews@...", "smtp: host:port").</summary>
    string Description { get; }

    /// <summary>Sends <paramref name="message"/> whole or throws (<c>MailNotSent</c>); nothing is retried here.</summary>
    void Send(MimeMessage message);
}

/// <summary>A directory that can also send mail as one of its mailboxes (the Graph adapter).</summary>
public interface IMailCapableDirectory
{
    /// <summary>A mailer that sends as <paramref name="fromMailbox"/> through the directory itself (Graph <c>POST /users/{id}/sendMail</c>).</summary>
    IMailer CreateMailer(string fromMailbox);
}
