using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Calls;

/// <summary>What an <c>Originate</c> action asks for.</summary>
public sealed record OriginateRequest
{
    public string? ActionId { get; init; }
    public string? Channel { get; init; }
    public string? Context { get; init; }
    public string? Exten { get; init; }
    public string? Priority { get; init; }
    public string? Application { get; init; }
    public string? Data { get; init; }
    public string? CallerId { get; init; }
    public string? CallerIdNumber { get; init; }
    public string? CallerIdName { get; init; }
    public int? TimeoutMilliseconds { get; init; }
    public bool Async { get; init; }
    /// <summary><c>ChannelId</c>: the Uniqueid (and so the LinkedID) of the first channel.</summary>
    public string? ChannelId { get; init; }
    /// <summary><c>OtherChannelId</c>: the Uniqueid of the second (;2) channel.</summary>
    public string? OtherChannelId { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Variables { get; init; } = [];

    public static OriginateRequest From(AmiMessage action)
    {
        var variables = new List<KeyValuePair<string, string>>();
        foreach (var header in action.GetValues("Variable"))
        foreach (var assignment in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = assignment.IndexOf('=');
            if (eq > 0) variables.Add(new(assignment[..eq], assignment[(eq + 1)..]));
        }
        var (name, number) = ParseCallerId(action["CallerID"]);
        return new OriginateRequest
        {
            ActionId = action.ActionId,
            Channel = NullIfEmpty(action["Channel"]),
            Context = NullIfEmpty(action["Context"]),
            Exten = NullIfEmpty(action["Exten"]),
            Priority = NullIfEmpty(action["Priority"]),
            Application = NullIfEmpty(action["Application"]),
            Data = action["Data"],
            CallerId = NullIfEmpty(action["CallerID"]),
            CallerIdName = name,
            CallerIdNumber = number,
            TimeoutMilliseconds = int.TryParse(action["Timeout"], out var t) ? t : null,
            Async = IsTrue(action["Async"]),
            ChannelId = NullIfEmpty(action["ChannelId"]),
            OtherChannelId = NullIfEmpty(action["OtherChannelId"]),
            Variables = variables,
        };
    }

    /// <summary>The OriginateResponse of an Originate that nothing answers (Reason 0), as Asterisk writes it: with no
    /// channel to take a Uniqueid from, it names the requested ChannelId (or <c>&lt;unknown&gt;</c>).</summary>
    internal List<KeyValuePair<string, string>> FailureResponse()
    {
        var headers = new List<KeyValuePair<string, string>> { new("Event", "OriginateResponse"), new("Privilege", "call,all") };
        if (ActionId is { Length: > 0 } id) headers.Add(new("ActionID", id));
        headers.Add(new("Response", "Failure"));
        headers.Add(new("Channel", Channel ?? ""));
        if (Application is { } app)
        {
            headers.Add(new("Application", app));
            headers.Add(new("Data", Data ?? ""));
        }
        else
        {
            headers.Add(new("Context", Context ?? ""));
            headers.Add(new("Exten", Exten ?? ""));
        }
        headers.Add(new("Reason", "0"));
        headers.Add(new("Uniqueid", ChannelId ?? "<unknown>"));
        headers.Add(new("CallerIDNum", CallerIdNumber ?? "<unknown>"));
        headers.Add(new("CallerIDName", CallerIdName ?? "<unknown>"));
        return headers;
    }

    /// <summary><c>"Name" &lt;number&gt;</c>, <c>Name &lt;number&gt;</c> or a bare number.</summary>
    public static (string? Name, string? Number) ParseCallerId(string? callerId)
    {
        if (string.IsNullOrWhiteSpace(callerId)) return (null, null);
        var lt = callerId.LastIndexOf('<');
        var gt = callerId.LastIndexOf('>');
        if (lt >= 0 && gt > lt)
        {
            var name = callerId[..lt].Trim().Trim('"').Trim();
            return (name.Length == 0 ? null : name, callerId[(lt + 1)..gt].Trim());
        }
        var bare = callerId.Trim().Trim('"');
        return bare.All(c => char.IsDigit(c) || c is '+' or '*' or '#') ? (null, bare) : (bare, null);
    }

    internal static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) ||
                              value.Equals("yes", StringComparison.OrdinalIgnoreCase) ||
                              value.Equals("on", StringComparison.OrdinalIgnoreCase) || value == "1" ||
                              value.Equals("y", StringComparison.OrdinalIgnoreCase) ||
                              value.Equals("t", StringComparison.OrdinalIgnoreCase));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
