using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Actions;

/// <summary>Responses as Asterisk writes them: <c>Response</c>, then <c>ActionID</c> when the action had one, then
/// the rest.</summary>
internal static class Reply
{
    public static AmiMessageWriter Start(string response, string? actionId)
    {
        var w = new AmiMessageWriter().Add("Response", response);
        if (!string.IsNullOrEmpty(actionId)) w.Add("ActionID", actionId);
        return w;
    }

    public static byte[] Success(string? actionId, string? message = null)
    {
        var w = Start("Success", actionId);
        if (message is not null) w.Add("Message", message);
        return w.ToArray();
    }

    public static byte[] Error(string? actionId, string message) =>
        Start("Error", actionId).Add("Message", message).ToArray();

    /// <summary>An event built from headers in order.</summary>
    public static byte[] Event(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var w = new AmiMessageWriter();
        foreach (var (k, v) in headers) w.Add(k, v);
        return w.ToArray();
    }

    public static byte[] Event(params (string Key, string Value)[] headers) =>
        Event(headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)));
}
