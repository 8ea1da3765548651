using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Mail;
using MimeKit;

namespace HealthwatchPolicy.Engine.Tests.Mail;

/// <summary>The outbox transport: one .eml file per message, written whole or not at all.</summary>
public sealed class OutboxMailerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-outbox-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    [Fact]
    public void Writes_a_parseable_eml_with_both_parts()
    {
        var mailer = new OutboxMailer(Path.Combine(_folder, "outbox"));
        MimeMessage sent = ReviewMailSample.EscalationMessage();
        mailer.Send(sent);

        string file = Assert.Single(Directory.GetFiles(Path.Combine(_folder, "outbox")));
        Assert.EndsWith(".eml", file);
        MimeMessage read = MimeMessage.Load(file);
        Assert.Equal(sent.Subject, read.Subject);
        Assert.Equal(sent.MessageId, read.MessageId);
        Assert.Equal(new[] { TestOrg.Manager, TestOrg.Comms }, read.To.Mailboxes.Select(m => m.Address).ToArray());
        Assert.Equal(Lf(sent.HtmlBody), Lf(read.HtmlBody));
        Assert.Equal(Lf(sent.TextBody), Lf(read.TextBody));
        Assert.Equal("outbox: " + Path.Combine(_folder, "outbox"), mailer.Description);
    }

    [Fact]
    public async Task Readers_never_see_a_half_written_message()
    {
        var mailer = new OutboxMailer(_folder);
        Directory.CreateDirectory(_folder);
        var problems = new ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();
        Task watcher = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
                foreach (string file in Directory.GetFiles(_folder, "*.eml"))
                {
                    try
                    {
                        MimeMessage m = MimeMessage.Load(file);
                        if (m.HtmlBody?.TrimEnd().EndsWith("</html>", StringComparison.Ordinal) != true || string.IsNullOrEmpty(m.TextBody))
                            problems.Enqueue(file + " was incomplete");
                    }
                    catch (Exception e) when (e is IOException or FormatException)
                    {
                        problems.Enqueue(file + ": " + e.Message);
                    }
                }
        });
        Parallel.For(0, 30, _ => mailer.Send(ReviewMailSample.ReviewerMessage()));
        await done.CancelAsync();
        await watcher;

        Assert.Empty(problems);
        Assert.Equal(30, Directory.GetFiles(_folder, "*.eml").Length);
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => !f.EndsWith(".eml", StringComparison.Ordinal)); // no temporary file left behind
    }

    [Fact]
    public void An_unwritable_outbox_is_FileWriteFailed()
    {
        Directory.CreateDirectory(_folder);
        string notAFolder = Path.Combine(_folder, "outbox.txt");
        File.WriteAllText(notAFolder, "a file where the outbox should be");
        var ex = Assert.Throws<HwException>(() => new OutboxMailer(notAFolder).Send(ReviewMailSample.ReviewerMessage()));
        Assert.Equal("FileWriteFailed", ex.ErrorId);     // a file that cannot be written; MailNotSent is the transport's refusal
        Assert.Equal(HwErrorKind.WriteError, ex.Kind);
        Assert.Contains(notAFolder, ex.Message);
    }

    private static string Lf(string? s) => (s ?? "").Replace("\r\n", "\n").TrimEnd();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
