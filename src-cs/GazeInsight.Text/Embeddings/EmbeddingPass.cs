using System.Diagnostics;
using GazeInsight.Imaging;
using GazeInsight.Imaging.IO;
using GazeInsight.Text.Descriptions;
using GazeInsight.Text.Encoders;

namespace GazeInsight.Text.Embeddings;

/// <summary>
/// <c>runner text embed</c>: renders each description of <c>text/descriptions.jsonl</c>, encodes
/// the texts whose embedding is missing or stale, and writes <c>embeddings/&lt;id&gt;.npy</c>
/// (float32, (L, D)) plus the manifest. Safe to interrupt: each file is written atomically and
/// the manifest is saved after every batch, so a rerun continues where it stopped.
/// </summary>
public static class EmbeddingPass
{
    /// <summary>Runs the pass over <paramref name="dataRoot"/>.</summary>
    /// <exception cref="InvalidInputException">a missing or invalid description file or manifest.</exception>
    public static EmbedSummary Run(
        string dataRoot,
        ITextEncoder encoder,
        EmbedOptions options,
        IProgress<EmbedProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var descriptions = DescriptionFile.Read(DescriptionFile.PathIn(dataRoot));
        var store = new EmbeddingStore(dataRoot);
        var manifest = EmbeddingManifest.Load(store.Folder);

        var todo = new List<(string Id, string Text, ManifestEntry Entry)>();
        var foreign = new List<string>();
        int upToDate = 0;
        foreach (var d in descriptions)
        {
            var text = DescriptionText.Render(d);
            var entry = new ManifestEntry(DescriptionText.Hash(text), encoder.Fingerprint);
            bool exists = store.Exists(d.Id);
            var recorded = manifest.Get(d.Id);
            if (exists && recorded == entry)
            {
                upToDate++;
            }
            else if (exists && recorded is null && !options.OverwriteForeign)
            {
                foreign.Add(d.Id);
            }
            else
            {
                todo.Add((d.Id, text, entry));
            }
        }

        // Similar lengths in one batch keep padding (wasted compute) small.
        var ordered = todo
            .Select(t => (t.Id, t.Text, t.Entry, Tokens: encoder.CountTokens(t.Text)))
            .OrderBy(t => t.Tokens)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToArray();

        var clock = Stopwatch.StartNew();
        int written = 0, maxLength = 0;
        foreach (var batch in ordered.Chunk(options.BatchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            var encoded = encoder.Encode(batch.Select(b => b.Text).ToArray());
            for (int i = 0; i < batch.Length; i++)
            {
                var e = encoded[i];
                NpyFile.WriteFloat32(store.PathOf(batch[i].Id), e.Tokens, [e.Length, e.Dimension]);
                manifest.Set(batch[i].Id, batch[i].Entry);
                maxLength = Math.Max(maxLength, e.Length);
            }

            manifest.Save();
            written += batch.Length;
            progress?.Report(new EmbedProgress(written, ordered.Length, clock.Elapsed));
        }

        return new EmbedSummary(descriptions.Count, written, upToDate, foreign, encoder.Dimension, maxLength);
    }
}
