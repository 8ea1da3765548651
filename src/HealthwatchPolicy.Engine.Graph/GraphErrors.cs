using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using HealthwatchPolicy.Engine.Errors;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>A Graph failure in the engine's terms, with Graph's request id kept for a support case.</summary>
public sealed class GraphRequestException : HwException
{
    /// <summary>A Graph failure with the engine's <paramref name="errorId"/> and message, the HTTP <paramref name="status"/>, Graph's error <paramref name="code"/> and the <paramref name="requestId"/> to quote to Microsoft support.</summary>
    public GraphRequestException(string errorId, string message, object? target, string? requestId, int status, string? code, Exception? inner)
        : base(errorId, message, target, inner)
    {
        RequestId = requestId;
        Status = status;
        Code = code;
    }

    /// <summary>Graph's <c>request-id</c> for the failed call, or null.</summary>
    public string? RequestId { get; }
    /// <summary>The HTTP status code (0 when no response came back).</summary>
    public int Status { get; }
    /// <summary>Graph's error code (for example <c>Authorization_RequestDenied</c>), or null.</summary>
    public string? Code { get; }
}

internal static class GraphErrors
{
    public static bool IsStatus(ODataError e, HttpStatusCode status) => e.ResponseStatusCode == (int)status;

    public static bool Mentions(ODataError e, string text) =>
        (e.Error?.Message ?? e.Message ?? "").IndexOf(text, StringComparison.OrdinalIgnoreCase) >= 0;

    public static GraphRequestException From(ODataError e, string what, object? target) =>
        Create(e.ResponseStatusCode, e.Error?.Code, e.Error?.Message ?? e.Message, e.Error?.InnerError?.RequestId, what, target, e);

    public static GraphRequestException FromBody(int status, string? body, string what, object? target)
    {
        string? code = null, message = null, requestId = null;
        try
        {
            if (!string.IsNullOrEmpty(body))
            {
                using JsonDocument doc = JsonDocument.Parse(body!);
                if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    code = error.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                    message = error.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
                    if (error.TryGetProperty("innerError", out JsonElement inner) && inner.TryGetProperty("request-id", out JsonElement r))
                        requestId = r.GetString();
                }
            }
        }
        catch (JsonException)
        {
            message = "(the error body was not JSON)";
        }
        return Create(status, code, message, requestId, what, target, null);
    }

    public static GraphRequestException Unavailable(Exception e, string what, object? target) =>
        new(ErrorIds.GraphUnavailable, $"Microsoft Graph could not be reached to {what}: {e.Message}", target, null, 0, null, e);

    private static GraphRequestException Create(int status, string? code, string? message, string? requestId, string what, object? target, Exception? inner)
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
        string text = $"Microsoft Graph refused to {what} ({status} {code}: {message}).{hint}"
                      + (requestId is null ? "" : $" Graph request id: {requestId}.");
        return new GraphRequestException(id, text, target, requestId, status, code, inner);
    }

    /// <summary>The last attempt's error when the SDK's RetryHandler ran out of retries (it throws an AggregateException of them).</summary>
    public static Microsoft.Kiota.Abstractions.ApiException? RetriesExhausted(AggregateException e) =>
        e.InnerExceptions.Count > 0 && e.InnerExceptions.All(x => x is Microsoft.Kiota.Abstractions.ApiException)
            ? (Microsoft.Kiota.Abstractions.ApiException)e.InnerExceptions[e.InnerExceptions.Count - 1]
            : null;

    public static bool IsTransport(Exception e) => e is HttpRequestException or System.Threading.Tasks.TaskCanceledException;
}
