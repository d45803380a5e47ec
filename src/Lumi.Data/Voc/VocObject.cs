namespace Lumi.Data.Voc;

/// <summary>One <c>&lt;object&gt;</c> of a VOC annotation: class name, box (0-based continuous), and VOC's flags.</summary>
public sealed record VocObject(string Name, VocBox Box, bool Difficult = false, bool Truncated = false);
