namespace Telephony.Ami.Tests;

/// <summary>The real Asterisk 20.20.1 captures copied next to the test assembly (tests/fixtures/ami-captures).</summary>
internal static class Fixtures
{
    public static string CaptureDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");

    public static string Capture(string name) => Path.Combine(CaptureDirectory, name);

    public static byte[] CaptureBytes(string name) => File.ReadAllBytes(Capture(name));

    public static IEnumerable<string> AllAmiCaptures =>
        Directory.EnumerateFiles(CaptureDirectory, "*.ami").Select(Path.GetFileName).Order()!;
}
