using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

public sealed class ReplayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task A_replayed_capture_arrives_byte_for_byte_and_parses_to_the_same_messages(int chunk)
    {
        var capture = Capture.Load("queue-answered");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with
        {
            ReplayBytes = capture.ReceivedBytes, ReplayChunkSize = chunk,
        });
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);
        await client.SendRawAsync(capture.SentBytes);

        var received = await client.UntilClosedAsync();

        Assert.Equal(capture.Received.Select(m => m.RawBytes.ToArray()), received.Select(m => m.RawBytes.ToArray()));
        Assert.Equal("replayed", Assert.Single(sim.Node.Sessions.All).CloseReason);
    }

    /// <summary>Replay passes a capture's own Timestamp headers through untouched: they are what Asterisk raised
    /// (out of order across threads, two DTMF CEL told apart only by them), which a restamp would lose.</summary>
    [Fact]
    public async Task A_timestamped_capture_is_replayed_with_its_own_Timestamps()
    {
        var capture = Capture.Load("timestamps/ts-dtmf-repeated");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { ReplayBytes = capture.ReceivedBytes });
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);
        await client.SendRawAsync(capture.SentBytes);

        var received = await client.UntilClosedAsync();

        Assert.Equal(capture.ReceivedBytes, received.SelectMany(m => m.RawBytes.ToArray()));
        var events = received.Where(m => m.IsEvent && m.EventName != "FullyBooted").ToList();
        Assert.All(events, m => Assert.Equal("Timestamp", m.GetKey(2)));
        Assert.Equal(capture.Received.Where(m => m.IsEvent && m.Has("Timestamp")).Select(m => m["Timestamp"]),
            events.Select(m => m["Timestamp"]));
    }

    [Fact]
    public async Task Replay_refuses_the_options_that_would_change_a_capture()
    {
        var bytes = Capture.Load("ping").ReceivedBytes;

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            AsteriskSimulator.StartAsync(TestOptions.Fast with { ReplayBytes = bytes, TimestampEvents = true }));

        Assert.Contains("byte for byte", e.Message);
    }
}
