namespace GazeInsight.Metrics;

/// <summary>
/// The two directed surface-distance sets of a prediction/truth pair, in voxel scan (C) order.
/// A non-empty mask always has a non-empty surface, so an empty array means an empty mask;
/// distances to an empty surface are +∞.
/// </summary>
/// <param name="PredictionToTruth">For each prediction surface voxel, the distance to the nearest truth surface voxel.</param>
/// <param name="TruthToPrediction">For each truth surface voxel, the distance to the nearest prediction surface voxel.</param>
public sealed record DirectedDistances(double[] PredictionToTruth, double[] TruthToPrediction);
