namespace GazeInsight.Text.Tests.Encoders;

/// <summary>The classes that use the real model share one instance and do not run side by side
/// (each forward pass already uses every core).</summary>
[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
