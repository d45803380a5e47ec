using Lumi.Data.Synthetic;
using Lumi.Models.FasterRcnn;
using Lumi.Models.Training;

namespace Lumi.Models.Tests.Training;

/// <summary>Small synthetic VOC datasets and a tiny, fast model configuration for the trainer's tests.</summary>
internal static class TrainingData
{
    /// <summary>Writes a dataset of <paramref name="images"/> square images of <paramref name="size"/> px (2 classes).</summary>
    public static string Write(string folder, int images = 24, int size = 96, int seed = 3, string[]? classes = null)
    {
        SyntheticVoc.Write(folder, new SyntheticVocOptions
        {
            Images = images,
            Width = size,
            Height = size,
            Seed = seed,
            Classes = classes ?? ["circle", "square"],
            MinObjects = 1,
            MaxObjects = 2,
            MinScale = 0.25,
            MaxScale = 0.5,
            TinyObjectProbability = 0,
        });
        return folder;
    }

    /// <summary>A small R18-FPN; images stay at their size (min_size = max_size = size).</summary>
    public static FasterRcnnOptions TinyModel(int size = 96) => new()
    {
        Transform = new TransformOptions { MinSize = size, MaxSize = size },
        Backbone = new BackboneOptions { Name = "resnet18", FrozenBatchNorm = false, TrainableLayers = 5, FpnChannels = 32 },
        Rpn = new RpnOptions
        {
            AnchorSizes = [16, 32, 64, 128, 256],
            PreNmsTopN = new(200, 100),
            PostNmsTopN = new(100, 50),
            BatchSizePerImage = 64,
        },
        RoiHeads = new RoiHeadsOptions { RepresentationSize = 64, BatchSizePerImage = 32 },
    };

    public static TrainRunOptions Run(string dataset, string runDir, int steps, int batchSize = 4) => new()
    {
        Model = TinyModel(),
        Train = new TrainOptions
        {
            BatchSize = batchSize,
            MaxSteps = steps,
            LearningRate = 0.01,
            ReferenceBatchSize = batchSize,
            LrSchedule = new LrScheduleOptions { Type = "cosine", WarmupSteps = 2 },
            CheckpointEvery = 0,
            EvalEvery = -1,
            LogEvery = 1,
        },
        Data = new Lumi.Data.DataOptions { TrainSplit = "train", TestSplit = "val", Workers = 2 },
        Datasets = [dataset],
        RunDir = runDir,
        Quiet = true,
    };
}
