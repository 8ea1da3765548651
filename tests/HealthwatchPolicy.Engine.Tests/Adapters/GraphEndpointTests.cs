using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>The bearer token goes only to https endpoints, or to plain http on the loopback interface.</summary>
public sealed class GraphEndpointTests
{
    /// <summary>Counts what would have gone over the wire (and answers nothing).</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable));
        }
    }

    [Theory]
    [InlineData("http://graph.microsoft.com/v1.0")]
    [InlineData("http://198.51.100.7:8080/v1.0")]
    [InlineData("http://localhost.attacker.example/v1.0")]
    [InlineData("http://127.0.0.1.nip.io/v1.0")]
    [InlineData("http://[2001:db8::1]/v1.0")]
    [InlineData("HTTP://GRAPH.MICROSOFT.US/v1.0")]
    public void A_plain_http_endpoint_off_the_loopback_is_refused_before_any_request(string endpoint)
    {
        var handler = new CountingHandler();
        GraphConnectionOptions options = GraphTestHost.MakeOptions(endpoint);

        var ex = Assert.Throws<HwException>(() => GraphDirectoryFactory.CreateClient(options, handler));
        Assert.Equal("GraphEndpointInsecure", ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(endpoint, ex.Target);
        Assert.Contains("https://", ex.Message);
        Assert.DoesNotContain(GraphTestHost.Token, ex.ToString());
        Assert.Equal(0, handler.Requests);

        // The connection as the cmdlet makes it (ConnectGraph proves the connection with a first read) stops there too.
        var connect = Assert.Throws<HwException>(() => new HwEngine(Repo.PolicyPath, "unused").ConnectGraph(GraphTestHost.MakeOptions(endpoint),
            statePath: System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hw-endpoint-" + Guid.NewGuid().ToString("N")), policyPath: null));
        Assert.Equal("GraphEndpointInsecure", connect.ErrorId);
    }

    [Theory]
    [InlineData("ftp://graph.microsoft.com/v1.0")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:pw@graph.microsoft.com/v1.0")]
    public void An_endpoint_that_is_not_an_http_address_is_invalid(string endpoint)
    {
        var handler = new CountingHandler();
        var ex = Assert.Throws<HwException>(() => GraphDirectoryFactory.CreateClient(GraphTestHost.MakeOptions(endpoint), handler));
        Assert.Equal("GraphEndpointInvalid", ex.ErrorId);
        Assert.Equal(0, handler.Requests);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/v1.0")]
    [InlineData("https://graph.microsoft.us/v1.0")]
    [InlineData("http://127.0.0.1:5123/v1.0")]
    [InlineData("http://127.8.9.10/v1.0")]
    [InlineData("http://[::1]:5123/v1.0")]
    [InlineData("http://localhost:5123/v1.0")]
    [InlineData("http://LOCALHOST./v1.0")]
    public void Https_and_loopback_http_endpoints_are_accepted(string endpoint)
    {
        var handler = new CountingHandler();
        Assert.NotNull(GraphDirectoryFactory.CreateClient(GraphTestHost.MakeOptions(endpoint), handler));
        Assert.Equal(0, handler.Requests); // building the client sends nothing
    }

    [Fact]
    public void The_loopback_fake_Graph_still_answers_over_http()
    {
        using GraphTestHost host = GraphTestHost.Start(System.IO.Path.Combine(Repo.Root, "policy", "sample-org"));
        Assert.StartsWith("http://127.0.0.1:", host.Options.GraphEndpoint.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(host.Directory.GetUsers());
    }
}
