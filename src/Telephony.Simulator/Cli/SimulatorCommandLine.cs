using System.Globalization;
using System.Net;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Load;

namespace Telephony.Simulator.Cli;

/// <summary>What the command line asked for.</summary>
/// <param name="CountChannelIds">Print each node's Originates per ChannelId (and its peak action rate) on exit.</param>
internal sealed record SimulatorCommand(SimulatorOptions? Options, string? Output = null, string? Error = null,
    bool CountChannelIds = false);

/// <summary>Parses the simulator's command line (kept free of I/O except reading named files).</summary>
internal static class SimulatorCommandLine
{
    public const string Help = """
        Telephony.Simulator: an AMI server that behaves like Asterisk 20.20.1 (see tests/fixtures/ami-captures).

        Usage: dotnet run --project src/Telephony.Simulator -- [options]

          --port N                first node's port (default 5038; 0 = any free port)
          --bind ADDRESS          address to listen on (default 127.0.0.1)
          --user NAME             manager username (default admin)
          --secret SECRET         manager secret (default secret); plain and MD5 login are accepted
          --nodes K               simulate K Asterisk servers on ports N, N+1, ... (default 1)
          --time-scale X          wall-clock time per simulated time (default 1; 0.01 = 100 times faster)
          --time-zone ID          zone of CEL/Cdr times (default: the machine's)
          --cdr-mappings          add LinkedID and Sequence to Cdr events (cdr_manager.conf [mappings])
          --timestamp-events      every event gets "Timestamp: <epoch>.<usec>" as its third header, as with
                                  manager.conf timestampevents = yes (default off); implies --sub-second-times
          --sub-second-times      call clocks with sub-second instants: ring/talk times get random fractions,
                                  CEL/Cdr times stay whole seconds, Cdr Duration/BillableSeconds as Asterisk computes them
          --whole-second-times    keep whole-second waits (also with --timestamp-events)
          --seed N                seed for the sub-second fractions and the load mix (default: random)
          --scripts DIR           add the *.call scripts of DIR to the built-in ones
          --calls-per-second X    load mode: every node starts X calls per second
          --max-concurrent M      load mode: at most M calls up per node (default 100)
          --duration SECONDS      load mode: mean call duration, exponentially distributed (default 3)
          --script NAME[=WEIGHT]  load mode: script to play (repeatable; default answered)
          --replay FILE.ami       replay mode: every connection receives FILE's bytes as they are
          --replay-chunk BYTES    replay mode: write in pieces of this size
          --count-channel-ids     on exit (Ctrl+C, SIGTERM) print per node how many Originates came with each
                                  ChannelId, the ChannelIds received more than once and the peak actions/s
          --list-scripts          print the known call scripts and exit
          --extract-script NAME CAPTURE.ami CAPTURE.sent
                                  print the call script extracted from a capture and exit
          -h, --help              this text

        Virtual call queue (two-nodes captures: Local/vq@queue-in callers, Redirect to vq-connect,<route>, agents):
        """ + "\n" + QueueSwitches.Help + "\n" + """

        Ctrl+C stops. Example: dotnet run --project src/Telephony.Simulator -- --port 5038 --user admin --secret secret
        """;

