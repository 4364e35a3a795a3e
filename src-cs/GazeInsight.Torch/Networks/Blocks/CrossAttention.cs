using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>
/// Sequence-first multi-head attention with PyTorch nn.MultiheadAttention's parameters and names
/// (in_proj_weight [3C, C] = [W_q; W_k; W_v], in_proj_bias [3C], out_proj), so released
/// checkpoints load. Written out rather than TorchSharp's MultiheadAttention, which leaks one
/// native tensor per call outside the dispose scope (0.107, found by the live-count test), and so
/// that training uses the fused scaled_dot_product_attention when no weights are wanted.
/// </summary>
public sealed class CrossAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly int _channels;
    private readonly int _heads;

    public CrossAttention(int channels, int heads) : base(nameof(CrossAttention))
    {
        if (heads <= 0 || channels % heads != 0)
            throw new ArgumentException($"attention heads must divide channels, got {heads} and {channels}");
        _channels = channels;
        _heads = heads;
        // PyTorch's initialisation: Xavier-uniform packed projection, zero biases
        in_proj_weight = new Parameter(empty(3 * channels, channels));
        in_proj_bias = new Parameter(zeros(3 * channels));
        using (no_grad()) nn.init.xavier_uniform_(in_proj_weight);
        out_proj = nn.Linear(channels, channels);
        using (no_grad()) out_proj.bias!.zero_();
        RegisterComponents();
    }

    /// <summary>Query [N, B, C], key = value [L, B, C]; returns [N, B, C].</summary>
    public override Tensor forward(Tensor query, Tensor key) => Attend(query, key, needWeights: false).Output;

    /// <summary>As <see cref="forward"/>; with <paramref name="needWeights"/> also the head-averaged weights [B, N, L].</summary>
    /// <param name="keyValid">[B, L] bool, true for a key that takes part (a real token), false for padding;
    /// null when every key is real. Each row needs at least one real key.</param>
    public (Tensor Output, Tensor? Weights) Attend(Tensor query, Tensor key, bool needWeights, Tensor? keyValid = null)
    {
        using var scope = NewDisposeScope();
        long n = query.shape[0], batch = query.shape[1], l = key.shape[0];
        var headDim = _channels / _heads;
        var c = _channels;
        Tensor Heads(Tensor x, long length) => x.reshape(length, batch * _heads, headDim).transpose(0, 1);   // [B*H, len, d]
        var q = Heads(nn.functional.linear(query, in_proj_weight[..c], in_proj_bias[..c]), n);
        var k = Heads(nn.functional.linear(key, in_proj_weight[c..(2 * c)], in_proj_bias[c..(2 * c)]), l);
        var v = Heads(nn.functional.linear(key, in_proj_weight[(2 * c)..], in_proj_bias[(2 * c)..]), l);
        // key padding: an additive -inf bias on the padded keys' scores, [B*H, 1, L] (batch-major heads as Heads)
        Tensor? bias = null;
        if (keyValid is not null)
        {
            if (keyValid.dim() != 2 || keyValid.shape[0] != batch || keyValid.shape[1] != l)
                throw new ArgumentException($"key mask must be [B={batch}, L={l}], got [{string.Join(", ", keyValid.shape)}]");
            bias = zeros(batch, 1, 1, l, dtype: q.dtype, device: q.device)
                .masked_fill(keyValid.logical_not().view(batch, 1, 1, l), double.NegativeInfinity)
                .expand(batch, _heads, 1, l).reshape(batch * _heads, 1, l);
        }
        Tensor attended;
        Tensor? weights = null;
        if (needWeights)
        {
            var scores = q.matmul(k.transpose(1, 2)).div_(Math.Sqrt(headDim));
            if (bias is not null) scores = scores + bias;
            var probabilities = scores.softmax(-1);   // [B*H, N, L]
            attended = probabilities.matmul(v);
            weights = probabilities.view(batch, _heads, n, l).mean([1]);
        }
        else
        {
            attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: bias);
        }
        var output = out_proj.forward(attended.transpose(0, 1).reshape(n, batch, c));
        return (output.MoveToOuterDisposeScope(), weights?.MoveToOuterDisposeScope());
    }
}
