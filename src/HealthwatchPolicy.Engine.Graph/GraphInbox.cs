using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.Messages.Item.Move;
using Microsoft.Kiota.Abstractions;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The review mailbox's inbox on Microsoft Graph (docs/decisions/0200):
/// <c>GET /users/{mailbox}/mailFolders/inbox/messages?$select=id,subject,from,sender,body,receivedDateTime,internetMessageHeaders&amp;$top=50</c>
/// with <c>Prefer: outlook.body-content-type="text"</c>, every page followed through <c>@odata.nextLink</c> as given;
/// <c>POST /users/{mailbox}/messages/{id}/move</c> with the <c>destinationId</c> of a top-level folder, found through
/// <c>GET /users/{mailbox}/mailFolders</c> (paged) and made with <c>POST /users/{mailbox}/mailFolders</c> when missing.
/// Needs Mail.ReadWrite scoped to that one mailbox with Exchange Online RBAC for Applications (docs/graph-permissions.md).
/// </summary>
public sealed class GraphInbox : IReviewInbox
{
    private const string PreferText = "outlook.body-content-type=\"text\"";
    private static readonly string[] s_select = { "id", "subject", "from", "sender", "body", "receivedDateTime", "internetMessageHeaders" };

    private readonly GraphServiceClient _client;
    private readonly string _mailbox;
    private readonly Dictionary<string, string> _folders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The inbox of <paramref name="mailbox"/> through <paramref name="client"/>. Throws <c>MailboxNotFound</c> for a name that would change the request's path.</summary>
    public GraphInbox(GraphServiceClient client, string mailbox)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _mailbox = (mailbox ?? "").Trim();
        if (_mailbox.Length == 0 || !GraphUrls.CanName(_mailbox))
            throw new HwException(ErrorIds.MailboxNotFound, $"'{_mailbox}' cannot name a mailbox: it would change the path of the Graph request (docs/decisions/0100).", _mailbox);
    }

    /// <summary><c>graph: inbox of &lt;mailbox&gt;</c>.</summary>
    public string Description => "graph: inbox of " + _mailbox;

    /// <summary>Every inbox message, every page, oldest first. Throws MailboxNotFound, GraphAccessDenied (Mail.ReadWrite), GraphUnauthorized, GraphThrottled or GraphRequestFailed.</summary>
    public IReadOnlyList<InboxMessage> List() => Run("read the inbox of " + _mailbox, async ct =>
    {
        var list = new List<InboxMessage>();
        MessageCollectionResponse? page = await _client.Users[_mailbox].MailFolders["inbox"].Messages.GetAsync(rc =>
        {
            rc.QueryParameters.Select = s_select;
            rc.QueryParameters.Top = 50;
            rc.Headers.Add("Prefer", PreferText);
        }, ct).ConfigureAwait(false);
        while (page is not null)
        {
            foreach (Message m in page.Value ?? new List<Message>())
                list.Add(ToInboxMessage(m));
            if (page.OdataNextLink is not { Length: > 0 } next)
                break;
            page = await _client.Users[_mailbox].MailFolders["inbox"].Messages.WithUrl(next)
                .GetAsync(rc => rc.Headers.Add("Prefer", PreferText), ct).ConfigureAwait(false);
        }
        // Graph lists newest first; reversed, then a stable sort by time: oldest first, ties in arrival order.
        list.Reverse();
        return (IReadOnlyList<InboxMessage>)list.OrderBy(m => m.Received ?? DateTimeOffset.MaxValue).ToList();
    });

    private static InboxMessage ToInboxMessage(Message m)
    {
        string? from = m.From?.EmailAddress?.Address;
        string? sender = m.Sender?.EmailAddress?.Address is { } s && !string.Equals(s, from, StringComparison.OrdinalIgnoreCase) ? s : null;
        string? body = m.Body?.Content;
        if (body is not null && m.Body?.ContentType == BodyType.Html)
            body = HealthwatchPolicy.Engine.Mail.InboxText.FromHtml(body);
        var headers = (m.InternetMessageHeaders ?? new List<InternetMessageHeader>())
            .Select(h => new KeyValuePair<string, string>(h.Name ?? "", h.Value ?? "")).ToList();
        return new InboxMessage(m.Id ?? "", from, sender, m.Subject, body, m.ReceivedDateTime, headers);
    }

    /// <summary>Moves the message to the top-level folder <paramref name="folderName"/>, made when missing (Graph gives the moved copy a new id).</summary>
    public void Move(InboxMessage message, string folderName) => Run("move a message in " + _mailbox, async ct =>
    {
        string folderId = await FolderIdAsync(folderName, ct).ConfigureAwait(false);
        await _client.Users[_mailbox].Messages[message.Id].Move.PostAsync(new MovePostRequestBody { DestinationId = folderId }, cancellationToken: ct).ConfigureAwait(false);
        return true;
    });

    private async Task<string> FolderIdAsync(string name, CancellationToken ct)
    {
        if (_folders.TryGetValue(name, out string? known))
            return known;
        MailFolderCollectionResponse? page = await _client.Users[_mailbox].MailFolders.GetAsync(rc => rc.QueryParameters.Top = 100, ct).ConfigureAwait(false);
        while (page is not null)
        {
            if (page.Value?.FirstOrDefault(f => string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase)) is { Id: { } id })
                return _folders[name] = id;
            if (page.OdataNextLink is not { Length: > 0 } next)
                break;
            page = await _client.Users[_mailbox].MailFolders.WithUrl(next).GetAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        MailFolder made = (await _client.Users[_mailbox].MailFolders.PostAsync(new MailFolder { DisplayName = name }, cancellationToken: ct).ConfigureAwait(false))!;
        return _folders[name] = made.Id!;
    }

    private T Run<T>(string what, Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return call(CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (ODataError e)
        {
            throw Map(GraphErrors.From(e, what, _mailbox), e);
        }
        catch (ApiException e)
        {
            throw Map(GraphErrors.FromBody(e.ResponseStatusCode, null, e.ResponseHeaders, what, _mailbox, e), e);
        }
        catch (AggregateException e) when (GraphErrors.RetriesExhausted(e) is { } last)
        {
            throw Map(GraphErrors.FromRetriesExhausted(last, what, _mailbox, e), e);
        }
        catch (Exception e) when (GraphErrors.IsTransport(e))
        {
            throw GraphErrors.Unavailable(e, what, _mailbox);
        }
    }

    private GraphRequestException Map(GraphRequestException g, Exception inner) => g.Status switch
    {
        404 => new GraphRequestException(ErrorIds.MailboxNotFound,
            $"There is no mailbox '{_mailbox}' Microsoft Graph can read the review decisions from. " + g.Message,
            _mailbox, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
        403 => new GraphRequestException(ErrorIds.GraphAccessDenied,
            $"Microsoft Graph would not let the app read or move mail in '{_mailbox}'. It needs Mail.ReadWrite scoped to that one mailbox "
            + "with Exchange Online RBAC for Applications: see docs/graph-permissions.md (\"Reading review decisions\"). " + g.Message,
            _mailbox, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
        _ => g,
    };
}
