using System.Text;

namespace Telephony.Simulator.Calls;

/// <summary>One header value of an event template: literal text with <c>{{name:arg|default}}</c> placeholders.
/// Double braces because CEL <c>Extra</c> values are JSON and use single ones.</summary>
public sealed class TemplateValue
{
    private readonly object[] _parts; // string (literal) or Placeholder

    private TemplateValue(object[] parts, string source)
    {
        _parts = parts;
        Source = source;
    }

    public string Source { get; }

    public bool IsLiteral => _parts.Length == 0 || (_parts.Length == 1 && _parts[0] is string);

    public IEnumerable<Placeholder> Placeholders => _parts.OfType<Placeholder>();

    public static TemplateValue Parse(string text)
    {
        var parts = new List<object>();
        var pos = 0;
        while (pos < text.Length)
        {
            var open = text.IndexOf("{{", pos, StringComparison.Ordinal);
            if (open < 0) break;
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) break;
            if (open > pos) parts.Add(text[pos..open]);
            parts.Add(Placeholder.Parse(text[(open + 2)..close]));
            pos = close + 2;
        }
        if (pos < text.Length) parts.Add(text[pos..]);
        return new TemplateValue(parts.ToArray(), text);
    }

    public string Render(Func<Placeholder, string> resolve)
    {
        if (_parts.Length == 0) return "";
        if (_parts.Length == 1) return _parts[0] is string s ? s : resolve((Placeholder)_parts[0]);
        var sb = new StringBuilder();
        foreach (var p in _parts) sb.Append(p is string s ? s : resolve((Placeholder)p));
        return sb.ToString();
    }

    public override string ToString() => Source;
}

/// <summary><c>{{name}}</c>, <c>{{name:arg}}</c> or <c>{{name|default}}</c> (the default is used when the call
/// has no value, e.g. an Originate without CallerID).</summary>
public sealed record Placeholder(string Name, string? Argument, string? Default)
{
    public static Placeholder Parse(string inner)
    {
        string? fallback = null;
        var bar = inner.IndexOf('|');
        if (bar >= 0)
        {
            fallback = inner[(bar + 1)..];
            inner = inner[..bar];
        }
        var colon = inner.IndexOf(':');
        return colon < 0
            ? new Placeholder(inner.Trim(), null, fallback)
            : new Placeholder(inner[..colon].Trim(), inner[(colon + 1)..].Trim(), fallback);
    }

    public int IntArgument => int.TryParse(Argument, out var i) ? i : 0;
}
