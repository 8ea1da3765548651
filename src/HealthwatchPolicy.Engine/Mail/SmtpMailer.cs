using System;
using System.Net;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace HealthwatchPolicy.Engine.Mail;

/// <summary>
/// SMTP through MailKit. TLS is required before anything is said: TLS on connect for port 465, STARTTLS on any
/// other port, and a server that does not offer it is refused before the sign-in (SmtpTlsUnavailable). Only
/// <c>allowInsecure</c> (-AllowInsecureSmtp) lets the session stay in plain text when the server offers no TLS.
/// The credential is never logged or echoed.
/// </summary>
internal sealed class SmtpMailer : IMailer
{
    private readonly string _host;
    private readonly int _port;
    private readonly NetworkCredential? _credential;
    private readonly bool _allowInsecure;

    public SmtpMailer(string host, int port, NetworkCredential? credential, bool allowInsecure = false)
    {
        _host = host;
        _port = port;
        _credential = credential;
        _allowInsecure = allowInsecure;
    }

    /// <summary>How the connection is secured: implicit TLS on 465, else STARTTLS (required unless insecure is allowed).</summary>
    internal SecureSocketOptions Security =>
        _port == 465 ? SecureSocketOptions.SslOnConnect
        : _allowInsecure ? SecureSocketOptions.StartTlsWhenAvailable
        : SecureSocketOptions.StartTls;

    public string Description => $"smtp: {_host}:{_port}";

    public void Send(MimeMessage message)
    {
        try
        {
            using var client = new SmtpClient();
            try
            {
                client.Connect(_host, _port, Security);
            }
            catch (NotSupportedException ex) when (Security == SecureSocketOptions.StartTls)
            {
                // MailKit refuses before EHLO's answer is acted on: no AUTH, no MAIL has been sent.
                throw new HwException(ErrorIds.SmtpTlsUnavailable, $"SMTP server {_host}:{_port} does not offer STARTTLS, so nothing was sent to it (no sign-in, no message). "
                    + "Use a server or port that offers TLS (587 with STARTTLS, or 465); -AllowInsecureSmtp sends in plain text, credential included.",
                    _host, ex);
            }
            if (_credential is not null)
                client.Authenticate(_credential);
            client.Send(message);
            client.Disconnect(quit: true);
        }
        catch (Exception ex) when (ex is System.IO.IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException
                                       or MailKit.Security.AuthenticationException or SmtpCommandException or SslHandshakeException
                                       or NotSupportedException or TimeoutException)
        {
            // MailKit's messages name the server and the SMTP status, never the password.
            throw new HwException(ErrorIds.MailNotSent, $"SMTP server {_host}:{_port} did not take the message: {ex.Message}", _host, ex);
        }
    }
}
