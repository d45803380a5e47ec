using System.Diagnostics;
using Lumi.Data.Errors;
using Lumi.Models.Checkpoints;
using Lumi.Models.Tests.Checkpoints;
using Lumi.Models.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Lumi.Models.Tests.Training;

/// <summary>The trainer on a tiny synthetic dataset: exact resume, no growth, NaN stop, run folder contents.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainerTests(ITestOutputHelper output, TrainerTests.Dataset dataset) : IClassFixture<TrainerTests.Dataset>
{
    public sealed class Dataset : IDisposable
    {
        private readonly TempDir _temp = new();

        public Dataset() => Root = TrainingData.Write(_temp["voc"]);

        public string Root { get; }

        public void Dispose() => _temp.Dispose();
    }

    private readonly string _data = dataset.Root;

    [Fact]
    public void AnInterruptedAndResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        using var temp = new TempDir();
        // 6 steps over epochs of 5 batches: the resume crosses an epoch boundary; validation and sampling included.
        var options = TrainingData.Run(_data, temp["straight"], steps: 6) with { ValSplit = "val" };
        options = options with { Train = options.Train with { EvalEvery = 2 } };
        Trainer.Run(options, TextWriter.Null);

        using var stop = new CancellationTokenSource();
        var watcher = new StepWatcher(step => { if (step == 3) stop.Cancel(); });
        var first = Trainer.Run(options with { RunDir = temp["resumed"], Quiet = false, ProgressSeconds = 0 }, watcher, stop.Token);
        output.WriteLine(watcher.ToString());
        Assert.True(first.Interrupted);
        Assert.Equal(3, first.Steps);
        Assert.Contains($"Interrupted at step 3/6: checkpoint written to {Path.Combine(temp["resumed"], "checkpoints", "last")}. Resume with: lumi train --resume ", watcher.ToString());
        var second = Trainer.Run(options with { RunDir = temp["resumed"], Resume = true }, TextWriter.Null);
        Assert.False(second.Interrupted);
        Assert.Equal(6, second.Steps);

        using var a = CheckpointReader.Read(Path.Combine(temp["straight"], "checkpoints", "last"));
        using var b = CheckpointReader.Read(Path.Combine(temp["resumed"], "checkpoints", "last"));
        Assert.Equal(a.StateDict.Keys.Order(), b.StateDict.Keys.Order());
        double worst = 0;
        foreach (var (key, value) in a.StateDict)
        {
            double diff = (value.to_type(torch.ScalarType.Float64) - b.StateDict[key].to_type(torch.ScalarType.Float64)).abs().max().item<double>();
            worst = Math.Max(worst, diff);
        }
        output.WriteLine($"largest weight difference: {worst:G3}");
        Assert.True(worst <= 1e-6, $"weights differ by up to {worst:G3}");
        string metrics = File.ReadAllText(Path.Combine(temp["resumed"], "metrics.jsonl"));
        Assert.Equal(6, metrics.Split('\n').Count(l => l.Contains("\"loss\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void TrainingStepsKeepLiveTensorsConstantAndResidentMemoryLevels()
    {
        using var temp = new TempDir();
        var live = new List<long>();
        var rss = new List<long>();
        var watcher = new StepWatcher(_ =>
        {
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            using var process = Process.GetCurrentProcess();
            rss.Add(process.WorkingSet64);
        });
        // The smallest setting that still runs every part of a step: 64-px images (the dataset's 96 px resized by the
        // pipeline), one image per step, a narrow FPN and heads.
        var options = TrainingData.Run(_data, temp["run"], steps: 200, batchSize: 1) with { Quiet = false, ProgressSeconds = 0 };
        options = options with
        {
            Model = TrainingData.TinyModel(size: 64) with
            {
                Backbone = TrainingData.TinyModel().Backbone with { FpnChannels = 16 },
                RoiHeads = TrainingData.TinyModel().RoiHeads with { RepresentationSize = 32, BatchSizePerImage = 16 },
            },
            // Checkpoints every epoch (17 steps), so that what writing them costs is in both windows compared below.
            Train = options.Train with { LogEvery = 50, CheckpointEvery = 0, LearningRate = 0.002, ClipGradNorm = 5 },
        };
        Trainer.Run(options, watcher);
        output.WriteLine($"live tensors: {string.Join(" ", live.Where((_, i) => i % 10 == 0))}");
        output.WriteLine($"RSS MiB: {string.Join(" ", rss.Where((_, i) => i % 10 == 0).Select(r => r >> 20))}");
        Assert.Equal(200, live.Count);
        Assert.All(live.Skip(2), n => Assert.Equal(live[2], n));
        long early = Median(rss.Skip(50).Take(50));
        long late = Median(rss.Skip(150));
        Assert.True(late - early < 48L << 20, $"resident memory grew {(late - early) >> 20} MiB between steps 51-100 and 151-200 (medians)");

        static long Median(IEnumerable<long> values) => values.Order().ElementAt(values.Count() / 2);
    }

    [Fact]
    public void ANonFiniteLossStopsWithTheStepAndTermAndKeepsTheLastCheckpoint()
    {
        using var temp = new TempDir();
        var options = TrainingData.Run(_data, temp["run"], steps: 2);
        Trainer.Run(options, TextWriter.Null);
        string last = Path.Combine(temp["run"], "checkpoints", "last");
        string id = CheckpointReader.ReadInfo(last).Id;

        // A zero standard deviation makes the normalized images infinite: the first loss after the resume is not finite.
        var broken = options with
        {
            Resume = true,
            Model = options.Model with { Transform = options.Model.Transform with { ImageStd = [0, 0, 0] } },
            Train = options.Train with { MaxSteps = 4 },
        };
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Run(broken, TextWriter.Null));
        output.WriteLine(e.Message);
        Assert.StartsWith("training stopped at step 3 (epoch 1, batch 3: ", e.Message);
        Assert.Contains($"): loss_box_reg is NaN; the last good checkpoint is {last}. Lower train.learning_rate, raise train.lr_schedule.warmup_steps or set train.clip_grad_norm", e.Message);
        Assert.Equal(id, CheckpointReader.ReadInfo(last).Id);
    }

    [Fact]
    public void TheRunFolderHoldsConfigClassesMetricsEventsAndCheckpoints()
    {
        using var temp = new TempDir();
        var options = TrainingData.Run(_data, temp["run"], steps: 2) with { ConfigYaml = "model: {}\n", ValSplit = "val" };
        options = options with { Train = options.Train with { EvalEvery = 2 } };
        var result = Trainer.Run(options, TextWriter.Null);
        Assert.Equal("model: {}\n", File.ReadAllText(temp["run/config.yml"]));
        Assert.Equal("[\n  \"circle\",\n  \"square\"\n]", File.ReadAllText(temp["run/classes.json"]).ReplaceLineEndings("\n"));
        Assert.Equal(3, File.ReadAllLines(temp["run/metrics.jsonl"]).Length);
        Assert.NotEmpty(Directory.GetFiles(temp["run/tensorboard"], "events.out.tfevents.*"));
        var best = CheckpointReader.ReadInfo(temp["run/checkpoints/best"]);
        Assert.Equal(["circle", "square"], best.Classes);
        Assert.Equal("fasterrcnn_resnet18_fpn", best.Arch);
        Assert.True(File.Exists(temp["run/checkpoints/last/training_state/state.json"]));
        Assert.False(Directory.Exists(temp["run/checkpoints/best/training_state"]));
        Assert.Equal(result.BestMap, result.LastMap);
        using var resolved = CheckpointResolver.Resolve(temp["run"]);
        Assert.Equal(temp["run/checkpoints/best"], resolved.Folder);

        var again = Assert.Throws<UsageException>(() => Trainer.Run(options, TextWriter.Null));
        Assert.Equal($"--run-dir {temp["run"]}: a run is already there; continue it with 'lumi train --resume {temp["run"]}' or choose another --run-dir", again.Message);
        var none = Assert.Throws<InputDataException>(() => Trainer.Run(options with { RunDir = temp["nothing"], Resume = true }, TextWriter.Null));
        Assert.Equal($"--resume {temp["nothing"]}: no run to resume there (expected checkpoints/last/training_state/state.json)", none.Message);
    }

    [Fact]
    public void InitFromACheckpointWithOtherClassesReinitializesTheBoxPredictorWithANotice()
    {
        using var temp = new TempDir();
        Trainer.Run(TrainingData.Run(_data, temp["first"], steps: 1), TextWriter.Null);
        var log = new StringWriter();
        var options = TrainingData.Run(_data, temp["second"], steps: 1) with
        {
            InitFrom = temp["first"],
            Classes = new Lumi.Data.Classes.ClassList(["circle", "square", "triangle"]),
        };
        Trainer.Run(options, log);
        output.WriteLine(log.ToString());
        Assert.Contains($"--init-from {temp["first"]}: its box predictor has 2 classes and this run 3: the predictor (roi_heads.box_predictor.*) starts from a fresh initialization", log.ToString());
        Assert.Contains($"Initialized from run {temp["first"]}: using checkpoints/last (", log.ToString());

        var wrong = TrainingData.Run(_data, temp["third"], steps: 1) with
        {
            InitFrom = temp["first"],
            Model = TrainingData.TinyModel() with { Backbone = TrainingData.TinyModel().Backbone with { FpnChannels = 48 } },
        };
        var e = Assert.Throws<InputDataException>(() => Trainer.Run(wrong, TextWriter.Null));
        Assert.StartsWith($"--init-from {temp["first"]}: does not fit this model (resnet18): ", e.Message);
    }
}