    public static SimulatorCommand Parse(IReadOnlyList<string> args)
    {
        var o = new SimulatorOptions();
        var queue = new QueueSwitches();
        string user = "admin", secret = "secret";
        double? cps = null;
        var maxConcurrent = 100;
        var duration = 3.0;
        var scripts = new List<KeyValuePair<string, double>>();
        int? seed = null;
        ScriptLibrary? library = null;
        var countChannelIds = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Next()
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{arg} needs a value");
                return args[++i];
            }
            try
            {
                switch (arg)
                {
                    case "-h" or "--help" or "-?":
                        return new SimulatorCommand(null, Help);
                    case "--port": o = o with { Port = Int(Next(), arg, 0, 65535) }; break;
                    case "--bind":
                        o = o with { BindAddress = IPAddress.TryParse(Next(), out var ip) ? ip : throw new ArgumentException($"--bind: '{args[i]}' is not an IP address") };
                        break;
                    case "--user": user = NonEmpty(Next(), arg); break;
                    case "--secret": secret = NonEmpty(Next(), arg); break;
                    case "--nodes": o = o with { Nodes = Int(Next(), arg, 1, 1000) }; break;
                    case "--time-scale": o = o with { TimeScale = Double(Next(), arg, 1e-6, 1e6) }; break;
                    case "--time-zone":
                        var id = Next();
                        o = o with { TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz) ? tz : throw new ArgumentException($"--time-zone: unknown zone '{id}'") };
                        break;
                    case "--count-channel-ids": countChannelIds = true; break;
                    case "--cdr-mappings": o = o with { CdrLinkedIdAndSequence = true }; break;
                    case "--timestamp-events": o = o with { TimestampEvents = true }; break;
                    case "--sub-second-times": o = o with { SubSecondTimes = true }; break;
                    case "--whole-second-times": o = o with { SubSecondTimes = false }; break;
                    case "--seed": seed = Int(Next(), arg, int.MinValue, int.MaxValue); break;
                    case "--scripts":
                        var dir = Next();
                        if (!Directory.Exists(dir)) throw new ArgumentException($"--scripts: no directory '{dir}'");
                        library = (library ?? ScriptLibrary.BuiltIn()).AddDirectory(dir);
                        break;
                    case "--calls-per-second": cps = Double(Next(), arg, 0.001, 100_000); break;
                    case "--max-concurrent": maxConcurrent = Int(Next(), arg, 1, 1_000_000); break;
                    case "--duration": duration = Double(Next(), arg, 0, 86_400); break;
                    case "--script":
                        var s = Next();
                        var eq = s.IndexOf('=');
                        scripts.Add(eq < 0 ? new(s, 1.0) : new(s[..eq], Double(s[(eq + 1)..], arg, 0, 1e9)));
                        break;
                    case "--replay":
                        var file = Next();
                        if (!File.Exists(file)) throw new ArgumentException($"--replay: no file '{file}'");
                        o = o with { ReplayBytes = File.ReadAllBytes(file) };
                        break;
                    case "--replay-chunk": o = o with { ReplayChunkSize = Int(Next(), arg, 1, int.MaxValue) }; break;
                    case "--list-scripts":
                        var lib = library ?? ScriptLibrary.BuiltIn();
                        return new SimulatorCommand(null, string.Join(Environment.NewLine, lib.All.OrderBy(x => x.Name).Select(x =>
                            $"{x.Name,-24} {x.Channel} -> {x.Application ?? $"{x.Context},{x.Exten}"}  ({x.NominalMilliseconds / 1000.0:0.#} s, {x.Events.Count()} events)")));
                    case "--extract-script":
                        var name = Next();
                        var ami = Next();
                        var sent = Next();
                        var script = CaptureScriptExtractor.Extract(name, File.ReadAllBytes(ami), File.ReadAllBytes(sent));
                        return new SimulatorCommand(null, $"# Extracted from {Path.GetFileName(ami)} by --extract-script\n" + script.ToText());
                    default:
                        if (!queue.Take(arg, Next)) throw new ArgumentException($"unknown option '{arg}' (see --help)");
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
            {
                return new SimulatorCommand(null, Error: e.Message);
            }
        }

        o = o with { Users = new Dictionary<string, string>(StringComparer.Ordinal) { [user] = secret } };
        if (library is not null) o = o with { Scripts = library };
        if (o.ReplayBytes is not null && (o.TimestampEvents || o.SubSecondTimes == true))
            return new SimulatorCommand(null, Error: "--timestamp-events/--sub-second-times do not apply to --replay: " +
                                                     "a capture is sent byte for byte, with whatever Timestamp headers it has");
        o = o with { Seed = seed, VirtualQueue = queue.Build(seed) };
        if (cps is { } rate)
            o = o with
            {
                Load = new LoadOptions
                {
                    CallsPerSecond = rate,
                    MaxConcurrent = maxConcurrent,
                    Duration = DurationDistribution.Exponential(TimeSpan.FromSeconds(duration)),
                    Scripts = scripts.Count > 0 ? scripts : [new("answered", 1.0)],
                    Seed = seed,
                },
            };
        var known = library ?? ScriptLibrary.BuiltIn();
        foreach (var (name, _) in o.Load?.Scripts ?? [])
            if (known[name] is null) return new SimulatorCommand(null, Error: $"--script: unknown script '{name}' (see --list-scripts)");
        return new SimulatorCommand(o, CountChannelIds: countChannelIds);
    }

    private static int Int(string text, string option, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{option}: '{text}' is not a whole number in {min}..{max}");

    private static double Double(string text, string option, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{option}: '{text}' is not a number in {min}..{max}");

    private static string NonEmpty(string text, string option) =>
        string.IsNullOrWhiteSpace(text) ? throw new ArgumentException($"{option} must not be empty") : text;
}
