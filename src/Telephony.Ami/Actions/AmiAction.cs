using Telephony.Ami.Protocol;

namespace Telephony.Ami.Actions;

/// <summary>
/// An AMI action to send: its name and headers in order (repeated keys allowed, e.g. <c>Variable</c>). Every key and
/// value is checked with the wire writer's rules the moment it is added, so a value carrying CR/LF (a caller name
/// that would smuggle in <c>Action: Command</c>) is rejected with <see cref="AmiHeaderInjectionException"/> before the
/// action exists, let alone reaches the socket. The <c>ActionID</c> belongs to the client, which assigns a unique one
/// when it sends.
/// </summary>
public sealed class AmiAction
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public AmiAction(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        AmiMessageWriter.ValidateValue("Action", name);
        if (name.Contains(' ') || name.Contains(':'))
            throw new AmiHeaderInjectionException($"AMI action name '{name}' must be a single token");
        Name = name;
    }

    /// <summary>The value of the <c>Action</c> header, e.g. <c>Originate</c>.</summary>
    public string Name { get; }

    /// <summary>The headers after <c>Action</c>, in the order they will be written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Adds a header. Null values are written empty.</summary>
    public AmiAction Add(string key, string? value)
    {
        AmiMessageWriter.ValidateKey(key);
        if (key.Equals("ActionID", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("ActionID is assigned by the client; it correlates the response", nameof(key));
        if (key.Equals("Action", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("the action name is given to the constructor", nameof(key));
        value ??= "";
        AmiMessageWriter.ValidateValue(key, value);
        _headers.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a header only when <paramref name="value"/> is not null.</summary>
    public AmiAction AddIfSet(string key, string? value) => value is null ? this : Add(key, value);

    /// <summary>Adds one <c>Variable: name=value</c> header (Asterisk accepts the header repeated).</summary>
    public AmiAction AddVariable(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('=')) throw new ArgumentException($"variable name '{name}' must not contain '='", nameof(name));
        AmiMessageWriter.ValidateValue("Variable", name);
        return Add("Variable", name + "=" + value);
    }

    public AmiAction AddVariables(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (k, v) in variables) AddVariable(k, v);
        return this;
    }

    /// <summary>Pre-assigns the Uniqueid (and LinkedID) of the channel an Originate creates, so a journaled originate can
    /// be reconciled after a crash instead of being sent twice.</summary>
    public AmiAction WithChannelId(string channelId, string? otherChannelId = null)
    {
        Add("ChannelId", channelId);
        return otherChannelId is null ? this : Add("OtherChannelId", otherChannelId);
    }

    /// <summary>First value of a header (case-insensitive), or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var (k, v) in _headers)
                if (k.Equals(key, StringComparison.OrdinalIgnoreCase)) return v;
            return null;
        }
    }

    /// <summary>The wire bytes with <paramref name="actionId"/> as the ActionID.</summary>
    public byte[] ToBytes(string actionId)
    {
        var writer = new AmiMessageWriter();
        writer.Add("Action", Name);
        writer.Add("ActionID", actionId);
        foreach (var (k, v) in _headers) writer.Add(k, v);
        return writer.ToArray();
    }

    public override string ToString() => Name;
}
