using System.Management.Automation;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy;

/// <summary>The mail parameters the sending cmdlets share, and the mailer they choose.</summary>
public abstract class MailCmdlet : HwCmdlet
{
    /// <summary>The mailbox the mail comes from (required on a Graph connection; Mail.Send should be scoped to it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? From { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? SmtpServer { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    [Parameter]
    [Credential]
    public PSCredential? SmtpCredential { get; set; }

    /// <summary>
    /// Lets SMTP stay in plain text when the server offers no TLS, sign-in included. Without it, TLS (STARTTLS, or TLS
    /// on connect on port 465) is required before anything is sent.
    /// </summary>
    [Parameter]
    public SwitchParameter AllowInsecureSmtp { get; set; }

    /// <summary>Where the local directory's .eml files go (default: the state folder's outbox/).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutboxPath { get; set; }

    /// <summary>SMTP when -SmtpServer is given; Graph sendMail as -From on a Graph connection; else the outbox folder.</summary>
    internal IMailer CreateMailer() =>
        Session.Mail.Create(From, SmtpServer, SmtpPort, SmtpCredential?.GetNetworkCredential(), OutboxPath is null ? null : ResolvePath(OutboxPath),
            AllowInsecureSmtp.IsPresent);

    internal string FromAddress => From ?? Session.Mail.DefaultFrom;
}
