using Microsoft.Extensions.Configuration;
using Telephony.Host.Vicidial;

namespace Telephony.Host.Tests.Vicidial;

/// <summary>Telephony:Vicidial read from configuration: off unless a connection string is given, every mistake named.</summary>
public class VicidialSettingsTests
{
    private static readonly string[] Nodes = ["pbx1", "pbx2"];

    private static VicidialSettings? Read(params (string Key, string Value)[] values) =>
        VicidialSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Telephony:Vicidial:" + v.Key, v.Value)))
            .Build().GetSection("Telephony:Vicidial"), Nodes);

    [Fact]
    public void Without_a_connection_string_there_is_no_adapter()
    {
        Assert.Null(Read(("Servers:10.0.0.5", "pbx1")));
    }

    [Fact]
    public void Servers_map_by_ip_key_or_by_list_entries_and_defaults_apply()
    {
        var settings = Read(("ConnectionString", "Server=db;Database=asterisk"), ("Servers:10.0.0.5", "pbx1"),
            ("Servers:0:ServerIp", "10.0.0.6"), ("Servers:0:Node", "pbx2"))!;

        Assert.Equal("pbx1", settings.Servers["10.0.0.5"]);
        Assert.Equal("pbx2", settings.Servers["10.0.0.6"]);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.PollInterval);
        Assert.Equal(100, settings.BatchSize);
    }

    [Fact]
    public void Poll_interval_and_batch_size_are_read()
    {
        var settings = Read(("ConnectionString", "x"), ("Servers:10.0.0.5", "pbx1"), ("PollInterval", "00:00:00.250"), ("BatchSize", "20"))!;

        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.PollInterval);
        Assert.Equal(20, settings.BatchSize);
    }

    [Theory]
    [InlineData("Servers:10.0.0.5", "pbx9", "Telephony:Vicidial:Servers:10.0.0.5")]
    [InlineData("PollInterval", "soon", "Telephony:Vicidial:PollInterval")]
    [InlineData("BatchSize", "0", "Telephony:Vicidial:BatchSize")]
    public void A_bad_value_is_a_configuration_error_naming_its_key(string key, string value, string named)
    {
        var e = Assert.Throws<ConfigurationError>(() => Read(("ConnectionString", "x"), ("Servers:10.0.0.1", "pbx1"), (key, value)));

        Assert.Equal(named, e.Key);
    }

    [Fact]
    public void A_connection_string_without_servers_is_a_configuration_error()
    {
        Assert.Equal("Telephony:Vicidial:Servers", Assert.Throws<ConfigurationError>(() => Read(("ConnectionString", "x"))).Key);
    }
}
