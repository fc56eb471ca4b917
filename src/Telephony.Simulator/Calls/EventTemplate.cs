namespace Telephony.Simulator.Calls;

/// <summary>One event of a call script: its headers in wire order, values possibly templated.</summary>
public sealed class EventTemplate
{
    public EventTemplate(IReadOnlyList<KeyValuePair<string, TemplateValue>> headers)
    {
        if (headers.Count == 0) throw new ArgumentException("an event template needs headers", nameof(headers));
        Headers = headers;
        EventName = headers.FirstOrDefault(h => h.Key.Equals("Event", StringComparison.OrdinalIgnoreCase)).Value?.Source ?? "";
        CelEventName = EventName == "CEL"
            ? headers.FirstOrDefault(h => h.Key.Equals("EventName", StringComparison.OrdinalIgnoreCase)).Value?.Source
            : null;
    }

    public IReadOnlyList<KeyValuePair<string, TemplateValue>> Headers { get; }
    public string EventName { get; }
    public string? CelEventName { get; }

    public TemplateValue? this[string key] =>
        Headers.FirstOrDefault(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
}
