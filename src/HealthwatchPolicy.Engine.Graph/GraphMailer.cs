using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using MimeKit;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The mail port on Microsoft Graph: <c>POST /users/{from}/sendMail</c> with the whole MimeKit message as MIME
/// ("send a message in MIME format": <c>Content-Type: text/plain</c>, the message base64-encoded), so the HTML part,
/// its plain-text alternative and every header arrive exactly as built. The request goes through the SDK's request
/// adapter, so its middleware (RetryHandler for 429/503/504, telemetry, authentication) applies as to every other call.
/// Needs the Mail.Send application permission, scoped to the one sending mailbox (docs/graph-permissions.md).
/// </summary>
public sealed partial class GraphMailer : IMailer
{
    private static readonly Dictionary<string, ParsableFactory<IParsable>> s_errorMapping = new()
    {
        ["XXX"] = ODataError.CreateFromDiscriminatorValue,
    };

    private readonly GraphServiceClient _client;
    private readonly string _from;
    private readonly HttpClient _upload;

    /// <summary>A mailer that sends as <paramref name="fromMailbox"/> (trimmed). Throws <c>MailFromRequired</c> when it is empty.</summary>
    public GraphMailer(GraphServiceClient client, string fromMailbox)
        : this(client, fromMailbox, null)
    {
    }

    /// <summary>A mailer that sends as <paramref name="fromMailbox"/> through <paramref name="client"/>; large messages go as a draft with an upload session.</summary>
    /// <param name="client">The Graph client of the connection.</param>
    /// <param name="fromMailbox">The mailbox to send as (Mail.Send, and Mail.ReadWrite for large mail).</param>
    /// <param name="uploadClient">The HTTP client for upload-session ranges (no Graph authentication: the upload URL is
    /// pre-authenticated); a plain one when null.</param>
    public GraphMailer(GraphServiceClient client, string fromMailbox, HttpClient? uploadClient)
    {
        _upload = uploadClient ?? s_upload;
        _client = client ?? throw new ArgumentNullException(nameof(client));
        if (string.IsNullOrWhiteSpace(fromMailbox))
            throw new HwException(ErrorIds.MailFromRequired,
                "Sending mail through Microsoft Graph needs the mailbox to send from (for example policy-reviews@hwsefton.org.uk).", input: "from");
        _from = fromMailbox.Trim();
        if (!GraphUrls.CanName(_from))
            throw new HwException(ErrorIds.MailboxNotFound,
                $"'{_from}' cannot name a mailbox: it would change the path of the Graph request (docs/decisions/0100).", _from);
    }

    /// <summary><c>graph: sendMail as &lt;mailbox&gt;</c>.</summary>
    public string Description => "graph: sendMail as " + _from;

    /// <summary>Sends <paramref name="message"/> whole: <c>POST /users/{from}/sendMail</c> (HTML and text bodies, attachments). Throws <c>MailboxNotFound</c>, <c>GraphAccessDenied</c> (Mail.Send), <c>GraphUnauthorized</c>, <c>GraphThrottled</c> or <c>MailNotSent</c>.</summary>
    public void Send(MimeMessage message)
    {
        if (message is null)
            throw new ArgumentNullException(nameof(message));
        string what = "send mail as " + _from;
        try
        {
            string mime = ToBase64Mime(message);
            if (mime.Length <= SendMailLimitBytes)
                SendAsync(mime, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            else
                SendLargeAsync(message, mime.Length, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (ODataError e)
        {
            throw Map(GraphErrors.From(e, what, _from), e);
        }
        catch (ServiceException e)
        {
            throw Map(GraphErrors.FromBody(e.ResponseStatusCode, e.RawResponseBody, e.ResponseHeaders, what, _from, e), e);
        }
        catch (ApiException e)
        {
            // An error answer Kiota could not read as an OData error (no JSON body): keep the status.
            throw Map(GraphErrors.FromBody(e.ResponseStatusCode, null, e.ResponseHeaders, what, _from, e), e);
        }
        catch (AggregateException e) when (GraphErrors.RetriesExhausted(e) is { } last)
        {
            // The SDK's RetryHandler gave up (429/503/504 every time); its last attempt's error body is in the message.
            throw Map(GraphErrors.FromRetriesExhausted(last, what, _from, e), e);
        }
        catch (Exception e) when (GraphErrors.IsTransport(e))
        {
            GraphRequestException g = GraphErrors.Unavailable(e, what, _from);
            throw new GraphRequestException(ErrorIds.MailNotSent, g.Message, _from, null, 0, null, e);
        }
        catch (Azure.Identity.AuthenticationFailedException e)
        {
            throw new GraphRequestException(ErrorIds.GraphSignInFailed,
                $"Signing in to Microsoft Entra failed, so Graph could not {what}: {e.Message}", _from, null, 0, null, e);
        }
    }

    private async Task SendAsync(string base64Mime, CancellationToken ct)
    {
        // The generated builder gives the URL (users/{id}/sendMail, the id escaped), method and Accept header;
        // its JSON content is then swapped for the MIME form.
        RequestInformation request = _client.Users[_from].SendMail.ToPostRequestInformation(new SendMailPostRequestBody());
        request.Headers.Remove("Content-Type");
        request.SetStreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(base64Mime)), "text/plain");
        await _client.RequestAdapter.SendNoContentAsync(request, s_errorMapping, ct).ConfigureAwait(false);
    }

    /// <summary>The message as Graph wants it: MIME, 7-bit clean (quoted-printable or base64 parts), base64-encoded.</summary>
    internal static string ToBase64Mime(MimeMessage message)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A Graph failure in the mail port's terms: MailboxNotFound, GraphAccessDenied (Mail.Send), GraphUnauthorized or GraphThrottled, else MailNotSent.</summary>
    private GraphRequestException Map(GraphRequestException g, Exception inner) => g.Status switch
    {
        404 => new GraphRequestException(ErrorIds.MailboxNotFound,
            (g.Code == "MailboxNotEnabledForRESTAPI"
                ? $"'{_from}' has no mailbox Microsoft Graph can send from (it is inactive, soft-deleted or on-premises). "
                : $"There is no mailbox '{_from}' to send the review mail from. ")
            + "Send from an existing Microsoft 365 mailbox, such as a shared mailbox for policy reviews. " + g.Message,
            _from, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
        403 => new GraphRequestException(ErrorIds.GraphAccessDenied,
            $"Microsoft Graph would not let the app send mail as '{_from}'. It needs the Mail.Send application permission, "
            + "scoped to that one mailbox: see docs/graph-permissions.md (\"Scoping Mail.Send to one mailbox\"). " + g.Message,
            _from, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
        // Throttling and an expired sign-in keep Graph's own ids (one kind each); anything else is the message not sent.
        401 or 429 or 503 or 504 => new GraphRequestException(g.ErrorId, g.Message, _from, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
        _ => new GraphRequestException(ErrorIds.MailNotSent, g.Message, _from, g.RequestId, g.Status, g.Code, inner, g.GraphMessage, g.ClientRequestId),
    };
}
