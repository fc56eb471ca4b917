namespace Telephony.Simulator.Tests;

/// <summary>Options every test starts from: user probe/probe as in the captures, calls 100 times faster.</summary>
internal static class TestOptions
{
    public static SimulatorOptions Fast => new()
    {
        Port = 0,
        Users = new Dictionary<string, string> { ["probe"] = "probe" },
        TimeScale = 0.01,
        TimeZone = TimeZoneInfo.Utc,
    };
}
