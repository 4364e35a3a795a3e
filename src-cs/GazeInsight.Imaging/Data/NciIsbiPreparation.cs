using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Data;

/// <summary>
/// Turns the NCI-ISBI 2013 challenge distribution (one DICOM series per case plus one NRRD label
/// volume per case) into the slice layout of method.md §8: <c>images/&lt;case&gt;_&lt;k&gt;.dcm</c>
/// (the original slice file, unchanged), <c>masks/&lt;case&gt;_&lt;k&gt;.png</c> (0/255, all zones
/// merged), <c>train.txt</c>, <c>test.txt</c>. Only slices with prostate are kept.
/// <para>
/// A case is a label file <c>&lt;labels&gt;/&lt;case&gt;.nrrd</c> (a trailing <c>_truth</c> is dropped from
/// the name) and the DICOM files under <c>&lt;dicom&gt;/&lt;case&gt;/</c> (any depth). Slices are
/// matched by DICOM Instance Number, not file name: the series whose slice count and size equal
/// the label volume's is sorted by instance number and slice k of the volume is the k-th file
/// (k counts from 0 and names the output). Where the NRRD has a space origin and the DICOMs an
/// Image Position, the order is checked against it and reversed if the volume runs the other way.
/// </para>
/// </summary>
public static class NciIsbiPreparation
{
    /// <summary>One case's plan: label file, DICOM files in volume order, slices with prostate.</summary>
    private sealed record CasePlan(string Case, string Split, string LabelFile, IReadOnlyList<string> Slices, IReadOnlyList<int> Kept);

    /// <summary>
    /// Runs the conversion. Every case is checked before anything is written; problems are all
    /// reported together in the exception's message (first one) and in <paramref name="problems"/>.
    /// </summary>
    /// <param name="trainDicom">folder of training-case DICOM folders.</param>
    /// <param name="trainLabels">folder of training-case NRRD label volumes.</param>
    /// <param name="testDicom">folder of test-case DICOM folders (null: no test split).</param>
    /// <param name="testLabels">folder of test-case NRRD label volumes (null: no test split).</param>
    /// <param name="output">data root to write (created; existing files of the same names are replaced).</param>
    /// <param name="problems">receives every problem found, one line each.</param>
    /// <param name="progress">receives one line per case written.</param>
    /// <returns>(cases, slices written) per split name.</returns>
    public static IReadOnlyDictionary<string, (int Cases, int Slices)> Run(
        string trainDicom, string trainLabels, string? testDicom, string? testLabels, string output,
        List<string> problems, IProgress<string>? progress = null)
    {
        var plans = new List<CasePlan>();
        plans.AddRange(PlanSplit("train", trainDicom, trainLabels, problems));
        if (testDicom is not null && testLabels is not null)
            plans.AddRange(PlanSplit("test", testDicom, testLabels, problems));
        var dup = plans.GroupBy(p => p.Case).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            problems.Add($"{dup.First().LabelFile}: case '{dup.Key}' appears in both splits");
        if (problems.Count > 0)
            throw new InvalidInputException(problems[0] + (problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : ""));

        var images = Path.Combine(output, "images");
        var masks = Path.Combine(output, "masks");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(masks);
        var ids = new Dictionary<string, List<string>> { ["train"] = [], ["test"] = [] };
        foreach (var plan in plans)
        {
            var labels = NrrdFile.Read(plan.LabelFile);
            int w = labels.Sizes[0], h = labels.Sizes[1];
            var mask = new byte[w * h];
            foreach (var k in plan.Kept)
            {
                var id = $"{plan.Case}_{k}";
                var slice = labels.Slice(k);
                for (int i = 0; i < mask.Length; i++) mask[i] = slice[i] > 0 ? (byte)255 : (byte)0;
                ImageFile.WriteGray8(Path.Combine(masks, id + ".png"), w, h, mask);
                CopyAtomically(plan.Slices[k], Path.Combine(images, id + ".dcm"));
                ids[plan.Split].Add(id);
            }
            progress?.Report($"{plan.Case} ({plan.Split}): {plan.Kept.Count} of {plan.Slices.Count} slices contain prostate");
        }
        foreach (var (split, list) in ids)
            if (split == "train" || testDicom is not null)
                WriteAtomically(Path.Combine(output, split + ".txt"), string.Join("\n", list) + (list.Count > 0 ? "\n" : ""));

        return plans.GroupBy(p => p.Split).ToDictionary(g => g.Key, g => (g.Count(), g.Sum(p => p.Kept.Count)));
    }

