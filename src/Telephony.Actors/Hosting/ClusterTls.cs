using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Telephony.Actors.Hosting;

/// <summary>Cluster traffic over TLS: this member's certificate (PKCS#12, with its key) and the CA whose certificates
/// it accepts from other members.</summary>
/// <param name="CertificatePath">A .pfx / .p12 file holding this member's certificate and private key.</param>
/// <param name="Password">The file's password (none: null or empty).</param>
/// <param name="CaCertificatePath">The CA certificate (PEM or DER) members' certificates must chain to.</param>
public sealed record ClusterTlsOptions(string CertificatePath, string? Password, string CaCertificatePath);

/// <summary>
/// Mutual TLS between members (Akka.Remote's DotNetty transport): each side presents its certificate and accepts the
/// other's only if it chains to the configured CA — the cluster's own CA, not the machine's trust store, so a
/// certificate from any public CA does not let a stranger join. Host names are not checked: members are addressed by
/// IP or by names a certificate need not carry; possession of a key the cluster's CA signed is the credential.
/// </summary>
public static class ClusterTls
{
    /// <summary>The seeds as Akka needs them: over TLS a member's address is <c>akka.ssl.tcp://...</c>; seeds written
    /// <c>akka.tcp://...</c> (the same configuration with or without TLS) are read as such.</summary>
    public static IReadOnlyList<string> Seeds(TelephonyOptions options) => options.Tls is null
        ? options.SeedNodes
        : options.SeedNodes.Select(s => s.StartsWith("akka.tcp://", StringComparison.Ordinal) ? "akka.ssl.tcp://" + s["akka.tcp://".Length..] : s).ToList();

    public static DotNettySslSetup Setup(ClusterTlsOptions options)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.Password,
            X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"{options.CertificatePath} holds no private key for this member's certificate");
        var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaCertificatePath);
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: (peer, _, remote, _, log) => Accept(ca, peer, remote, log));
    }

    private static bool Accept(X509Certificate2 ca, X509Certificate2? peer, string? remote, ILoggingAdapter? log)
    {
        if (peer is null)
        {
            log?.Warning("cluster TLS: {0} presented no certificate; refused", remote);
            return false;
        }
        if (ChainsTo(ca, peer, out var why)) return true;
        log?.Warning("cluster TLS: refused {0}'s certificate {1}: {2}", remote, peer.Subject, why);
        return false;
    }

    /// <summary>Whether <paramref name="peer"/> is valid now and chains to <paramref name="ca"/> alone (no system
    /// roots, no revocation lookups: members run offline).</summary>
    public static bool ChainsTo(X509Certificate2 ca, X509Certificate2 peer, out string why)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (chain.Build(peer))
        {
            why = "";
            return true;
        }
        why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        if (why.Length == 0) why = "it does not chain to the cluster's CA";
        return false;
    }
}
