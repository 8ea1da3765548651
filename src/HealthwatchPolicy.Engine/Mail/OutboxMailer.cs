using System;
using System.Globalization;
using System.IO;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using MimeKit;

namespace HealthwatchPolicy.Engine.Mail;

/// <summary>Writes each message as an .eml file in a folder (the local directory's "mail server"): open them in any mail client.</summary>
internal sealed class OutboxMailer : IMailer
{
    private readonly string _folder;

    public OutboxMailer(string folder) => _folder = Path.GetFullPath(folder);

    public string Description => "outbox: " + _folder;

    public void Send(MimeMessage message)
    {
        try
        {
            Directory.CreateDirectory(_folder);
            // Numbered in sending order (the review sends under the state lock), then the time, for people.
            int next = Directory.GetFiles(_folder, "*.eml").Length + 1;
            string name = next.ToString("D5", CultureInfo.InvariantCulture) + "-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)
                          + "-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".eml";
            string temp = Path.Combine(_folder, "." + name + ".tmp");
            message.WriteTo(temp);
            File.Move(temp, Path.Combine(_folder, name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.FileWriteFailed, $"Cannot write the message to the outbox '{_folder}': {ex.Message}", _folder, ex);
        }
    }
}
