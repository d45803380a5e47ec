using Lumi.Cli.Config;
using Lumi.Data.Augmentation;
using Lumi.Data.Imaging;

namespace Lumi.Cli.Tests.Config;

/// <summary><c>data.augmentation</c> binds from YAML and overrides into the pipeline the trainer builds.</summary>
public sealed class AugmentationConfigTests
{
    [Fact]
    public void AnOrderedAugmentationSectionBindsIntoThePipelinesSteps()
    {
        using var files = new TempFiles();
        string path = files.Write("run.yml", """
            data:
              augmentation:
                order: [zoom_out, random_crop, horizontal_flip, photometric]
                random_crop:
                  probability: 0.7
                  min_visible: 0.8
                zoom_out:
                  probability: 0.5
                  max_ratio: 2.5
                  fill: [0.5, 0.5, 0.5]
                photometric:
                  probability: 0.3
                  hue: [0.0, 0.0]
                multi_scale:
                  min_sizes: [288, 320, 352]
            """);

        LoadedConfig config = ConfigLoader.Load([path], ["data.augmentation.horizontal_flip.probability=0.25", "data.augmentation.multi_scale.max_size=600"]);
        AugmentationPipeline pipeline = AugmentationPipeline.Create(config.Options.Data.Augmentation, new ResizeRule(320, 533));

        Assert.Equal([typeof(ZoomOut), typeof(RandomCrop), typeof(HorizontalFlip), typeof(PhotometricDistortion), typeof(MultiScaleResize)],
            pipeline.Steps.Select(s => s.GetType()));
        var crop = (RandomCrop)pipeline.Steps[1];
        Assert.Equal((0.7, 0.8, 0.3, 50), (crop.Options.Probability, crop.Options.MinVisible, crop.Options.MinScale, crop.Options.Attempts));
        Assert.Equal([0.5, 0.5, 0.5], ((ZoomOut)pipeline.Steps[0]).Options.Fill);
        Assert.Equal(2.5, ((ZoomOut)pipeline.Steps[0]).Options.MaxRatio);
        Assert.Equal(0.25, ((HorizontalFlip)pipeline.Steps[2]).Probability);
        Assert.Equal([0.0, 0.0], ((PhotometricDistortion)pipeline.Steps[3]).Options.Hue);
        Assert.Equal([0.8, 1.2], ((PhotometricDistortion)pipeline.Steps[3]).Options.Contrast);
        var resize = (MultiScaleResize)pipeline.Steps[4];
        Assert.Equal((320, 533, 600), (resize.Rule.MinSize, resize.Rule.MaxSize, resize.Options.MaxSize));
        Assert.Equal([288, 320, 352], resize.Options.MinSizes);
    }

    [Fact]
    public void TheDefaultsFlipHalfTheImagesAndOnlyResizeOtherwise()
    {
        LoadedConfig config = ConfigLoader.Load([], []);
        AugmentationPipeline pipeline = AugmentationPipeline.Create(config.Options.Data.Augmentation, new ResizeRule());
        Assert.Equal([typeof(HorizontalFlip), typeof(MultiScaleResize)], pipeline.Steps.Select(s => s.GetType()));
        Assert.Equal(0.5, ((HorizontalFlip)pipeline.Steps[0]).Probability);
    }
}
