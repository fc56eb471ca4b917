using System.Runtime.InteropServices;

namespace Telephony.Host;

/// <summary>
/// Makes SIGINT stop the service even when it was started as a background job of a script (<c>Telephony.Host &amp;</c>,
/// <c>dotnet Telephony.Host.dll &amp;</c>): a non-interactive shell starts such a job with SIGINT ignored, and .NET
/// leaves an inherited ignored signal ignored, so <c>kill -INT</c> did nothing. Put back to the default before .NET installs its
/// handlers, SIGINT reaches the host's console lifetime and runs the same graceful stop as SIGTERM.
/// </summary>
public static class InterruptSignal
{
    private const int SigInt = 2; // the same number on Linux and macOS
    private static readonly nint SigDfl = 0;
    private static readonly nint SigIgn = 1;

    /// <summary>Call first in Main, before anything touches Console, Process or PosixSignalRegistration (they install
    /// .NET's handlers, which record the disposition they find).</summary>
    public static void StopIgnoring()
    {
        if (OperatingSystem.IsWindows()) return;
        // Only an ignored SIGINT is changed: a handler someone installed is left alone. The handler is the first
        // field of struct sigaction on Linux (glibc, musl) and macOS; the buffer is larger than any of them.
        var current = new byte[512];
        if (sigaction(SigInt, IntPtr.Zero, current) != 0) return;
        if (MemoryMarshal.Read<nint>(current) != SigIgn) return;
        signal(SigInt, SigDfl);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sigaction(int signum, IntPtr act, byte[] oldact);

    [DllImport("libc", SetLastError = true)]
    private static extern nint signal(int signum, nint handler);
}
