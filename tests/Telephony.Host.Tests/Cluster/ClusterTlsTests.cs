using System.Diagnostics;
using Xunit.Abstractions;
using Telephony.Testing.Fleet;

namespace Telephony.Host.Tests.Cluster;

/// <summary>
/// Cluster traffic over mutual TLS with certificates from scripts/dev-certs.sh: two members with certificates of the
/// cluster's CA form a cluster and run its nodes; a third with a certificate of another CA is refused at the TLS
/// handshake and never becomes a member, however it is configured otherwise.
/// </summary>
[Collection(SingleHostProcesses.Name)]
public class ClusterTlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Members_with_the_clusters_certificates_form_a_cluster_and_one_with_another_CAs_certificate_cannot_join()
    {
        var certs = Directory.CreateTempSubdirectory("telephony-certs-");
        var ours = Path.Combine(certs.FullName, "cluster");
        var theirs = Path.Combine(certs.FullName, "stranger");
        await DevCertsAsync(ours, "member");
        await DevCertsAsync(theirs, "intruder");

        await using var scenario = await ClusterScenario.StartAsync(output.WriteLine);
        var environment = scenario.Environment();
        environment["TELEPHONY__CLUSTER__TLS__CERTIFICATE"] = Path.Combine(ours, "member.pfx");
        environment["TELEPHONY__CLUSTER__TLS__PASSWORD"] = (await File.ReadAllTextAsync(Path.Combine(ours, "member.password"))).Trim();
        environment["TELEPHONY__CLUSTER__TLS__CACERTIFICATE"] = Path.Combine(ours, "ca.pem");
        using var cluster = await HostCluster.StartAsync([("m1", []), ("m2", [])], environment);
        await cluster.WaitForUpAsync(2, TimeSpan.FromMinutes(2));
        await ClusterScenario.WaitForNodesAsync(cluster, cluster["m1"], (_, _) => true, "every node is connected over the TLS cluster");
        // The remoting port speaks TLS and presents a certificate of the cluster's CA.
        var presented = await HandshakeAsync(cluster["m1"].Port, Path.Combine(ours, "member.pfx"), environment["TELEPHONY__CLUSTER__TLS__PASSWORD"]);
        Assert.Equal("CN=member", presented);

        // The stranger: the same journal, seeds and everything else, but a certificate of another CA.
        var stranger = new Dictionary<string, string>(environment)
        {
            ["TELEPHONY__CLUSTER__HOSTNAME"] = "127.0.0.1",
            ["TELEPHONY__CLUSTER__PORT"] = HostCluster.FreePort().ToString(),
            ["TELEPHONY__CLUSTER__SEEDS__0"] = cluster["m1"].Address,
            ["TELEPHONY__CLUSTER__SEEDS__1"] = cluster["m2"].Address,
            ["TELEPHONY__CLUSTER__TLS__CERTIFICATE"] = Path.Combine(theirs, "intruder.pfx"),
            ["TELEPHONY__CLUSTER__TLS__PASSWORD"] = (await File.ReadAllTextAsync(Path.Combine(theirs, "intruder.password"))).Trim(),
            ["TELEPHONY__CLUSTER__TLS__CACERTIFICATE"] = Path.Combine(theirs, "ca.pem"),
        };
        var folder = Directory.CreateTempSubdirectory("telephony-intruder-");
        using var intruder = HostProcess.Start(folder.FullName, stranger, HostLaunch.DotnetDll, Path.Combine(folder.FullName, "intruder.log"));
        await intruder.ManagementEndpointAsync(TimeSpan.FromMinutes(2));
        // Long enough for several join attempts (the lease's join retry is 2 s).
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(25))
        {
            var members = await HostCluster.MemberStatusAsync(cluster["m1"]);
            Assert.Equal(2, members.Count); // never Joining, never Up
            await Task.Delay(1000);
        }
        Assert.Contains("cluster TLS: refused", cluster["m1"].Process.Output + cluster["m2"].Process.Output);
        Assert.All(cluster.Members, m => Assert.False(m.Process.HasExited, $"{m.Name} exited"));
        output.WriteLine(cluster["m1"].Process.Output.Split('\n').FirstOrDefault(l => l.Contains("cluster TLS: refused")) ?? "");
        certs.Delete(recursive: true);
    }

    /// <summary>A TLS client handshake with the member's remoting port; the subject of the certificate it presented.</summary>
    private static async Task<string> HandshakeAsync(int port, string pfx, string password)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        string? subject = null;
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            subject = certificate?.Subject;
            return true;
        });
        using var mine = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(pfx, password);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "member",
            ClientCertificates = [mine],
        });
        return subject ?? "";
    }

    private static async Task DevCertsAsync(string folder, string member)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Binaries.RepositoryRoot };
        info.ArgumentList.Add("scripts/dev-certs.sh");
        info.ArgumentList.Add(folder);
        info.ArgumentList.Add(member);
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dev-certs.sh failed: {error}");
        Assert.True(File.Exists(Path.Combine(folder, member + ".pfx")));
    }
}
