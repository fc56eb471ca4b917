namespace Telephony.Testing;

/// <summary>Where a src/ project's build output is, for tests that run it as a process (same configuration as the
/// test itself: tests/X.Tests/bin/&lt;Configuration&gt;/net10.0/ -> src/P/bin/&lt;Configuration&gt;/net10.0/P.dll).</summary>
public static class Binaries
{
    public static string Of(string project)
    {
        var testBin = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testBin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var repo = Path.GetFullPath(Path.Combine(testBin, "..", "..", "..", "..", ".."));
        return Path.Combine(repo, "src", project, "bin", configuration, "net10.0", project + ".dll");
    }
}
