namespace GazeInsight.Imaging.Data;

/// <summary>
/// Where a data set keeps its files (method.md §8). Paths are relative to the data root;
/// ids are file names without extension, listed in <c>train.txt</c> and <c>test.txt</c>.
/// </summary>
/// <param name="Name">the layout's name as written in experiment files.</param>
/// <param name="ImageFolder">folder of images, <c>&lt;id&gt;&lt;ext&gt;</c>.</param>
/// <param name="ImageExtensions">accepted image extensions, tried in this order.</param>
/// <param name="MaskFolder">folder of ground-truth masks.</param>
/// <param name="MaskSuffix">appended to the id before the extension (ISIC: <c>_segmentation</c>).</param>
/// <param name="MaskExtensions">accepted mask extensions, tried in this order.</param>
/// <param name="Modality">decides normalisation at batching.</param>
public sealed record DatasetLayout(
    string Name,
    string ImageFolder,
    IReadOnlyList<string> ImageExtensions,
    string MaskFolder,
    string MaskSuffix,
    IReadOnlyList<string> MaskExtensions,
    Modality Modality)
{
    /// <summary>The layouts GazeInsight knows, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["generic", "generic-mri", "kvasir", "nci-isbi", "isic"];

    /// <summary>Folder (under the root) holding gaze map folders such as <c>heatmap</c> and <c>crf_compat1</c>.</summary>
    public const string GazeFolder = "gaze";

    /// <summary>Folder (under the root) holding one text embedding <c>&lt;id&gt;.npy</c> per image.</summary>
    public const string EmbeddingFolder = "embeddings";

    /// <summary>Extensions accepted for gaze maps, tried in this order.</summary>
    public static IReadOnlyList<string> GazeMapExtensions { get; } = [".png", ".jpg", ".jpeg"];

    /// <summary>The layout called <paramref name="name"/>; null when there is none.</summary>
    public static DatasetLayout? TryGet(string name) => name switch
    {
        "generic" => new("generic", "images", [".png", ".jpg", ".jpeg", ".bmp"], "masks", "", [".png", ".jpg", ".jpeg", ".bmp"], Modality.Rgb),
        // as generic, with one-channel slices z-scored per slice (the synthetic MRI-like set)
        "generic-mri" => new("generic-mri", "images", [".png", ".jpg", ".jpeg", ".bmp"], "masks", "", [".png", ".jpg", ".jpeg", ".bmp"], Modality.Mri),
        "kvasir" => new("kvasir", "images", [".jpg", ".jpeg", ".png"], "masks", "", [".jpg", ".jpeg", ".png"], Modality.Rgb),
        "nci-isbi" => new("nci-isbi", "images", [".dcm"], "masks", "", [".png"], Modality.Mri),
        "isic" => new("isic", "images", [".jpg", ".jpeg", ".png"], "labels", "_segmentation", [".png"], Modality.Rgb),
        _ => null,
    };

    /// <summary>The layout called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">unknown name (the message lists the known ones).</exception>
    public static DatasetLayout Get(string name) =>
        TryGet(name) ?? throw new ArgumentException($"unknown data set layout '{name}' (known: {string.Join(", ", Names)})", nameof(name));
}
