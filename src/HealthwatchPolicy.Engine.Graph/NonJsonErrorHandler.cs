using System;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// An error answer whose body is not JSON (a gateway's text or HTML page in front of Graph) is given Graph's error
/// shape, <c>{"error":{"message":"&lt;the text&gt;"}}</c>, with its status and headers (<c>request-id</c>,
/// <c>client-request-id</c>) unchanged. Without it the SDK fails to read the body ("text does not support structured
/// data", or no parser for text/html) and throws an InvalidOperationException that has lost the status and the ids
/// (docs/decisions/0102). Successful answers and JSON error answers pass untouched.
/// </summary>
internal sealed class NonJsonErrorHandler : DelegatingHandler
{
    private const int MaxText = 500;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.Content is null)
            return response;
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            return response;
        string text = (await response.Content.ReadAsStringAsync().ConfigureAwait(false)).Trim();
        if (text.Length == 0 && mediaType is null)
            return response; // no body at all: the SDK reads the status and headers itself
        if (text.Length > MaxText)
            text = text.Substring(0, MaxText) + "…";
        string json = JsonSerializer.Serialize(new { error = new { message = text.Length == 0 ? "(no error text)" : text } });
        var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        response.Content.Dispose();
        response.Content = content;
        return response;
    }
}
