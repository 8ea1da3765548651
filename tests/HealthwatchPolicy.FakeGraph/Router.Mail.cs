using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// Drafts and the large-attachment route (docs/decisions/0110): <c>POST /users/{id}/messages</c> (a draft),
/// <c>POST …/messages/{id}/attachments</c> (a file under 3 MB, <c>contentBytes</c>),
/// <c>POST …/messages/{id}/attachments/createUploadSession</c> (3–150 MB) then <c>PUT</c> byte ranges of at most 4 MB,
/// in order, to the pre-authenticated upload URL (no <c>Authorization</c> header), and <c>POST …/messages/{id}/send</c>.
/// </summary>
internal sealed partial class Router
{
    /// <summary>Largest file an upload session takes (Graph: 150 MB).</summary>
    internal const long MaxUploadSessionBytes = 150L * 1024 * 1024;

    /// <summary>Largest byte range one PUT to an upload URL may carry (Graph: "up to 4 MB each time").</summary>
    internal const int MaxUploadRangeBytes = 4 * 1024 * 1024;

    private readonly Dictionary<string, Draft> _drafts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UploadSession> _uploads = new(StringComparer.Ordinal);

    private sealed class Draft
    {
        public required string Id { get; init; }
        public required UserRecord Owner { get; init; }
        public required JsonObject Message { get; init; }
        public List<MailAttachment> Attachments { get; } = new();
    }

    private sealed class UploadSession
    {
        public required string Id { get; init; }
        public required Draft Draft { get; init; }
        public required string Name { get; init; }
        public string? ContentType { get; init; }
        public required long Size { get; init; }
        public required System.IO.MemoryStream Received { get; init; }
        public DateTimeOffset Expires { get; set; }
    }

    /// <summary>The upload URL path prefix (outside /v1.0, as Graph's upload URLs are on another host).</summary>
    internal const string UploadPathPrefix = "/upload/";

    private GraphResponse Messages(GraphRequest r, UserRecord u)
    {
        IReadOnlyList<string> s = r.Segments;
        if (string.IsNullOrEmpty(u.Mail))
            throw new GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        if (s.Count == 3)
            return Is(r, "POST") ? CreateDraft(r, u) : throw MethodNotAllowed();
        if (s.Count == 5 && Lower(s[4]) is "move" or "microsoft.graph.move" && !_drafts.ContainsKey(s[3]))
            return Is(r, "POST") ? MoveMessage(r, u, s[3]) : throw MethodNotAllowed();   // Router.Inbox.cs
        Draft d = _drafts.TryGetValue(s[3], out Draft? found) && found.Owner == u
            ? found
            : throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        if (s.Count == 5 && Lower(s[4]) is "send" or "microsoft.graph.send")
            return Is(r, "POST") ? SendDraft(d) : throw MethodNotAllowed();
        if (s.Count >= 5 && Lower(s[4]) == "attachments")
        {
            if (s.Count == 5)
                return Is(r, "POST") ? AddAttachment(r, d) : throw MethodNotAllowed();
            if (s.Count == 6 && Lower(s[5]) is "createuploadsession" or "microsoft.graph.createuploadsession")
                return Is(r, "POST") ? CreateUploadSession(r, d) : throw MethodNotAllowed();
        }
        throw SegmentNotFound(s[s.Count - 1]);
    }

    private GraphResponse CreateDraft(GraphRequest r, UserRecord u)
    {
        if (_f.MailDraftsDenied)
            throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        JsonObject b = r.BodyObject();
        if (Json.TryGet(b, "body", out JsonNode? bn) && bn is JsonObject body && Json.GetString(body, "contentType") is { } ct
            && !ct.Equals("html", StringComparison.OrdinalIgnoreCase) && !ct.Equals("text", StringComparison.OrdinalIgnoreCase))
            throw new GraphError(400, "RequestBodyRead", $"Requested value '{ct}' was not found.");
        var d = new Draft { Id = "AAMk" + Guid.NewGuid().ToString("N"), Owner = u, Message = (JsonObject)b.DeepClone() };
        if (Json.TryGet(b, "attachments", out JsonNode? an) && an is JsonArray arr)
            foreach (JsonObject a in arr.OfType<JsonObject>())
                d.Attachments.Add(FileAttachment(a));
        _drafts[d.Id] = d;
        var answer = (JsonObject)b.DeepClone();
        answer.Remove("attachments");
        answer.Insert(0, "@odata.context", Base + $"/$metadata#users('{u.Id}')/messages/$entity");
        answer["id"] = d.Id;
        answer["isDraft"] = true;
        answer["hasAttachments"] = d.Attachments.Count > 0;
        return GraphResponse.Created(answer);
    }

