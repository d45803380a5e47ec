using System.Text;

namespace Lumi.Inference.Outputs;

/// <summary>
/// Where a text format goes: a stream such as stdout (flushed after each image, never closed), or a file written under a
/// temporary name in the same folder and renamed into place by <see cref="Commit"/>.
/// </summary>
public sealed class TextOutput : IDisposable
{
    private readonly string? _path;
    private readonly string? _temporary;
    private bool _committed;

    private TextOutput(TextWriter writer, string? path, string? temporary)
    {
        Writer = writer;
        _path = path;
        _temporary = temporary;
    }

    public TextWriter Writer { get; }

    /// <summary>The file written, or null for a stream.</summary>
    public string? Path => _path;

    /// <summary>Text to <paramref name="writer"/>, which stays open.</summary>
    public static TextOutput ToStream(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new TextOutput(writer, null, null);
    }

    /// <summary>Text to <paramref name="path"/> (UTF-8, no byte-order mark, '\n' line ends), through a temporary file.</summary>
    public static TextOutput ToFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false), bufferSize: 1 << 16) { NewLine = "\n" };
        return new TextOutput(writer, full, temporary);
    }

    /// <summary>Called after each image: a stream sees every finished line at once.</summary>
    public void EndOfRecord()
    {
        if (_path is null) Writer.Flush();
    }

    /// <summary>Flushes; for a file, closes it and renames it to its real name.</summary>
    public void Commit()
    {
        Writer.Flush();
        if (_path is not null && !_committed)
        {
            Writer.Dispose();
            File.Move(_temporary!, _path, overwrite: true);
        }
        _committed = true;
    }

    public void Dispose()
    {
        if (_path is not null)
        {
            Writer.Dispose();
            if (!_committed && File.Exists(_temporary)) File.Delete(_temporary);
        }
    }
}
