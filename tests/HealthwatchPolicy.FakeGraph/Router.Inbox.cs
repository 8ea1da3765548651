using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using MimeKit;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>
/// Reading a mailbox (graph-facts §3, docs/decisions/0200): <c>GET /users/{id}/mailFolders</c> (paged, default 10),
/// <c>POST /users/{id}/mailFolders</c> (<c>ErrorFolderExists</c> on a duplicate name),
/// <c>GET /users/{id}/mailFolders/{id|well-known name}/messages</c> (default page 10, <c>$top</c> 1–1000, <c>@odata.nextLink</c>
/// with <c>$skip</c>; <c>internetMessageHeaders</c> only when <c>$select</c> names it; the body as HTML unless
/// <c>Prefer: outlook.body-content-type="text"</c>), and <c>POST /users/{id}/messages/{id}/move</c> with
/// <c>destinationId</c> (a folder id or well-known name) → 201 and the moved message under a new id.
/// </summary>
internal sealed partial class Router
{
    private sealed class FakeFolder
    {
        public required string Id { get; init; }
        public required string DisplayName { get; init; }
        public string? WellKnown { get; init; }
    }

    private sealed class FakeMessage
    {
        public required string Id { get; set; }
        public required string FolderId { get; set; }
        public required MimeMessage Mime { get; init; }
        public required DateTimeOffset Received { get; init; }
    }

