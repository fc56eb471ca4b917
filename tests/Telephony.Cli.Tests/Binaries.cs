namespace Telephony.Cli.Tests;

/// <summary>The host and pbm binaries built next to this test project (same configuration).</summary>
public static class Binaries
{
    public static string Of(string project)
    {
        var testBin = AppContext.BaseDirectory; // tests/Telephony.Cli.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testBin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var repo = Path.GetFullPath(Path.Combine(testBin, "..", "..", "..", "..", ".."));
        return Path.Combine(repo, "src", project, "bin", configuration, "net10.0", project + ".dll");
    }
}