    private static MailAttachment FileAttachment(JsonObject a)
    {
        string? type = Json.GetString(a, "@odata.type");
        if (!string.Equals(type, "#microsoft.graph.fileAttachment", StringComparison.OrdinalIgnoreCase))
            throw new GraphError(400, "ErrorInvalidParameter", "Only file attachments are modelled by the fake: '@odata.type' must be '#microsoft.graph.fileAttachment'.");
        byte[] data;
        try
        {
            data = Convert.FromBase64String(Json.GetString(a, "contentBytes") ?? "");
        }
        catch (FormatException)
        {
            throw new GraphError(400, "ErrorInvalidParameter", "The attachment's contentBytes is not a valid base64 string.");
        }
        return new MailAttachment(type, Json.GetString(a, "name"), Json.GetString(a, "contentType"), data);
    }

    private GraphResponse AddAttachment(GraphRequest r, Draft d)
    {
        MailAttachment a = FileAttachment(r.BodyObject());
        d.Attachments.Add(a);
        return GraphResponse.Created(new JsonObject
        {
            ["@odata.context"] = Base + $"/$metadata#users('{d.Owner.Id}')/messages('{d.Id}')/attachments/$entity",
            ["@odata.type"] = "#microsoft.graph.fileAttachment",
            ["id"] = "AAMkAtt" + d.Attachments.Count.ToString(CultureInfo.InvariantCulture),
            ["name"] = a.Name,
            ["contentType"] = a.ContentType,
            ["size"] = a.ContentBytes.Length,
        });
    }

    private GraphResponse CreateUploadSession(GraphRequest r, Draft d)
    {
        JsonObject b = r.BodyObject();
        JsonObject item = Json.TryGet(b, "AttachmentItem", out JsonNode? n) && n is JsonObject o
            ? o
            : throw new GraphError(400, "ErrorInvalidParameter", "The value of the parameter 'AttachmentItem' is empty.");
        string? kind = Json.GetString(item, "attachmentType");
        if (!string.Equals(kind, "file", StringComparison.OrdinalIgnoreCase))
            throw new GraphError(400, "ErrorInvalidParameter", "AttachmentItem.attachmentType must be 'file'.");
        string name = Json.GetString(item, "name") is { Length: > 0 } nm ? nm : throw new GraphError(400, "ErrorInvalidParameter", "AttachmentItem.name is required.");
        long size = Json.TryGet(item, "size", out JsonNode? sn) && sn is JsonValue sv && sv.TryGetValue(out long l) ? l : -1;
        if (size <= 0)
            throw new GraphError(400, "ErrorInvalidParameter", "AttachmentItem.size is required and must be positive.");
        if (size > MaxUploadSessionBytes)
            throw new GraphError(400, "ErrorInvalidParameter", $"An upload session takes files of at most 150 MB; {size} bytes is larger.");
        var session = new UploadSession
        {
            Id = Guid.NewGuid().ToString("N"), Draft = d, Name = name, ContentType = Json.GetString(item, "contentType"), Size = size,
            Received = new System.IO.MemoryStream(), Expires = _clock().AddMinutes(15),
        };
        _uploads[session.Id] = session;
        string root = Base.Substring(0, Base.Length - "/v1.0".Length);
        return GraphResponse.Created(new JsonObject
        {
            ["@odata.context"] = Base + "/$metadata#microsoft.graph.uploadSession",
            ["uploadUrl"] = root + UploadPathPrefix + session.Id + "?authtoken=fake-preauthenticated",
            ["expirationDateTime"] = session.Expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            ["nextExpectedRanges"] = new JsonArray("0-"),
        });
    }

