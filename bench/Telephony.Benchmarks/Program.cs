using Telephony.Benchmarks;

// Each benchmark prints its figures and ends with one summary line that CI and the README quote.
GcLog.StartIfAsked();
var name = args.FirstOrDefault() ?? "";
return name switch
{
    "ami-parse" => AmiParseBenchmark.Run(args.Skip(1).ToArray()),
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    "recover" => await RecoverBenchmark.RunAsync(args.Skip(1).ToArray()),
    "project" => await ProjectBenchmark.RunAsync(args.Skip(1).ToArray()),
    "actions" => await ActionsBenchmark.RunAsync(args.Skip(1).ToArray()),
    "distribution" => await DistributionBenchmark.RunAsync(args.Skip(1).ToArray()),
    "soak" => await SoakBenchmark.RunAsync(args.Skip(1).ToArray()),
    "memory" => await MemoryBenchmark.RunAsync(args.Skip(1).ToArray()),
    "dashboard" => await DashboardBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Telephony.Benchmarks -- <benchmark> [options]");
    Console.Error.WriteLine("  ami-parse [--megabytes N]   AMI framing parser vs a raw line/colon scan of the same bytes");
    Console.Error.WriteLine("  ingest [--mariadb] [--nodes K] [--replay CALLS] [--concurrent N] [--warmup-calls N] [--batch N] [--hocon '...']");
    Console.Error.WriteLine("                              simulator at full speed (captured calls, N interleaved) -> nodes -> call");
    Console.Error.WriteLine("                              entities -> journal vs a raw batched insert; --load [--cps N --seconds N]:");
    Console.Error.WriteLine("                              the simulator's load generator instead (simulator-bound here)");
    Console.Error.WriteLine("  recover [--calls N] [--hocon '...']  replay of a 1M-event journal into call entities");
    Console.Error.WriteLine("  project [--calls N] [--events-per-row K] [--batch N]");
    Console.Error.WriteLine("                              journal -> billing projections -> MariaDB vs a raw multi-row insert of the same rows");
    Console.Error.WriteLine("  actions [--count N] [--in-flight N] [--paced-rate R] [--paced-seconds S] [--nodes K] [--journal sqlite|mariadb]");
    Console.Error.WriteLine("          [--route short|answer|fail] [--warmup N] [--time-scale X] [--hocon '...']");
    Console.Error.WriteLine("                              Originates through SubmitAction -> action queues -> simulator vs the plain AMI");
    Console.Error.WriteLine("                              client; throughput, then submit-to-wire latency paced at R/s");
    Console.Error.WriteLine("  soak [--short] [--seed N] [--nodes N] [--regions 1|2] [--agents N] [--callers N] [--minutes M]");
    Console.Error.WriteLine("       [--calls-per-second X] [--time-scale X] [--kills N] [--drops N] [--no-leave] [--no-restart] [--outage S]");
    Console.Error.WriteLine("                              three service processes on MariaDB, the simulator as N Asterisk nodes, callers,");
    Console.Error.WriteLine("                              agents and calls while members die; needs MariaDB (scripts/services.sh)");
    // The memory budget measured directly (heap per active call) rather than from a soak's RSS slope.
    Console.Error.WriteLine("  dashboard [--loads N]       the dashboard's first paint and first data in Chromium headless vs the same HTML from a file");
    Console.Error.WriteLine("  memory [--calls N] [--nodes K] [--journal sqlite|mariadb] [--waves W] [--rate R] [--time-scale X] [--gcdump]");
    Console.Error.WriteLine("                              heap per active call and kept per completed call; simulator as a child process");
    return 2;
}
