using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Vlm;

/// <summary>Checks a VLM's reply text against the description schema and the prompt's vocabularies.</summary>
public static partial class DescriptionReply
{
    /// <summary>
    /// Parses <paramref name="content"/> (a JSON object, possibly inside a ``` fence or with text
    /// around it) into a description for <paramref name="id"/>. Enumerated values are matched
    /// case-insensitively and stored in the prompt's spelling ("center" is read as "centre").
    /// </summary>
    /// <returns>The description, or null and the first problem found.</returns>
    public static (LesionDescription? Description, string? Problem) Parse(string id, string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return (null, "empty reply");
        }

        int start = content.IndexOf('{');
        int end = content.LastIndexOf('}');
        if (start < 0 || end < start)
        {
            return (null, "no JSON object in the reply");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content[start..(end + 1)]);
        }
        catch (JsonException e)
        {
            return (null, $"reply is not valid JSON: {e.Message}");
        }

        LesionDescription d;
        using (doc)
        {
            var (parsed, problem) = DescriptionFile.FromObject(doc.RootElement, requireId: false, id: id);
            if (parsed is null)
            {
                return (null, problem);
            }

            d = parsed;
        }

        var location = Pick(d.Location.Replace("center", "centre", StringComparison.OrdinalIgnoreCase), DescriptionPrompt.Locations);
        if (location is null)
        {
            return (null, $"'{DescriptionFile.Location}' is \"{d.Location}\", not one of {string.Join(", ", DescriptionPrompt.Locations)}");
        }

        var boundary = Pick(d.Boundary, DescriptionPrompt.Boundaries);
        if (boundary is null)
        {
            return (null, $"'{DescriptionFile.Boundary}' is \"{d.Boundary}\", not one of {string.Join(", ", DescriptionPrompt.Boundaries)}");
        }

        var confidence = Pick(d.Confidence, DescriptionPrompt.Confidences);
        if (confidence is null)
        {
            return (null, $"'{DescriptionFile.Confidence}' is \"{d.Confidence}\", not one of {string.Join(", ", DescriptionPrompt.Confidences)}");
        }

        var area = NormaliseArea(d.AreaPercentage);
        if (area is null)
        {
            return (null, $"'{DescriptionFile.AreaPercentage}' is \"{d.AreaPercentage}\", not a percentage between 0% and 100% such as \"12%\" or \"<1%\"");
        }

        foreach (var (key, value) in new[] { (DescriptionFile.Characteristics, d.Characteristics), (DescriptionFile.Remarks, d.Remarks) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return (null, $"'{key}' is empty");
            }

            if (value.Length > DescriptionPrompt.MaxFreeTextLength)
            {
                return (null, $"'{key}' is {value.Length} characters long, more than {DescriptionPrompt.MaxFreeTextLength}");
            }
        }

        return (d with
        {
            Location = location,
            Boundary = boundary,
            Characteristics = d.Characteristics.Trim(),
            AreaPercentage = area,
            Confidence = confidence,
            Remarks = d.Remarks.Trim(),
        }, null);
    }

    private static string? Pick(string value, IReadOnlyList<string> allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string? NormaliseArea(string value)
    {
        var m = AreaPattern().Match(value);
        if (!m.Success)
        {
            return null;
        }

        if (m.Groups["lt"].Success)
        {
            return "<1%";
        }

        double low = double.Parse(m.Groups["a"].Value, CultureInfo.InvariantCulture);
        double high = m.Groups["b"].Success ? double.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture) : low;
        if (low > 100 || high > 100 || high < low)
        {
            return null;
        }

        // A range is read as its midpoint, so that every description renders one number.
        var percent = (int)Math.Round((low + high) / 2, MidpointRounding.AwayFromZero);
        return percent.ToString(CultureInfo.InvariantCulture) + "%";
    }

    [GeneratedRegex(@"^\s*(?:(?<lt><\s*1)|(?<a>\d{1,3}(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(?<b>\d{1,3}(?:\.\d+)?))?)\s*%\s*$")]
    private static partial Regex AreaPattern();
}
