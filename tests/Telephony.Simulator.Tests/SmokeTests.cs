namespace Telephony.Simulator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Login_is_answered()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, Users = new Dictionary<string, string> { ["probe"] = "probe" },
        });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
    }
}
