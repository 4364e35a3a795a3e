using System.Diagnostics;
using GazeInsight.Imaging.Data;
using GazeInsight.Metrics;
using GazeInsight.Text.Embeddings;
using GazeInsight.Torch.Backend;
using GazeInsight.Torch.Data;
using GazeInsight.Torch.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Training;

/// <summary>
/// Trains and evaluates one experiment cell: loads and prepares the data, trains the method with
/// the per-epoch cosine schedule, validates every output every EvalEvery iterations (keeping
/// "best" by the selection output's validation metric and "last" with optimiser state, so an
/// interrupted run resumes exactly),
/// then evaluates both checkpoints on the test split for every output of the method.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>Iterations between reads of the loss (each read synchronises with the device).</summary>
    private const int LogEvery = 10;

    public static ExperimentReport Run(ExperimentRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        Validate(request);
        var device = TorchBackend.ResolveDevice(request.Device);
        Determinism.Seed(request.Seed, device);
        Directory.CreateDirectory(request.OutputDir);

        var dataset = SegmentationDataset.Open(request.DataRoot, request.Layout, request.GazeMap);
        var (trainIds, validationIds) = dataset.SplitValidation(request.ValidationFraction, seed: 0);
        var needsGaze = MethodFactory.NeedsGaze(request.Method);
        var inChannels = dataset.Modality == Modality.Rgb ? 3 : 1;
        using var method = MethodFactory.Create(WithTextSize(request.Method, request.DataRoot, trainIds), inChannels, request, device);
        var selectOutput = request.SelectOutput ?? method.HeadlineOutput;
        if (!method.Outputs.Contains(selectOutput))
            throw new ArgumentException($"select_output '{selectOutput}' is not an output of this method: expected one of {string.Join(", ", method.Outputs)}");
        // the teacher reads text at test time too (method.md §3): every split needs embeddings
        var text = method.UsesText ? new EmbeddingStore(request.DataRoot) : null;
        using var train = PreparedSplit.Load(dataset, trainIds, request.ImageSize, device, requireGaze: needsGaze, text);
        using var validation = PreparedSplit.Load(dataset, validationIds, request.ImageSize, device, requireGaze: false, text);
        using var test = PreparedSplit.Load(dataset, dataset.TestIds, request.ImageSize, device, requireGaze: false, text);
        var sampler = new BatchSampler(train.Count, request.BatchSize, request.Seed, request.RandomFlips);
        var schedule = new LearningRateSchedule(request.Optimizer.LearningRate, request.Optimizer.MinLearningRate,
            sampler.IterationsPerEpoch, request.Iterations);
        var checkpoints = new CheckpointStore(request.OutputDir);
        var state = checkpoints.TryResume(method)
            ?? new CheckpointState(0, double.NegativeInfinity, -1, [], 0);
        var curve = state.Curve.ToList();
        // SummaryWriter is not IDisposable in TorchSharp 0.107: it writes each event as it comes
        var events = torch.utils.tensorboard.SummaryWriter(Path.Combine(request.OutputDir, "tensorboard"));

        var clock = Stopwatch.StartNew();
        var startIteration = state.NextIteration;
        var secondsBefore = state.TrainSeconds;
        method.SetTraining(true);
        using (var lossSum = zeros(1, device: device))
        {
            var lossCount = 0;
            double lastLoss = double.NaN;
            for (var iteration = startIteration; iteration < request.Iterations; iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var learningRate = schedule.At(iteration);
                method.SetLearningRate(learningRate);
                using (var scope = NewDisposeScope())
                {
                    var batch = sampler.Draw(iteration, train.Images, train.Masks, train.Gaze, train.Text?.Values, train.Text?.Valid);
                    lossSum.add_(method.TrainStep(batch, iteration));
                    lossCount++;
                }

                var done = iteration + 1;
                var evaluate = done % request.EvalEvery == 0 || done == request.Iterations;
                if (done % LogEvery == 0 || evaluate)
                {
                    lastLoss = lossSum.item<float>() / lossCount;
                    lossSum.zero_();
                    lossCount = 0;
                    if (!double.IsFinite(lastLoss))
                        throw new TrainingDivergedException(
                            $"loss became {lastLoss} before iteration {done}; the last good checkpoint is kept in {checkpoints.LastFolder}");
                    events.add_scalar("train/loss", (float)lastLoss, done);
                    events.add_scalar("train/learning_rate", (float)learningRate, done);
                    progress?.Report(new TrainingProgress(done, request.Iterations, lastLoss, null));
                }
                if (!evaluate) continue;

                // every output is validated (teacher and student curves side by side); the
                // selection output alone picks the best checkpoint
                var byOutput = method.Outputs.ToDictionary(o => o,
                    o => MeanDice(Evaluator.Evaluate(method, o, validation, request.BatchSize, surfaceMetrics: false)));
                var score = byOutput[selectOutput];
                foreach (var (output, dice) in byOutput)
                    events.add_scalar($"validation/{request.SelectBy}/{output}", (float)dice, done);
                curve.Add(new CurvePoint(done, lastLoss, learningRate, score) { ValidationByOutput = byOutput });
                var isBest = score > state.BestScore;
                state = new CheckpointState(done, isBest ? score : state.BestScore, isBest ? done : state.BestIteration,
                    curve.ToArray(), state.TrainSeconds + clock.Elapsed.TotalSeconds);
                clock.Restart();
                if (isBest) checkpoints.SaveBest(method, state);
                checkpoints.SaveLast(method, state);
                progress?.Report(new TrainingProgress(done, request.Iterations, lastLoss, score));
            }
        }
        var trainSeconds = state.TrainSeconds + clock.Elapsed.TotalSeconds;
        // throughput of what this run trained; a cell resumed at its last iteration trained
        // nothing now, so its checkpointed total says it
        var trainedNow = request.Iterations - startIteration;
        var imagesPerSecond = trainedNow > 0
            ? (double)trainedNow * request.BatchSize / Math.Max(trainSeconds - secondsBefore, 1e-9)
            : trainSeconds > 0 ? (double)request.Iterations * request.BatchSize / trainSeconds : 0;

        var evaluations = new List<EvaluationResult>();
        foreach (var output in method.Outputs)
            evaluations.Add(new EvaluationResult(output, "last", Evaluator.Evaluate(method, output, test, request.BatchSize)));
        if (checkpoints.HasBest)
        {
            checkpoints.LoadBest(method);
            foreach (var output in method.Outputs)
                evaluations.Add(new EvaluationResult(output, "best", Evaluator.Evaluate(method, output, test, request.BatchSize)));
        }

        return new ExperimentReport
        {
            Evaluations = evaluations,
            Curve = curve,
            BestIteration = state.BestIteration,
            SelectOutput = selectOutput,
            TrainSeconds = trainSeconds,
            ImagesPerSecond = imagesPerSecond,
            Device = device.ToString(),
        };
    }

    /// <summary>The teacher's text projection adapts to the embeddings' D (384 MiniLM, 768 RoBERTa, ...).</summary>
    private static MethodOptions WithTextSize(MethodOptions method, string dataRoot, IReadOnlyList<string> trainIds) =>
        method is Fgi { TextFusion: true } fgi && trainIds.Count > 0
            ? fgi with { TextDim = new EmbeddingStore(dataRoot).Load(trainIds[0]).Dimension }
            : method;

    private static double MeanDice(IReadOnlyList<CaseMetrics> cases) => cases.Count == 0 ? 0 : cases.Average(c => c.Dice);

    private static void Validate(ExperimentRequest request)
    {
        if (request.Iterations <= 0) throw new ArgumentException($"iterations must be positive, got {request.Iterations}");
        if (request.EvalEvery <= 0) throw new ArgumentException($"eval_every must be positive, got {request.EvalEvery}");
        if (request.ImageSize < 16 || request.ImageSize % 16 != 0)
            throw new ArgumentException($"image size must be a multiple of 16 (four 2x2 poolings), got {request.ImageSize}");
        if (request.SelectBy != "dice") throw new ArgumentException($"select_by '{request.SelectBy}' is not supported yet: use dice");
    }
}
