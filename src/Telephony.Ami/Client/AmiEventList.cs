using System.Threading.Channels;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Client;

/// <summary>
/// The answer to a list action (CoreShowChannels, QueueStatus, Status, ...): the <c>EventList: start</c> response, the
/// item events in order, and the closing event (<c>CoreShowChannelsComplete</c>, with <c>ListItems</c>). Enumerate it
/// once; enumeration throws if the connection drops or the action times out before the list is complete.
/// </summary>
public sealed class AmiEventList : IAsyncEnumerable<AmiMessage>
{
    private readonly ChannelReader<AmiMessage> _items;

    internal AmiEventList(AmiMessage response, ChannelReader<AmiMessage> items, Task<AmiMessage> completion)
    {
        Response = response;
        _items = items;
        Completion = completion;
    }

    /// <summary>The <c>Response: Success</c> / <c>EventList: start</c> message.</summary>
    public AmiMessage Response { get; }

    /// <summary>The event carrying <c>EventList: Complete</c> (or the response, when Asterisk sent no list).</summary>
    public Task<AmiMessage> Completion { get; }

    public IAsyncEnumerator<AmiMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _items.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Reads the whole list.</summary>
    public async Task<IReadOnlyList<AmiMessage>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<AmiMessage>();
        await foreach (var item in this.WithCancellation(cancellationToken).ConfigureAwait(false)) list.Add(item);
        await Completion.ConfigureAwait(false);
        return list;
    }
}

/// <summary>An async Originate: Asterisk's immediate answer (the call was queued) and the outcome, which arrives later
/// as an <c>OriginateResponse</c> event with the same ActionID (Reason 4 answered, 5 busy, 3 no answer).</summary>
public sealed class AmiOriginateResult
{
    internal AmiOriginateResult(string actionId, AmiMessage response, Task<Events.OriginateResponseEvent> outcome)
    {
        ActionId = actionId;
        Response = response;
        Outcome = outcome;
    }

    public string ActionId { get; }

    /// <summary><c>Response: Success</c>, <c>Message: Originate successfully queued</c>.</summary>
    public AmiMessage Response { get; }

    /// <summary>The OriginateResponse event. Fails with <see cref="AmiActionTimeoutException"/> or
    /// <see cref="AmiConnectionLostException"/> when it does not come.</summary>
    public Task<Events.OriginateResponseEvent> Outcome { get; }
}
