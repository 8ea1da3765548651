using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>One message as the sink took it: the envelope and the DATA (dot-unstuffed, CRLF line ends).</summary>
internal sealed record SmtpDelivery(string MailFrom, IReadOnlyList<string> RcptTo, string Data);

/// <summary>
/// A tiny SMTP server on 127.0.0.1 (any free port) that speaks just enough of RFC 5321 for MailKit: 220 greeting,
/// EHLO/HELO 250, MAIL/RCPT 250, DATA 354 ... "." 250, RSET/NOOP 250, QUIT 221. No TLS, so MailKit's
/// SecureSocketOptions.Auto stays in plain text. With <see cref="RefuseAuthentication"/> it offers AUTH and answers 535.
/// </summary>
internal sealed class LoopbackSmtpSink : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SmtpDelivery> _deliveries = new();
    private readonly List<string> _commands = new();
    private readonly Task _loop;

    public LoopbackSmtpSink(bool refuseAuthentication = false)
    {
        RefuseAuthentication = refuseAuthentication;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public bool RefuseAuthentication { get; }

    public IReadOnlyList<SmtpDelivery> Deliveries
    {
        get
        {
            lock (_deliveries)
                return _deliveries.ToArray();
        }
    }

    /// <summary>Every command line the client sent, as sent (AUTH lines included, to check what went over the wire).</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
                return _commands.ToArray();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    await ServeAsync(client.GetStream());
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                {
                    // the client hung up: wait for the next one
                }
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 4096, leaveOpen: true);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 4096, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink.test ESMTP loopback test sink");
        string? from = null;
        var rcpt = new List<string>();
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            lock (_commands)
                _commands.Add(line);
            string verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync(RefuseAuthentication ? "250-sink.test\r\n250 AUTH PLAIN LOGIN" : "250 sink.test");
                    break;
                case "HELO":
                    await writer.WriteLineAsync("250 sink.test");
                    break;
                case "AUTH":
                    await writer.WriteLineAsync("535 5.7.8 Authentication credentials invalid");
                    break;
                case "MAIL":
                    from = Address(line);
                    rcpt.Clear();
                    await writer.WriteLineAsync("250 2.1.0 Sender OK");
                    break;
                case "RCPT":
                    rcpt.Add(Address(line));
                    await writer.WriteLineAsync("250 2.1.5 Recipient OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                        data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d.Substring(1) : d).Append("\r\n");
                    lock (_deliveries)
                        _deliveries.Add(new SmtpDelivery(from ?? "", rcpt.ToArray(), data.ToString()));
                    await writer.WriteLineAsync("250 2.0.0 Queued");
                    break;
                case "RSET":
                case "NOOP":
                    await writer.WriteLineAsync("250 2.0.0 OK");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                    break;
            }
        }
    }

    /// <summary>"MAIL FROM:&lt;a@b&gt; SIZE=1" -> "a@b".</summary>
    private static string Address(string line)
    {
        int open = line.IndexOf('<'), close = line.IndexOf('>', open + 1);
        return open >= 0 && close > open ? line.Substring(open + 1, close - open - 1) : line.Substring(line.IndexOf(':') + 1).Trim();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // stopped
        }
        _stop.Dispose();
    }
}
