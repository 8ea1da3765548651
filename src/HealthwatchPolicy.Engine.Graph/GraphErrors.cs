using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using HealthwatchPolicy.Engine.Errors;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>A Graph failure in the engine's terms, with Graph's own words kept: its status, error code and message,
/// and the <c>request-id</c> and <c>client-request-id</c> a support case needs (docs/decisions/0102).</summary>
public sealed class GraphRequestException : HwException
{
    /// <summary>A Graph failure with the engine's <paramref name="errorId"/> and message, the HTTP <paramref name="status"/>, Graph's error <paramref name="code"/> and the <paramref name="requestId"/> to quote to Microsoft support.</summary>
    public GraphRequestException(string errorId, string message, object? target, string? requestId, int status, string? code, Exception? inner)
        : this(errorId, message, target, requestId, status, code, inner, null, null)
    {
    }

    /// <summary>As above, with Graph's own <paramref name="graphMessage"/> and the <paramref name="clientRequestId"/> the request carried.</summary>
    public GraphRequestException(string errorId, string message, object? target, string? requestId, int status, string? code, Exception? inner,
        string? graphMessage, string? clientRequestId)
        : base(errorId, message, target, inner)
    {
        RequestId = requestId;
        Status = status;
        Code = code;
        GraphMessage = graphMessage;
        ClientRequestId = clientRequestId;
    }

    /// <summary>Graph's <c>request-id</c> (header, or <c>innerError.request-id</c>).</summary>
    public string? RequestId { get; }
    /// <summary>The HTTP status (0 when Graph was not reached).</summary>
    public int Status { get; }
    /// <summary>Graph's <c>error.code</c>, e.g. <c>Authorization_RequestDenied</c>.</summary>
    public string? Code { get; }
    /// <summary>Graph's <c>error.message</c>, as Graph wrote it.</summary>
    public string? GraphMessage { get; }
    /// <summary>The <c>client-request-id</c> the request was sent with (header, or <c>innerError.client-request-id</c>).</summary>
    public string? ClientRequestId { get; }
}

internal static class GraphErrors
{
    public static bool IsStatus(ODataError e, HttpStatusCode status) => e.ResponseStatusCode == (int)status;

    public static bool Mentions(ODataError e, string text) =>
        (e.Error?.Message ?? e.Message ?? "").IndexOf(text, StringComparison.OrdinalIgnoreCase) >= 0;

    public static GraphRequestException From(ODataError e, string what, object? target) =>
        Create(e.ResponseStatusCode, e.Error?.Code, e.Error?.Message ?? e.Message,
            e.Error?.InnerError?.RequestId ?? Header(e.ResponseHeaders, "request-id"),
            e.Error?.InnerError?.ClientRequestId ?? Header(e.ResponseHeaders, "client-request-id"), what, target, e);

    public static GraphRequestException FromBody(int status, string? body, string what, object? target) =>
        FromBody(status, body, null, what, target, null);

    /// <summary>An error answer from its status, its body (Graph's error JSON, if it is that) and its headers.</summary>
    public static GraphRequestException FromBody(int status, string? body, IEnumerable<KeyValuePair<string, IEnumerable<string>>>? headers, string what, object? target, Exception? inner)
    {
        string? code = null, message = null, requestId = null, clientRequestId = null;
        try
        {
            if (!string.IsNullOrEmpty(body))
            {
                using JsonDocument doc = JsonDocument.Parse(body!);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out JsonElement error)
                    && error.ValueKind == JsonValueKind.Object)
                {
                    code = String(error, "code");
                    message = String(error, "message");
                    if (error.TryGetProperty("innerError", out JsonElement innerError) && innerError.ValueKind == JsonValueKind.Object)
                    {
                        requestId = String(innerError, "request-id");
                        clientRequestId = String(innerError, "client-request-id");
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not Graph's error JSON (a gateway's text page in a $batch step): its text is what was said
            string text = body!.Trim();
            message = text.Length > 500 ? text.Substring(0, 500) + "…" : text;
        }
        return Create(status, code, message, requestId ?? Header(headers, "request-id"), clientRequestId ?? Header(headers, "client-request-id"),
            what, target, inner);
    }

