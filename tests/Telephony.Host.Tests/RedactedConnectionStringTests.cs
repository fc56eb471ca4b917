namespace Telephony.Host.Tests;

/// <summary>What a log line may show of a connection string: where it points, never the password.</summary>
public class RedactedConnectionStringTests
{
    [Fact]
    public void A_MySQL_string_keeps_where_it_points_and_hides_the_password()
    {
        var shown = RedactedConnectionString.Of(
            "Server=127.0.0.1;Port=33061;User ID=telephony;Password=db-9e2b-secret;Database=billing;Allow User Variables=true");

        Assert.DoesNotContain("db-9e2b-secret", shown);
        Assert.Contains("password=***", shown, StringComparison.OrdinalIgnoreCase);
        foreach (var kept in new[] { "127.0.0.1", "33061", "telephony", "billing" })
            Assert.Contains(kept, shown);
    }

    [Theory]
    [InlineData("Server=db;pwd=db-9e2b-secret")]
    [InlineData("Host=db;Username=u;PASSWORD=db-9e2b-secret")]
    [InlineData("Host=db;SSL Password=db-9e2b-secret;Password=x")]
    [InlineData("Server=db;Password2=db-9e2b-secret")]
    [InlineData("Data Source=/var/lib/telephony/data/telephony.db;Password=db-9e2b-secret")]
    // Quoted: a password holding the separators must go whole, not up to its first ';'.
    [InlineData("Server=db;Password=\"db-9e2b-secret;Port=1\";Database=x")]
    [InlineData("Server=db;Password='db-9e2b-secret=;'")]
    public void Every_password_key_is_hidden_whatever_its_spelling_or_quoting(string connectionString)
    {
        var shown = RedactedConnectionString.Of(connectionString);

        Assert.DoesNotContain("db-9e2b-secret", shown);
        Assert.Contains("***", shown);
    }

    [Fact]
    public void A_string_that_does_not_parse_is_not_shown()
    {
        var shown = RedactedConnectionString.Of("Server=db;Password=\"db-9e2b-secret");

        Assert.DoesNotContain("db-9e2b-secret", shown);
        Assert.DoesNotContain("Server", shown);
    }

    [Fact]
    public void A_string_without_a_password_is_shown_as_it_points()
    {
        var shown = RedactedConnectionString.Of("Data Source=./data/telephony.db;Pooling=True");

        Assert.Contains("./data/telephony.db", shown);
        Assert.DoesNotContain("***", shown);
    }
}
