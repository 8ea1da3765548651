using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class FaultTests : FakeGraphTest
{
    [Fact]
    public async Task RetryHandler_retries_429_and_503_honouring_Retry_After()
    {
        FakeUser u = Fake.AddUser("retry@hwsefton.example");
        Fake.Faults.ThrottleNextRequests = 2; // 429, then 503
        User? got = await Client.Users[u.Id].GetAsync();
        Assert.Equal(u.Id, got!.Id);
        Assert.Equal(3, Fake.HttpRequestCount);
        Assert.Equal(new[] { 429, 503, 200 }, Fake.RequestLog.Select(e => e.Status));
    }

    [Fact]
    public async Task RetryHandler_gives_up_after_three_retries()
    {
        FakeUser u = Fake.AddUser("giveup@hwsefton.example");
        Fake.Faults.ThrottleStatusCodes = new[] { 429 };
        Fake.Faults.ThrottleNextRequests = 10;
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => Client.Users[u.Id].GetAsync());
        var aggregate = Assert.IsType<AggregateException>(e);
        Assert.Contains("Too many retries", aggregate.Message);
        Assert.All(aggregate.InnerExceptions, i => Assert.Equal(429, Assert.IsAssignableFrom<ApiException>(i).ResponseStatusCode));
        Assert.Equal(4, Fake.HttpRequestCount);
    }

    [Fact]
    public async Task Throttled_answer_without_retry_is_an_ODataError_with_Retry_After()
    {
        FakeUser u = Fake.AddUser("noretry@hwsefton.example");
        Fake.Faults.RetryAfterSeconds = 5;
        Fake.Faults.ThrottleStatusCodes = new[] { 429 };
        Fake.Faults.ThrottleNextRequests = 1;
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users[u.Id].GetAsync(c => c.Options.Add(new RetryHandlerOption { MaxRetry = 0 })));
        Assert.Equal(429, e.ResponseStatusCode);
        Assert.Equal("TooManyRequests", e.Error!.Code);
        Assert.Equal("5", e.ResponseHeaders["Retry-After"].Single());
    }

    [Fact]
    public async Task Throttle_rate_is_deterministic_for_a_seed()
    {
        FakeUser u = Fake.AddUser("rate@hwsefton.example");
        async Task<int[]> Run()
        {
            Fake.ResetCounters();
            Fake.Faults.Seed = 42;
            Fake.Faults.ThrottleRate = 0.5;
            for (int i = 0; i < 10; i++)
                await Client.Users[u.Id].GetAsync(c => c.Options.Add(new RetryHandlerOption { MaxRetry = 0 })).ContinueWith(_ => { });
            Fake.Faults.ThrottleRate = 0;
            return Fake.RequestLog.Select(e => e.Status).ToArray();
        }
        int[] first = await Run();
        int[] second = await Run();
        Assert.Contains(first, s => s is 429 or 503);
        Assert.Contains(first, s => s == 200);
        Assert.Equal(first.Where(s => s != 200).Count(), second.Where(s => s != 200).Count());
        Assert.Equal(first.Select(s => s == 200), second.Select(s => s == 200));
    }

    [Fact]
    public async Task New_group_is_404_during_the_replication_lag_then_found()
    {
        Fake.Faults.ReplicationLagReads = 2;
        Group? created = await Client.Groups.PostAsync(new Group { DisplayName = "HW-lag", MailEnabled = false, MailNickname = "HW-lag", SecurityEnabled = true });
        for (int i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<ODataError>(() => Client.Groups[created!.Id].Extensions.GetAsync());
            Assert.Equal(404, e.ResponseStatusCode);
            Assert.Equal("Request_ResourceNotFound", e.Error!.Code);
        }
        var ok = await Client.Groups[created!.Id].GetAsync();
        Assert.Equal("HW-lag", ok!.DisplayName);
    }

    [Fact]
    public async Task Stopped_server_refuses_connections_and_Unavailable_answers_503()
    {
        FakeUser u = Fake.AddUser("down@hwsefton.example");
        Fake.Faults.Unavailable = true;
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users[u.Id].GetAsync(c => c.Options.Add(new RetryHandlerOption { MaxRetry = 0 })));
        Assert.Equal(503, e.ResponseStatusCode);
        Assert.False(e.ResponseHeaders.ContainsKey("Retry-After"));
        Fake.Faults.Unavailable = false;

        await Fake.StopAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.Users[u.Id].GetAsync());
        Assert.Equal("down@hwsefton.example", Fake.GetUser(u.Id)!.UserPrincipalName); // state stays readable
    }

    [Fact]
    public async Task Latency_is_added_to_each_round_trip()
    {
        FakeUser u = Fake.AddUser("slow@hwsefton.example");
        Fake.Faults.Latency = TimeSpan.FromMilliseconds(300);
        var sw = Stopwatch.StartNew();
        await Client.Users[u.Id].GetAsync();
        Assert.True(sw.ElapsedMilliseconds >= 280, $"took {sw.ElapsedMilliseconds} ms");
    }
}
