using System.Runtime.InteropServices;
using Telephony.Simulator;
using Telephony.Simulator.Cli;

var command = SimulatorCommandLine.Parse(args);
if (command.Error is { } error)
{
    Console.Error.WriteLine($"error: {error}");
    return 2;
}
if (command.Output is { } output)
{
    Console.WriteLine(output);
    return 0;
}

var options = command.Options!;
await using var simulator = await AsteriskSimulator.StartAsync(options);
foreach (var node in simulator.Nodes)
    Console.WriteLine($"{node.Name}: listening on {options.BindAddress}:{node.Port}" +
                      (options.ReplayBytes is not null ? " (replay)" : ""));
if (options.Load is { } load)
    Console.WriteLine($"load: {load.CallsPerSecond} calls/s per node, at most {load.MaxConcurrent} at once, " +
                      $"scripts {string.Join(", ", load.Scripts.Select(s => s.Key))}");
if (options.TimestampEvents || options.UsesSubSecondTimes)
    Console.WriteLine($"times: {(options.UsesSubSecondTimes ? "sub-second" : "whole-second")} call clocks" +
                      (options.TimestampEvents ? ", Timestamp on every event" : "") +
                      (options.Seed is { } seed ? $", seed {seed}" : ""));
Console.WriteLine("Ctrl+C to stop.");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// A benchmark harness stops us with SIGTERM; the exit report must still come out.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
foreach (var line in ExitReport.Lines(simulator.Nodes, command.CountChannelIds)) Console.WriteLine(line);
return 0;
