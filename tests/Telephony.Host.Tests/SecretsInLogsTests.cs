using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MySqlConnector;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Host.Tests;

/// <summary>
/// Issue 20: secrets never appear in the service's output. The service runs with known AMI secrets, a database
/// password (journal and billing sink on a MariaDB of the test's own) and a management token, and goes through a
/// rejected AMI login, a dropped AMI connection it reconnects, management requests with a wrong token, the refusals of
/// bad configurations and the demo's start; all it printed (stdout and stderr of every run, and the management
/// answers) holds none of the secrets, as they are, URL-encoded or in base64.
/// </summary>
[Collection(SingleHostProcesses.Name)]
public class SecretsInLogsTests(ITestOutputHelper output)
{
    // Each has a distinctive core and a tail that URL-encoding changes, so the encoded forms differ from the plain one.
    private const string AmiSecret = "S3cr3t-ami-7f1c/+&";
    private const string WrongAmiSecret = "Wr0ng-ami-4d2a/+&";
    private const string DbPassword = "db-9e2b-secret/+&";
    private const string WrongDbPassword = "db-0c5a-wrong/+&";
    private const string Token = "tok-5b8e-mgmt/+&";
    private const string WrongToken = "tok-3e1d-guess/+&";
    private const string ReadOnlyToken = "tok-9a4c-wallboard/+&";

    private static readonly string[] Secrets = [AmiSecret, WrongAmiSecret, DbPassword, WrongDbPassword, Token, WrongToken, ReadOnlyToken];

