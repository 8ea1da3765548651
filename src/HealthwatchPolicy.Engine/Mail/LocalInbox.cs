using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using MimeKit;

namespace HealthwatchPolicy.Engine.Mail;

/// <summary>
/// The local directory's review mailbox: <c>&lt;state&gt;/mailbox/inbox/*.eml</c>, parsed with MimeKit; processed
/// messages are moved to <c>&lt;state&gt;/mailbox/&lt;folder&gt;/</c>. Behaves as the Graph inbox does: oldest first, the
/// headers in their order, a move that makes the folder when it is missing.
/// </summary>
internal sealed class LocalInbox : IReviewInbox
{
    private readonly string _root;

    public LocalInbox(string mailboxFolder) => _root = Path.GetFullPath(mailboxFolder);

    private string Inbox => Path.Combine(_root, "inbox");

    public string Description => "inbox: " + Inbox;

    public IReadOnlyList<InboxMessage> List()
    {
        if (!Directory.Exists(Inbox))
            return Array.Empty<InboxMessage>();
        var list = new List<InboxMessage>();
        foreach (string file in Directory.GetFiles(Inbox, "*.eml").OrderBy(f => f, StringComparer.Ordinal))
        {
            MimeMessage m;
            try
            {
                m = MimeMessage.Load(file);
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                continue; // not a message: left where it is for a person to look at
            }
            list.Add(ToInboxMessage(Path.GetFileName(file), m, new FileInfo(file).LastWriteTimeUtc));
        }
        return list.OrderBy(x => x.Received ?? DateTimeOffset.MaxValue).ThenBy(x => x.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>A MimeKit message as the decision reader sees it (shared with the tests' reading of Graph MIME).</summary>
    internal static InboxMessage ToInboxMessage(string id, MimeMessage m, DateTime fallbackReceived)
    {
        string? from = m.From.Mailboxes.Count() == 1 && m.From.Count == 1 ? m.From.Mailboxes.Single().Address : null;
        string? sender = m.Sender is { } s && !string.Equals(s.Address, from, StringComparison.OrdinalIgnoreCase) ? s.Address : null;
        string? body = m.TextBody ?? (m.HtmlBody is { } html ? HtmlToText(html) : null);
        var headers = m.Headers.Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList();
        DateTimeOffset received = m.Date != DateTimeOffset.MinValue ? m.Date : new DateTimeOffset(fallbackReceived, TimeSpan.Zero);
        return new InboxMessage(id, from, sender, m.Subject, body, received, headers);
    }

    internal static string HtmlToText(string html) => InboxText.FromHtml(html);

    public void Move(InboxMessage message, string folderName)
    {
        string source = Path.Combine(Inbox, Path.GetFileName(message.Id));
        string folder = Path.Combine(_root, folderName);
        try
        {
            Directory.CreateDirectory(folder);
            string target = Path.Combine(folder, Path.GetFileName(message.Id));
            if (File.Exists(target))
                target = Path.Combine(folder, Path.GetFileNameWithoutExtension(message.Id) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".eml");
            File.Move(source, target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.FileWriteFailed, $"Cannot move the message '{message.Id}' to '{folder}': {ex.Message}", folder, ex);
        }
    }
}

/// <summary>Text of a received message's body, for reading a reviewer's reason.</summary>
public static class InboxText
{
    /// <summary>Rough text of an HTML body: scripts and styles dropped, a line break at each block end, other tags dropped, entities decoded.</summary>
    public static string FromHtml(string html)
    {
        string t = Regex.Replace(html, @"<(script|style)\b.*?</\1>", "", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        t = Regex.Replace(t, @"<(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", "\n", RegexOptions.IgnoreCase);
        t = Regex.Replace(t, "<[^>]*>", "");
        return System.Net.WebUtility.HtmlDecode(t);
    }
}
