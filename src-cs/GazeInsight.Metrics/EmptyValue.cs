namespace GazeInsight.Metrics;

/// <summary>The value an overlap score takes when it is 0/0 (both masks empty).</summary>
public enum EmptyValue
{
    /// <summary>0: an empty prediction of an empty truth counts as a miss.</summary>
    Zero,

    /// <summary>1: an empty prediction of an empty truth counts as perfect.</summary>
    One,

    /// <summary>NaN: undefined, left out of means (and counted as missing).</summary>
    NaN,
}
