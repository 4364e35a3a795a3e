using GazeInsight.Torch.Backend;
using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// A network as a training step computes with it (<see cref="ComputeOptions"/>). <see cref="Master"/>
/// holds the fp32 weights that the optimiser steps, checkpoints save and evaluation runs;
/// <see cref="Compute"/> is what a step's forward and backward run on: the master itself in fp32, or
/// in bf16 a second instance in bfloat16 (its BatchNorm layers kept in fp32, so their running
/// statistics are fp32 EMAs; libtorch runs bf16 input through fp32 BatchNorm parameters as PyTorch's
/// autocast does) that <see cref="BeginStep"/> refreshes from the master and whose gradients
/// <see cref="EndStep"/> hands to the master in fp32. bf16 keeps fp32's exponent range, so no loss
/// scaling is needed. With channels-last, the convolution weights of both are stored NHWC.
/// </summary>
public sealed class TrainedNetwork<T> : IDisposable where T : nn.Module
{
    private readonly (Parameter Master, Parameter Compute)[] _parameters;
    private readonly (Tensor Master, Tensor Compute)[] _buffers;

    /// <param name="build">Makes one instance of the network on the CPU in fp32 (called twice in bf16).</param>
    public TrainedNetwork(Func<T> build, Device device, ComputeOptions options)
    {
        Options = options;
        Master = build();
        Master.to(device);
        if (options.ChannelsLast) MemoryLayout.ToChannelsLast(Master);
        if (options.Precision == Precision.Float32)
        {
            Compute = Master;
            _parameters = [];
            _buffers = [];
            return;
        }
        // the copy's own initialisation draws from the global generator: put the generator back, so
        // that everything after (data order, other networks) draws as an fp32 run does
        using (var state = get_rng_state())
        {
            Compute = build();
            set_rng_state(state);
        }
        Compute.to(device);
        Compute.to(ScalarType.BFloat16);
        foreach (var (_, module) in Compute.named_modules())
            if (module is BatchNorm1d or BatchNorm2d) module.to(ScalarType.Float32);
        if (options.ChannelsLast) MemoryLayout.ToChannelsLast(Compute);
        _parameters = Pair(Master.named_parameters().ToArray(), Compute.named_parameters().ToArray(), "parameter");
        _buffers = Pair(Master.named_buffers().ToArray(), Compute.named_buffers().ToArray(), "buffer");
        BeginStep();
    }

    public ComputeOptions Options { get; }

    /// <summary>fp32 weights: optimiser, checkpoints, evaluation, prediction.</summary>
    public T Master { get; }

    /// <summary>What training passes run: <see cref="Master"/> in fp32, its bf16 copy in bf16.</summary>
    public T Compute { get; }

    /// <summary>Training or evaluation mode, for both instances (BatchNorm and the DARM pass read it from the copy).</summary>
    public void Train(bool training)
    {
        Master.train(training);
        if (!ReferenceEquals(Master, Compute)) Compute.train(training);
    }

    /// <summary>An input of <see cref="Compute"/> in its number format and layout (an alias when nothing changes).</summary>
    public Tensor Input(Tensor x)
    {
        var typed = Options.Precision == Precision.BFloat16 && x.is_floating_point() ? x.to_type(ScalarType.BFloat16) : x.alias();
        return Options.ChannelsLast && typed.dim() == 4 ? MemoryLayout.ChannelsLast(typed) : typed;
    }

    /// <summary>Before a step's forward: the copy takes the master's weights and buffers, its gradients cleared.</summary>
    public void BeginStep()
    {
        if (ReferenceEquals(Master, Compute)) return;
        using var noGrad = no_grad();
        foreach (var (master, compute) in _parameters) compute.copy_(master);
        foreach (var (master, compute) in _buffers) compute.copy_(master);
        Compute.zero_grad();
    }

    /// <summary>
    /// After backward, before the optimiser step: the master's gradients = the copy's, in fp32 (a
    /// parameter the step did not reach keeps the master's, cleared by the optimiser's zero_grad);
    /// BatchNorm's running statistics, updated in the copy, go back to the master.
    /// </summary>
    public void EndStep()
    {
        if (ReferenceEquals(Master, Compute)) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (master, compute) in _parameters)
        {
            using var gradient = compute.grad;
            if (gradient is null) continue;
            using var existing = master.grad;
            if (existing is null) master.grad = gradient.to_type(ScalarType.Float32);
            else existing.copy_(gradient);
        }
        foreach (var (master, compute) in _buffers) master.copy_(compute);
    }

    private static (TTensor Master, TTensor Compute)[] Pair<TTensor>((string Name, TTensor Tensor)[] master, (string Name, TTensor Tensor)[] compute, string kind)
    {
        if (!master.Select(p => p.Name).SequenceEqual(compute.Select(p => p.Name)))
            throw new InvalidOperationException($"the bf16 copy's {kind}s differ from the master's: {string.Join(", ", master.Select(p => p.Name).Except(compute.Select(p => p.Name)))}");
        return master.Zip(compute, (m, c) => (m.Tensor, c.Tensor)).ToArray();
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Master, Compute)) Compute.Dispose();
        Master.Dispose();
    }
}
