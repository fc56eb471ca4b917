using Telephony.Ami.Protocol;

namespace Telephony.Actors.Nodes;

/// <summary>
/// The channels up on a node now, from its AMI stream: a Newchannel adds one, its Hangup removes it, and a resync
/// (CoreShowChannels at session start) replaces the set, so channels that ended while no session read them do not
/// stay counted. What the dashboard shows as the node's calls in progress.
/// </summary>
internal sealed class LiveChannels
{
    private readonly HashSet<string> _up = new(StringComparer.Ordinal);

    public int Count => _up.Count;

    public void Observe(AmiMessage message)
    {
        switch (message.EventName)
        {
            case "Newchannel" when message["Uniqueid"] is { Length: > 0 } id:
                _up.Add(id);
                break;
            case "Hangup" when message["Uniqueid"] is { } id:
                _up.Remove(id);
                break;
        }
    }

    public void Reset(IEnumerable<string> uniqueIds)
    {
        _up.Clear();
        _up.UnionWith(uniqueIds);
    }
}
