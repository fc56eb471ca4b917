using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Telephony.Testing;

/// <summary>
/// A MariaDB server of this test's own (the Debian binaries scripts/services.sh installs), on a free loopback port with
/// a throw-away data directory, so the test can really stop and start it without disturbing the shared test server.
/// </summary>
public sealed class PrivateMariaDb : IDisposable
{
    private readonly DirectoryInfo _dir;
    private Process? _server;

    private PrivateMariaDb(DirectoryInfo dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Root on the server, no database: for creating databases on it.</summary>
    public string ServerConnectionString => $"Server=127.0.0.1;Port={Port};User ID=root;SslMode=None;Connection Timeout=3";

    public string ConnectionString => $"Server=127.0.0.1;Port={Port};User ID=root;Database=billing;SslMode=None;Allow User Variables=true;Connection Timeout=3";

    public static async Task<PrivateMariaDb> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("telephony-mariadb-");
        var db = new PrivateMariaDb(dir, FreePort());
        Run("mariadb-install-db", $"--no-defaults --datadir={dir.FullName}/data --auth-root-authentication-method=normal --skip-test-db --user=root");
        await db.StartServerAsync();
        await using var connection = new MySqlConnection($"Server=127.0.0.1;Port={db.Port};User ID=root;SslMode=None");
        await connection.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE DATABASE billing";
        await create.ExecuteNonQueryAsync();
        return db;
    }

    /// <summary>Starts the server (again) on the same port and data, and waits until it answers.</summary>
    public async Task StartServerAsync()
    {
        var info = new ProcessStartInfo("mariadbd",
            $"--no-defaults --datadir={_dir.FullName}/data --socket={_dir.FullName}/mysqld.sock --port={Port} " +
            $"--bind-address=127.0.0.1 --user=root --skip-name-resolve --innodb-buffer-pool-size=64M --max-connections=500 " +
            $"--log-error={_dir.FullName}/error.log --pid-file={_dir.FullName}/mysqld.pid")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _server = Process.Start(info) ?? throw new InvalidOperationException("mariadbd did not start");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var c = new MySqlConnection($"Server=127.0.0.1;Port={Port};User ID=root;SslMode=None;Connection Timeout=1");
                await c.OpenAsync();
                return;
            }
            catch (MySqlException)
            {
                if (_server.HasExited) break;
                await Task.Delay(250);
            }
        }
        throw new InvalidOperationException($"mariadbd did not answer on port {Port}: {File.ReadAllText(Path.Combine(_dir.FullName, "error.log"))}");
    }

    /// <summary>Stops the server the way an operator or a crash-free restart does (SIGTERM), and waits for it.</summary>
    public void StopServer()
    {
        if (_server is null || _server.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _server.Id.ToString()])) kill.WaitForExit();
        if (!_server.WaitForExit(30_000)) _server.Kill();
    }

    public void Dispose()
    {
        if (_server is { HasExited: false }) _server.Kill();
        _server?.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private static int FreePort() => Telephony.Testing.TestPorts.Free();

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{file} did not start (is mariadb-server installed? scripts/services.sh installs it)");
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {error} {output.Result}");
    }
}
