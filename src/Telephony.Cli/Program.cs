using System.Text.Json;
using Telephony.Cli;

// pbm: inspects and steers a Telephony.Actors host through its management endpoint.
// `pbm 127.0.0.1:9110 cluster show`; `pbm --help` lists every command. Errors are one line on stderr.
if (PbmArguments.WantsHelp(args))
{
    Console.WriteLine(Palette.Usage);
    return 0;
}

PbmArguments arguments;
PbmRequest request;
try
{
    arguments = PbmArguments.Parse(args, Environment.GetEnvironmentVariable("PBM_TOKEN"));
    request = Palette.Resolve(arguments);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"pbm: {e.Message} (pbm --help lists the commands)");
    return 2;
}

try
{
    using var client = new ManagementClient(arguments.Endpoint, arguments.Token, TimeSpan.FromSeconds(30));
    var body = await client.SendAsync(request.Method, request.Path, request.Body);
    if (arguments.Json)
    {
        Console.WriteLine(body);
        return 0;
    }
    using var json = JsonDocument.Parse(body);
    foreach (var line in request.Print(json.RootElement)) Console.WriteLine(line);
    return 0;
}
catch (PbmFailure e)
{
    Console.Error.WriteLine($"pbm: {e.Message}");
    return e.ExitCode;
}
catch (JsonException e)
{
    Console.Error.WriteLine($"pbm: the endpoint's answer is not JSON: {e.Message}");
    return 1;
}
