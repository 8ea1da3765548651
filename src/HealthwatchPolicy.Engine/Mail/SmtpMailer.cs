using System;
using System.Net;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace HealthwatchPolicy.Engine.Mail;

/// <summary>SMTP through MailKit (STARTTLS or TLS as the server offers). The credential is never logged or echoed.</summary>
internal sealed class SmtpMailer : IMailer
{
    private readonly string _host;
    private readonly int _port;
    private readonly NetworkCredential? _credential;

    public SmtpMailer(string host, int port, NetworkCredential? credential)
    {
        _host = host;
        _port = port;
        _credential = credential;
    }

    public string Description => $"smtp: {_host}:{_port}";

    public void Send(MimeMessage message)
    {
        try
        {
            using var client = new SmtpClient();
            client.Connect(_host, _port, SecureSocketOptions.Auto);
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
