using System.Globalization;

namespace Telephony.Ami.Actions;

/// <summary>The actions the system sends, by name, with the headers Asterisk 20 expects.</summary>
public static class AmiActions
{
    public static AmiAction Ping() => new("Ping");

    public static AmiAction Logoff() => new("Logoff");

    /// <summary>A CLI command; the answer's output lines come back through <c>CommandAsync</c>.</summary>
    public static AmiAction Command(string command) => new AmiAction("Command").Add("Command", command);

    /// <summary>Lists live channels: <c>CoreShowChannel</c> items, then <c>CoreShowChannelsComplete</c>.</summary>
    public static AmiAction CoreShowChannels() => new("CoreShowChannels");

    public static AmiAction CoreStatus() => new("CoreStatus");

    /// <summary>Queue parameters, members and entries (all queues, or one).</summary>
    public static AmiAction QueueStatus(string? queue = null) => new AmiAction("QueueStatus").AddIfSet("Queue", queue);

    public static AmiAction QueueSummary(string? queue = null) => new AmiAction("QueueSummary").AddIfSet("Queue", queue);

    /// <summary>Status of every channel, or of one.</summary>
    public static AmiAction Status(string? channel = null) => new AmiAction("Status").AddIfSet("Channel", channel);

    public static AmiAction Hangup(string channel, int? cause = null) =>
        new AmiAction("Hangup").Add("Channel", channel).AddIfSet("Cause", cause?.ToString(CultureInfo.InvariantCulture));

    public static AmiAction Redirect(string channel, string context, string exten, int priority = 1) =>
        new AmiAction("Redirect").Add("Channel", channel).Add("Context", context).Add("Exten", exten)
            .Add("Priority", priority.ToString(CultureInfo.InvariantCulture));

    public static AmiAction UserEvent(string name, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var action = new AmiAction("UserEvent").Add("UserEvent", name);
        foreach (var (k, v) in headers ?? []) action.Add(k, v);
        return action;
    }

    /// <summary>
    /// An Originate to a dialplan extension (<paramref name="context"/>/<paramref name="exten"/>) or, when
    /// <paramref name="application"/> is given, to an application. Always <c>Async: true</c>: the response only says the
    /// originate was queued and the outcome arrives as an <c>OriginateResponse</c> event with the same ActionID.
    /// </summary>
    public static AmiAction Originate(
        string channel,
        string? context = null,
        string? exten = null,
        int? priority = null,
        string? application = null,
        string? data = null,
        string? callerId = null,
        TimeSpan? timeout = null,
        IEnumerable<KeyValuePair<string, string>>? variables = null,
        string? channelId = null,
        string? otherChannelId = null,
        string? account = null)
    {
        var action = new AmiAction("Originate").Add("Channel", channel);
        if (application is null)
        {
            action.AddIfSet("Context", context).AddIfSet("Exten", exten)
                .AddIfSet("Priority", (priority ?? (exten is null ? null : 1))?.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            if (context is not null || exten is not null)
                throw new ArgumentException("an Originate goes to an extension or to an application, not both");
            action.Add("Application", application).AddIfSet("Data", data);
        }
        action.AddIfSet("CallerID", callerId)
            .AddIfSet("Timeout", timeout is { } t ? ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null)
            .AddIfSet("Account", account);
        if (variables is not null) action.AddVariables(variables);
        if (channelId is not null) action.WithChannelId(channelId, otherChannelId);
        return action.Add("Async", "true");
    }
}
