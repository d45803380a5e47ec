using System.Text.Json;
using Lumi.Cli.Quickstart;
using Lumi.Cli.Tests.Commands;

namespace Lumi.Cli.Tests.Quickstart;

/// <summary>
/// <c>lumi quickstart</c> end to end with a reduced budget (few images, few steps): every step runs for real and
/// leaves its artefact. How well the tiny configuration learns is the training tests' and the benchmark's business.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class QuickstartCommandTests
{
    [Fact]
    public void Runs_every_step_and_leaves_every_artefact()
    {
        using var temp = new TempFiles();
        string root = Path.Combine(temp.Dir, "qs");
        var (code, _, err) = CliRunner.Run("quickstart", "--output", root, "--images", "24", "--steps", "3", "--device", "cpu");

        Assert.True(code == 0, err);
        foreach (string title in new[] { "[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]" })
        {
            Assert.Contains(title, err);
        }
        Assert.Contains("$ lumi dataset synth --output ", err);
        Assert.Contains("$ lumi train -c ", err);
        Assert.Contains("Quickstart finished in ", err);
        Assert.Contains("Next:", err);

        Assert.True(File.Exists(Path.Combine(root, "run", "checkpoints", "best", "checkpoint.json")));
        Assert.True(File.Exists(Path.Combine(root, "model.onnx")));
        foreach (string config in QuickstartRunner.ConfigFiles)
        {
            Assert.True(File.Exists(Path.Combine(root, "configs", config)));
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "metrics.json"))))
        {
            Assert.True(metrics.RootElement.TryGetProperty("headline_value", out _));
        }
        string[] testIds = File.ReadAllLines(Path.Combine(root, "data", "ImageSets", "Main", "test.txt"))
            .Where(line => line.Trim().Length > 0).ToArray();
        Assert.NotEmpty(testIds);
        string[] predictions = File.ReadAllLines(Path.Combine(root, "predictions.jsonl"));
        Assert.Equal(testIds.Length, predictions.Length);
        for (int i = 0; i < testIds.Length; i++)
        {
            using var line = JsonDocument.Parse(predictions[i]);
            Assert.EndsWith(testIds[i] + ".jpg", line.RootElement.GetProperty("file").GetString());
            Assert.False(line.RootElement.TryGetProperty("error", out _), predictions[i]);
        }
        Assert.Equal(testIds.Length, Directory.GetFiles(Path.Combine(root, "predictions")).Length);
    }

    [Fact]
    public void Refuses_a_folder_that_is_not_an_earlier_quickstart()
    {
        using var temp = new TempFiles();
        temp.Write("notes.txt", "mine");

        var (code, _, err) = CliRunner.Run("quickstart", "--output", temp.Dir, "--force");

        Assert.Equal(2, code);
        Assert.Equal($"--output: '{temp.Dir}' exists and is not empty (and is not a quickstart folder); choose another --output\n", err);
        Assert.True(File.Exists(Path.Combine(temp.Dir, "notes.txt")));
    }

    [Fact]
    public void Asks_for_force_before_replacing_an_earlier_quickstart()
    {
        using var temp = new TempFiles();
        temp.Write(QuickstartRunner.MarkerFile, "");
        temp.Write("model.onnx", "earlier");

        var (code, _, err) = CliRunner.Run("quickstart", "--output", temp.Dir);

        Assert.Equal(2, code);
        Assert.Contains("holds an earlier quickstart; pass --force to replace it", err);
        Assert.True(File.Exists(Path.Combine(temp.Dir, "model.onnx")));
    }

    [Fact]
    public void Refuses_too_few_images()
    {
        var (code, _, err) = CliRunner.Run("quickstart", "--images", "5");

        Assert.Equal(2, code);
        Assert.Contains("--images: 5 is too few; at least 20", err);
    }
}
