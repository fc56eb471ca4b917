namespace Telephony.Actors.Nodes;

/// <summary>A message for one Asterisk node entity (sharded by node name): its own commands and its action queue's.
/// Not a serialization marker: each kind carries its own (<c>ITelephonyMessage</c>, <c>IActionMessage</c>).</summary>
public interface INodeMessage
{
    string Node { get; }
}
