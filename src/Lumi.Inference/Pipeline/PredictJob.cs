using System.Globalization;
using Lumi.Data.Errors;
using Lumi.Data.Inputs;
using Lumi.Inference.Outputs;

namespace Lumi.Inference.Pipeline;

/// <summary>
/// One <c>lumi predict</c> run: expands the inputs, takes the shard, checks the filters and output names, opens the
/// writers, runs the <see cref="PredictionPipeline"/> with progress on stderr, and finishes with a summary on stderr.
/// Data goes to stdout only when no <c>--output</c> is given.
/// </summary>
public static class PredictJob
{
    /// <summary>Failed images named one by one in the summary; the rest are counted.</summary>
    public const int ListedFailures = 10;

    public static PipelineSummary Run(Detector detector, PredictRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        request.Validate();
        var filter = ClassFilter.Create(detector.Classes, request.OnlyClasses, request.IgnoreClasses);

        InputExpansion expansion = PredictInputs.Expand(request.Inputs, request.Recursive);
        string skipped = expansion.SkippedNonImages > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; {expansion.SkippedNonImages} non-image file(s) skipped")
            : "";
        if (expansion.Files.Count == 0)
        {
            throw new InputDataException($"{string.Join(", ", request.Inputs)}: no images to predict{skipped}" +
                (request.Recursive ? "" : " (add --recursive to search subfolders)"));
        }
        IReadOnlyList<string> files = request.Shard.Select(expansion.Files);
        if (request.Shard.Count > 1)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Shard {request.Shard}: {files.Count} of {expansion.Files.Count} images"));
        }
        if (request.Format == OutputFormat.Voc) CheckNames(files, f => VocXmlWriter.PathFor(request.Output!, f), "--format voc");
        if (request.MediaFolder is not null) CheckNames(files, f => MediaWriter.PathFor(request.MediaFolder, f), "--save-media-to");

        var writers = new List<IPredictionWriter>(2);
        try
        {
            writers.Add(request.Format switch
            {
                OutputFormat.Voc => new VocXmlWriter(request.Output!),
                OutputFormat.Coco => new CocoResultsWriter(Open(request.Output, stdout)),
                OutputFormat.Csv => new CsvWriter(Open(request.Output, stdout)),
                _ => new JsonLinesWriter(Open(request.Output, stdout)),
            });
            if (request.MediaFolder is not null) writers.Add(new MediaWriter(request.MediaFolder));

            var pipeline = new PredictionPipeline(detector, request.Pipeline with { Classes = filter, KeepOriginals = request.MediaFolder is not null });
            var progress = new PredictProgress(stderr, files.Count);
            var failures = new List<string>();
            PipelineSummary summary = pipeline.Run(files, prediction =>
            {
                foreach (IPredictionWriter writer in writers) writer.Write(prediction);
                if (prediction.Failed && failures.Count < ListedFailures) failures.Add($"{prediction.File}: {prediction.Error}");
            }, progress.Report, cancellation);
            foreach (IPredictionWriter writer in writers) writer.Complete();
            Report(summary, files.Count, skipped, failures, request, stderr);
            return summary;
        }
        finally
        {
            foreach (IPredictionWriter writer in writers) writer.Dispose();
        }
    }

    private static TextOutput Open(string? path, TextWriter stdout) => path is null ? TextOutput.ToStream(stdout) : TextOutput.ToFile(path);

    private static void CheckNames(IReadOnlyList<string> files, Func<string, string> pathFor, string option)
    {
        if (OutputNames.FirstCollision(files, pathFor) is var (first, second, output))
        {
            throw new UsageException($"{option}: {first} and {second} would both be written to {output}; predict them in separate runs or rename one");
        }
    }

    private static void Report(PipelineSummary summary, int total, string skipped, List<string> failures, PredictRequest request, TextWriter stderr)
    {
        foreach (string failure in failures) stderr.WriteLine($"failed: {failure}");
        if (summary.Failed > failures.Count) stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed: and {summary.Failed - failures.Count} more"));
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Predicted {summary.Written} of {total} images in {summary.Seconds:F1} s ({summary.ImagesPerSecond:F2} images/s): " +
            $"{summary.Detections} detections, {summary.Failed} failed{skipped}"));
        if (request.Output is not null) stderr.WriteLine($"Wrote {Path.GetFullPath(request.Output)}");
        if (request.MediaFolder is not null) stderr.WriteLine($"Drew the detections into {Path.GetFullPath(request.MediaFolder)}");
    }
}
