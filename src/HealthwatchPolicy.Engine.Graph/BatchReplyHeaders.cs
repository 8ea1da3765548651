using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The headers of a <c>$batch</c> reply itself (its <c>request-id</c> and <c>client-request-id</c>), which
/// Microsoft.Graph.Core 4.0.1 does not expose: a step answered without ids of its own (a gateway's 500 page), or a
/// reply that cannot be read, is reported with the batch's ids instead (docs/decisions/0102). The caller opens a
/// <see cref="Capture"/> before posting the batch; <see cref="Handler"/> (in the client's middleware) fills it.
/// </summary>
internal static class BatchReplyHeaders
{
    private static readonly AsyncLocal<Box?> s_current = new();

    /// <summary>Where the headers of the next <c>$batch</c> reply on this async flow are kept.</summary>
    internal sealed class Box
    {
        public Dictionary<string, IEnumerable<string>>? Headers { get; set; }
    }

    /// <summary>Starts capturing for the calls that follow on this async flow.</summary>
    public static Box Capture()
    {
        var box = new Box();
        s_current.Value = box;
        return box;
    }

    /// <summary>Records the headers of every <c>$batch</c> reply into the flow's open <see cref="Box"/>, if any.</summary>
    internal sealed class Handler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (s_current.Value is { } box && request.RequestUri?.AbsolutePath.EndsWith("/$batch", StringComparison.OrdinalIgnoreCase) == true)
                box.Headers = response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
            return response;
        }
    }
}