    private static IEnumerable<CasePlan> PlanSplit(string split, string dicomRoot, string labelRoot, List<string> problems)
    {
        if (!Directory.Exists(labelRoot)) { problems.Add($"{labelRoot}: label folder not found"); yield break; }
        if (!Directory.Exists(dicomRoot)) { problems.Add($"{dicomRoot}: DICOM folder not found"); yield break; }
        var labelFiles = Directory.GetFiles(labelRoot, "*.nrrd").Order(StringComparer.Ordinal).ToArray();
        if (labelFiles.Length == 0) problems.Add($"{labelRoot}: no .nrrd label volumes");
        foreach (var lf in labelFiles)
        {
            CasePlan? plan = null;
            try { plan = PlanCase(split, dicomRoot, lf); }
            catch (InvalidInputException ex) { problems.Add(ex.Message); }
            if (plan is not null) yield return plan;
        }
    }

    private static CasePlan PlanCase(string split, string dicomRoot, string labelFile)
    {
        var name = Path.GetFileNameWithoutExtension(labelFile);
        if (name.EndsWith("_truth", StringComparison.Ordinal)) name = name[..^"_truth".Length];
        var labels = NrrdFile.Read(labelFile);
        if (labels.Sizes.Length != 3)
            throw new InvalidInputException(labelFile, "sizes", $"label volume must be 3-D, it has {labels.Sizes.Length} axes");
        int w = labels.Sizes[0], h = labels.Sizes[1], depth = labels.Sizes[2];

        var caseDir = Path.Combine(dicomRoot, name);
        if (!Directory.Exists(caseDir))
            throw new InvalidInputException(labelFile, null, $"no DICOM folder {caseDir} for case '{name}'");
        var headers = Directory.EnumerateFiles(caseDir, "*.dcm", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => (Path: p, Dicom: DicomFile.Read(p)))
            .ToList();
        var series = headers.GroupBy(x => x.Dicom.SeriesInstanceUid ?? "")
            .Where(g => g.Count() == depth && g.All(x => x.Dicom.Rows == h && x.Dicom.Columns == w))
            .ToList();
        if (series.Count != 1)
        {
            var seen = string.Join("; ", headers.GroupBy(x => x.Dicom.SeriesInstanceUid ?? "?")
                .Select(g => $"{g.Count()} slices of {g.First().Dicom.Columns}x{g.First().Dicom.Rows}"));
            throw new InvalidInputException(labelFile, null, series.Count == 0
                ? $"no DICOM series under {caseDir} matches the label volume's {depth} slices of {w}x{h} (found: {(seen.Length > 0 ? seen : "no .dcm files")})"
                : $"{series.Count} DICOM series under {caseDir} match the label volume's {depth} slices of {w}x{h}; keep one");
        }
        var slices = series[0].ToList();
        var missing = slices.FirstOrDefault(x => x.Dicom.InstanceNumber is null);
        if (missing.Path is not null)
            throw new InvalidInputException(missing.Path, "(0020,0013)", "Instance Number is missing; slices cannot be matched to the label volume");
        var again = slices.GroupBy(x => x.Dicom.InstanceNumber).FirstOrDefault(g => g.Count() > 1);
        if (again is not null)
            throw new InvalidInputException(again.ElementAt(1).Path, "(0020,0013)", $"Instance Number {again.Key} is also used by {again.First().Path}");
        slices.Sort((a, b) => a.Dicom.InstanceNumber!.Value.CompareTo(b.Dicom.InstanceNumber!.Value));

        // A volume written from the series in the opposite order starts at the last instance's position.
        if (labels.SpaceOrigin is { Length: 3 } origin
            && slices[0].Dicom.ImagePositionPatient is { } first && slices[^1].Dicom.ImagePositionPatient is { } last
            && Distance(origin, last) + 1e-3 < Distance(origin, first))
            slices.Reverse();

        var kept = new List<int>();
        for (int k = 0; k < depth; k++)
        {
            var s = labels.Slice(k);
            foreach (var v in s)
                if (v > 0) { kept.Add(k); break; }
        }
        return new CasePlan(name, split, labelFile, slices.Select(x => x.Path).ToArray(), kept);
    }

    private static double Distance(double[] a, double[] b) =>
        Math.Sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));

    private static void CopyAtomically(string from, string to) => AtomicFile.Copy(from, to);

    private static void WriteAtomically(string path, string text) => AtomicFile.WriteAllText(path, text);
}
