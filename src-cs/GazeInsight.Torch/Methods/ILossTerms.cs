using static TorchSharp.torch;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// A method whose loss has named parts worth watching (FGI: L_T, L_S, AFC, CWC in each direction,
/// the ramp weight, each network's predicted foreground fraction). Its TrainStep adds each part,
/// detached, to an accumulator left on the device, so steps that are not logged read nothing back.
/// </summary>
public interface ILossTerms
{
    /// <summary>The parts it reports, in order (fixed by its options).</summary>
    IReadOnlyList<string> LossTermNames { get; }

    /// <summary>
    /// Each part's mean over the steps since the last call (one read from the device), then
    /// starts over; empty when no step ran since.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, double>> TakeLossTerms();
}
