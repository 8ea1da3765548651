using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Mail;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>The SMTP transport (MailKit) against a loopback SMTP sink written for the test.</summary>
public sealed class SmtpMailerTests
{
    private const string Password = "Xq7!smtp-Secret-2026";
    private static readonly NetworkCredential s_credential = new("policy-reviews@hwsefton.example", Password);

    [Fact]
    public void The_review_mail_is_delivered_with_its_html_and_plain_text_parts()
    {
        using var sink = new LoopbackSmtpSink();
        var mailer = new SmtpMailer("127.0.0.1", sink.Port, credential: null, allowInsecure: true); // the sink has no TLS
        MimeMessage sent = ReviewMailSample.ReviewerMessage();
        mailer.Send(sent);

        SmtpDelivery delivery = Assert.Single(sink.Deliveries);
        Assert.Equal(ReviewMailSample.From, delivery.MailFrom);
        Assert.Equal(new[] { TestOrg.Staff1 }, delivery.RcptTo);
        MimeMessage received = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(delivery.Data)));
        Assert.Equal(sent.Subject, received.Subject);
        Assert.Equal(sent.MessageId, received.MessageId);
        var alternative = Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Equal(new[] { "text/plain", "text/html" }, alternative.Select(p => p.ContentType.MimeType).ToArray());
        Assert.Equal(Lf(sent.TextBody), Lf(received.TextBody));
        Assert.Equal(Lf(sent.HtmlBody), Lf(received.HtmlBody));
        Assert.All(delivery.Data.Split("\r\n"), line => Assert.True(line.Length <= 998, "An SMTP line is longer than 998 characters."));
        Assert.Contains("QUIT", sink.Commands);
        Assert.Equal($"smtp: 127.0.0.1:{sink.Port}", mailer.Description);
    }

    [Fact]
    public void A_refused_connection_is_MailNotSent_without_the_credential()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var ex = Assert.Throws<HwException>(() => new SmtpMailer("127.0.0.1", port, s_credential).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailNotSent", ex.ErrorId);
        Assert.Equal(HwErrorKind.ConnectionError, ex.Kind);
        Assert.Equal("127.0.0.1", ex.Target);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        AssertNoSecret(ex);
    }

    [Fact]
    public void A_refused_sign_in_is_MailNotSent_without_the_credential()
    {
        using var sink = new LoopbackSmtpSink(refuseAuthentication: true);
        var ex = Assert.Throws<HwException>(() => new SmtpMailer("127.0.0.1", sink.Port, s_credential, allowInsecure: true).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("MailNotSent", ex.ErrorId);
        Assert.Empty(sink.Deliveries);
        Assert.Contains(sink.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        AssertNoSecret(ex);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_server_without_STARTTLS_gets_no_sign_in_and_no_message_unless_insecure_is_allowed(bool withCredential)
    {
        // The sink offers AUTH PLAIN LOGIN but no STARTTLS: MailKit's old Auto mode signed in here in plain text.
        using var sink = new LoopbackSmtpSink(refuseAuthentication: true);
        var mailer = new SmtpMailer("127.0.0.1", sink.Port, withCredential ? s_credential : null);
        var ex = Assert.Throws<HwException>(() => mailer.Send(ReviewMailSample.ReviewerMessage()));

        Assert.Equal("SmtpTlsUnavailable", ex.ErrorId);
        Assert.Equal(HwErrorKind.ConnectionError, ex.Kind);
        Assert.Equal("127.0.0.1", ex.Target);
        Assert.Contains("-AllowInsecureSmtp", ex.Message);
        Assert.Contains(sink.Commands, c => c.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase)); // it did talk to the sink
        Assert.DoesNotContain(sink.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(sink.Commands, c => c.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(sink.Commands, c => c.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + s_credential.UserName + "\0" + Password)), StringComparison.Ordinal));
        Assert.Empty(sink.Deliveries);
        AssertNoSecret(ex);
    }

    [Theory]
    [InlineData(587, false, MailKit.Security.SecureSocketOptions.StartTls)]
    [InlineData(25, false, MailKit.Security.SecureSocketOptions.StartTls)]
    [InlineData(465, false, MailKit.Security.SecureSocketOptions.SslOnConnect)]
    [InlineData(465, true, MailKit.Security.SecureSocketOptions.SslOnConnect)]
    [InlineData(587, true, MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable)]
    public void TLS_is_required_on_every_port_unless_insecure_is_allowed(int port, bool allowInsecure, MailKit.Security.SecureSocketOptions expected) =>
        Assert.Equal(expected, new SmtpMailer("smtp.hwsefton.example", port, s_credential, allowInsecure).Security);

    /// <summary>Neither the password nor its SASL encodings appear anywhere in the error or its causes.</summary>
    private static void AssertNoSecret(Exception ex)
    {
        string[] forms =
        {
            Password,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)),
            Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + s_credential.UserName + "\0" + Password)),
        };
        for (Exception? e = ex; e is not null; e = e.InnerException)
            foreach (string form in forms)
                Assert.DoesNotContain(form, e.ToString());
    }

    private static string Lf(string? s) => (s ?? "").Replace("\r\n", "\n").TrimEnd();
}
