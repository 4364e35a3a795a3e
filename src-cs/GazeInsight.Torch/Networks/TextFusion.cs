using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// Text fusion at one encoder scale (method.md §4): the flattened image tokens plus a learnable
/// positional embedding are queries; the text tokens, projected linearly to the scale's width,
/// are keys and values of an 8-head, sequence-first cross-attention; LayerNorm(query +
/// attention) is reshaped and added to the feature map, optionally scaled by one learnable
/// scalar (initialised to 1). Checkpoint keys: pos_embedding [h*w, C], attn.in_proj_weight,
/// attn.in_proj_bias, attn.out_proj.*, text_proj.*, norm.*, and fusion_weight when learnable.
/// </summary>
public sealed class TextFusion : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Parameter pos_embedding;
    private readonly CrossAttention attn;
    private readonly Linear text_proj;
    private readonly LayerNorm norm;
    private readonly Parameter? fusion_weight;
    private readonly int _height;
    private readonly int _width;

    /// <param name="channels">Width C_s of the feature map.</param>
    /// <param name="height">Feature map height h (input size / 2^s): sizes the positional embedding.</param>
    /// <param name="width">Feature map width w.</param>
    /// <param name="textDim">Size D of the text token embeddings (768 RoBERTa, 384 MiniLM, any).</param>
    /// <param name="heads">Attention heads; must divide <paramref name="channels"/>.</param>
    /// <param name="learnableWeight">Scale the fused term by a learnable scalar.</param>
    public TextFusion(int channels, int height, int width, int textDim, int heads = 8, bool learnableWeight = false)
        : base(nameof(TextFusion))
    {
        if (heads <= 0 || channels % heads != 0)
            throw new ArgumentException($"attention heads must divide channels, got {heads} and {channels}");
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"text fusion needs a positive feature size, got {height}x{width}");
        if (textDim <= 0) throw new ArgumentException($"text dimension must be positive, got {textDim}");
        _height = height;
        _width = width;
        // trunc_normal_(std 0.02, bounds +-2) as timm/the released code. TorchSharp 0.107's
        // nn.init.trunc_normal_ returns values with std ~1e-9 (a test caught it), so it is done
        // here: the bounds lie 100 std out, where a clamp of a normal draw is the same law.
        using (no_grad())
            pos_embedding = new Parameter(randn(height * width, channels).mul_(0.02).clamp_(-2, 2));
        attn = new CrossAttention(channels, heads);
        text_proj = nn.Linear(textDim, channels);
        norm = nn.LayerNorm(channels);
        if (learnableWeight) fusion_weight = new Parameter(ones(1));
        RegisterComponents();
    }

    /// <summary>Fuses text into <paramref name="input"/> [B, C, h, w] from <paramref name="text"/> [B, L, D].</summary>
    public override Tensor forward(Tensor input, Tensor text) => Fuse(input, text, needWeights: false).Fused;

    /// <summary>
    /// As <see cref="forward"/>; with <paramref name="needWeights"/> also returns the attention
    /// weights averaged over heads, [B, h*w, L] (each row sums to 1 over the text tokens).
    /// <paramref name="textValid"/> [B, L] bool marks the real tokens: padded rows (false) take no
    /// part in the attention (weight 0); null means every row is a real token.
    /// </summary>
    public (Tensor Fused, Tensor? Attention) Fuse(Tensor input, Tensor text, bool needWeights, Tensor? textValid = null)
    {
        long batch = input.shape[0], channels = input.shape[1], h = input.shape[2], w = input.shape[3];
        if (h != _height || w != _width)
            throw new ArgumentException($"text fusion was built for {_height}x{_width} feature maps (from the input size), got {h}x{w}");
        if (text.dim() != 3 || text.shape[0] != batch || text.shape[2] != text_proj.in_features)
            throw new ArgumentException($"text must be [B={batch}, L, D={text_proj.in_features}], got [{string.Join(", ", text.shape)}]");
        using var scope = NewDisposeScope();
        var query = input.flatten(2).permute(2, 0, 1) + pos_embedding.unsqueeze(1);   // [hw, B, C]
        var keys = text_proj.forward(text).transpose(0, 1);                             // [L, B, C]
        var (attended, weights) = attn.Attend(query, keys, needWeights, textValid);
        var fused = norm.forward(query + attended).permute(1, 2, 0).reshape(batch, channels, h, w);
        if (fusion_weight is not null) fused = fused * fusion_weight;
        var result = (input + fused).MoveToOuterDisposeScope();
        return (result, needWeights ? weights!.MoveToOuterDisposeScope() : null);
    }
}
