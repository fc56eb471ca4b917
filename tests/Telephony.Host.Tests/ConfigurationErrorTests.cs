using Microsoft.Extensions.Configuration;
using Telephony.Simulator;

namespace Telephony.Host.Tests;

/// <summary>Bad configuration stops the service at start with one line naming the key to fix — not a stack trace.</summary>
public class ConfigurationErrorTests
{
    [Fact]
    public async Task A_wrong_AMI_secret_is_one_line_naming_the_secret_key_and_exit_code_2()
    {
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions { Port = 0 });
        var work = Directory.CreateTempSubdirectory("telephony-config-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__NODES__0__NAME"] = "pbx1",
            ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
            ["TELEPHONY__NODES__0__PORT"] = sim.Port.ToString(),
            ["TELEPHONY__NODES__0__USERNAME"] = "admin",
            ["TELEPHONY__NODES__0__SECRET"] = "not-the-secret",
        });

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), "the host should stop by itself");
        Assert.Equal(2, host.ExitCode);
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("telephony: configuration error: Telephony:Nodes:0:Secret:", line);
        Assert.Contains("rejected the login of 'admin'", line);
        work.Delete(recursive: true);
    }

    [Theory]
    [InlineData("TELEPHONY__JOURNAL__PROVIDER", "oracle", "Telephony:Journal:Provider")]
    [InlineData("TELEPHONY__NODES__0__TIMEZONE", "Mars/Olympus", "Telephony:Nodes:0:TimeZone")]
    [InlineData("TELEPHONY__NODES__0__PORT", "fifty", "Telephony:Nodes:0:Port")]
    [InlineData("TELEPHONY__NODES__0__REGION", "eu west", "Telephony:Nodes:0:Region")]
    // Remoting beyond loopback without TLS (nor AllowPlainText): cluster traffic would go in clear.
    [InlineData("TELEPHONY__CLUSTER__HOSTNAME", "10.20.30.40", "Telephony:Cluster:Tls:Certificate")]
    [InlineData("TELEPHONY__CLUSTER__TLS__CERTIFICATE", "/nonexistent/member.pfx", "Telephony:Cluster:Tls:Certificate")]
    // A read-only token alone would leave every request free to act.
    [InlineData("TELEPHONY__MANAGEMENT__READONLYTOKEN", "wallboard", "Telephony:Management:ReadOnlyToken")]
    [InlineData("Telephony__Queues__sales__DayTimeZone", "Mars/Olympus", "Telephony:Queues:sales:DayTimeZone")]
    [InlineData("TELEPHONY__CLUSTER__DISCOVERY", "consul", "Telephony:Cluster:Discovery")]
    // Kubernetes discovery without the pod label selector it finds the other members by.
    [InlineData("TELEPHONY__CLUSTER__DISCOVERY", "kubernetes", "Telephony:Cluster:Kubernetes:PodLabelSelector")]
    public void A_bad_value_is_one_line_naming_its_key(string variable, string value, string key)
    {
        var work = Directory.CreateTempSubdirectory("telephony-config-");
        var environment = new Dictionary<string, string>
        {
            ["TELEPHONY__NODES__0__NAME"] = "pbx1",
            ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
            ["TELEPHONY__NODES__0__USERNAME"] = "admin",
            ["TELEPHONY__NODES__0__SECRET"] = "secret",
            [variable] = value,
        };
        using var host = HostProcess.Start(work.FullName, environment);

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, host.ExitCode);
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"telephony: configuration error: {key}:", line);
        work.Delete(recursive: true);
    }

    /// <summary>The Kubernetes discovery settings that need more than one variable to go wrong, read as the host reads
    /// them (the theory above shows that a <see cref="ConfigurationError"/> is the one line and exit code 2).</summary>
    [Theory]
    [InlineData("Hostname=127.0.0.1", "Telephony:Cluster:Hostname")] // the other pods cannot reach a loopback address
    [InlineData("Hostname=telephony-0.telephony", "Telephony:Cluster:Hostname")] // the Kubernetes API lists pods by IP
    [InlineData("Seeds:0=akka.tcp://telephony@10.1.2.3:4053", "Telephony:Cluster:Seeds:0")]
    [InlineData("Kubernetes:RequiredContactPoints=0", "Telephony:Cluster:Kubernetes:RequiredContactPoints")]
    [InlineData("Kubernetes:RequiredContactPoints=three", "Telephony:Cluster:Kubernetes:RequiredContactPoints")]
    [InlineData("Kubernetes:BootstrapPort=70000", "Telephony:Cluster:Kubernetes:BootstrapPort")]
    [InlineData("Kubernetes:PortName=Akka_Management", "Telephony:Cluster:Kubernetes:PortName")]
    [InlineData("Kubernetes:PodLabelSelector= ", "Telephony:Cluster:Kubernetes:PodLabelSelector")]
    public void A_bad_Kubernetes_discovery_setting_names_its_key(string setting, string key)
    {
        var good = new Dictionary<string, string?>
        {
            ["Telephony:Cluster:Discovery"] = "kubernetes",
            ["Telephony:Cluster:Kubernetes:PodLabelSelector"] = "app.kubernetes.io/name=telephony",
            ["Telephony:Cluster:Hostname"] = "10.1.2.4",
            ["Telephony:Cluster:AllowPlainText"] = "true",
        };
        Assert.NotNull(Read(good).Telephony.Kubernetes); // the error below is the setting's, not the rest's
        var equals = setting.IndexOf('=');
        var bad = new Dictionary<string, string?>(good) { ["Telephony:Cluster:" + setting[..equals]] = setting[(equals + 1)..] };

        var error = Assert.Throws<ConfigurationError>(() => Read(bad));
        Assert.Equal(key, error.Key);
    }

    private static HostSettings Read(Dictionary<string, string?> values) => HostSettings.From(
        new ConfigurationBuilder().AddInMemoryCollection(values).Build(), AppContext.BaseDirectory);

    [Fact]
    public void A_second_sqlite_sink_without_a_file_is_refused_naming_its_key()
    {
        var work = Directory.CreateTempSubdirectory("telephony-config-");
        using var host = HostProcess.Start(work.FullName, new Dictionary<string, string>
        {
            ["TELEPHONY__BILLING__SINKS__0__KIND"] = "sqlite",
            ["TELEPHONY__BILLING__SINKS__1__KIND"] = "sqlite",
            ["TELEPHONY__BILLING__SINKS__1__NAME"] = "archive",
        });

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, host.ExitCode);
        var line = Assert.Single(host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("telephony: configuration error: Telephony:Billing:Sinks:1:ConnectionString: required: " +
                          "Telephony:Billing:Sinks:0 already writes the default ./data/billing.db", line);
        work.Delete(recursive: true);
    }
}
