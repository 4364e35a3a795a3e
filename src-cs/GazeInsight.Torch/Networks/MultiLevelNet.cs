using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// GazeMedSeg's multi-level model: one <see cref="GazeLevelNet"/> per gaze level, all starting
/// from identical weights (level 0's are copied into the others), under "model.&lt;i&gt;." as
/// in the released checkpoints. The prediction is the mean of the level logits.
/// </summary>
public sealed class MultiLevelNet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<GazeLevelNet> model;

    public MultiLevelNet(int inChannels, IReadOnlyList<int> features, int levels, int featureSize = 128) : base(nameof(MultiLevelNet))
    {
        if (levels < 1) throw new ArgumentException($"a multi-level model needs at least one level, got {levels}");
        model = new ModuleList<GazeLevelNet>();
        for (var i = 0; i < levels; i++) model.Add(new GazeLevelNet(inChannels, features, featureSize));
        using (no_grad())
        {
            var first = model[0].state_dict();
            for (var i = 1; i < levels; i++) model[i].load_state_dict(first);
        }
        RegisterComponents();
    }

    public int Levels => model.Count;

    public GazeLevelNet Level(int index) => model[index];

    /// <summary>Starts each level's logit at the log-odds of its own target's foreground fraction (one per level).</summary>
    public void SetForegroundPriors(IReadOnlyList<double> foregroundFractions)
    {
        if (foregroundFractions.Count != model.Count)
            throw new ArgumentException($"one foreground fraction per level: {model.Count} levels, got {foregroundFractions.Count}");
        for (var i = 0; i < model.Count; i++) model[i].SetForegroundPrior(foregroundFractions[i]);
    }

    /// <summary>Mean of the level logits, [B, 1, H, W].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var logits = model.Select(level => level.forward(input)).ToArray();
        return stack(logits, 0).mean([0]).MoveToOuterDisposeScope();
    }
}
