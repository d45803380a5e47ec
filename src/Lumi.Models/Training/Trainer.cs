using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumi.Data;
using Lumi.Data.Augmentation;
using Lumi.Data.Classes;
using Lumi.Data.Errors;
using Lumi.Data.Imaging;
using Lumi.Data.Metrics;
using Lumi.Data.Training;
using Lumi.Data.Voc;
using Lumi.Models.Checkpoints;
using Lumi.Models.Devices;
using Lumi.Models.Matching;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Training;

/// <summary>
/// Trains a Faster R-CNN on VOC-format data: SGD (momentum, weight decay, optionally none on norm and bias) or AdamW,
/// linear warm-up then multi-step or cosine decay, gradient clipping and accumulation; each step in its own dispose
/// scope; metrics to <c>metrics.jsonl</c> and TensorBoard; validation with the evaluator of <c>lumi eval</c> (best
/// checkpoint by mAP@0.5); checkpoints written atomically with the training state, so that <c>--resume</c> continues
/// exactly. Cancelling finishes the current step, writes the last checkpoint and returns.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainRunOptions _options;
    private readonly TextWriter _log;
    private readonly RunFolder _run;
    private readonly TrainOptions _train;
    private readonly DataOptions _data;
    private readonly ClassList _classes;
    private readonly VocDataset _trainSet;
    private readonly VocDataset? _valSet;
    private readonly string _valSplit = "";
    private readonly Device _device;
    private readonly FasterRcnn.FasterRcnn _model;
    private readonly Generator _samplerGenerator;
    private readonly OptimizerHelper _optimizer;
    private readonly TrainingLoader _loader;
    private readonly LearningRateSchedule _schedule;
    private readonly TrainingProgress _progress;
    private readonly SmoothedLosses _smoothed = new();
    private readonly string _datasetName;
    private TrainingState _state;
    private TorchSharp.Modules.SummaryWriter? _tensorBoard;

    private Trainer(TrainRunOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _train = options.Train;
        _data = options.Data;
        _run = new RunFolder(ChooseRunDir(options));
        _progress = new TrainingProgress(log, options.Quiet, options.ProgressSeconds);
        if (options.Datasets.Count == 0)
            throw new UsageException("lumi train: give the training data with --dataset DIR (a VOCdevkit root; repeat for several)");
        PrepareRunFolder();

        ClassList? classes = options.Resume ? ReadClasses() : options.Classes;
        _trainSet = VocDataset.Load(VocReadOptions.FromData(_data, options.Datasets, _data.TrainSplit, classes));
        _classes = _trainSet.Classes;
        _datasetName = string.Join("+", options.Datasets.Select(r => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)))));
        _log.WriteLine($"Training split '{_data.TrainSplit}' of {string.Join(", ", options.Datasets)}: {_trainSet.Summary}");
        var images = TrainingSet.ForTraining(_trainSet, _data.Difficult, out int leftOut);
        if (leftOut > 0)
            _log.WriteLine($"{leftOut} difficult objects left out of training (data.difficult: {_data.Difficult})");
        _log.WriteLine($"Classes ({_classes.Count}): {string.Join(", ", _classes)}");

        (_valSet, _valSplit) = LoadValidation();

        _device = TorchDevices.Resolve(options.Device, _log.WriteLine);
        if (_device.type == DeviceType.CUDA && _train.Tf32)
        {
            backends.cuda.matmul.allow_tf32 = true;
            backends.cudnn.allow_tf32 = true;
        }

        var modelOptions = options.Model with { NumClasses = _classes.Count };
        // Construction draws from torch's process-wide generator: seed it right before.
        manual_seed(_train.Seed);
        _model = new FasterRcnn.FasterRcnn(modelOptions);
        if (!options.Resume)
        {
            if (_model.LoadPretrainedBackbone() is string pretrained)
                _log.WriteLine($"Backbone initialized with {pretrained}");
            if (options.InitFrom is not null)
                ModelInitializer.Apply(_model, options.InitFrom, _log.WriteLine);
        }
        _model.to(_device);
        _model.train();
        _samplerGenerator = new Generator((ulong)_train.Seed, _device);
        _model.Rpn.Sampler = new BalancedPositiveNegativeSampler(modelOptions.Rpn.BatchSizePerImage, modelOptions.Rpn.PositiveFraction, _samplerGenerator);
        _model.RoiHeads.Sampler = new BalancedPositiveNegativeSampler(modelOptions.RoiHeads.BatchSizePerImage, modelOptions.RoiHeads.PositiveFraction, _samplerGenerator);
        _optimizer = OptimizerFactory.Create(_model, _train);

        var resize = new ResizeRule(modelOptions.Transform.MinSize, modelOptions.Transform.MaxSize);
        _loader = new TrainingLoader(images, AugmentationPipeline.Create(_data.Augmentation, resize), new TrainingLoaderOptions
        {
            BatchSize = _train.BatchSize,
            Workers = _data.Workers,
            Prefetch = _data.Prefetch,
            AspectRatioGroupFactor = _data.AspectRatioGroupFactor,
            SizeDivisible = modelOptions.Transform.SizeDivisible,
            MaxPixels = _data.MaxPixels,
            Seed = _train.Seed,
        }, _log.WriteLine);

        if (options.Resume)
        {
            _state = LoadResumeState();
        }
        else
        {
            int[][] plan = _loader.Plan(0);
            int stepsPerEpoch = (plan.Length + _train.Accumulate - 1) / _train.Accumulate;
            _state = new TrainingState
            {
                Plan = plan,
                StepsPerEpoch = stepsPerEpoch,
                TotalSteps = _train.MaxSteps > 0 ? _train.MaxSteps : _train.Epochs * stepsPerEpoch,
            };
            WriteRunFiles();
        }
        _schedule = new LearningRateSchedule(_train, _state.TotalSteps, _state.StepsPerEpoch);
    }

    /// <summary>Trains as the options say; returns when done or, after writing the last checkpoint, when cancelled.</summary>
    public static TrainResult Run(TrainRunOptions options, TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        using var trainer = new Trainer(options, log);
        return trainer.Train(cancellation);
    }

    public void Dispose()
    {
        _tensorBoard = null;
        _optimizer.Dispose();
        _model.Dispose();
        _samplerGenerator.Dispose();
    }

    private TrainResult Train(CancellationToken cancellation)
    {
        _tensorBoard = utils.tensorboard.SummaryWriter(_run.TensorBoard);
        int epochs = Math.Max(1, (_state.TotalSteps + _state.StepsPerEpoch - 1) / _state.StepsPerEpoch);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(_options.Resume ? "Resuming" : "Training")} {_model.Options.Backbone.Name} Faster R-CNN on {_device.type.ToString().ToLowerInvariant()}: " +
            $"{_trainSet.Images.Count} images, batch {_train.BatchSize}{(_train.Accumulate > 1 ? $" × {_train.Accumulate} accumulated" : "")}, " +
            $"{_state.Step}/{_state.TotalSteps} steps done ({_state.StepsPerEpoch} per epoch), base lr {_schedule.BaseRate:G4}; run folder {_run.Path}"));

        var sessionClock = Stopwatch.StartNew();
        var checkpointClock = Stopwatch.StartNew();
        long sessionImages = 0;
        int sessionSteps = 0;
        int micro = 0;
        long stepImages = 0;
        var stepLosses = new Dictionary<string, double>(StringComparer.Ordinal);
        bool interrupted = false;
        int lastCheckpointStep = _state.Step;

        while (_state.Step < _state.TotalSteps && !interrupted)
        {
            int epoch = _state.Epoch;
            int[][] plan = _state.Plan.Length > 0 ? _state.Plan : _loader.Plan(epoch);
            _state = _state with { Plan = plan };
            foreach (TrainingBatch batch in _loader.Read(epoch, plan, _state.BatchInEpoch))
            {
                _state = _state with { BatchInEpoch = batch.Index + 1 };
                if (batch.Images is null)
                    continue;
                ForwardBackward(batch, stepLosses);
                stepImages += batch.Count;
                micro++;
                if (micro < _train.Accumulate)
                    continue;

                double lr = OptimizerStep();
                micro = 0;
                sessionImages += stepImages;
                sessionSteps++;
                _state = _state with { Step = _state.Step + 1, ImagesSeen = _state.ImagesSeen + stepImages };
                stepImages = 0;
                foreach (var (term, value) in stepLosses)
                    _smoothed.Add(term, value);
                double seconds = sessionClock.Elapsed.TotalSeconds;
                double imagesPerSecond = sessionImages / Math.Max(seconds, 1e-9);
                double secondsPerStep = seconds / Math.Max(1, sessionSteps);
                bool epochEnds = batch.Index == plan.Length - 1;
                bool last = _state.Step >= _state.TotalSteps;
                if (_state.Step % _train.LogEvery == 0 || last)
                    LogStep(stepLosses, lr, imagesPerSecond);
                stepLosses.Clear();
                _progress.Report(_state.Step, _state.TotalSteps, epoch + 1, epochs, _smoothed.Current, lr, imagesPerSecond, secondsPerStep, force: last);

                bool validate = _valSet is not null && _train.EvalEvery >= 0
                    && (last || (_train.EvalEvery > 0 ? _state.Step % _train.EvalEvery == 0 : epochEnds));
                if (validate)
                    Validate();
                interrupted = cancellation.IsCancellationRequested && !last;
                bool checkpoint = last || interrupted || (_train.CheckpointEvery > 0 ? _state.Step % _train.CheckpointEvery == 0 : epochEnds)
                    || (_train.CheckpointEveryMinutes > 0 && checkpointClock.Elapsed.TotalMinutes >= _train.CheckpointEveryMinutes);
                if (checkpoint)
                {
                    if (epochEnds)
                        _state = _state with { Epoch = epoch + 1, BatchInEpoch = 0, Plan = [] };
                    WriteLast(sessionClock.Elapsed.TotalSeconds);
                    lastCheckpointStep = _state.Step;
                    checkpointClock.Restart();
                }
                if (last || interrupted)
                    break;
            }
            if (_state.Epoch == epoch && _state.BatchInEpoch >= plan.Length)
                _state = _state with { Epoch = epoch + 1, BatchInEpoch = 0, Plan = [] };
        }
        if (_state.Step > lastCheckpointStep || !Directory.Exists(_run.Last))
            WriteLast(sessionClock.Elapsed.TotalSeconds);
        _tensorBoard = null;

        if (_loader.SkippedImages > 0)
            _log.WriteLine($"warning: {_loader.SkippedImages} training image(s) could not be decoded and were skipped");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, _run.Path);
        string resume = $"lumi train --resume {(relative.StartsWith("..", StringComparison.Ordinal) ? _run.Path : relative)}";
        if (interrupted)
            _log.WriteLine($"Interrupted at step {_state.Step}/{_state.TotalSteps}: checkpoint written to {_run.Last}. Resume with: {resume}");
        else
        {
            string best = _state.BestMap is double map ? string.Create(CultureInfo.InvariantCulture, $"; best mAP@0.5 {map:F4} at step {_state.BestStep} in {_run.Best}") : "";
            _log.WriteLine($"Done: {_state.Step} steps; last checkpoint {_run.Last}{best}");
        }
        return new TrainResult(_run.Path, _state.Step, interrupted, _run.Last, Directory.Exists(_run.Best) ? _run.Best : null,
            _state.LastMap, _state.BestMap, _smoothed.Current);
    }

    /// <summary>One micro-batch: losses, a NaN/inf check naming the term, and the backward pass, all in one dispose scope.</summary>
    private void ForwardBackward(TrainingBatch batch, Dictionary<string, double> stepLosses)
    {
        using var scope = NewDisposeScope();
        PaddedBatch packed = batch.Images!;
        var images = tensor(packed.Data, packed.Shape, device: _device);
        var sizes = packed.Sizes.Select(s => ((long)s.Height, (long)s.Width)).ToList();
        var boxes = batch.Boxes.Select(b => tensor(b, new long[] { b.Length / 4, 4 }, device: _device)).ToList();
        var labels = batch.Labels.Select(l => tensor(l.Select(v => (long)v).ToArray(), device: _device)).ToList();
        Dictionary<string, Tensor> losses = _model.ComputeLosses(images, sizes, boxes, labels);
        Tensor? total = null;
        foreach (var (term, value) in losses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            double v = value.item<float>();
            if (!double.IsFinite(v))
            {
                string last = Directory.Exists(_run.Last) ? $"the last good checkpoint is {_run.Last}" : "no checkpoint was written yet";
                throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"training stopped at step {_state.Step + 1} (epoch {_state.Epoch + 1}, batch {batch.Index + 1}: {string.Join(", ", batch.Ids)}): " +
                    $"{term} is {v}; {last}. Lower train.learning_rate, raise train.lr_schedule.warmup_steps or set train.clip_grad_norm"));
            }
            stepLosses[term] = stepLosses.GetValueOrDefault(term) + v / _train.Accumulate;
            total = total is null ? value : total + value;
        }
        (total! / _train.Accumulate).backward();
    }

    private double OptimizerStep()
    {
        using var scope = NewDisposeScope();
        double lr = _schedule.At(_state.Step);
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = lr;
        if (_train.ClipGradNorm > 0)
            nn.utils.clip_grad_norm_(_model.parameters().Where(p => p.requires_grad), _train.ClipGradNorm);
        _optimizer.step();
        // In the scope: zero_grad wraps each gradient in a new tensor handle.
        _optimizer.zero_grad();
        return lr;
    }

    private void LogStep(Dictionary<string, double> losses, double lr, double imagesPerSecond)
    {
        var record = new Dictionary<string, object?>
        {
            ["step"] = _state.Step,
            ["epoch"] = _state.Epoch + 1,
            ["lr"] = lr,
            ["loss"] = losses.Values.Sum(),
        };
        foreach (var (term, value) in losses.OrderBy(p => p.Key, StringComparer.Ordinal))
            record[term] = value;
        record["images_per_second"] = imagesPerSecond;
        record["time"] = Now();
        DurableFiles.AppendLine(_run.Metrics, JsonSerializer.Serialize(record));
        foreach (var (term, value) in losses)
            _tensorBoard?.add_scalar($"train/{term}", (float)value, _state.Step);
        _tensorBoard?.add_scalar("train/loss", (float)losses.Values.Sum(), _state.Step);
        _tensorBoard?.add_scalar("train/lr", (float)lr, _state.Step);
        _tensorBoard?.add_scalar("train/images_per_second", (float)imagesPerSecond, _state.Step);
    }

    private void Validate()
    {
        var clock = Stopwatch.StartNew();
        EvaluationResult result = ValidationRunner.Evaluate(_model, _valSet!, _data, _train.BatchSize, _device, _log.WriteLine);
        double map = result.Voc.Map07 ?? 0;
        bool best = _state.BestMap is null || map > _state.BestMap;
        _state = _state with { LastMap = map, BestMap = best ? map : _state.BestMap, BestStep = best ? _state.Step : _state.BestStep };
        var record = new Dictionary<string, object?>
        {
            ["step"] = _state.Step,
            ["epoch"] = _state.Epoch + 1,
            ["val_split"] = _valSplit,
            ["val_images"] = result.Images,
            ["val_map50_voc07"] = result.Voc.Map07,
            ["val_map50_voc12"] = result.Voc.Map12,
            ["val_coco_ap"] = result.Coco?.Ap,
            ["time"] = Now(),
        };
        DurableFiles.AppendLine(_run.Metrics, JsonSerializer.Serialize(record));
        _tensorBoard?.add_scalar("val/map50_voc07", (float)map, _state.Step);
        if (result.Voc.Map12 is double m12) _tensorBoard?.add_scalar("val/map50_voc12", (float)m12, _state.Step);
        if (result.Coco?.Ap is double ap) _tensorBoard?.add_scalar("val/coco_ap", (float)ap, _state.Step);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Validation at step {_state.Step}: mAP@0.5 (VOC07 11-point) {map:F4} on {result.Images} images of '{_valSplit}' ({clock.Elapsed.TotalSeconds:F1} s){(best ? "; new best" : "")}"));
        if (best)
            WriteCheckpoint(_run.Best, "best", withState: false, 0);
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void WriteLast(double sessionSeconds) => WriteCheckpoint(_run.Last, "last", withState: true, sessionSeconds);

    private void WriteCheckpoint(string target, string which, bool withState, double sessionSeconds)
    {
        string temp = _run.NewTemporary(which);
        var info = new CheckpointInfo
        {
            Id = CheckpointId.New(),
            Name = $"{_options.Name}-{which}",
            Description = $"lumi train {_options.Name}: {which} checkpoint at step {_state.Step}" +
                (which == "best" ? string.Create(CultureInfo.InvariantCulture, $", validation mAP@0.5 {_state.BestMap:F4}") : ""),
            Arch = $"fasterrcnn_{_model.Options.Backbone.Name}_fpn",
            Classes = _classes.ToList(),
            Dataset = new CheckpointDataset(_datasetName, _classes.Count),
            CreatedAt = DateTimeOffset.UtcNow,
            Model = _model.Options,
        };
        using (var scope = NewDisposeScope())
            CheckpointWriter.Write(temp, info, _model.state_dict());
        if (withState)
        {
            string stateFolder = Path.Combine(temp, RunFolder.StateFolder);
            var state = _state with
            {
                SamplerGenerator = Convert.ToBase64String(GeneratorBytes()),
                CheckpointId = info.Id,
                Seconds = _state.Seconds + sessionSeconds,
            };
            state.Write(stateFolder);
            _optimizer.save_state_dict(Path.Combine(stateFolder, TrainingState.OptimizerFileName));
        }
        DurableFiles.SyncFolder(temp);
        RunFolder.Replace(temp, target);
    }

    private byte[] GeneratorBytes()
    {
        using var state = _samplerGenerator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>
    /// The run folder: <see cref="TrainRunOptions.RunDir"/> when given; else <c>runs/&lt;name&gt;</c>, or
    /// <c>runs/&lt;name&gt;-2</c>, <c>-3</c>, … when that already holds a run.
    /// </summary>
    public static string ChooseRunDir(TrainRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RunDir is not null || options.Resume)
            return options.ResolvedRunDir;
        string first = options.ResolvedRunDir;
        string candidate = first;
        for (int n = 2; Directory.Exists(candidate) && Directory.EnumerateFileSystemEntries(candidate).Any(); n++)
            candidate = $"{first}-{n}";
        return candidate;
    }

    private void PrepareRunFolder()
    {
        _run.Recover();
        if (_options.Resume)
        {
            if (!File.Exists(Path.Combine(_run.LastState, TrainingState.FileName)))
                throw new InputDataException($"--resume {_run.Path}: no run to resume there (expected {Path.Combine("checkpoints", "last", RunFolder.StateFolder, TrainingState.FileName)})");
            return;
        }
        if (Directory.Exists(_run.Last) || File.Exists(_run.Metrics))
            throw new UsageException(
                $"--run-dir {_run.Path}: a run is already there; continue it with 'lumi train --resume {_run.Path}' or choose another --run-dir");
        Directory.CreateDirectory(_run.Path);
    }

    private ClassList ReadClasses()
    {
        try
        {
            var names = JsonSerializer.Deserialize<string[]>(File.ReadAllText(_run.Classes));
            return new ClassList(names ?? throw new InputDataException($"{_run.Classes}: empty"));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw new InputDataException($"{_run.Classes}: cannot read the run's classes: {e.Message}", e);
        }
    }

    private void WriteRunFiles()
    {
        if (_options.ConfigYaml is not null)
            DurableFiles.WriteAllText(_run.Config, _options.ConfigYaml);
        DurableFiles.WriteAllText(_run.Classes, JsonSerializer.Serialize(_classes.ToArray(), new JsonSerializerOptions { WriteIndented = true }));
        var run = new Dictionary<string, object?>
        {
            ["name"] = _options.Name,
            ["datasets"] = _options.Datasets.Select(Path.GetFullPath).ToArray(),
            ["train_split"] = _data.TrainSplit,
            ["val_split"] = _valSet is null ? null : _valSplit,
            ["init_from"] = _options.InitFrom,
            ["created_at"] = Now(),
            ["lumi_version"] = CheckpointInfo.CurrentLumiVersion,
        };
        DurableFiles.WriteAllText(_run.Run, JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
    }

    private TrainingState LoadResumeState()
    {
        TrainingState state = TrainingState.Read(_run.LastState);
        using (Checkpoint checkpoint = CheckpointReader.Read(_run.Last))
        {
            if (checkpoint.Info.Id != state.CheckpointId)
                throw new InputDataException($"{_run.LastState}: belongs to checkpoint {state.CheckpointId}, not to {checkpoint.Info.Id} beside it");
            if (!checkpoint.Info.Classes.SequenceEqual(_classes))
                throw new InputDataException($"{_run.Last}: its classes ({string.Join(", ", checkpoint.Info.Classes)}) are not the run's ({string.Join(", ", _classes)})");
            try
            {
                StateDictLoader.Load(_model, checkpoint.StateDict, strict: true);
            }
            catch (StateDictLoadException e)
            {
                throw new InputDataException($"--resume: {_run.Last} does not fit the run's model configuration: {e.Message}", e);
            }
        }
        _optimizer.load_state_dict(Path.Combine(_run.LastState, TrainingState.OptimizerFileName));
        using (var generatorState = tensor(Convert.FromBase64String(state.SamplerGenerator)))
            _samplerGenerator.set_state(generatorState);
        if (_train.MaxSteps > 0 && _train.MaxSteps != state.TotalSteps)
            state = state with { TotalSteps = _train.MaxSteps };
        _log.WriteLine($"Resuming {_run.Path} at step {state.Step} (epoch {state.Epoch + 1}, batch {state.BatchInEpoch})");
        return state;
    }

    private (VocDataset?, string) LoadValidation()
    {
        if (_train.EvalEvery < 0)
            return (null, "");
        string split = _options.ValSplit ?? _data.TestSplit;
        if (_options.ValSplit is null)
        {
            var missing = _options.Datasets.Where(r => !File.Exists(Path.Combine(r, "ImageSets", "Main", split + ".txt"))).ToList();
            if (missing.Count > 0)
            {
                _log.WriteLine($"No validation: split '{split}' (data.test_split) is missing in {string.Join(", ", missing)}; give one with --val-split. The best checkpoint is not kept.");
                return (null, "");
            }
        }
        var options = VocReadOptions.FromData(_data, _options.Datasets, split, _classes) with { KeepNegatives = true };
        VocDataset set = VocDataset.Load(options);
        _log.WriteLine($"Validation split '{split}': {set.Summary}");
        return (set, split);
    }
}
