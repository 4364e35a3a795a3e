namespace GazeInsight.Torch.Benchmarks;

/// <summary>
/// Figures of one training-step benchmark. PeakResidentBytes: the process's peak resident set
/// (CPU memory, libtorch included); PeakDeviceBytes: the most GPU memory in use seen through NVML
/// after a step (the caching allocator's reserve, so above PyTorch's max_memory_allocated), or
/// null on the CPU or without NVML. Threads: libtorch's intra-op threads during the run;
/// CpuSecondsPerIteration: the process's user + system CPU time over the timed steps, per step.
/// TimedStepSyncs: the host synchronisations made inside the timed steps' TrainStep calls, summed
/// over them, or null when they were not counted.
/// </summary>
public sealed record TrainStepBenchmarkResult(
    string Device, int BatchSize, int ImageSize, int Iterations, int Threads, double ImagesPerSecond, double MillisecondsPerIteration,
    double CpuSecondsPerIteration,
    long PeakResidentBytes, long? PeakDeviceBytes, double FinalLoss, long TeacherParameters, long StudentParameters,
    HostSyncCounts? TimedStepSyncs);
