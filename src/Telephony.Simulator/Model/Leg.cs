namespace Telephony.Simulator.Model;

/// <summary>One live channel as the events describe it (the snapshot Asterisk repeats in every channel event).</summary>
public sealed class Leg
{
    internal Leg(string channel, string uniqueid, string linkedid, DateTimeOffset createdAt)
    {
        Channel = channel;
        Uniqueid = uniqueid;
        Linkedid = linkedid;
        CreatedAt = createdAt;
    }

    public string Channel { get; }
    public string Uniqueid { get; }
    public string Linkedid { get; }
    /// <summary>Wall-clock creation time (for <c>Duration</c>/<c>Seconds</c> in channel listings).</summary>
    public DateTimeOffset CreatedAt { get; }
    public string State { get; internal set; } = "0";
    public string StateDesc { get; internal set; } = "Down";
    public string CallerIdNum { get; internal set; } = "<unknown>";
    public string CallerIdName { get; internal set; } = "<unknown>";
    public string ConnectedLineNum { get; internal set; } = "<unknown>";
    public string ConnectedLineName { get; internal set; } = "<unknown>";
    public string Language { get; internal set; } = "en";
    public string AccountCode { get; internal set; } = "";
    public string Context { get; internal set; } = "";
    public string Exten { get; internal set; } = "";
    public string Priority { get; internal set; } = "1";
    public string Application { get; internal set; } = "";
    public string AppData { get; internal set; } = "";
    public string BridgeId { get; internal set; } = "";
    public bool Answered { get; internal set; }

    /// <summary>Channel variables as the VarSet events set them (dialplan Set, Originate Variable, AMI Setvar);
    /// names compare case-insensitively, as Asterisk looks them up.</summary>
    internal Dictionary<string, string> Variables { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The scripted call this channel belongs to (null for none).</summary>
    internal Calls.CallRun? Call { get; set; }

    /// <summary>The channel block Asterisk puts in channel events, optionally prefixed (<c>Dest</c>, ...).</summary>
    public IEnumerable<KeyValuePair<string, string>> Snapshot(string prefix = "")
    {
        yield return new(prefix + "Channel", Channel);
        yield return new(prefix + "ChannelState", State);
        yield return new(prefix + "ChannelStateDesc", StateDesc);
        yield return new(prefix + "CallerIDNum", CallerIdNum);
        yield return new(prefix + "CallerIDName", CallerIdName);
        yield return new(prefix + "ConnectedLineNum", ConnectedLineNum);
        yield return new(prefix + "ConnectedLineName", ConnectedLineName);
        yield return new(prefix + "Language", Language);
        yield return new(prefix + "AccountCode", AccountCode);
        yield return new(prefix + "Context", Context);
        yield return new(prefix + "Exten", Exten);
        yield return new(prefix + "Priority", Priority);
        yield return new(prefix + "Uniqueid", Uniqueid);
        yield return new(prefix + "Linkedid", Linkedid);
    }
}
