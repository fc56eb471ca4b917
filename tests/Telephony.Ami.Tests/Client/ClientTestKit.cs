using System.Threading.Channels;
using Telephony.Ami.Client;

namespace Telephony.Ami.Tests.Client;

/// <summary>Short timings so every scenario runs in a second or two, and helpers to wait for things.</summary>
internal static class ClientTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static AmiClientOptions Options(ScriptedAmiPeer peer, AmiAuthType auth = AmiAuthType.Plain) => new()
    {
        Host = "127.0.0.1",
        Port = peer.Port,
        Username = peer.Username,
        Secret = peer.Secret,
        AuthType = auth,
        // Under Patience, but not so short that a loaded CI machine misses them (a run read no banner within 2 s while
        // the test assemblies ran side by side); the tests of the timeouts set their own.
        ConnectTimeout = TimeSpan.FromSeconds(4),
        LoginTimeout = TimeSpan.FromSeconds(4),
        ActionTimeout = TimeSpan.FromSeconds(4),
        KeepAliveInterval = TimeSpan.Zero,
        Reconnect = new AmiReconnectPolicy
        {
            InitialDelay = TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromMilliseconds(200),
        },
    };

    public static async Task<AmiClient> ConnectedClientAsync(ScriptedAmiPeer peer, AmiClientOptions? options = null)
    {
        var client = new AmiClient(options ?? Options(peer));
        await client.ConnectAsync().WaitAsync(Patience);
        return client;
    }

    /// <summary>Reads notifications until one of type <typeparamref name="T"/> arrives (others are collected).</summary>
    public static async Task<T> WaitForAsync<T>(this ChannelReader<AmiConnectionNotification> reader,
        List<AmiConnectionNotification>? seen = null, Func<T, bool>? match = null) where T : AmiConnectionNotification
    {
        using var cts = new CancellationTokenSource(Patience);
        while (true)
        {
            var n = await reader.ReadAsync(cts.Token);
            seen?.Add(n);
            if (n is T t && (match?.Invoke(t) ?? true)) return t;
        }
    }

    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }

    public static async Task<AmiMessageList> ReadEventsAsync(this AmiClient client, int count)
    {
        var list = new AmiMessageList();
        using var cts = new CancellationTokenSource(Patience);
        while (list.Count < count) list.Add(await client.Events.ReadAsync(cts.Token));
        return list;
    }
}

internal sealed class AmiMessageList : List<Telephony.Ami.Protocol.AmiMessage>;
