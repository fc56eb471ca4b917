using Telephony.Ami.Protocol;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The channels up on a node now, from its AMI stream: a Newchannel adds one, its Hangup removes it, and a resync
/// (CoreShowChannels at session start) replaces the set, so channels that ended while no session read them do not
/// stay counted. What the dashboard shows as the node's calls in progress.
/// <para>
/// Only a count is read, so a channel is kept as a 64-bit hash of its UniqueID's bytes, not as a string: a busy node has
/// thousands up, and each string was a copy of one the node keeps elsewhere. Two channels up at once with the same hash
/// would count as one (odds ~n²/2^65: none in practice).
/// </para>
/// </summary>
internal sealed class LiveChannels
{
    private readonly HashSet<ulong> _up = [];

    public int Count => _up.Count;

    public void Observe(AmiMessage message)
    {
        switch (message.EventName)
        {
            case "Newchannel" when message.TryGetValueBytes("Uniqueid", out var id) && !id.IsEmpty:
                _up.Add(Hash(id));
                break;
            case "Hangup" when message.TryGetValueBytes("Uniqueid", out var id):
                _up.Remove(Hash(id));
                break;
        }
    }

    public void Reset(IEnumerable<string> uniqueIds)
    {
        _up.Clear();
        foreach (var id in uniqueIds) _up.Add(Hash(System.Text.Encoding.UTF8.GetBytes(id)));
    }

    private static ulong Hash(ReadOnlySpan<byte> uniqueId) => Telephony.Domain.Identity.Fnv1a64.Of(uniqueId);
}
