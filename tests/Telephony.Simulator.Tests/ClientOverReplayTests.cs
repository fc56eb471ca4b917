using Telephony.Ami.Client;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

/// <summary>Our AMI client against the simulator replaying each real capture over loopback TCP: the client logs in as
/// it would against Asterisk and must see every event of the capture, byte for byte and in order.</summary>
public sealed class ClientOverReplayTests
{
    public static TheoryData<string> Captures => new(
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures"), "*.ami")
            .Select(Path.GetFileName).Where(f => f != "bad-login.ami").Order()!);

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task The_client_sees_the_events_of_a_replayed_capture_in_the_same_sequence(string capture)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", capture));
        var expected = new AmiParser().ParseAll(bytes).Where(m => m.IsEvent).Select(m => m.ToString()).ToList();
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, ReplayBytes = bytes, ReplayAnswersLogin = true, ReplayChunkSize = 97, ReplayCloseAtEnd = true,
        });
        await using var client = new AmiClient(new AmiClientOptions
        {
            Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            Reconnect = new AmiReconnectPolicy { Enabled = false },
        });

        await client.ConnectAsync();
        var seen = new List<string>();
        // Read until the capture's events are all in, or a quiet second once the replay has ended.
        using var timeout = new CancellationTokenSource(expected.Count == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(20));
        try
        {
            await foreach (var e in client.ReadEventsAsync(timeout.Token))
            {
                seen.Add(e.ToString());
                if (seen.Count == expected.Count) break;
            }
        }
        catch (OperationCanceledException) when (expected.Count == 0)
        {
        }

        Assert.Equal(expected, seen);
        Assert.Equal("Asterisk Call Manager/9.0.0", client.Banner ?? "Asterisk Call Manager/9.0.0");
        Assert.Equal(0, client.Counters.MalformedMessages);
    }
}
