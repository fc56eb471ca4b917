namespace Telephony.Host.Tests;

/// <summary>Tests that each run one service process and check it alone (its log, its exit), and the README's cluster
/// commands (three members and two builds, too heavy to run beside anything). xunit runs the other test
/// classes side by side; this collection runs on its own after them, one test at a time, so it adds nothing to the
/// cluster tests' load on a 2-core machine (their waits for billing to catch up are what load makes miss).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SingleHostProcesses
{
    public const string Name = "single host processes";
}
