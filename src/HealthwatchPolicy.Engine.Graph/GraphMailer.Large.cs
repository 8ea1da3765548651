using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.Messages.Item.Attachments.CreateUploadSession;
using MimeKit;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// Mail too large to give sendMail whole (docs/decisions/0110). Graph's request limit is about 4 MB and larger MIME
/// bodies have been reported accepted but never delivered, so a message whose base64 MIME request exceeds
/// <see cref="SendMailLimitBytes"/> goes the documented large-attachment route instead: a draft (<c>POST
/// /users/{from}/messages</c>) whose body is a summary, the full body attached as a file (in one <c>POST
/// …/attachments</c> when it is under 3 MB and that request, base64 in JSON, is within <see cref="AttachmentRequestLimitBytes"/>;
/// otherwise, up to 150 MB, through <c>…/attachments/createUploadSession</c> and <c>PUT</c>s of byte ranges to the
/// pre-authenticated upload URL, without the Graph token), then <c>POST …/messages/{id}/send</c>. The draft and the
/// upload session need Mail.ReadWrite as well as Mail.Send (docs/graph-permissions.md).
/// </summary>
public sealed partial class GraphMailer
{
    /// <summary>Largest base64 MIME request given to sendMail: Graph's documented attachment threshold (3 MB), under its 4 MB request limit.</summary>
    public const int SendMailLimitBytes = 3 * 1024 * 1024;

    /// <summary>Files under this size may be attached with one POST (Graph: under 3 MB), if the request also fits
    /// <see cref="AttachmentRequestLimitBytes"/>; others go through an upload session.</summary>
    public const int SmallAttachmentBytes = 3 * 1024 * 1024;

    /// <summary>Largest JSON request (UTF-8 bytes) of one attachment POST: the file base64-encoded (4/3 of its size)
    /// in its JSON wrapper. A margin under Graph's 4 MB request limit, read as 4,000,000 bytes (docs/decisions/0110).</summary>
    public const int AttachmentRequestLimitBytes = 3_900_000;

    /// <summary>Bytes per PUT to an upload URL (Graph: up to 4 MB each; a multiple of 320 KiB).</summary>
    public const int UploadRangeBytes = 12 * 320 * 1024;

    /// <summary>How much of the plain-text body the summary quotes.</summary>
    private const int SummaryChars = 4000;

    private static readonly HttpClient s_upload = new(new HttpClientHandler(), disposeHandler: true);

    private async Task SendLargeAsync(MimeMessage message, int requestBytes, CancellationToken ct)
    {
        List<(string Name, string ContentType, byte[] Bytes)> files = Files(message);
        string fullName = files[0].Name;
        var draft = new Message
        {
            Subject = message.Subject,
            Body = new ItemBody { ContentType = BodyType.Html, Content = SummaryHtml(message, requestBytes, fullName) },
            ToRecipients = Recipients(message.To),
            CcRecipients = Recipients(message.Cc),
            BccRecipients = Recipients(message.Bcc),
            Importance = message.Importance switch
            {
                MessageImportance.High => Importance.High,
                MessageImportance.Low => Importance.Low,
                _ => Importance.Normal,
            },
        };
        Message created;
        try
        {
            created = await _client.Users[_from].Messages.PostAsync(draft, cancellationToken: ct).ConfigureAwait(false)
                ?? throw new GraphRequestException(ErrorIds.MailNotSent, "Microsoft Graph created no draft to send the message from.", _from, null, 0, null, null);
        }
        catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403)
        {
            GraphRequestException g = GraphErrors.From(e, "create a draft in " + _from, _from);
            throw new GraphRequestException(ErrorIds.GraphAccessDenied,
                $"The message is too large for sendMail, so it goes as a draft with the full report attached, and Microsoft Graph would not let the app "
                + $"create a draft in '{_from}'. That needs the Mail.ReadWrite application permission as well as Mail.Send, scoped to that one mailbox: "
                + "see docs/graph-permissions.md (\"Large mail needs Mail.ReadWrite\"). Nothing was sent. " + g.Message,
                _from, g.RequestId, g.Status, g.Code, e, g.GraphMessage, g.ClientRequestId);
        }
        string id = created.Id ?? throw new GraphRequestException(ErrorIds.MailNotSent, "Microsoft Graph returned a draft without an id.", _from, null, 0, null, null);
        try
        {
            foreach ((string name, string contentType, byte[] bytes) in files)
            {
                // A fresh model to send: serializing one marks its backing store clean, and the SDK would then leave its fields out.
                FileAttachment Attachment() => new() { OdataType = "#microsoft.graph.fileAttachment", Name = name, ContentType = contentType, ContentBytes = bytes };
                if (bytes.Length < SmallAttachmentBytes && await RequestBytesAsync(Attachment()).ConfigureAwait(false) <= AttachmentRequestLimitBytes)
                    await _client.Users[_from].Messages[id].Attachments.PostAsync(Attachment(), cancellationToken: ct).ConfigureAwait(false);
                else
                    await UploadAsync(id, name, contentType, bytes, ct).ConfigureAwait(false);
            }
            await _client.Users[_from].Messages[id].Send.PostAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch
        {
            // Leave no half-built draft in the mailbox; the first failure is the one reported.
            try
            {
                await _client.Users[_from].Messages[id].DeleteAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // best effort: the original failure matters
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            throw;
        }
    }

    /// <summary>The size of the attachment POST's body as the SDK writes it: base64 content and the JSON around it.</summary>
    internal static async Task<long> RequestBytesAsync(FileAttachment attachment)
    {
        string json = await Microsoft.Kiota.Abstractions.Serialization.KiotaJsonSerializer.SerializeAsStringAsync(attachment).ConfigureAwait(false);
        return Encoding.UTF8.GetByteCount(json);
    }

    /// <summary>The full body (HTML, else text) as the first file, then the message's own attachments.</summary>
    private static List<(string Name, string ContentType, byte[] Bytes)> Files(MimeMessage message)
    {
        string stem = FileStem(message.Subject);
        var files = new List<(string, string, byte[])>();
        if (message.HtmlBody is { } html)
            files.Add((stem + ".html", "text/html", Encoding.UTF8.GetBytes(html)));
        else
            files.Add((stem + ".txt", "text/plain", Encoding.UTF8.GetBytes(message.TextBody ?? "")));
        int n = 0;
        foreach (MimeEntity entity in message.Attachments)
        {
            using var data = new MemoryStream();
            if (entity is MimePart part)
                part.Content?.DecodeTo(data);
            else if (entity is MessagePart attached)
                attached.Message?.WriteTo(data);
            n++;
            string name = (entity as MimePart)?.FileName ?? entity.ContentDisposition?.FileName ?? $"attachment-{n.ToString(CultureInfo.InvariantCulture)}";
            files.Add((name, entity.ContentType.MimeType, data.ToArray()));
        }
        return files;
    }

    /// <summary>A file name from the subject: letters, digits and single hyphens, at most 60 characters.</summary>
    internal static string FileStem(string? subject)
    {
        var sb = new StringBuilder();
        foreach (char c in subject ?? "")
        {
            if (c < 128 && char.IsLetterOrDigit(c))
                sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0 && sb[sb.Length - 1] != '-')
                sb.Append('-');
            if (sb.Length >= 60)
                break;
        }
        string stem = sb.ToString().Trim('-');
        return stem.Length == 0 ? "message" : stem;
    }

