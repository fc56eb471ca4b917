using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The call palette as text.</summary>
internal static class CallText
{
    public static IEnumerable<string> List(JsonElement view)
    {
        var calls = view.Items("calls").Select(c => c.GetString()).ToList();
        foreach (var c in calls) yield return c!;
        var count = view.Long("count");
        yield return view.Obj("truncated").ValueKind == JsonValueKind.True
            ? $"Count: {count} calls (first {calls.Count} shown)"
            : $"Count: {count} calls";
    }

    public static IEnumerable<string> Show(JsonElement call)
    {
        yield return $"Call:              {call.Str("node")}/{call.Str("linkedId")}";
        yield return $"CEL events:        {call.Long("celCount")}";
        yield return $"Cdr records:       {call.Long("cdrCount")}";
        yield return $"Live channels:     {call.Long("liveChannels")}";
        yield return $"LinkedID ended:    {(call.Obj("linkedIdEnded").ValueKind == JsonValueKind.True ? "yes" : "no")}";
        yield return $"Billing revision:  {call.Long("revision")}";
        yield return $"Completed because: {call.Str("completionReason").OrDash()}";
    }
}
