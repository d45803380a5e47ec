using Lumi.Cli.Config;
using Lumi.Data.Errors;

namespace Lumi.Cli.Tests.Config;

/// <summary>Every kind of configuration error, with its exact message.</summary>
public sealed class ConfigValidationTests
{
    [Theory]
    [InlineData("model.rpn.nms_threshold=1.7", "model.rpn.nms_threshold: 1.7 is out of range [0, 1]")]
    [InlineData("model.rpn.nms_threshold=-0.1", "model.rpn.nms_threshold: -0.1 is out of range [0, 1]")]
    [InlineData("model.num_classes=0", "model.num_classes: 0 is out of range [1, 10000]")]
    [InlineData("train.seed=-1", "train.seed: -1 is out of range; must be at least 0")]
    [InlineData("train.optimizr=sgd", "train.optimizr: unknown key; did you mean train.optimizer?")]
    [InlineData("modle.num_classes=3", "modle: unknown key; did you mean model?")]
    [InlineData("model.rpn.pre_nms_top_n.tset=5", "model.rpn.pre_nms_top_n.tset: unknown key; did you mean model.rpn.pre_nms_top_n.test?")]
    [InlineData("model.learning_rate=0.1", "model.learning_rate: unknown key; did you mean train.learning_rate?")]
    [InlineData("model.colour=red", "model.colour: unknown key; known keys here: num_classes, transform, backbone, rpn, roi_heads")]
    [InlineData("train.optimizer=adam", "train.optimizer: adam is not one of: sgd, adamw")]
    [InlineData("model.backbone.name=vgg16", "model.backbone.name: vgg16 is not one of: resnet18, resnet34, resnet50, resnet101, resnet18_cntk")]
    [InlineData("data.difficult=keep", "data.difficult: keep is not one of: ignore, include, drop")]
    [InlineData("predict.format=xml", "predict.format: xml is not one of: jsonl, coco, voc, csv")]
    [InlineData("train.epochs=abc", "train.epochs: abc is not an integer")]
    [InlineData("train.epochs=2.5", "train.epochs: 2.5 is not an integer")]
    [InlineData("train.epochs='5'", "train.epochs: '5' is not an integer")]
    [InlineData("train.epochs=99999999999", "train.epochs: 99999999999 is not an integer")]
    [InlineData("train.epochs=", "train.epochs: missing value; expected an integer")]
    [InlineData("train.learning_rate=fast", "train.learning_rate: fast is not a number")]
    [InlineData("train.learning_rate=.nan", "train.learning_rate: .nan is not a number")]
    [InlineData("train.nesterov=yes", "train.nesterov: yes is not a boolean; use true or false")]
    [InlineData("train.betas=[0.9]", "train.betas: [0.9] has 1 item; expected 2")]
    [InlineData("train.betas=[0.9,0.99,0.999]", "train.betas: [0.9, 0.99, 0.999] has 3 items; expected 2")]
    [InlineData("model.rpn.anchor_sizes=[32,x]", "model.rpn.anchor_sizes[1]: x is not an integer")]
    [InlineData("model.rpn.anchor_sizes=32", "model.rpn.anchor_sizes: expected a list of integers like [a, b], found 32")]
    [InlineData("model.rpn.pre_nms_top_n=1000", "model.rpn.pre_nms_top_n: expected a map with keys train, test, found 1000")]
    [InlineData("model.rpn.pre_nms_top_n.train=many", "model.rpn.pre_nms_top_n.train: many is not an integer")]
    [InlineData("data.augmentation=3", "data.augmentation: expected a map with keys order, horizontal_flip, vertical_flip, photometric, random_crop, zoom_out, multi_scale, found 3")]
    [InlineData("data.augmentation.horizontal_flip.probability=2", "data.augmentation.horizontal_flip.probability: 2 is out of range [0, 1]")]
    [InlineData("data.augmentation.order=[flip]", "data.augmentation.order: [flip] is not allowed: each step at most once, from: photometric, zoom_out, random_crop, horizontal_flip, vertical_flip")]
    [InlineData("data.augmentation.order=[zoom_out,zoom_out]", "data.augmentation.order: [zoom_out, zoom_out] is not allowed: each step at most once, from: photometric, zoom_out, random_crop, horizontal_flip, vertical_flip")]
    [InlineData("data.augmentation.photometric.contrast=[1.5,0.5]", "data.augmentation.photometric.contrast: [1.5, 0.5] is not allowed: expected [low, high] with 0 <= low <= high <= 10")]
    [InlineData("data.augmentation.photometric.hue=[0.1]", "data.augmentation.photometric.hue: [0.1] is not allowed: expected [low, high] with -0.5 <= low <= high <= 0.5")]
    [InlineData("data.augmentation.multi_scale.min_sizes=[320,0]", "data.augmentation.multi_scale.min_sizes: [320, 0] is not allowed: every value must be in [1, 10000]")]
    [InlineData("data.augmentation.zoom_out.fill=[0.5,0.5]", "data.augmentation.zoom_out.fill: [0.5, 0.5] has 2 items; expected 3")]
    [InlineData("data.train_split=[a,b]", "data.train_split: expected text, found [a, b]")]
    [InlineData("predict.only_classes=cat", "predict.only_classes: expected a list of strings like [a, b], found cat")]
    [InlineData("train.lr_schedule.type=linear", "train.lr_schedule.type: linear is not one of: multistep, cosine, constant")]
    [InlineData("model.num_classes.x=1", "model.num_classes: expected an integer, found {x: 1}")]
    public void OverrideErrorMessageIsExact(string assignment, string message)
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load([], [assignment]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void AllErrorsAreReportedTogetherOnePerLineInTreeOrder()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load([], ["train.optimizr=sgd", "model.rpn.nms_threshold=1.7"]));
        Assert.Equal(
            "model.rpn.nms_threshold: 1.7 is out of range [0, 1]" + Environment.NewLine
            + "train.optimizr: unknown key; did you mean train.optimizer?",
            e.Message);
    }

    [Fact]
    public void ErrorsFromFilesNameTheFullKeyPath()
    {
        using var files = new TempFiles();
        string path = files.Write("run.yml", "model:\n  rpn:\n    nms_threshold: 1.7\ntrain:\n  optimizr: sgd\n");
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load([path], []));
        Assert.Equal(
            "model.rpn.nms_threshold: 1.7 is out of range [0, 1]" + Environment.NewLine
            + "train.optimizr: unknown key; did you mean train.optimizer?",
            e.Message);
    }

    [Theory]
    [InlineData("foo", "-o foo: expected key.path=value, e.g. -o model.rpn.nms_threshold=0.6")]
    [InlineData("=3", "-o =3: '' is not a key path; expected key.path=value, e.g. -o model.rpn.nms_threshold=0.6")]
    [InlineData("model..num_classes=3", "-o model..num_classes=3: 'model..num_classes' is not a key path; expected key.path=value, e.g. -o model.rpn.nms_threshold=0.6")]
    public void MalformedOverrideIsAUsageError(string assignment, string message)
    {
        var e = Assert.Throws<UsageException>(() => ConfigOverride.Parse(assignment));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void MalformedOverrideValueNamesTheOverride()
    {
        var e = Assert.Throws<UsageException>(() => ConfigOverride.Parse("model.rpn.anchor_sizes=[1,2"));
        Assert.StartsWith("-o model.rpn.anchor_sizes=[1,2: malformed value: ", e.Message);
    }

    [Fact]
    public void MissingConfigFileIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(["/nonexistent/run.yml"], []));
        Assert.Equal("-c /nonexistent/run.yml: file not found", e.Message);
    }
}
