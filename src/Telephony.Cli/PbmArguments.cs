namespace Telephony.Cli;

/// <summary>Bad arguments: printed as one line with a pointer to <c>--help</c>, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command line split into the endpoint, the command words and the options, before any command reads
/// them: <c>pbm &lt;host:port&gt; &lt;palette&gt; &lt;command&gt; [arguments] [options]</c>.</summary>
public sealed record PbmArguments
{
    /// <summary>Options that take a value; anything else starting with '-' is a flag.</summary>
    private static readonly HashSet<string> Valued =
    [
        "--token", "-d", "--depth", "-s", "--path", "-r", "--region", "-n", "--count",
        // action palette
        "--node", "--status", "--limit", "--context", "--exten", "--priority", "--application", "--data", "--caller-id",
        "--timeout", "--variable", "--key", "--queue-priority", "--not-before", "--expires-at", "--expires-in",
        // queue and agent palettes
        "--queue", "--reason",
    ];
    private static readonly HashSet<string> Flags = ["--json", "-h", "--help"];

    public required Uri Endpoint { get; init; }
    public required IReadOnlyList<string> Words { get; init; }
    /// <summary>Each option's value (the last one when it was given more than once).</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    /// <summary>Every value of each option, in order: <c>--variable A=1 --variable B=2</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public bool Json { get; init; }
    public string? Token { get; init; }

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Count == 0 || args.Any(a => a is "-h" or "--help" or "help");

    public static PbmArguments Parse(IReadOnlyList<string> args, string? environmentToken)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--json") json = true;
            else if (Valued.Contains(a))
            {
                if (i + 1 >= args.Count) throw new UsageException($"{a} needs a value");
                var name = Canonical(a);
                options[name] = args[++i];
                (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(options[name]);
            }
            else if (a.StartsWith('-') && a.Length > 1 && !Flags.Contains(a)) throw new UsageException($"unknown option {a}");
            else words.Add(a);
        }
        if (words.Count == 0) throw new UsageException("the management endpoint (host:port) is missing");
        if (words.Count == 1) throw new UsageException("a command is missing (e.g. cluster show)");
        options.Remove("--token", out var token);
        values.Remove("--token");
        return new PbmArguments
        {
            Endpoint = ParseEndpoint(words[0]),
            Words = words.Skip(1).ToList(),
            Options = options,
            Values = values.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal),
            Json = json,
            Token = token ?? (string.IsNullOrEmpty(environmentToken) ? null : environmentToken),
        };
    }

    private static string Canonical(string option) => option switch
    {
        "--depth" => "-d",
        "--path" => "-s",
        "--region" => "-r",
        "--count" => "-n",
        _ => option,
    };

    /// <summary><c>127.0.0.1:9110</c>, <c>localhost:9110</c>, <c>[::1]:9110</c> or a full <c>http://</c> URL.</summary>
    private static Uri ParseEndpoint(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw new UsageException($"'{text}' is not a management endpoint (host:port, e.g. 127.0.0.1:9110)");
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }
}
