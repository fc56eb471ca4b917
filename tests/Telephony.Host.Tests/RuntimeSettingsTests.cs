using System.Text.Json;

namespace Telephony.Host.Tests;

/// <summary>The runtime settings the service ships with (its runtimeconfig.json, what <c>dotnet Telephony.Host.dll</c>
/// and the Docker image run with). The ingest and recover figures in the README were measured with them: each one
/// dropped cost a fifth or more of the rate on 2 cores.</summary>
public class RuntimeSettingsTests
{
    [Fact]
    public void The_service_runs_server_GC_non_concurrent_without_DATAS_and_without_quick_JIT()
    {
        var dll = Binaries.Of("Telephony.Host");
        var path = Path.ChangeExtension(dll, ".runtimeconfig.json");
        Assert.True(File.Exists(path), $"no {path}");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var settings = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(settings.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(settings.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.Equal(0, settings.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
        Assert.False(settings.GetProperty("System.Runtime.TieredCompilation.QuickJit").GetBoolean());
    }
}
