using System.CommandLine;
using System.Globalization;
using Lumi.Cli.Errors;
using Lumi.Data.Classes;
using Lumi.Data.Conversion;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Synthetic;
using Lumi.Data.Voc;

namespace Lumi.Cli.Commands;

/// <summary><c>lumi dataset</c>: synthesize, check and convert VOC-format datasets (issue 9). The work is in Lumi.Data.</summary>
public static class DatasetCommand
{
    /// <summary>Warnings printed one by one before the rest are only counted.</summary>
    public const int WarningsListed = 20;

    public static Command Create()
    {
        var command = new Command("dataset", "Check, synthesize and convert VOC-format datasets.");
        command.Subcommands.Add(Synth());
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Convert());
        return command;
    }

    private static Command Synth()
    {
        var defaults = new SyntheticVocOptions();
        var output = new Option<string?>("--output") { Description = "The new dataset folder (must not exist or be empty).", HelpName = "DIR" };
        var images = new Option<int>("--images") { Description = "Number of images.", DefaultValueFactory = _ => defaults.Images };
        var classes = new Option<string?>("--classes")
        {
            Description = $"Class names, comma-separated (or a file, one per line); a shape's name ({string.Join(", ", Enum.GetNames<SyntheticShape>().Select(n => n.ToLowerInvariant()))}) gets that shape. Default: {string.Join(",", defaults.Classes)}.",
            HelpName = "a,b,c",
        };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and options give the same files.", DefaultValueFactory = _ => defaults.Seed };
        var size = new Option<string>("--size") { Description = "Image size.", HelpName = "WxH", DefaultValueFactory = _ => $"{defaults.Width}x{defaults.Height}" };
        var command = new Command("synth", "Write a synthetic VOC-format dataset: shapes of distinct colours on cluttered backgrounds, with train/val/test/trainval splits.");
        foreach (var option in new Option[] { output, images, classes, seed, size })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            string dir = result.GetValue(output) ?? throw new UsageException("lumi dataset synth: give the dataset folder with --output DIR");
            (int width, int height) = ParseSize(result.GetValue(size)!);
            var options = defaults with
            {
                Images = result.GetValue(images),
                Seed = result.GetValue(seed),
                Width = width,
                Height = height,
                Classes = result.GetValue(classes) is string spec ? ClassList.Parse(spec).ToArray() : defaults.Classes,
            };
            var progress = new ProgressLine(result.InvocationConfiguration.Error, "synth", options.Images);
            SyntheticVocSummary summary = SyntheticVoc.Write(dir, options, progress);
            result.InvocationConfiguration.Output.WriteLine(summary);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check()
    {
        var root = new Argument<string>("DIR") { Description = "A VOCdevkit root (Annotations/, ImageSets/Main/, JPEGImages/)." };
        var split = new Option<string[]>("--split") { Description = "A split to check (ImageSets/Main/SPLIT.txt); repeat for several. Default: every split.", HelpName = "SPLIT", AllowMultipleArgumentsPerToken = false };
        var classes = CommonOptions.Classes();
        classes.Description = "The class names training will use (a preset, a file or a comma-separated list); objects of other classes are errors. Default: the names found.";
        var decode = new Option<bool>("--decode") { Description = "Decode every image completely (finds corrupt pixel data; slower) instead of reading headers." };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Largest image accepted (width x height), as data.max_pixels.", DefaultValueFactory = _ => ImageDecoder.DefaultMaxPixels };
        var command = new Command("check", "Validate a VOC-format dataset without training: counts, sizes and every problem, named by file. Exits 3 when any problem is an error.");
        command.Arguments.Add(root);
        foreach (var option in new Option[] { split, classes, decode, maxPixels })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            long limit = result.GetValue(maxPixels);
            if (limit < 1)
                throw new UsageException($"--max-pixels: {limit} must be at least 1");
            var options = new VocCheckOptions
            {
                Root = result.GetValue(root)!,
                Splits = result.GetValue(split) ?? [],
                Classes = CommonOptions.GetClasses(result, classes),
                MaxPixels = limit,
                Decode = result.GetValue(decode),
            };
            TextWriter stderr = result.InvocationConfiguration.Error;
            VocCheckReport report = VocCheck.Run(options, new ProgressLine(stderr, "check", CountListed(options)));
            report.WriteTo(result.InvocationConfiguration.Output);
            if (report.Errors > 0)
            {
                stderr.WriteLine($"lumi dataset check: {report.Errors} error(s) in {options.Root}; see the report");
                return ExitCodes.InputData;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Convert()
    {
        var from = new Option<string?>("--from") { Description = "The source format.", HelpName = "coco|yolo" };
        var annotations = new Option<string?>("--annotations") { Description = "COCO: the instances JSON file.", HelpName = "FILE.json" };
        var labels = new Option<string?>("--labels") { Description = "YOLO: the folder of label files (<image stem>.txt).", HelpName = "DIR" };
        var images = new Option<string?>("--images") { Description = "The image folder (COCO: what file_name is relative to).", HelpName = "DIR" };
        var classes = CommonOptions.Classes();
        classes.Description = "YOLO: the class names in index order (a file with one name per line, as YOLO's classes.txt, or a comma-separated list).";
        var output = new Option<string?>("--output") { Description = "The new VOCdevkit root (must not exist or be empty).", HelpName = "DIR" };
        var split = new Option<string>("--split") { Description = "The split the images are listed in (ImageSets/Main/SPLIT.txt).", DefaultValueFactory = _ => "trainval" };
        var symlink = new Option<bool>("--symlink") { Description = "Link the images into JPEGImages/ instead of copying them." };
        var command = new Command("convert", "Convert COCO instances JSON or YOLO txt labels, with their images, to the VOC layout.");
        foreach (var option in new Option[] { from, annotations, labels, images, classes, output, split, symlink })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            string format = result.GetValue(from)?.ToLowerInvariant()
                ?? throw new UsageException("lumi dataset convert: give the source format with --from coco|yolo");
            string imageDir = result.GetValue(images) ?? throw new UsageException("lumi dataset convert: give the image folder with --images DIR");
            string outputDir = result.GetValue(output) ?? throw new UsageException("lumi dataset convert: give the new dataset folder with --output DIR");
            TextWriter stderr = result.InvocationConfiguration.Error;
            var progress = new ProgressLine(stderr, "convert", 0);
            ConversionSummary summary = format switch
            {
                "coco" => CocoToVoc.Convert(new CocoConvertOptions
                {
                    Annotations = result.GetValue(annotations) ?? throw new UsageException("lumi dataset convert --from coco: give the instances JSON with --annotations FILE.json"),
                    Images = imageDir,
                    Output = outputDir,
                    Split = result.GetValue(split)!,
                    Symlink = result.GetValue(symlink),
                }, progress),
                "yolo" => YoloToVoc.Convert(new YoloConvertOptions
                {
                    Labels = result.GetValue(labels) ?? throw new UsageException("lumi dataset convert --from yolo: give the label folder with --labels DIR"),
                    Classes = CommonOptions.GetClasses(result, classes) ?? throw new UsageException("lumi dataset convert --from yolo: give the class names with --classes FILE (one per line, in index order)"),
                    Images = imageDir,
                    Output = outputDir,
                    Split = result.GetValue(split)!,
                    Symlink = result.GetValue(symlink),
                }, progress),
                _ => throw new UsageException($"--from: '{format}' is not a format Lumi converts; valid: coco, yolo"),
            };
            foreach (string warning in summary.Warnings.Take(WarningsListed))
                stderr.WriteLine($"warning: {warning}");
            if (summary.Warnings.Count > WarningsListed)
                stderr.WriteLine($"warning: and {summary.Warnings.Count - WarningsListed} more");
            foreach (string failure in summary.Failures)
                stderr.WriteLine($"error: {failure}");
            result.InvocationConfiguration.Output.WriteLine(summary);
            return summary.Failures.Count > 0 ? ExitCodes.PartialFailure : ExitCodes.Ok;
        });
        return command;
    }

    private static (int Width, int Height) ParseSize(string text)
    {
        string[] parts = text.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height))
        {
            return (width, height);
        }
        throw new UsageException($"--size: '{text}' is not a size; expected WxH, e.g. 320x320");
    }

    /// <summary>Ids listed in the splits to check (for the progress line); 0 when they cannot be read yet (the check reports why).</summary>
    private static int CountListed(VocCheckOptions options)
    {
        try
        {
            IReadOnlyList<string> splits = options.Splits.Count > 0 ? options.Splits : VocDataset.ListSplits(options.Root);
            return splits.SelectMany(s => VocDataset.ReadSplit(options.Root, s)).Distinct(StringComparer.Ordinal).Count();
        }
        catch (InputDataException)
        {
            return 0;
        }
    }
}
