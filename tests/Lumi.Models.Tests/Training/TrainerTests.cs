using Lumi.Models.Checkpoints;
using Lumi.Models.Tests.Checkpoints;
using Lumi.Models.Training;
using Xunit.Abstractions;

namespace Lumi.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void SmokeRun()
    {
        using var temp = new TempDir();
        string data = TrainingData.Write(temp["voc"]);
        var log = new StringWriter();
        var result = Trainer.Run(TrainingData.Run(data, temp["run"], steps: 4) with { Train = TrainingData.Run(data, "", 4).Train with { EvalEvery = 2 }, ValSplit = "val" }, log);
        output.WriteLine(log.ToString());
        output.WriteLine(File.ReadAllText(Path.Combine(temp["run"], "metrics.jsonl")));
        Assert.Equal(4, result.Steps);
        Assert.True(Directory.Exists(result.LastCheckpoint));
    }
}