    private readonly Dictionary<string, List<FakeFolder>> _folders = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string UserId, FakeMessage Message)> _mailboxMessages = new();

    private int _mailboxGeneration;

    /// <summary>A tenant cleared (reset, or a new organisation loaded) takes its mailboxes with it.</summary>
    private void ForgetMailboxesOfAnOldTenant()
    {
        if (_mailboxGeneration == _t.Generation)
            return;
        _folders.Clear();
        _mailboxMessages.Clear();
        _mailboxGeneration = _t.Generation;
    }

    private List<FakeFolder> FoldersOf(UserRecord u)
    {
        ForgetMailboxesOfAnOldTenant();
        if (!_folders.TryGetValue(u.Id, out List<FakeFolder>? list))
            _folders[u.Id] = list = new List<FakeFolder>
            {
                new() { Id = "AAMkFolderInbox" + u.Id, DisplayName = "Inbox", WellKnown = "inbox" },
                new() { Id = "AAMkFolderSent" + u.Id, DisplayName = "Sent Items", WellKnown = "sentitems" },
                new() { Id = "AAMkFolderDeleted" + u.Id, DisplayName = "Deleted Items", WellKnown = "deleteditems" },
                new() { Id = "AAMkFolderJunk" + u.Id, DisplayName = "Junk Email", WellKnown = "junkemail" },
            };
        return list;
    }

    private FakeFolder Folder(UserRecord u, string idOrName) =>
        FoldersOf(u).FirstOrDefault(f => f.Id == idOrName || string.Equals(f.WellKnown, idOrName, StringComparison.OrdinalIgnoreCase))
        ?? throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");

    /// <summary>A message arrives in <paramref name="mailbox"/>'s inbox (its headers as Exchange would keep them).</summary>
    public string Deliver(string mailbox, MimeMessage message, DateTimeOffset received)
    {
        lock (_t.Sync)
        {
            UserRecord u = _t.FindUser(mailbox) ?? throw new ArgumentException("No such mailbox: " + mailbox);
            var m = new FakeMessage { Id = "AAMkMsg" + Guid.NewGuid().ToString("N"), FolderId = Folder(u, "inbox").Id, Mime = message, Received = received };
            _mailboxMessages.Add((u.Id, m));
            return m.Id;
        }
    }

    /// <summary>How many messages <paramref name="mailbox"/>'s folder <paramref name="folderName"/> (display name) holds.</summary>
    public int FolderCount(string mailbox, string folderName)
    {
        lock (_t.Sync)
        {
            UserRecord u = _t.FindUser(mailbox) ?? throw new ArgumentException("No such mailbox: " + mailbox);
            FakeFolder? f = FoldersOf(u).FirstOrDefault(x => string.Equals(x.DisplayName, folderName, StringComparison.OrdinalIgnoreCase));
            return f is null ? 0 : _mailboxMessages.Count(x => x.UserId == u.Id && x.Message.FolderId == f.Id);
        }
    }

    private GraphResponse MailFolders(GraphRequest r, UserRecord u)
    {
        IReadOnlyList<string> s = r.Segments;
        if (string.IsNullOrEmpty(u.Mail))
            throw new GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        if (_f.MailboxReadDenied)
            throw new GraphError(403, "ErrorAccessDenied", "Access to OData is disabled.");
        if (s.Count == 3)
        {
            if (Is(r, "POST"))
            {
                string name = Json.GetString(r.BodyObject(), "displayName") is { Length: > 0 } n ? n : throw new GraphError(400, "ErrorInvalidParameter", "displayName is required.");
                if (FoldersOf(u).Any(f => string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase)))
                    throw new GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
                var folder = new FakeFolder { Id = "AAMkFolder" + Guid.NewGuid().ToString("N"), DisplayName = name };
                FoldersOf(u).Add(folder);
                return GraphResponse.Created(RenderFolder(u, folder));
            }
            if (!Is(r, "GET"))
                throw MethodNotAllowed();
            return MessagePage(r, FoldersOf(u), f => RenderFolder(u, f), Base + $"/$metadata#users('{u.Id}')/mailFolders", 10, 1000);
        }
        FakeFolder target = Folder(u, s[3]);
        if (s.Count == 5 && Lower(s[4]) == "messages")
        {
            if (!Is(r, "GET"))
                throw MethodNotAllowed();
            List<string>? select = r.Query["$select"]?.Split(',').Select(x => x.Trim()).ToList();
            bool text = (r.Header("Prefer") ?? "").Contains("outlook.body-content-type=\"text\"", StringComparison.OrdinalIgnoreCase);
            var messages = _mailboxMessages.Where(x => x.UserId == u.Id && x.Message.FolderId == target.Id).Select((x, i) => (x.Message, i))
                .OrderByDescending(m => m.Message.Received).ThenByDescending(m => m.i).Select(m => m.Message).ToList(); // Graph's default: newest first
            return MessagePage(r, messages, m => RenderMessage(m, select, text), Base + $"/$metadata#users('{u.Id}')/mailFolders('{s[3]}')/messages", 10, 1000);
        }
        throw SegmentNotFound(s[s.Count - 1]);
    }

    /// <summary>POST /users/{id}/messages/{id}/move: the message to another folder, under a new id (201 + the message).</summary>
    private GraphResponse MoveMessage(GraphRequest r, UserRecord u, string messageId)
    {
        ForgetMailboxesOfAnOldTenant();
        if (_f.MailboxReadDenied)
            throw new GraphError(403, "ErrorAccessDenied", "Access to OData is disabled.");
        FakeMessage m = _mailboxMessages.Where(x => x.UserId == u.Id && x.Message.Id == messageId).Select(x => x.Message).FirstOrDefault()
                        ?? throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        string destination = Json.GetString(r.BodyObject(), "destinationId") is { Length: > 0 } d ? d : throw new GraphError(400, "ErrorInvalidParameter", "destinationId is required.");
        m.FolderId = Folder(u, destination).Id;
        m.Id = "AAMkMsg" + Guid.NewGuid().ToString("N");
        JsonObject o = RenderMessage(m, null, false);
        o.Insert(0, "@odata.context", Base + $"/$metadata#users('{u.Id}')/messages/$entity");
        return GraphResponse.Created(o);
    }

    private JsonObject RenderFolder(UserRecord u, FakeFolder f) => new()
    {
        ["id"] = f.Id,
        ["displayName"] = f.DisplayName,
        ["parentFolderId"] = "AAMkFolderRoot" + u.Id,
        ["childFolderCount"] = 0,
        ["totalItemCount"] = _mailboxMessages.Count(x => x.UserId == u.Id && x.Message.FolderId == f.Id),
    };

    private static JsonObject Address(InternetAddressList list) =>
        list.Mailboxes.FirstOrDefault() is { } mb
            ? new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = mb.Name ?? mb.Address, ["address"] = mb.Address } }
            : new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = null, ["address"] = null } };

    private static JsonObject RenderMessage(FakeMessage m, List<string>? select, bool text)
    {
        bool Want(string p) => select is null ? p != "internetMessageHeaders" : select.Contains(p, StringComparer.OrdinalIgnoreCase) || p == "id";
        MimeMessage mime = m.Mime;
        var o = new JsonObject();
        if (Want("id")) o["id"] = m.Id;
        if (Want("receivedDateTime")) o["receivedDateTime"] = m.Received.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (Want("subject")) o["subject"] = mime.Subject;
        if (Want("from")) o["from"] = Address(mime.From);
        if (Want("sender")) o["sender"] = mime.Sender is { } sender ? Address(new InternetAddressList(new[] { sender })) : Address(mime.From);
        if (Want("body"))
        {
            string plain = mime.TextBody ?? "";
            o["body"] = text
                ? new JsonObject { ["contentType"] = "text", ["content"] = plain }
                : new JsonObject { ["contentType"] = "html", ["content"] = mime.HtmlBody ?? "<html><body><div>" + WebUtility.HtmlEncode(plain).Replace("\n", "<br>") + "</div></body></html>" };
        }
        if (Want("internetMessageHeaders"))
            o["internetMessageHeaders"] = new JsonArray(mime.Headers.Select(h => (JsonNode?)new JsonObject { ["name"] = h.Field, ["value"] = h.Value }).ToArray());
        return o;
    }

    private GraphResponse MessagePage<T>(GraphRequest r, IReadOnlyList<T> all, Func<T, JsonObject> render, string context, int defaultSize, int max)
    {
        int size = defaultSize;
        if (r.Query["$top"] is { } top && (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > max))
            throw new GraphError(400, "ErrorInvalidUrlQuery", $"The value of $top must be between 1 and {max}.");
        int skip = r.Query["$skip"] is { } sk && int.TryParse(sk, NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : 0;
        var o = new JsonObject { ["@odata.context"] = context };
        o["value"] = new JsonArray(all.Skip(skip).Take(size).Select(x => (JsonNode?)render(x)).ToArray());
        if (skip + size < all.Count)
            o["@odata.nextLink"] = NextLink(r, "$skip", (skip + size).ToString(CultureInfo.InvariantCulture), "$skip");
        return GraphResponse.Ok(o);
    }
}
