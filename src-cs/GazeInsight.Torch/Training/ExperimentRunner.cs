using System.Diagnostics;
using GazeInsight.Imaging;
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
        TorchBackend.UseTf32(device);
        Determinism.Seed(request.Seed, device);
        Directory.CreateDirectory(request.OutputDir);

        var dataset = SegmentationDataset.Open(request.DataRoot, request.Layout, request.GazeMap);
        var (trainIds, validationIds) = dataset.SplitValidation(request.ValidationFraction, seed: 0);
        if (dataset.TestIds.Count == 0)
            throw new InvalidInputException(Path.Combine(request.DataRoot, "test.txt"), null, "lists no ids: a cell is evaluated on the test split");
        var shape = MethodFactory.ShapeOf(dataset, trainIds, request.Method);
        using var method = MethodFactory.Create(request, shape, device);
        var checkpoints = new CheckpointStore(request.OutputDir);
        checkpoints.WriteDataShape(shape);
        // the teacher reads text at test time too (method.md §3): every split needs embeddings
        var text = MethodFactory.ReadsText(request.Method) ? new EmbeddingStore(request.DataRoot) : null;
        using var train = PreparedSplit.Load(dataset, trainIds, request.ImageSize, device, requireGaze: MethodFactory.ReadsGaze(request.Method), text);
        using var validation = PreparedSplit.Load(dataset, validationIds, request.ImageSize, device, requireGaze: false, text);
        using var test = PreparedSplit.Load(dataset, dataset.TestIds, request.ImageSize, device, requireGaze: false, text);
        var sampler = new BatchSampler(train.Count, request.BatchSize, request.Seed, request.RandomFlips);
        var schedule = new LearningRateSchedule(request.Optimizer.LearningRate, request.Optimizer.MinLearningRate,
            sampler.IterationsPerEpoch, request.Iterations);
        var resumed = checkpoints.TryResume(method);
        if (resumed is null) method.InitialiseForegroundPrior(train.Masks, train.Gaze);
        var state = resumed ?? new CheckpointState(0, double.NegativeInfinity, -1, [], 0);
        var curve = state.Curve.ToList();
        // SummaryWriter is not IDisposable in TorchSharp 0.107: it writes each event as it comes
        var events = torch.utils.tensorboard.SummaryWriter(Path.Combine(request.OutputDir, "tensorboard"));
        var lossLog = new LossLog(Path.Combine(request.OutputDir, LossLog.FileName), (method as ILossTerms)?.LossTermNames ?? []);

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
                    // no collection during the step: TorchSharp's temporary Scalars (GcPause)
                    GcPause.Run(() => lossSum.add_(method.TrainStep(batch, iteration)));
                    lossCount++;
                }

                var done = iteration + 1;
                var evaluate = done % request.EvalEvery == 0 || done == request.Iterations;
                if (done % LogEvery == 0 || evaluate)
                {
                    lastLoss = lossSum.item<float>() / lossCount;
                    lossSum.zero_();
                    lossCount = 0;
                    // the parts are logged before the divergence check, so a collapse shows which one went
                    var terms = (method as ILossTerms)?.TakeLossTerms() ?? [];
                    foreach (var (name, value) in terms) events.add_scalar($"train/{name}", (float)value, done);
                    lossLog.Append(done, lastLoss, learningRate, terms);
                    if (!double.IsFinite(lastLoss))
                        throw new TrainingDivergedException(
                            $"loss became {lastLoss} before iteration {done}; the last good checkpoint is kept in {checkpoints.LastFolder}");
                    events.add_scalar("train/loss", (float)lastLoss, done);
                    events.add_scalar("train/learning_rate", (float)learningRate, done);
                    progress?.Report(new TrainingProgress(done, request.Iterations, lastLoss, null));
                }
                if (!evaluate) continue;

                // every output is validated (teacher and student curves side by side); the selection
                // output's select_by metric alone picks the best checkpoint; the curve shows Dice
                var validated = method.Outputs.ToDictionary(o => o,
                    o => GcPause.Run(() => Evaluator.Evaluate(method, o, validation, request.BatchSize, surfaceMetrics: false)));
                var score = Score(validated[request.SelectOutput], request.SelectBy);
                var diceByOutput = validated.ToDictionary(v => v.Key, v => Score(v.Value, SelectionMetric.Dice));
                var validationDice = diceByOutput[request.SelectOutput];
                foreach (var (output, dice) in diceByOutput)
                    events.add_scalar($"validation/dice/{output.ToString().ToLowerInvariant()}", (float)dice, done);
                if (request.SelectBy != SelectionMetric.Dice)
                    events.add_scalar($"validation/{request.SelectBy.ToString().ToLowerInvariant()}/{request.SelectOutput.ToString().ToLowerInvariant()}", (float)score, done);
                curve.Add(new CurvePoint(done, lastLoss, learningRate, validationDice) { ValidationByOutput = diceByOutput });
                var isBest = score > state.BestScore;
                state = new CheckpointState(done, isBest ? score : state.BestScore, isBest ? done : state.BestIteration,
                    curve.ToArray(), state.TrainSeconds + clock.Elapsed.TotalSeconds);
                clock.Restart();
                if (isBest) checkpoints.SaveBest(method, state);
                checkpoints.SaveLast(method, state);
                progress?.Report(new TrainingProgress(done, request.Iterations, lastLoss, validationDice));
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
            evaluations.Add(new EvaluationResult(output, CheckpointKind.Last, GcPause.Run(() => Evaluator.Evaluate(method, output, test, request.BatchSize))));
        if (checkpoints.HasBest)
        {
            checkpoints.LoadBest(method);
            foreach (var output in method.Outputs)
                evaluations.Add(new EvaluationResult(output, CheckpointKind.Best, GcPause.Run(() => Evaluator.Evaluate(method, output, test, request.BatchSize))));
        }

        return new ExperimentReport
        {
            Evaluations = evaluations,
            Curve = curve,
            BestIteration = state.BestIteration,
            SelectOutput = request.SelectOutput,
            TrainSeconds = trainSeconds,
            ImagesPerSecond = imagesPerSecond,
            Device = device.ToString(),
        };
    }

    /// <summary>The validation score: the mean of the selection metric over the validation cases (0 without any).</summary>
    private static double Score(IReadOnlyList<CaseMetrics> cases, SelectionMetric metric) =>
        cases.Count == 0 ? 0 : cases.Average(c => metric == SelectionMetric.IoU ? c.IoU : c.Dice);

    private static void Validate(ExperimentRequest request)
    {
        var outputs = MethodFactory.Outputs(request.Method);
        if (!outputs.Contains(request.SelectOutput))
            throw new ArgumentException($"select_output '{request.SelectOutput.ToString().ToLowerInvariant()}' is not an output of this method: expected one of "
                + string.Join(", ", outputs.Select(o => o.ToString().ToLowerInvariant())));
        if (request.Iterations <= 0) throw new ArgumentException($"iterations must be positive, got {request.Iterations}");
        if (request.EvalEvery <= 0) throw new ArgumentException($"eval_every must be positive, got {request.EvalEvery}");
        if (request.ImageSize < 16 || request.ImageSize % 16 != 0)
            throw new ArgumentException($"image size must be a multiple of 16 (four 2x2 poolings), got {request.ImageSize}");
    }
}
