using System.Net;
using System.Net.Sockets;

namespace Telephony.Testing;

/// <summary>
/// Ports for servers the tests start (cluster members, a private MariaDB) that nothing else takes meanwhile. A port
/// the kernel handed out for "any free port" comes from its ephemeral range, which is also where every outgoing
/// connection's local port comes from: between the probe and the member's own bind, a MariaDB or AMI client
/// connection of another test took it (a CI run failed that way). These come from below that range, checked free by
/// a bind, never the same one twice in a process, each test process starting at its own offset.
/// </summary>
public static class TestPorts
{
    private const int First = 20000;
    private const int Count = 12000; // 20000-31999: under Linux's default ephemeral range (32768-60999)
    private static int _next = Environment.ProcessId * 7919 % Count;

    public static int Free()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: the next one
            }
        }
        throw new InvalidOperationException($"no free port in {First}-{First + Count - 1}");
    }
}
