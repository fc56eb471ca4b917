using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Calls;

/// <summary>
/// A call as data: the events one call produces, in order, with the moments where time passes. Values that differ
/// from call to call are placeholders (uniqueids, Local channel numbers, bridge ids, times, the Originate's ActionID
/// and CallerID); the rest is what real Asterisk wrote. Scripts are text (<c>.call</c> files), normally extracted from
/// a real capture by <see cref="CaptureScriptExtractor"/>.
/// </summary>
/// <remarks>
/// Format: <c># comment</c>; <c>@key value</c> metadata before the first event (<c>@script</c>, <c>@channel</c>,
/// <c>@context</c>, <c>@exten</c>, <c>@application</c>, <c>@source</c>); between events the directives
/// <c>@wait ms</c>, <c>@await-hangup ms</c> and <c>@each-variable</c> (applies to the next event); events are
/// <c>Key: Value</c> lines ended by a blank line.
/// </remarks>
public sealed class CallScript
{
    private readonly HashSet<EmitStep> _finalCdrs;

    public CallScript(string name, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<ScriptStep> steps)
    {
        Name = name;
        Metadata = metadata;
        Steps = steps;
        var lastCdr = new Dictionary<string, EmitStep>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            switch (step)
            {
                case WaitStep w: NominalMilliseconds += w.Milliseconds; break;
                case EmitStep e:
                    if (e.Template.EventName == "Cdr") lastCdr[e.Template["UniqueID"]?.Source ?? ""] = e;
                    foreach (var (_, value) in e.Template.Headers)
                    foreach (var p in value.Placeholders)
                    {
                        if (p.Name == "uid") UniqueIdCount = Math.Max(UniqueIdCount, p.IntArgument + 1);
                        else if (p.Name == "local") LocalCount = Math.Max(LocalCount, p.IntArgument + 1);
                    }
                    break;
            }
        }
        _finalCdrs = new HashSet<EmitStep>(lastCdr.Values, ReferenceEqualityComparer.Instance);
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyList<ScriptStep> Steps { get; }

    /// <summary>Sum of the waits: how long the call lasts in simulated time.</summary>
    public int NominalMilliseconds { get; }

    /// <summary>How many channels (uniqueids) one run creates.</summary>
    public int UniqueIdCount { get; }

    /// <summary>How many Local channel pairs one run creates.</summary>
    public int LocalCount { get; }

    public string? Channel => Metadata.GetValueOrDefault("channel");
    public string? Context => Metadata.GetValueOrDefault("context");
    public string? Exten => Metadata.GetValueOrDefault("exten");
    public string? Application => Metadata.GetValueOrDefault("application");

    /// <summary>Whether this Cdr is the last one of its channel in the script: it ends when the channel hangs up.
    /// Earlier ones are forks (a queue caller's Cdr per ringing agent) that end when they are dispatched.</summary>
    internal bool IsFinalCdr(EmitStep step) => _finalCdrs.Contains(step);

    public IEnumerable<EventTemplate> Events => Steps.OfType<EmitStep>().Select(s => s.Template);

    public static CallScript Parse(string text, string? fallbackName = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var steps = new List<ScriptStep>();
        var headers = new List<KeyValuePair<string, TemplateValue>>();
        var eachVariable = false;
        var eachFork = false;
        var lineNumber = 0;

        void EndEvent()
        {
            if (headers.Count == 0) return;
            steps.Add(new EmitStep(new EventTemplate(headers.ToArray()), eachVariable) { EachFork = eachFork });
            headers.Clear();
            eachVariable = false;
            eachFork = false;
        }

        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) { EndEvent(); continue; }
            if (headers.Count == 0 && line.StartsWith('#')) continue;
            if (headers.Count == 0 && line.StartsWith('@'))
            {
                var space = line.IndexOf(' ');
                var key = (space < 0 ? line[1..] : line[1..space]).ToLowerInvariant();
                var arg = space < 0 ? "" : line[(space + 1)..].Trim();
                switch (key)
                {
                    case "wait": steps.Add(new WaitStep(ParseMs(arg, lineNumber))); break;
                    case "await-hangup": steps.Add(new AwaitHangupStep(ParseMs(arg, lineNumber))); break;
                    case "each-variable": eachVariable = true; break;
                    case "each-fork": eachFork = true; break;
                    default:
                        if (steps.Count > 0)
                            throw new FormatException($"line {lineNumber}: unknown directive @{key} after the first event");
                        metadata[key] = arg;
                        break;
                }
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"line {lineNumber}: expected 'Key: Value', got '{line}'");
            var value = colon + 1 < line.Length && line[colon + 1] == ' ' ? line[(colon + 2)..] : line[(colon + 1)..];
            AmiMessageWriter.ValidateKey(line[..colon]);
            headers.Add(new(line[..colon], TemplateValue.Parse(value)));
        }
        EndEvent();

        var name = metadata.GetValueOrDefault("script") ?? fallbackName
            ?? throw new FormatException("script has no @script name");
        return new CallScript(name, metadata, steps);
    }

    private static int ParseMs(string arg, int line) =>
        int.TryParse(arg, out var ms) && ms >= 0 ? ms : throw new FormatException($"line {line}: expected milliseconds, got '{arg}'");

    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in Metadata) sb.Append('@').Append(k).Append(' ').Append(v).Append('\n');
        sb.Append('\n');
        foreach (var step in Steps)
        {
            switch (step)
            {
                case WaitStep w: sb.Append("@wait ").Append(w.Milliseconds).Append("\n\n"); break;
                case AwaitHangupStep a: sb.Append("@await-hangup ").Append(a.MaxMilliseconds).Append("\n\n"); break;
                case EmitStep e:
                    if (e.EachVariable) sb.Append("@each-variable\n");
                    if (e.EachFork) sb.Append("@each-fork\n");
                    foreach (var (k, v) in e.Template.Headers) sb.Append(k).Append(": ").Append(v.Source).Append('\n');
                    sb.Append('\n');
                    break;
            }
        }
        return sb.ToString();
    }
}
