using System.Globalization;
using System.Text;

namespace GazeInsight.Torch.Training;

/// <summary>
/// The cell's training log, losses.tsv in its folder: a header (iteration, loss, learning_rate,
/// then the method's loss parts, e.g. FGI's loss_teacher ... ramp) and one tab-separated row per
/// logged step, each value the mean over the steps since the previous row. A resumed cell appends
/// to it (rows after its last checkpoint appear twice; the later ones are the ones kept).
/// </summary>
public sealed class LossLog
{
    public const string FileName = "losses.tsv";

    private readonly string _path;
    private readonly IReadOnlyList<string> _terms;

    public LossLog(string path, IReadOnlyList<string> terms)
    {
        _path = path;
        _terms = terms;
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
            File.WriteAllText(path, string.Join('\t', new[] { "iteration", "loss", "learning_rate" }.Concat(terms)) + "\n");
    }

    public void Append(int iteration, double loss, double learningRate, IReadOnlyList<KeyValuePair<string, double>> terms)
    {
        var byName = terms.ToDictionary(t => t.Key, t => t.Value);
        var line = new StringBuilder();
        line.Append(iteration.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(Format(loss)).Append('\t').Append(Format(learningRate));
        foreach (var name in _terms) line.Append('\t').Append(byName.TryGetValue(name, out var v) ? Format(v) : "");
        File.AppendAllText(_path, line.Append('\n').ToString());
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
