using System.Text.Json.Nodes;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Vlm;

/// <summary>
/// The clinically constrained prompt that asks a VLM for the structured description, the
/// vocabularies it restricts the answer to, and the JSON schema passed as <c>response_format</c>.
/// Changing any of it must change <see cref="Version"/>: the cache key includes it.
/// </summary>
public static class DescriptionPrompt
{
    /// <summary>Prompt version, part of every cache key.</summary>
    public const string Version = "gi-describe-v1";

    /// <summary>Allowed Location values: the cell of a 3 x 3 grid holding the lesion's centre, or diffuse.</summary>
    public static IReadOnlyList<string> Locations { get; } =
    [
        "upper left", "upper centre", "upper right",
        "centre left", "centre", "centre right",
        "lower left", "lower centre", "lower right",
        "diffuse",
    ];

    /// <summary>Allowed Boundary values.</summary>
    public static IReadOnlyList<string> Boundaries { get; } = ["well-defined", "irregular", "ill-defined"];

    /// <summary>Allowed Confidence values.</summary>
    public static IReadOnlyList<string> Confidences { get; } = ["high", "medium", "low"];

    /// <summary>Longest accepted free-text value (Characteristics, Remarks), in characters.</summary>
    public const int MaxFreeTextLength = 300;

    /// <summary>The system message.</summary>
    public static string System { get; } =
        "You assist in medical image segmentation research. You describe the visible appearance of the single most "
        + "salient lesion in a medical image (endoscopy, dermoscopy, radiology) using standard descriptive terms only. "
        + "You do not diagnose, speculate about pathology, or give advice. You answer with one JSON object and nothing else.";

    /// <summary>The user message sent with the image.</summary>
    public static string User { get; } =
        "Describe the most salient lesion in this image. Reply with only a JSON object with exactly these keys:\n"
        + $"\"{DescriptionFile.Location}\": where the lesion's centre lies in a 3x3 grid over the image, one of {Quoted(Locations)};\n"
        + $"\"{DescriptionFile.Boundary}\": one of {Quoted(Boundaries)};\n"
        + $"\"{DescriptionFile.Characteristics}\": colour and texture in a few words, e.g. \"reddish colour, granular texture\";\n"
        + $"\"{DescriptionFile.AreaPercentage}\": the lesion's share of the image area as a whole percentage, e.g. \"12%\", or \"<1%\";\n"
        + $"\"{DescriptionFile.Confidence}\": how certain the description is, one of {Quoted(Confidences)};\n"
        + $"\"{DescriptionFile.Remarks}\": one short sentence on other visible regions that could be mistaken for the lesion, or \"No other abnormal regions.\"\n"
        + "All values are strings. If no lesion is visible, describe the most suspicious region and set Confidence to \"low\".";

    /// <summary>The message asking again after an invalid reply.</summary>
    public static string Retry(string problem) =>
        $"That reply was not valid: {problem}. Reply again with only the JSON object, exactly the six keys, and the allowed values.";

    /// <summary>The JSON schema of the reply (OpenAI structured-output form: name, strict, schema).</summary>
    public static JsonObject JsonSchema()
    {
        static JsonObject Enum(IReadOnlyList<string> values) =>
            new() { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) };

        static JsonObject Str() => new() { ["type"] = "string" };

        return new JsonObject
        {
            ["name"] = "lesion_description",
            ["strict"] = true,
            ["schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    [DescriptionFile.Location] = Enum(Locations),
                    [DescriptionFile.Boundary] = Enum(Boundaries),
                    [DescriptionFile.Characteristics] = Str(),
                    [DescriptionFile.AreaPercentage] = Str(),
                    [DescriptionFile.Confidence] = Enum(Confidences),
                    [DescriptionFile.Remarks] = Str(),
                },
                ["required"] = new JsonArray(DescriptionFile.FieldNames.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
                ["additionalProperties"] = false,
            },
        };
    }

    private static string Quoted(IReadOnlyList<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
