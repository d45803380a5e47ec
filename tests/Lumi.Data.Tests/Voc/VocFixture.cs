using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Lumi.Data.Tests.Voc;

/// <summary>Builds small VOCdevkit roots in a temporary folder.</summary>
internal sealed class VocFixture : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("lumi-voc-").FullName;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>A root with the three folders and the given split files.</summary>
    public string Root(string name, params (string Split, string[] Ids)[] splits)
    {
        string root = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        System.IO.Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        System.IO.Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        foreach ((string split, string[] ids) in splits)
        {
            File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", split + ".txt"), ids);
        }
        return root;
    }

    public static string Image(string root, string fileName, int width, int height) =>
        ImageFile(Path.Combine(root, "JPEGImages", fileName), width, height);

    /// <summary>A plain image at <paramref name="path"/>, its format chosen by the extension.</summary>
    public static string ImageFile(string path, int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(90, 120, 150));
        image.Save(path);
        return path;
    }

    public static string Annotation(string root, string id, string xml)
    {
        string path = Path.Combine(root, "Annotations", id + ".xml");
        File.WriteAllText(path, xml);
        return path;
    }

    /// <summary>An annotation with a size (none when width is 0) and objects (name, xmin, ymin, xmax, ymax, difficult).</summary>
    public static string Xml(int width, int height, params (string Name, double XMin, double YMin, double XMax, double YMax, int Difficult)[] objects)
    {
        var text = new System.Text.StringBuilder("<annotation>\n  <filename>x.jpg</filename>\n");
        if (width > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  <size><width>{width}</width><height>{height}</height><depth>3</depth></size>\n");
        }
        foreach (var o in objects)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  <object><name>{o.Name}</name><truncated>0</truncated><difficult>{o.Difficult}</difficult>" +
                $"<bndbox><xmin>{o.XMin}</xmin><ymin>{o.YMin}</ymin><xmax>{o.XMax}</xmax><ymax>{o.YMax}</ymax></bndbox></object>\n");
        }
        return text.Append("</annotation>\n").ToString();
    }
}
