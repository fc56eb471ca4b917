using Telephony.Simulator.Model;

namespace Telephony.Simulator;

/// <summary>Channel and global variables for Setvar and Getvar: a channel's come from its VarSet events (so what the
/// dialplan or an Originate set is there too), globals live on the node until it restarts.</summary>
public sealed partial class SimulatedNode
{
    private readonly Dictionary<string, string> _globals = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Sets a channel variable (or a global one when <paramref name="channel"/> is null) and raises the VarSet Asterisk
    /// raises for it. <paramref name="acknowledge"/> runs first, under the emission lock, because the capture has the
    /// response before the event. False when the channel does not exist.
    /// </summary>
    internal bool SetVariable(string? channel, string name, string value, Action acknowledge)
    {
        lock (_lock)
        {
            List<KeyValuePair<string, string>> headers = [new("Event", "VarSet"), new("Privilege", "dialplan,all")];
            Leg? leg = null;
            if (channel is null)
            {
                _globals[name] = value;
                // A global has no channel snapshot; manager_channels.c writes these two in its place.
                headers.Add(new("Channel", "none"));
                headers.Add(new("Uniqueid", "none"));
            }
            else
            {
                leg = _channels.ByName(channel);
                if (leg is null) return false;
                headers.AddRange(leg.Snapshot());
            }
            headers.Add(new("Variable", name));
            headers.Add(new("Value", value));
            acknowledge();
            EmitLocked(headers, leg?.Call, leg is null ? ClockMicros : RaisedNow(leg, "VarSet"));
            return true;
        }
    }

    /// <summary>A variable's value as Getvar reports it: the channel's, else the global one, else empty (as
    /// pbx_retrieve_variable); Found is false when the channel does not exist.</summary>
    internal (bool Found, string Value) GetVariable(string? channel, string name)
    {
        lock (_lock)
        {
            if (channel is null) return (true, _globals.GetValueOrDefault(name) ?? "");
            if (_channels.ByName(channel) is not { } leg) return (false, "");
            return (true, leg.Variables.GetValueOrDefault(name) ?? _globals.GetValueOrDefault(name) ?? "");
        }
    }

    /// <summary>The raise instant of an event a channel's call did not script (on that call's clock, when it has one).
    /// Under the emission lock.</summary>
    private long RaisedNow(Leg leg, string eventName) =>
        leg.Call is { } call ? call.RaisedAt(call.NextEvent(eventName, null, null, leg.Uniqueid, false)) : ClockMicros;
}