    [Fact]
    public async Task A_failed_login_a_reconnect_bad_configurations_and_a_wrong_token_print_no_secret()
    {
        using var mariadb = await PrivateMariaDb.StartAsync();
        await CreateUserAndDatabasesAsync(mariadb);
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, Nodes = 2, TimeScale = 0.1,
            Users = new Dictionary<string, string>(StringComparer.Ordinal) { ["admin"] = AmiSecret },
        });
        var runs = new List<(string Name, string Text)>();
        var environment = SecretEnvironment(mariadb, sim);

        // (a) a rejected login (pbx-wrong) met by the running service, (b) a dropped connection (pbx-good) it
        // reconnects, (d) management requests without and with a wrong token. Preflight is off so that the service
        // starts with the wrong secret and its node entity meets the refusal.
        var work = Directory.CreateTempSubdirectory("telephony-secrets-");
        using (var host = HostProcess.Start(work.FullName, Changed(environment, "TELEPHONY__PREFLIGHTLOGIN", "false")))
        {
            var endpoint = await host.ManagementEndpointAsync(TimeSpan.FromMinutes(1));
            await host.WaitForOutputAsync(o => o.Contains("pbx-good Connected", StringComparison.Ordinal) &&
                                               o.Contains("rejected the login of 'admin'", StringComparison.Ordinal),
                "pbx-good is connected and pbx-wrong's login was rejected", TimeSpan.FromMinutes(1));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            runs.Add(("management answers", await ManagementAnswersAsync(http, endpoint)));

            sim.Nodes[0].Faults.DropConnectionsMidMessage();
            await host.WaitForOutputAsync(o => o.Contains("node pbx-good: gap from", StringComparison.Ordinal) &&
                                               o.Contains("reconnected after", StringComparison.Ordinal),
                "pbx-good reconnects after its connection dropped", TimeSpan.FromMinutes(1));

            Assert.True(host.Terminate(TimeSpan.FromSeconds(30)), $"SIGTERM should stop the host:\n{host.Output}");
            runs.Add(("running service", host.Output));
            Assert.Contains("node pbx-wrong: AMI client stopped: Asterisk rejected the login", host.Output);
            Assert.Contains("node pbx-good: disconnected:", host.Output);
        }

        // (c) bad configurations, each with every secret still set: the service refuses to start with one line.
        runs.Add(("a bad port", RefusedStart(work, Changed(environment, "TELEPHONY__NODES__0__PORT", "fifty"),
            "telephony: configuration error: Telephony:Nodes:0:Port: 'fifty' is not")));
        runs.Add(("a wrong journal password", RefusedStart(work,
            Changed(environment, "TELEPHONY__JOURNAL__CONNECTIONSTRING", ConnectionString(mariadb, "telephony", WrongDbPassword)),
            "telephony: cannot open the journal database (Telephony:Journal:ConnectionString): Access denied for user 'pbx_ops'")));
        runs.Add(("a wrong billing password", RefusedStart(work,
            Changed(environment, "TELEPHONY__BILLING__SINKS__0__CONNECTIONSTRING", ConnectionString(mariadb, "billing", WrongDbPassword)),
            "telephony: configuration error: Telephony:Billing:Sinks:0:ConnectionString: cannot open billing sink 'mariadb': Access denied")));
        // The rejected login again, now as the preflight's configuration error (MD5 login this time).
        runs.Add(("a wrong AMI secret at preflight", RefusedStart(work, Changed(environment, "TELEPHONY__NODES__1__AUTHTYPE", "md5"),
            "telephony: configuration error: Telephony:Nodes:1:Secret: Asterisk at 127.0.0.1:")));

        // The demo (no node configured) with the same journal: its start line names the journal it writes.
        var demoEnvironment = environment.Where(e => !e.Key.StartsWith("TELEPHONY__NODES__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value);
        demoEnvironment["TELEPHONY__JOURNAL__CONNECTIONSTRING"] = ConnectionString(mariadb, "demo", DbPassword);
        using (var demo = HostProcess.Start(work.FullName, demoEnvironment))
        {
            await demo.WaitForOutputAsync(o => o.Contains("demo mode: no Asterisk configured", StringComparison.Ordinal) &&
                                               o.Contains("demo-1 Connected", StringComparison.Ordinal),
                "the demo starts and its node connects", TimeSpan.FromMinutes(1));
            Assert.True(demo.Terminate(TimeSpan.FromSeconds(30)), $"SIGTERM should stop the demo:\n{demo.Output}");
            runs.Add(("demo", demo.Output));
        }
        foreach (var (name, text) in runs) output.WriteLine($"--- {name}:\n{text.TrimEnd()}");

        var leaks = (from run in runs
                     from secret in Secrets
                     from form in Forms(secret)
                     from line in run.Text.Split('\n')
                     where line.Contains(form.Text, StringComparison.OrdinalIgnoreCase)
                     select $"{run.Name}: {form.Name} of {secret}: {line.Trim()}").ToList();
        Assert.True(leaks.Count == 0, "secrets in the output:\n" + string.Join("\n", leaks));
        // The demo still says which journal it writes, with the password hidden.
        Assert.Matches(@"journal: (?i:server=127\.0\.0\.1;port=\d+;user id=pbx_ops;password=\*\*\*;database=demo)", runs[^1].Text);
        work.Delete(recursive: true);
    }

    /// <summary>The forms a secret could take in a log: as it is, its distinctive part (an escaped or truncated tail),
    /// URL-encoded (path and form), base64 (standard and URL-safe).</summary>
    private static IEnumerable<(string Name, string Text)> Forms(string secret)
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        return new (string, string)[]
        {
            ("plain", secret),
            ("distinctive part", secret[..secret.IndexOf('/')]),
            ("URL-encoded", Uri.EscapeDataString(secret)),
            ("form-encoded", WebUtility.UrlEncode(secret)),
            ("base64", base64),
            ("URL-safe base64", base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')),
        }.Distinct();
    }

    /// <summary>Every secret set the way the README says: AMI secrets, the journal's and the billing sink's connection
    /// strings, the management token. pbx-wrong's secret is not the one Asterisk has.</summary>
    private static Dictionary<string, string> SecretEnvironment(PrivateMariaDb mariadb, AsteriskSimulator sim) => new()
    {
        ["TELEPHONY__NODES__0__NAME"] = "pbx-good",
        ["TELEPHONY__NODES__0__HOST"] = "127.0.0.1",
        ["TELEPHONY__NODES__0__PORT"] = sim.Nodes[0].Port.ToString(),
        ["TELEPHONY__NODES__0__USERNAME"] = "admin",
        ["TELEPHONY__NODES__0__SECRET"] = AmiSecret,
        // Plain login: the secret itself goes on the wire, at every (re)login.
        ["TELEPHONY__NODES__0__AUTHTYPE"] = "plain",
        ["TELEPHONY__NODES__1__NAME"] = "pbx-wrong",
        ["TELEPHONY__NODES__1__HOST"] = "127.0.0.1",
        ["TELEPHONY__NODES__1__PORT"] = sim.Nodes[1].Port.ToString(),
        ["TELEPHONY__NODES__1__USERNAME"] = "admin",
        ["TELEPHONY__NODES__1__SECRET"] = WrongAmiSecret,
        ["TELEPHONY__NODES__1__AUTHTYPE"] = "plain",
        ["TELEPHONY__JOURNAL__PROVIDER"] = "mysql",
        ["TELEPHONY__JOURNAL__CONNECTIONSTRING"] = ConnectionString(mariadb, "telephony", DbPassword),
        ["TELEPHONY__BILLING__SINKS__0__NAME"] = "mariadb",
        ["TELEPHONY__BILLING__SINKS__0__KIND"] = "mysql",
        ["TELEPHONY__BILLING__SINKS__0__CONNECTIONSTRING"] = ConnectionString(mariadb, "billing", DbPassword),
        ["TELEPHONY__MANAGEMENT__TOKEN"] = Token,
        ["TELEPHONY__MANAGEMENT__READONLYTOKEN"] = ReadOnlyToken,
        ["TELEPHONY__PROGRESSINTERVAL"] = "00:00:01",
    };

    private static Dictionary<string, string> Changed(Dictionary<string, string> environment, string key, string value) =>
        new(environment) { [key] = value };

    private static string ConnectionString(PrivateMariaDb mariadb, string database, string password) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1", Port = (uint)mariadb.Port, UserID = "pbx_ops", Password = password, Database = database,
            SslMode = MySqlSslMode.None, AllowUserVariables = true, ConnectionTimeout = 5,
        }.ConnectionString;

    /// <summary>A user whose password is the secret, and the databases the runs write.</summary>
    private static async Task CreateUserAndDatabasesAsync(PrivateMariaDb mariadb)
    {
        await using var connection = new MySqlConnection(mariadb.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE USER 'pbx_ops'@'%' IDENTIFIED BY '{DbPassword}'; GRANT ALL ON *.* TO 'pbx_ops'@'%'; " +
                              "CREATE DATABASE telephony; CREATE DATABASE demo;";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Requests without a token and with a wrong one are refused (401); with the token, the node list answers
    /// and shows pbx-wrong's refused login. Returns every answer's status and body.</summary>
    private static async Task<string> ManagementAnswersAsync(HttpClient http, string endpoint)
    {
        var answers = new StringBuilder();
        async Task<HttpStatusCode> Get(string path, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{endpoint}{path}");
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            answers.AppendLine($"{path} {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/nodes", WrongToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/cluster", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/nodes", "Bearer " + WrongToken));
        Assert.Equal(HttpStatusCode.OK, await Get("/nodes", Token));
        Assert.Equal(HttpStatusCode.OK, await Get("/projections", Token));
        Assert.Equal(HttpStatusCode.OK, await Get("/session", ReadOnlyToken));
        await Get("/health/ready", null); // a probe needs no token; its journal check reports the database's answer
        Assert.Contains("rejected the login of 'admin'", answers.ToString());
        return answers.ToString();
    }

    /// <summary>Runs the service with a bad configuration: it must stop by itself with exit code 2 and the expected line.</summary>
    private string RefusedStart(DirectoryInfo work, IReadOnlyDictionary<string, string> environment, string expected)
    {
        using var host = HostProcess.Start(work.FullName, environment);
        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(60)), $"the host should stop by itself:\n{host.Output}");
        Assert.True(host.ExitCode == 2, $"exit code {host.ExitCode}, expected 2:\n{host.Output}");
        Assert.Contains(expected, host.Output);
        return host.Output;
    }
}
