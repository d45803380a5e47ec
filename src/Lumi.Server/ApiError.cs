namespace Lumi.Server;

/// <summary>Every error the server answers: <c>{"error": "..."}</c>, one line that says what is wrong and what to send instead.</summary>
public sealed record ApiError(string Error);