    private static string SummaryHtml(MimeMessage message, int requestBytes, string fullName)
    {
        string mb = (requestBytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append("<p>This message is too large to send whole through Microsoft Graph (").Append(mb)
            .Append(" MB as a request; the module sends at most 3 MB in one), so the whole of it is attached as <b>")
            .Append(WebUtility.HtmlEncode(fullName)).Append("</b>. Open the attachment to read it in full.</p>");
        string text = message.TextBody ?? "";
        if (text.Length > 0)
        {
            string lead = text;
            if (lead.Length > SummaryChars)
            {
                int cut = lead.LastIndexOf('\n', SummaryChars);
                lead = lead.Substring(0, cut > 0 ? cut : SummaryChars) + "\n…";
            }
            html.Append("<pre style=\"white-space:pre-wrap\">").Append(WebUtility.HtmlEncode(lead)).Append("</pre>");
        }
        return html.ToString();
    }

    private static List<Recipient> Recipients(InternetAddressList list) =>
        list.Mailboxes.Select(m => new Recipient
        {
            EmailAddress = new EmailAddress { Address = m.Address, Name = string.IsNullOrEmpty(m.Name) ? null : m.Name },
        }).ToList();

    /// <summary>createUploadSession, then the bytes in order, each PUT at most <see cref="UploadRangeBytes"/>, with no Authorization header.</summary>
    private async Task UploadAsync(string messageId, string name, string contentType, byte[] bytes, CancellationToken ct)
    {
        string what = "attach '" + name + "' to the mail from " + _from;
        UploadSession session = await _client.Users[_from].Messages[messageId].Attachments.CreateUploadSession.PostAsync(
            new CreateUploadSessionPostRequestBody
            {
                AttachmentItem = new AttachmentItem { AttachmentType = AttachmentType.File, Name = name, Size = bytes.Length, ContentType = contentType },
            }, cancellationToken: ct).ConfigureAwait(false)
            ?? throw new GraphRequestException(ErrorIds.MailNotSent, $"Microsoft Graph opened no upload session to {what}.", _from, null, 0, null, null);
        if (!Uri.TryCreate(session.UploadUrl, UriKind.Absolute, out Uri? url)
            || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && GraphDirectoryFactory.IsLoopback(url))))
            throw new GraphRequestException(ErrorIds.MailNotSent,
                $"Microsoft Graph's upload session to {what} has no https upload address, so nothing was uploaded.", _from, null, 0, null, null);
        long start = 0;
        while (start < bytes.Length)
        {
            int length = (int)Math.Min(UploadRangeBytes, bytes.Length - start);
            using var request = new HttpRequestMessage(HttpMethod.Put, url)
            {
                Content = new ByteArrayContent(bytes, (int)start, length),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(start, start + length - 1, bytes.Length);
            using HttpResponseMessage response = await _upload.SendAsync(request, ct).ConfigureAwait(false);
            string body = response.Content is null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw Map(GraphErrors.FromBody((int)response.StatusCode, body, what, _from), new HttpRequestException(
                    $"PUT of bytes {start}-{start + length - 1} answered {(int)response.StatusCode}."));
            start += length;
            if (start < bytes.Length && NextExpected(body) is { } next && next != start)
                throw new GraphRequestException(ErrorIds.MailNotSent,
                    $"Microsoft Graph expected the upload to {what} to go on from byte {next}, not {start}.", _from, null, (int)response.StatusCode, null, null);
        }
    }

    /// <summary>The start of <c>nextExpectedRanges</c> ("{start}" for Outlook attachments, "{start}-" or "{start}-{end}" elsewhere).</summary>
    private static long? NextExpected(string body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("nextExpectedRanges", out System.Text.Json.JsonElement ranges)
                && ranges.ValueKind == System.Text.Json.JsonValueKind.Array && ranges.GetArrayLength() > 0
                && ranges[0].GetString() is { } first
                && long.TryParse(first.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out long start))
                return start;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return null;
    }
}
