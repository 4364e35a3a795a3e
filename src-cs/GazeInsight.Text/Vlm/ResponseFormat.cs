namespace GazeInsight.Text.Vlm;

/// <summary>What the request asks of the server's output format.</summary>
public enum ResponseFormat
{
    /// <summary><c>{"type": "json_schema", ...}</c>: the schema itself (OpenAI, vLLM, recent Ollama and llama.cpp).</summary>
    JsonSchema,

    /// <summary><c>{"type": "json_object"}</c>: any JSON object (older servers); the prompt and validation do the rest.</summary>
    JsonObject,

    /// <summary>No <c>response_format</c> field (servers that reject it).</summary>
    None,
}
