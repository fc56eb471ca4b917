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
}
