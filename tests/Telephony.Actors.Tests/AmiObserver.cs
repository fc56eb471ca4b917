using System.Collections.Concurrent;
using Telephony.Ami.Client;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;
using Telephony.Simulator;

namespace Telephony.Actors.Tests;

/// <summary>The ground truth of a scenario: a second, independent manager session on the simulator that records the
/// identity of every CEL and Cdr event Asterisk sent.</summary>
public sealed class AmiObserver : IAsyncDisposable
{
    private readonly AmiClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private AmiObserver(AmiClient client)
    {
        _client = client;
        _reading = Task.Run(ReadAsync);
    }

    public ConcurrentDictionary<string, string> Cel { get; } = new();
    public ConcurrentDictionary<string, string> Cdr { get; } = new();

    public static async Task<AmiObserver> ConnectAsync(SimulatedNode node)
    {
        var client = new AmiClient(new AmiClientOptions
        {
            Host = "127.0.0.1", Port = node.Port, Username = "admin", Secret = "secret", EventMask = "call,cdr",
            ActionIdPrefix = "observer-",
        });
        await client.ConnectAsync();
        return new AmiObserver(client);
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var m in _client.ReadEventsAsync(_stop.Token))
            {
                if (m.EventName == "CEL" && CelEventFactory.Parse(m.Headers, TimeZoneInfo.Utc) is { IsValid: true } cel)
                    Cel[EventIdentity.ForCel(cel.Value!).Value] = cel.Value!.EventName;
                else if (m.EventName == "Cdr" && CdrRecordFactory.Parse(m.Headers, TimeZoneInfo.Utc) is { IsValid: true } cdr)
                    Cdr[EventIdentity.ForCdr(cdr.Value!).Value] = cdr.Value!.DispositionText;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        try { await _reading; } catch (OperationCanceledException) { }
    }
}
