namespace GazeInsight.Torch.Benchmarks;

/// <summary>
/// Figures of one training-step benchmark. PeakResidentBytes: the process's peak resident set
/// (CPU memory, libtorch included); PeakDeviceBytes: the most GPU memory in use seen through NVML
/// after a step (the caching allocator's reserve, so above PyTorch's max_memory_allocated), or
/// null on the CPU or without NVML.
/// </summary>
public sealed record TrainStepBenchmarkResult(
    string Device, int BatchSize, int ImageSize, int Iterations, double ImagesPerSecond, double MillisecondsPerIteration,
    long PeakResidentBytes, long? PeakDeviceBytes, double FinalLoss, long TeacherParameters, long StudentParameters);
