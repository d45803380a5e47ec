using System.CommandLine;
using System.Globalization;
using Lumi.Cli.Errors;
using Lumi.Cli.Processes;
using Lumi.Data.Devices;
using Lumi.Data.Errors;
using Lumi.Inference;
using Lumi.Inference.Devices;
using Lumi.Inference.Outputs;
using Lumi.Inference.Pipeline;

namespace Lumi.Cli.Commands;

/// <summary>
/// <c>lumi predict</c>: detect objects in images and folders with ONNX Runtime (CUDA or CPU), in input order, every image
/// accounted for (issue 5). Parses options; the work is <see cref="PredictJob"/>. Never loads libtorch: a checkpoint is
/// exported by a child process (<see cref="ChildExport"/>).
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Images, directories, glob patterns (photos/**/*.jpg) and @list files (one input per line).", Arity = ArgumentArity.ZeroOrMore };
        var model = new Option<FileInfo?>("--model") { Description = "An ONNX graph exported by lumi export.", HelpName = "FILE.onnx" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint (id, alias or path): exported once into $LUMI_HOME/cache by a child lumi export, then as --model.", HelpName = "ID|ALIAS|PATH" };
        var output = new Option<string?>("--output") { Description = "Write the predictions here instead of stdout (a folder for --format voc).", HelpName = "FILE|DIR" };
        var format = new Option<string?>("--format") { Description = "jsonl (one JSON object per image and line), coco (pycocotools results), voc (one XML per image into --output DIR) or csv. Default: predict.format.", HelpName = "jsonl|coco|voc|csv" };
        var media = new Option<string?>("--save-media-to") { Description = "Save each image with its detections drawn into this folder.", HelpName = "DIR" };
        var minProb = new Option<double?>("--min-prob") { Description = "Report detections with at least this probability. Default: predict.min_prob (0.5)." };
        var maxDetections = new Option<int?>("--max-detections") { Description = "At most this many detections per image, the most probable first. Default: predict.max_detections (100)." };
        var onlyClass = new Option<string[]>("--only-class") { Description = "Report only this class; repeatable.", HelpName = "NAME", Arity = ArgumentArity.ZeroOrMore };
        var ignoreClass = new Option<string[]>("--ignore-class") { Description = "Never report this class; repeatable.", HelpName = "NAME", Arity = ArgumentArity.ZeroOrMore };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per inference call; images of similar size are grouped. Default: predict.batch_size (1)." };
        var workers = new Option<int?>("--workers") { Description = "Decoding threads; 0: one per core less the inference threads (at least 1). Default: predict.workers." };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Search directories recursively." };
        var shard = new Option<string?>("--shard") { Description = "Predict only shard i of n (0-based): every n-th image of the expanded input list starting at image i.", HelpName = "i/n" };
        var failFast = new Option<bool>("--fail-fast") { Description = "Stop at the first image that fails (the images before it are written; exit code 3)." };
        var optimized = new Option<string?>("--save-optimized-model") { Description = "Also save ONNX Runtime's optimised graph to this file (for inspection or a later --model).", HelpName = "FILE.onnx" };
        var device = CommonOptions.Device();
        var config = new ConfigOptions();

        var command = new Command("predict", "Detect objects in images and folders with ONNX Runtime (CUDA or CPU).");
        command.Arguments.Add(inputs);
        config.AddTo(command);
        foreach (var option in new Option[] { model, checkpoint, output, format, media, minProb, maxDetections, onlyClass, ignoreClass, batchSize, workers, recursive, shard, failFast, optimized, device })
            command.Options.Add(option);
        command.SetAction(int (ParseResult result) =>
        {
            var loaded = config.Load(result);
            var deviceSpec = result.GetValue(device) ?? DeviceSpec.Auto;
            if (config.PrintIfAsked(result, loaded)) return ExitCodes.Ok;
            TextWriter stdout = result.InvocationConfiguration.Output;
            TextWriter stderr = result.InvocationConfiguration.Error;
            PredictOptions defaults = loaded.Options.Predict;

            FileInfo? modelFile = result.GetValue(model);
            string? checkpointRef = result.GetValue(checkpoint);
            if ((modelFile is null) == (checkpointRef is null))
                throw new UsageException("lumi predict: give exactly one of --model FILE.onnx or --checkpoint ID|ALIAS|PATH");
            string[] inputList = result.GetValue(inputs) ?? [];
            if (inputList.Length == 0)
                throw new UsageException("lumi predict: give the images to predict: files, directories, glob patterns or @list files");
            double prob = result.GetValue(minProb) ?? defaults.MinProb;
            if (!(prob is >= 0 and <= 1))
                throw new UsageException($"--min-prob: {prob.ToString(CultureInfo.InvariantCulture)} is out of range [0, 1]");
            int maxDet = result.GetValue(maxDetections) ?? defaults.MaxDetections;
            if (maxDet < 1) throw new UsageException($"--max-detections: {maxDet} must be at least 1");
            int batch = result.GetValue(batchSize) ?? defaults.BatchSize;
            if (batch < 1) throw new UsageException($"--batch-size: {batch} must be at least 1");
            int workerCount = result.GetValue(workers) ?? defaults.Workers;
            if (workerCount < 0) throw new UsageException($"--workers: {workerCount} must be 0 (automatic) or more");
            OutputFormat outputFormat = OutputFormats.Parse(result.GetValue(format) ?? defaults.Format);
            Shard selected = result.GetValue(shard) is string s ? Shard.Parse(s) : Shard.All;
            string[] only = result.GetValue(onlyClass) is { Length: > 0 } o ? o : defaults.OnlyClasses;
            string[] ignore = result.GetValue(ignoreClass) is { Length: > 0 } i ? i : defaults.IgnoreClasses;

            var request = new PredictRequest
            {
                Inputs = inputList,
                Recursive = result.GetValue(recursive),
                Shard = selected,
                Format = outputFormat,
                Output = result.GetValue(output),
                MediaFolder = result.GetValue(media),
                OnlyClasses = only,
                IgnoreClasses = ignore,
                Pipeline = new PipelineOptions
                {
                    BatchSize = batch,
                    QueueSize = defaults.QueueSize,
                    FailFast = result.GetValue(failFast),
                    MaxPixels = defaults.MaxPixels,
                    MinProb = (float)prob,
                    MaxDetections = maxDet,
                },
            };
            request.Validate();

            OnnxDevice onnxDevice = OnnxDevice.Resolve(deviceSpec, stderr.WriteLine);
            string onnx = modelFile?.FullName ?? ChildExport.GetOrExport(checkpointRef!, stderr);
            // Inference threads: every core on the CPU (ORT's threads do not spin, so decoders run in its gaps); one on CUDA.
            int inferenceThreads = onnxDevice.UseCuda ? 1 : Environment.ProcessorCount;
            request = request with
            {
                Pipeline = request.Pipeline with { Workers = workerCount > 0 ? workerCount : Math.Max(1, Environment.ProcessorCount - inferenceThreads) },
            };
            using Detector detector = Detector.Load(onnx, new DetectorOptions
            {
                Device = onnxDevice,
                IntraOpThreads = inferenceThreads,
                MaxPixels = defaults.MaxPixels,
                OptimizedModelPath = result.GetValue(optimized),
            });
            PipelineSummary summary = PredictJob.Run(detector, request, stdout, stderr);
            if (summary.Stopped && summary.FirstFailure is { } first)
                throw new InputDataException($"{first.File}: {first.Error} (--fail-fast: stopped after {summary.Written} of {summary.Images} images)");
            return summary.Failed > 0 ? ExitCodes.PartialFailure : ExitCodes.Ok;
        });
        return command;
    }
}