    /// <summary>One PUT to an upload URL: the next range in order, at most 4 MB, with no Authorization header.</summary>
    public GraphResponse Upload(string sessionId, string method, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        lock (_t.Sync)
        {
            if (TryDriveUpload(sessionId, method, headers, body, out GraphResponse driveResponse))
                return driveResponse;
            if (!_uploads.TryGetValue(sessionId, out UploadSession? u) || u.Expires < _clock())
                throw new GraphError(404, "ErrorItemNotFound", "The upload session does not exist or has expired.");
            if (method == "DELETE")
            {
                _uploads.Remove(sessionId);
                return GraphResponse.NoContent();
            }
            if (method != "PUT")
                throw MethodNotAllowed();
            // The URL is pre-authenticated; the docs say to send no Authorization header (the fake refuses one, so a
            // client that would hand its Graph token to the upload host is caught).
            if (headers.ContainsKey("Authorization"))
                throw new GraphError(400, "InvalidAuthenticationToken", "The upload URL is pre-authenticated: send no Authorization header.");
            string? range = headers.TryGetValue("Content-Range", out string? cr) ? cr.Trim() : null;
            System.Text.RegularExpressions.Match m = range is null ? System.Text.RegularExpressions.Match.Empty
                : System.Text.RegularExpressions.Regex.Match(range, @"^bytes (\d+)-(\d+)/(\d+)$");
            if (!m.Success)
                throw new GraphError(400, "InvalidRange", "Content-Range must be 'bytes {start}-{end}/{total}'.");
            long start = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), end = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                total = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            if (total != u.Size)
                throw new GraphError(400, "InvalidRange", $"The total in Content-Range ({total}) is not the session's size ({u.Size}).");
            if (end < start || end >= total || body.LongLength != end - start + 1)
                throw new GraphError(400, "InvalidRange", "The body's length does not match Content-Range.");
            if (body.Length > MaxUploadRangeBytes)
                throw new GraphError(413, "RequestEntityTooLarge", "One upload range may carry at most 4 MB.");
            if (start != u.Received.Length)
                throw new GraphError(416, "InvalidRange", $"The next expected range starts at {u.Received.Length}.");
            u.Received.Write(body, 0, body.Length);
            u.Expires = _clock().AddMinutes(15);
            if (u.Received.Length < u.Size)
                return GraphResponse.Ok(new JsonObject
                {
                    ["expirationDateTime"] = u.Expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
                    ["nextExpectedRanges"] = new JsonArray(u.Received.Length.ToString(CultureInfo.InvariantCulture)),
                });
            _uploads.Remove(sessionId);
            u.Draft.Attachments.Add(new MailAttachment("#microsoft.graph.fileAttachment", u.Name, u.ContentType, u.Received.ToArray()));
            var done = new GraphResponse { Status = 201 };
            done.Headers["Location"] = Base + $"/Users('{u.Draft.Owner.Id}')/Messages('{u.Draft.Id}')/Attachments('AAMkAtt{u.Draft.Attachments.Count}')";
            return done;
        }
    }

    private GraphResponse SendDraft(Draft d)
    {
        JsonObject message = d.Message;
        List<MailRecipient> to = Recipients(message, "toRecipients"), cc = Recipients(message, "ccRecipients"), bcc = Recipients(message, "bccRecipients");
        if (to.Count + cc.Count + bcc.Count == 0)
            throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        string? contentType = null, content = null;
        if (Json.TryGet(message, "body", out JsonNode? bn) && bn is JsonObject body)
        {
            contentType = Json.GetString(body, "contentType");
            content = Json.GetString(body, "content");
        }
        _drafts.Remove(d.Id);
        _t.SentMail.Add(new SentMail(d.Owner.Id, d.Owner.UserPrincipalName, Json.GetString(message, "subject"), contentType, content, to, cc, bcc,
            d.Attachments.ToList(), true, (JsonObject)message.DeepClone(), _clock()));
        return GraphResponse.Accepted();
    }

    /// <summary>Drafts not (yet) sent: how many the fake holds.</summary>
    internal int DraftCount
    {
        get
        {
            lock (_t.Sync)
                return _drafts.Count;
        }
    }
}
