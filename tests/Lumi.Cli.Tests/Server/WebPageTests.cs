using System.Diagnostics;
using Lumi.Cli.Tests.Inference;
using System.Text.Json.Nodes;
using Lumi.Inference;
using Lumi.Models.Export;
using Lumi.Server;
using Xunit.Abstractions;

namespace Lumi.Cli.Tests.Server;

/// <summary>
/// The page end to end in Debian's headless chromium, driven by playwright-core (tests/browser/page_check.mjs): an image
/// uploaded through the file input is drawn with its boxes where the API put them, and moving the probability slider
/// removes the less probable boxes from the canvas pixels; a file dropped on the drop zone is predicted too. Screenshots are kept under the test output folder.
/// </summary>
[Collection(WebServerCollection.Name)]
public sealed class WebPageTests(ServerFixture fixture, ITestOutputHelper output)
{
    public const string Chromium = "/usr/bin/chromium";
    private static readonly string BrowserTests = Path.Combine(RepoPaths.Root, "tests", "browser");

    /// <summary>Screenshots of the page, kept after the run.</summary>
    public static string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "web-page");

    [Fact]
    public async Task BoxesAreDrawnWhereTheApiPutThemAndTheSliderHidesTheLessProbable()
    {
        // Class scores that depend more on the features and less on a class bias: both classes, probabilities spread
        // over 0.85-0.98. At most 6 objects and NMS 0.3, so that most of each box's outline is its own on the canvas.
        string model = fixture.ExportWithFeatureDrivenScores("page.onnx",
            new ExportOptions { ScoreThreshold = DetectorFixture.ScoreThreshold, DetectionsPerImage = 6, NmsThreshold = 0.3 });
        using Detector detector = Detector.Load(model, new DetectorOptions { IntraOpThreads = 2 });
        WebServer server = await fixture.StartAsync(new WebServerOptions(), detector);
        string image = fixture.Model.Image("street.png", 320, 240, 8);
        Detection[] expected = detector.Predict(image);
        output.WriteLine($"{expected.Length} objects: {string.Join(", ", expected.Select(d => $"{d.ClassName} {d.Score:F3}"))}");
        Assert.InRange(expected.Length, 3, 6);
        Assert.Equal(["cat", "dog"], expected.Select(d => d.ClassName).Distinct().Order());
        Directory.CreateDirectory(Artifacts);

        JsonObject report = RunPageCheck(server.Url, image, Artifacts);

        // The page shows the API's answer for the image, as JSON too.
        var response = WebServerTests.Parse(report["response"]!.ToJsonString());
        WebServerTests.AssertSame(expected, response);
        Assert.Equal(report["response"]!.ToJsonString(), report["shownJson"]!.ToJsonString());
        Assert.Equal("page.onnx · 2 classes · cpu · images resized to 160–320 px", (string?)report["model"]);
        string cat = (string)report["colors"]!["cat"]!, dog = (string)report["colors"]!["dog"]!;
        Assert.Matches("^#[0-9a-f]{6}$", cat);
        Assert.NotEqual(cat, dog);
        Assert.Empty(report["pageErrors"]!.AsArray());

        // Before the slider moves (0.50): every object is drawn in its class colour where the API put it.
        JsonObject before = report["before"]!.AsObject();
        Assert.Equal(0.5, (double)before["threshold"]!);
        Assert.Equal((320, 240), ((int)before["width"]!, (int)before["height"]!));
        Assert.Empty(before["hidden"]!.AsArray());
        AssertDrawn(before, expected.Length);
        Assert.Equal($"{expected.Length} of {expected.Length} objects at probability ≥ 0.50", (string?)before["summary"]);

        // After: the boxes below the new threshold are gone from the pixels, the others are still there.
        JsonObject after = report["after"]!.AsObject();
        double threshold = (double)after["threshold"]!;
        int shown = expected.Count(d => d.Score >= threshold);
        output.WriteLine($"slider moved {report["presses"]} steps to {threshold}: {shown} shown, {expected.Length - shown} hidden");
        Assert.InRange(shown, 1, expected.Length - 1);
        AssertDrawn(after, shown);
        JsonArray hidden = after["hidden"]!.AsArray();
        Assert.Equal(expected.Length - shown, hidden.Count);
        foreach (JsonNode? box in hidden)
        {
            int checkedPixels = (int)box!["checked"]!, unchanged = (int)box["unchanged"]!, colored = (int)box["colored"]!;
            output.WriteLine($"hidden {box["label"]} {box["prob"]}: {unchanged} of {checkedPixels} edge pixels are the image's own, {colored} in its colour");
            Assert.True(checkedPixels >= 10, $"too few edge pixels to check: {box.ToJsonString()}");
            Assert.Equal(checkedPixels, unchanged);
            Assert.Equal(0, colored);
        }
        Assert.Equal($"{shown} of {expected.Length} objects at probability ≥ {threshold:F2}", (string?)after["summary"]);
        foreach (string name in new[] { "page-before-slider.png", "page-after-slider.png", "canvas-after-slider.png" })
            Assert.True(new FileInfo(Path.Combine(Artifacts, name)).Length > 1000, $"screenshot {name} missing");
        output.WriteLine($"screenshots in {Artifacts}");

        // Dropping a file on the drop zone works as choosing it.
        var dropped = WebServerTests.Parse(report["dropped"]!.ToJsonString());
        Assert.Equal("dropped.png", dropped.File);
        WebServerTests.AssertSame(expected, dropped);
    }

    /// <summary>Each of the <paramref name="count"/> drawn boxes has its edge pixels (those no other box or label covers) in its class colour.</summary>
    private void AssertDrawn(JsonObject state, int count)
    {
        JsonArray visible = state["visible"]!.AsArray();
        Assert.Equal(count, visible.Count);
        foreach (JsonNode? box in visible)
        {
            int checkedPixels = (int)box!["checked"]!, matched = (int)box["matched"]!;
            output.WriteLine($"drawn {box["label"]} {box["prob"]} {box["bbox"]!.ToJsonString()}: {matched} of {checkedPixels} edge pixels in its colour");
            Assert.True(checkedPixels >= 10, $"too few edge pixels to check: {box.ToJsonString()}");
            Assert.Equal(checkedPixels, matched);
        }
    }

    private JsonObject RunPageCheck(Uri url, string image, string artifacts)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does");
        EnsurePlaywright();
        var (code, stdout, stderr) = Run("node", BrowserTests, TimeSpan.FromSeconds(120), "page_check.mjs", url.ToString(), image, artifacts);
        Assert.True(code == 0, $"node page_check.mjs exited {code}:\n{stderr}\n{stdout}");
        string last = stdout.TrimEnd().Split('\n')[^1];
        return JsonNode.Parse(last)!.AsObject();
    }

    /// <summary>playwright-core from tests/browser/package-lock.json: installed by .ci/run, else here with <c>npm ci</c>.</summary>
    private static void EnsurePlaywright()
    {
        lock (BrowserTests)
        {
            if (File.Exists(Path.Combine(BrowserTests, "node_modules", "playwright-core", "package.json"))) return;
            var (code, stdout, stderr) = Run("npm", BrowserTests, TimeSpan.FromSeconds(300), "ci", "--no-audit", "--no-fund");
            Assert.True(code == 0, $"npm ci in {BrowserTests} exited {code}:\n{stderr}\n{stdout}");
        }
    }

    private static (int Code, string Out, string Err) Run(string program, string folder, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run '{program}' ({e.Message}): install Debian's nodejs and npm, as .ci/run does", e);
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} ran longer than {timeout.TotalSeconds} s:\n{stderr.Result}");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
