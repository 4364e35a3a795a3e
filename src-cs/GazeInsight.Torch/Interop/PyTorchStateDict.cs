using System.Collections;
using GazeInsight.Imaging;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Interop;

/// <summary>
/// Reads PyTorch state dicts (a pickled <c>torch.save</c> zip or safetensors) and loads them into
/// our networks by name, so that weights trained with the released Python code (MONAI
/// BasicUNet inside the teacher, student or baselines) can be evaluated here. Every mismatch
/// (missing or unexpected key, wrong shape) is reported, all at once, as one line.
/// </summary>
public static class PyTorchStateDict
{
    /// <summary>
    /// Tensors by key from <paramref name="path"/>. A checkpoint dict holding the weights under
    /// "state_dict" (GazeMedSeg's layout) or "model" is unwrapped; keys starting with
    /// <paramref name="prefix"/> keep only the rest (e.g. "model.0." for one GazeMedSeg level,
    /// "module." for DataParallel), other keys are dropped when a prefix is given.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, string prefix = "")
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, null, "file not found");
        Dictionary<string, Tensor> raw;
        try
        {
            raw = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? Safetensors.LoadStateDict(path)
                : Flatten(PyTorchUnpickler.UnpickleStateDict(path), path);
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException(path, null, $"not a readable PyTorch state dict ({e.GetType().Name}: {e.Message})", e);
        }
        if (prefix.Length == 0) return raw;
        var kept = raw.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
        if (kept.Count == 0)
            throw new InvalidInputException(path, null, $"no key starts with '{prefix}' (first keys: {string.Join(", ", raw.Keys.Take(3))})");
        return kept;
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="module"/>'s parameters and buffers by
    /// name. Buffers PyTorch has and TorchSharp does not (BatchNorm's num_batches_tracked) are
    /// ignored; anything else that does not match fails, naming every key.
    /// </summary>
    /// <returns>How many tensors were copied.</returns>
    public static int LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        var unexpected = weights.Keys.Where(k => !target.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var shapes = target.Where(p => weights.TryGetValue(p.Key, out var w) && !w.shape.SequenceEqual(p.Value.shape))
            .Select(p => $"{p.Key} has shape [{string.Join(", ", weights[p.Key].shape)}], the network expects [{string.Join(", ", p.Value.shape)}]")
            .ToList();
        var count = missing.Count + unexpected.Count + shapes.Count;
        if (count > 0)
        {
            static string Few(string label, List<string> items) =>
                items.Count == 0 ? "" : $"{label} {string.Join(", ", items.Take(4))}{(items.Count > 4 ? $" (+{items.Count - 4} more)" : "")}; ";
            throw new InvalidInputException(source, null,
                $"{count} state dict mismatch(es): {Few("missing", missing)}{Few("unexpected", unexpected)}{Few("shape:", shapes)}".TrimEnd(' ', ';'));
        }
        using (no_grad())
            foreach (var (key, value) in target)
                value.copy_(weights[key].to(value.dtype));
        return target.Count;
    }

    private static Dictionary<string, Tensor> Flatten(Hashtable table, string path)
    {
        foreach (var wrapper in new[] { "state_dict", "model" })
            if (table[wrapper] is Hashtable inner && inner.Count > 0 && inner.Values.Cast<object>().All(v => v is Tensor))
                return Flatten(inner, path);
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string key && entry.Value is Tensor tensor) result[key] = tensor;
        if (result.Count == 0) throw new InvalidInputException(path, null, "the file holds no tensors");
        return result;
    }
}
