using GazeInsight.Imaging.Data;
using GazeInsight.Text.Embeddings;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Data;

/// <summary>
/// One split of a data set, decoded once, normalised and resized to the training size, and held
/// as device tensors (the preprocessed cache: later epochs never decode files again).
/// <para>Images [N, C, S, S] float32; Masks [N, 1, S, S] float32 0/1 (nearest);
/// Gaze [N, 1, S, S] float32 soft map in [0,1] (bilinear), or null without gaze;
/// Text: the ids' text embeddings, or null when the method reads no text.</para>
/// </summary>
public sealed class PreparedSplit : IDisposable
{
    private PreparedSplit(IReadOnlyList<string> ids, Tensor images, Tensor masks, Tensor? gaze, IReadOnlyList<NativeMask> nativeMasks, PreparedText? text)
    {
        Text = text;
        Ids = ids;
        Images = images;
        Masks = masks;
        Gaze = gaze;
        NativeMasks = nativeMasks;
    }

    public IReadOnlyList<string> Ids { get; }
    public Tensor Images { get; }
    public Tensor Masks { get; }
    public Tensor? Gaze { get; }
    public IReadOnlyList<NativeMask> NativeMasks { get; }
    public PreparedText? Text { get; }
    public int Count => Ids.Count;
    public long Channels => Images.shape[1];

    /// <summary>Loads the samples in parallel (file decoding) and builds the tensors.</summary>
    /// <param name="requireGaze">Fail with the sample's id when a gaze map is missing.</param>
    /// <param name="text">Where to read text embeddings from, or null for none.</param>
    public static PreparedSplit Load(SegmentationDataset dataset, IReadOnlyList<string> ids, int size, Device device, bool requireGaze,
        EmbeddingStore? text = null)
    {
        if (ids.Count == 0) throw new ArgumentException("cannot prepare an empty split");
        var samples = new SegmentationSample[ids.Count];
        var normalised = new float[ids.Count][];
        Parallel.For(0, ids.Count, i =>
        {
            samples[i] = dataset.Load(ids[i]);
            normalised[i] = ImageNormalization.Apply(samples[i].Image, dataset.Modality);
        });
        var withGaze = requireGaze || samples.All(s => s.GazeMap is not null);
        if (requireGaze && samples.FirstOrDefault(s => s.GazeMap is null) is { } missing)
            throw new ArgumentException($"sample '{missing.Id}' has no gaze map, but the method trains on gaze");

        // loaded outside this method's dispose scope, which would otherwise free its tensors
        var preparedText = text is null ? null : PreparedText.Load(text, ids, device);
        using var scope = NewDisposeScope();
        var images = new List<Tensor>(ids.Count);
        var masks = new List<Tensor>(ids.Count);
        var gaze = new List<Tensor>(ids.Count);
        var native = new NativeMask[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            var s = samples[i];
            int h = s.Image.Height, w = s.Image.Width;
            images.Add(Resize(tensor(normalised[i], [1, s.Image.Channels, h, w]), size, InterpolationMode.Bilinear));
            var maskFloat = s.Mask.Select(v => (float)v).ToArray();
            masks.Add(Resize(tensor(maskFloat, [1, 1, h, w]), size, InterpolationMode.Nearest));
            if (withGaze) gaze.Add(Resize(tensor(s.GazeMap!, [1, 1, h, w]), size, InterpolationMode.Bilinear));
            native[i] = new NativeMask(s.Id, h, w, s.Mask);
        }
        var result = new PreparedSplit(
            ids.ToArray(),
            cat(images, 0).to(device).MoveToOuterDisposeScope(),
            cat(masks, 0).to(device).MoveToOuterDisposeScope(),
            withGaze ? cat(gaze, 0).to(device).MoveToOuterDisposeScope() : null,
            native,
            preparedText);
        return result;
    }

    /// <summary>Bilinear without anti-aliasing (images, soft maps) or nearest (labels), as the reference.</summary>
    private static Tensor Resize(Tensor input, int size, InterpolationMode mode)
    {
        if (input.shape[2] == size && input.shape[3] == size) return input;
        return nn.functional.interpolate(input, [size, size], mode: mode,
            align_corners: mode == InterpolationMode.Nearest ? null : false);
    }

    public void Dispose()
    {
        Images.Dispose();
        Masks.Dispose();
        Gaze?.Dispose();
        Text?.Dispose();
    }
}
