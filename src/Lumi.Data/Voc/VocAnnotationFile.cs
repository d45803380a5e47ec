using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Lumi.Data.Errors;

namespace Lumi.Data.Voc;

/// <summary>
/// Reads and writes Pascal VOC annotation XML. Reading converts each box once to Lumi's 0-based
/// continuous coordinates (<c>xmin − 1, ymin − 1, xmax, ymax</c>; float coordinates accepted) and writing
/// is the exact inverse (1-based again), so a written file reads back to the same float32 boxes.
/// </summary>
/// <remarks>
/// Files are read safely: no DTD is processed and nothing outside the file is resolved, so a file with
/// a <c>&lt;!DOCTYPE&gt;</c> — the carrier of XXE and "billion laughs" entity expansion — is refused with an
/// error, never expanded. Errors are <see cref="InputDataException"/>s naming the file and line.
/// </remarks>
public static class VocAnnotationFile
{
    /// <summary>Annotation files larger than this are refused (a real one is a few kilobytes).</summary>
    public const int MaxFileBytes = 16 << 20;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersInDocument = MaxFileBytes,
        MaxCharactersFromEntities = 0,
    };

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static VocAnnotation Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new InputDataException($"{path}: annotation file not found");
            }
            if (info.Length > MaxFileBytes)
            {
                throw new InputDataException($"{path}: {info.Length} bytes is too large for an annotation file (limit {MaxFileBytes})");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot read the annotation: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses annotation XML held in <paramref name="bytes"/>; <paramref name="name"/> is used in messages.</summary>
    public static VocAnnotation Parse(byte[] bytes, string name)
    {
        XDocument document;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            if (DoctypeLine(bytes) is int line)
            {
                throw new InputDataException(
                    $"{name}:{line}: annotation files may not contain a DTD (<!DOCTYPE>); it was refused, not expanded: " +
                    "entity definitions can read other files (XXE) or expand without bound (\"billion laughs\")", e);
            }
            throw new InputDataException($"{name}:{e.LineNumber}: malformed XML: {e.Message}", e);
        }
        XElement root = document.Root!;
        if (root.Name.LocalName != "annotation")
        {
            throw new InputDataException($"{name}:{Line(root)}: the root element is <{root.Name.LocalName}>; a VOC annotation's is <annotation>");
        }
        string? fileName = root.Element("filename")?.Value.Trim();
        int width = 0;
        int height = 0;
        int depth = 3;
        if (root.Element("size") is { } size)
        {
            width = ReadSize(size, "width", name);
            height = ReadSize(size, "height", name);
            depth = ReadSize(size, "depth", name) is > 0 and var d ? d : 3;
        }
        var objects = new List<VocObject>();
        foreach (XElement element in root.Elements("object"))
        {
            objects.Add(ReadObject(element, name));
        }
        return new VocAnnotation(string.IsNullOrEmpty(fileName) ? null : fileName, width, height, objects) { Depth = depth };
    }

    /// <summary>
    /// Writes <paramref name="annotation"/> to <paramref name="path"/> as VOC XML (1-based coordinates),
    /// through a temporary file renamed into place.
    /// </summary>
    public static void Write(string path, VocAnnotation annotation, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(annotation);
        var root = new XElement("annotation");
        if (folder is not null)
        {
            root.Add(new XElement("folder", folder));
        }
        if (annotation.FileName is not null)
        {
            root.Add(new XElement("filename", annotation.FileName));
        }
        root.Add(new XElement("size",
            new XElement("width", annotation.Width),
            new XElement("height", annotation.Height),
            new XElement("depth", annotation.Depth)));
        root.Add(new XElement("segmented", 0));
        foreach (VocObject o in annotation.Objects)
        {
            root.Add(new XElement("object",
                new XElement("name", o.Name),
                new XElement("pose", "Unspecified"),
                new XElement("truncated", o.Truncated ? 1 : 0),
                new XElement("difficult", o.Difficult ? 1 : 0),
                new XElement("bndbox",
                    new XElement("xmin", OneBased(o.Box.X1)),
                    new XElement("ymin", OneBased(o.Box.Y1)),
                    new XElement("xmax", Number(o.Box.X2)),
                    new XElement("ymax", Number(o.Box.Y2)))));
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        string temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            var settings = new XmlWriterSettings { Indent = true, IndentChars = "\t", Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true };
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = XmlWriter.Create(stream, settings))
            {
                root.WriteTo(writer);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    // float → double is exact and so is adding 1 for any coordinate below 2^29: reading subtracts the 1 again.
    private static string OneBased(float value) => ((double)value + 1).ToString("R", CultureInfo.InvariantCulture);

    private static string Number(float value) => ((double)value).ToString("R", CultureInfo.InvariantCulture);

    private static VocObject ReadObject(XElement element, string file)
    {
        string objectName = element.Element("name")?.Value.Trim() ?? "";
        if (objectName.Length == 0)
        {
            throw new InputDataException($"{file}:{Line(element)}: <object> has no <name>");
        }
        XElement box = element.Element("bndbox")
            ?? throw new InputDataException($"{file}:{Line(element)}: <object> '{objectName}' has no <bndbox>");
        double xmin = ReadCoordinate(box, "xmin", file);
        double ymin = ReadCoordinate(box, "ymin", file);
        double xmax = ReadCoordinate(box, "xmax", file);
        double ymax = ReadCoordinate(box, "ymax", file);
        var vocBox = new VocBox((float)(xmin - 1), (float)(ymin - 1), (float)xmax, (float)ymax);
        return new VocObject(objectName, vocBox, ReadFlag(element, "difficult", file), ReadFlag(element, "truncated", file));
    }

    private static double ReadCoordinate(XElement box, string name, string file)
    {
        XElement element = box.Element(name)
            ?? throw new InputDataException($"{file}:{Line(box)}: <bndbox> has no <{name}>");
        string text = element.Value.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new InputDataException($"{file}:{Line(element)}: <{name}> is '{text}'; expected a number");
        }
        return value;
    }

    private static int ReadSize(XElement size, string name, string file)
    {
        if (size.Element(name) is not { } element)
        {
            return 0;
        }
        string text = element.Value.Trim();
        if (text.Length == 0)
        {
            return 0;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value > int.MaxValue || value != Math.Floor(value))
        {
            throw new InputDataException($"{file}:{Line(element)}: <{name}> is '{text}'; expected a whole number of pixels");
        }
        return (int)value;
    }

    private static bool ReadFlag(XElement obj, string name, string file)
    {
        if (obj.Element(name) is not { } element)
        {
            return false;
        }
        string text = element.Value.Trim();
        return text switch
        {
            "" or "0" => false,
            "1" => true,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && (v == 0 || v == 1) => v == 1,
            _ => throw new InputDataException($"{file}:{Line(element)}: <{name}> is '{text}'; expected 0 or 1"),
        };
    }

    private static int Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    /// <summary>The 1-based line of the first <c>&lt;!DOCTYPE</c>, or null (the reader's exception gives no line for it).</summary>
    private static int? DoctypeLine(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        int at = text.IndexOf("<!DOCTYPE", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : 1 + text.AsSpan(0, at).Count('\n');
    }
}
