using Lumi.Cli.Config;

namespace Lumi.Cli.Tests.Config;

/// <summary><c>-o key.path=value</c>: typed by the property it lands on, parsed with the invariant culture.</summary>
public sealed class ConfigOverrideTests
{
    private static LumiConfig Load(params string[] overrides) => ConfigLoader.Load([], overrides).Options;

    [Fact]
    public void NumbersBooleansAndListsAreTyped()
    {
        LumiConfig c = Load(
            "model.rpn.anchor_sizes=[16,32, 64]",
            "model.transform.image_mean=[0.5, 0.5, 0.5]",
            "train.learning_rate=1e-3",
            "train.weight_decay=0.00005",
            "train.nesterov=true",
            "train.tf32=False",
            "model.num_classes=20",
            "model.rpn.post_nms_top_n.test=300",
            "predict.only_classes=[cat, dog]");
        Assert.Equal(new[] { 16, 32, 64 }, c.Model.Rpn.AnchorSizes);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, c.Model.Transform.ImageMean);
        Assert.Equal(0.001, c.Train.LearningRate);
        Assert.Equal(0.00005, c.Train.WeightDecay);
        Assert.True(c.Train.Nesterov);
        Assert.False(c.Train.Tf32);
        Assert.Equal(20, c.Model.NumClasses);
        Assert.Equal(300, c.Model.Rpn.PostNmsTopN.Test);
        Assert.Equal(2000, c.Model.Rpn.PostNmsTopN.Train);
        Assert.Equal(new[] { "cat", "dog" }, c.Predict.OnlyClasses);
    }

    [Fact]
    public void NumbersUseTheInvariantCultureWhateverTheCurrentOne()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            Assert.Equal(0.25, Load("predict.min_prob=0.25").Predict.MinProb);
            Assert.Throws<Lumi.Data.Errors.UsageException>(() => Load("predict.min_prob=0,25"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void TextThatLooksLikeANumberStaysTextForAStringKey()
    {
        Assert.Equal("2007", Load("data.train_split=2007").Data.TrainSplit);
        Assert.Equal("a=b", Load("data.test_split=a=b").Data.TestSplit);
    }

    [Fact]
    public void EmptyListClearsAList()
    {
        LumiConfig c = Load("predict.only_classes=[cat]", "predict.only_classes=[]");
        Assert.Empty(c.Predict.OnlyClasses);
    }

    [Fact]
    public void LaterOverrideOfTheSameKeyWins()
    {
        Assert.Equal(7, Load("train.epochs=3", "train.epochs=7").Train.Epochs);
    }

    [Fact]
    public void AMapValueSetsASection()
    {
        LumiConfig c = Load("model.rpn.pre_nms_top_n={train: 500, test: 250}");
        Assert.Equal(500, c.Model.Rpn.PreNmsTopN.Train);
        Assert.Equal(250, c.Model.Rpn.PreNmsTopN.Test);
    }

    [Fact]
    public void OverrideRemembersItsOriginForMessages()
    {
        ConfigOverride o = ConfigOverride.Parse("train.epochs=3");
        Assert.Equal(new[] { "train", "epochs" }, o.Path);
        Assert.Equal("-o train.epochs=3", o.Value.Source);
    }
}
