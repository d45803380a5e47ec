using Lumi.Cli.Config;

namespace Lumi.Cli.Tests.Config;

public sealed class ConfigMergeTests
{
    private static ConfigMap Yaml(string text) => ConfigYaml.Parse(text, "test.yml");

    [Fact]
    public void MapsMergeDeeplyAndEverythingElseIsReplaced()
    {
        ConfigMap lower = Yaml("a:\n  x: 1\n  y: 2\n  deep: {p: 1, q: 2}\nlist: [1, 2, 3]\nkeep: k\n");
        ConfigMap upper = Yaml("a:\n  y: 3\n  deep: {q: 5}\nlist: [9]\nnew: n\n");
        ConfigMap merged = ConfigMerger.Merge(lower, upper);
        Assert.Equal(
            "a:\n  x: 1\n  y: 3\n  deep:\n    p: 1\n    q: 5\nlist: [9]\nkeep: k\nnew: n\n",
            ConfigYaml.Write(merged));
    }

    [Fact]
    public void LaterFilesWinAndOverridesWinOverFiles()
    {
        using var files = new TempFiles();
        string first = files.Write("first.yml", "train:\n  batch_size: 4\n  epochs: 3\nmodel:\n  rpn:\n    anchor_sizes: [16, 32, 64, 128, 256]\n");
        string second = files.Write("second.yml", "train:\n  epochs: 5\n  lr_schedule:\n    steps: [3, 4]\n");
        LoadedConfig config = ConfigLoader.Load([first, second], ["train.batch_size=8"]);
        Assert.Equal(8, config.Options.Train.BatchSize);
        Assert.Equal(5, config.Options.Train.Epochs);
        Assert.Equal(new[] { 3, 4 }, config.Options.Train.LrSchedule.Steps);
        Assert.Equal("multistep", config.Options.Train.LrSchedule.Type); // untouched sibling keeps base.yml's value
        Assert.Equal(new[] { 16, 32, 64, 128, 256 }, config.Options.Model.Rpn.AnchorSizes);
        Assert.Equal(0.7, config.Options.Model.Rpn.NmsThreshold);
    }

    [Fact]
    public void TheSameFileTwiceChangesNothing()
    {
        string baseYml = Path.Combine(RepoPaths.Root, "configs", "fasterrcnn", "base.yml");
        LoadedConfig once = ConfigLoader.Load([], []);
        LoadedConfig twice = ConfigLoader.Load([baseYml, baseYml], []);
        Assert.Equal(once.ToYaml(), twice.ToYaml());
    }

    [Fact]
    public void MergedConfigWrittenAsYamlReadsBackToTheSameOptions()
    {
        LoadedConfig config = ConfigLoader.Load([], ["train.optimizer=adamw", "predict.only_classes=[cat, 'true', 'a: b']", "data.train_split='2007'"]);
        string yaml = config.ToYaml(["base.yml", "-o ..."]);
        Assert.StartsWith("# Merged Lumi configuration (lumi ", yaml);
        LoadedConfig again = ConfigLoader.Bind(ConfigYaml.Parse(yaml, "merged.yml"));
        Assert.Equal(yaml, again.ToYaml(["base.yml", "-o ..."]));
        Assert.Equal(new[] { "cat", "true", "a: b" }, again.Options.Predict.OnlyClasses);
        Assert.Equal("2007", again.Options.Data.TrainSplit);
        Assert.Equal("adamw", again.Options.Train.Optimizer);
    }

    [Fact]
    public void WriteToIsAtomicAndLeavesNoTemporaryFile()
    {
        using var files = new TempFiles();
        string path = Path.Combine(files.Dir, "config.yml");
        ConfigLoader.Load([], []).WriteTo(path);
        Assert.Equal(new[] { "config.yml" }, Directory.GetFiles(files.Dir).Select(Path.GetFileName));
        Assert.Equal(ConfigLoader.Load([], []).ToYaml(), File.ReadAllText(path));
    }
}
