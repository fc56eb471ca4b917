namespace Telephony.Cli.Tests;

/// <summary>One demo host shared by the action tests (pbm and plain HTTP): starting a host costs more than the tests.</summary>
[CollectionDefinition(Collection)]
public sealed class ActionHost : ICollectionFixture<DemoHost>
{
    public const string Collection = "action host";
}