    /// <summary>The SDK's RetryHandler gave up: its last attempt's status and headers, and Graph's error body, which the
    /// handler puts in the exception's message after the status ("HTTP request failed with status code: X.{body}").</summary>
    public static GraphRequestException FromRetriesExhausted(Microsoft.Kiota.Abstractions.ApiException last, string what, object? target, Exception inner)
    {
        string? body = (last as Microsoft.Graph.ServiceException)?.RawResponseBody;
        if (string.IsNullOrEmpty(body))
        {
            int brace = last.Message.IndexOf('{');
            body = brace < 0 ? null : last.Message.Substring(brace);
        }
        return FromBody(last.ResponseStatusCode, body, last.ResponseHeaders, what, target, inner);
    }

    /// <summary>An answer from Graph that cannot be read as the request's answer.</summary>
    public static GraphRequestException Invalid(string what, object? target, string problem, int status, IEnumerable<KeyValuePair<string, IEnumerable<string>>>? headers,
        Exception? inner)
    {
        string? requestId = Header(headers, "request-id"), clientRequestId = Header(headers, "client-request-id");
        return new GraphRequestException(ErrorIds.GraphResponseInvalid,
            $"Microsoft Graph's answer could not be read, so the request to {what} did not complete: {problem}." + Ids(requestId, clientRequestId),
            target, requestId, status, null, inner, null, clientRequestId);
    }

    public static GraphRequestException Unavailable(Exception e, string what, object? target) =>
        new(ErrorIds.GraphUnavailable, $"Microsoft Graph could not be reached to {what}: {e.Message}", target, null, 0, null, e);

    private static GraphRequestException Create(int status, string? code, string? message, string? requestId, string? clientRequestId,
        string what, object? target, Exception? inner)
    {
        (string id, string hint) = status switch
        {
            401 => (ErrorIds.GraphUnauthorized, " Sign in again (Connect-HwDirectory)."),
            403 => (ErrorIds.GraphAccessDenied, " The app or account lacks a Graph permission: see docs/graph-permissions.md."),
            404 => (ErrorIds.GraphObjectNotFound, ""),
            429 or 503 or 504 => (ErrorIds.GraphThrottled, " Graph stayed busy after the SDK's retries; try again later."),
            400 => (ErrorIds.GraphBadRequest, ""),
            _ => (ErrorIds.GraphRequestFailed, ""),
        };
        string said = code is null && message is null ? "no error code or message" : $"{code ?? "no code"}: {message ?? "no message"}";
        string text = $"Microsoft Graph refused to {what} ({status} {said}).{hint}" + Ids(requestId, clientRequestId);
        return new GraphRequestException(id, text, target, requestId, status, code, inner, message, clientRequestId);
    }

    private static string Ids(string? requestId, string? clientRequestId) =>
        (requestId is null ? "" : $" Graph request id: {requestId}.") + (clientRequestId is null ? "" : $" Client request id: {clientRequestId}.");

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Header(IEnumerable<KeyValuePair<string, IEnumerable<string>>>? headers, string name)
    {
        if (headers is null)
            return null;
        foreach (KeyValuePair<string, IEnumerable<string>> h in headers)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
                return h.Value?.FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return null;
    }

    /// <summary>The last attempt's error when the SDK's RetryHandler ran out of retries (it throws an AggregateException of them).</summary>
    public static Microsoft.Kiota.Abstractions.ApiException? RetriesExhausted(AggregateException e) =>
        e.InnerExceptions.Count > 0 && e.InnerExceptions.All(x => x is Microsoft.Kiota.Abstractions.ApiException)
            ? (Microsoft.Kiota.Abstractions.ApiException)e.InnerExceptions[e.InnerExceptions.Count - 1]
            : null;

    public static bool IsTransport(Exception e) => e is HttpRequestException or System.Threading.Tasks.TaskCanceledException;
}
