namespace Telephony.Simulator.Sessions;

/// <summary>Asterisk's manager event classes (the first word of <c>Privilege:</c>), as used by the <c>Events</c>
/// mask of a session.</summary>
[Flags]
public enum EventClass
{
    None = 0,
    System = 1 << 0,
    Call = 1 << 1,
    Log = 1 << 2,
    Verbose = 1 << 3,
    Command = 1 << 4,
    Agent = 1 << 5,
    User = 1 << 6,
    Config = 1 << 7,
    Dtmf = 1 << 8,
    Reporting = 1 << 9,
    Cdr = 1 << 10,
    Dialplan = 1 << 11,
    Originate = 1 << 12,
    Agi = 1 << 13,
    CC = 1 << 14,
    Aoc = 1 << 15,
    Test = 1 << 16,
    Security = 1 << 17,
    Message = 1 << 18,
    All = (1 << 19) - 1,
}

public static class EventMask
{
    /// <summary>Parses an <c>Events:</c> / <c>EventMask:</c> value the way Asterisk does: a true-ish word is
    /// everything, a false-ish word nothing, otherwise a comma list of class names (or a number).</summary>
    public static EventClass Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return EventClass.All;
        var v = value.Trim();
        if (v.Equals("on", StringComparison.OrdinalIgnoreCase) || v.Equals("yes", StringComparison.OrdinalIgnoreCase) ||
            v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("y", StringComparison.OrdinalIgnoreCase) ||
            v.Equals("t", StringComparison.OrdinalIgnoreCase))
            return EventClass.All;
        if (v.Equals("off", StringComparison.OrdinalIgnoreCase) || v.Equals("no", StringComparison.OrdinalIgnoreCase) ||
            v.Equals("false", StringComparison.OrdinalIgnoreCase) || v.Equals("n", StringComparison.OrdinalIgnoreCase) ||
            v.Equals("f", StringComparison.OrdinalIgnoreCase))
            return EventClass.None;
        if (int.TryParse(v, out var number)) return (EventClass)number & EventClass.All;
        var mask = EventClass.None;
        foreach (var word in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            mask |= ClassOf(word);
        return mask;
    }

    /// <summary>The class of one name (<c>call</c>, <c>cdr</c>, ...); <c>all</c> is everything; unknown is none.</summary>
    public static EventClass ClassOf(string? name) =>
        name?.ToLowerInvariant() switch
        {
            "system" => EventClass.System,
            "call" => EventClass.Call,
            "log" => EventClass.Log,
            "verbose" => EventClass.Verbose,
            "command" => EventClass.Command,
            "agent" => EventClass.Agent,
            "user" => EventClass.User,
            "config" => EventClass.Config,
            "dtmf" => EventClass.Dtmf,
            "reporting" => EventClass.Reporting,
            "cdr" => EventClass.Cdr,
            "dialplan" => EventClass.Dialplan,
            "originate" => EventClass.Originate,
            "agi" => EventClass.Agi,
            "cc" => EventClass.CC,
            "aoc" => EventClass.Aoc,
            "test" => EventClass.Test,
            "security" => EventClass.Security,
            "message" => EventClass.Message,
            "all" => EventClass.All,
            _ => EventClass.None,
        };

    /// <summary>The class of an event from its <c>Privilege</c> value (<c>call,all</c> is Call).</summary>
    public static EventClass OfPrivilege(string? privilege)
    {
        if (string.IsNullOrEmpty(privilege)) return EventClass.All;
        var comma = privilege.IndexOf(',');
        var cls = ClassOf(comma < 0 ? privilege : privilege[..comma]);
        return cls == EventClass.None ? EventClass.All : cls;
    }
}
