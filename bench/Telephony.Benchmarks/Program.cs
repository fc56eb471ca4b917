using Telephony.Benchmarks;

// Each benchmark prints its figures and ends with one summary line that CI and the README quote.
var name = args.FirstOrDefault() ?? "";
return name switch
{
    "ami-parse" => AmiParseBenchmark.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Telephony.Benchmarks -- <benchmark> [options]");
    Console.Error.WriteLine("  ami-parse [--megabytes N]   AMI framing parser vs a raw line/colon scan of the same bytes");
    return 2;
}
