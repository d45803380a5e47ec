using Lumi.Models.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lumi.Models.Tests.Checkpoints;

public sealed class StateDictLoaderTests
{
    // Field names are state-dict keys, as in torchvision.
#pragma warning disable IDE1006
    private sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d conv;
        public readonly BatchNorm2d bn;
        public readonly Linear head;

        public TinyNet() : base(nameof(TinyNet))
        {
            conv = nn.Conv2d(3, 4, 3);
            bn = nn.BatchNorm2d(4);
            head = nn.Linear(4, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => head.forward(bn.forward(conv.forward(x)).mean(new long[] { 2, 3 }));
    }

    /// <summary>Batch norm with fixed statistics: buffers only, no num_batches_tracked.</summary>
    private sealed class FrozenNorm : nn.Module<Tensor, Tensor>
    {
        public FrozenNorm(int n) : base(nameof(FrozenNorm))
        {
            register_buffer("weight", ones(n));
            register_buffer("bias", zeros(n));
            register_buffer("running_mean", zeros(n));
            register_buffer("running_var", ones(n));
        }

        public override Tensor forward(Tensor x) => x;
    }

    private sealed class FrozenNet : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d conv;
        public readonly FrozenNorm bn;
        public readonly Linear head;

        public FrozenNet() : base(nameof(FrozenNet))
        {
            conv = nn.Conv2d(3, 4, 3);
            bn = new FrozenNorm(4);
            head = nn.Linear(4, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }
#pragma warning restore IDE1006

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Dictionary<string, Tensor> StateOf(nn.Module m) =>
        m.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static Dictionary<string, Tensor> Source()
    {
        torch.manual_seed(11);
        var source = new TinyNet();
        using (no_grad())
        {
            source.bn.running_mean!.uniform_(-1, 1);
            source.bn.running_var!.uniform_(0.5, 2);
            source.bn.num_batches_tracked!.fill_(9);
        }
        return StateOf(source);
    }

    [Fact]
    public void CopiesEveryValueAndKeepsRequiresGrad()
    {
        var sd = Source();
        torch.manual_seed(12);
        var net = new TinyNet();
        net.conv.weight!.requires_grad = false; // a frozen layer stays frozen
        var headWeight = net.head.weight!;

        var result = StateDictLoader.Load(net, sd);

        Assert.True(result.IsExact);
        Assert.Equal(net.state_dict().Keys, result.Loaded);
        foreach (var (k, v) in net.state_dict()) Assert.True(Same(v, sd[k]), k);
        Assert.False(net.conv.weight!.requires_grad);
        Assert.True(net.conv.bias!.requires_grad);
        Assert.True(net.head.weight!.requires_grad);
        Assert.Same(headWeight, net.head.weight); // copied in place: an optimizer's references stay valid
        Assert.Equal(9, net.bn.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void MissingKeysAreAnErrorInStrictMode()
    {
        var sd = Source();
        sd.Remove("head.weight");
        sd.Remove("bn.running_var");
        var net = new TinyNet();
        var e = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(net, sd));
        Assert.Equal("Cannot load the state dict into TinyNet: missing keys: 'head.weight', 'bn.running_var'.", e.Message);
        Assert.Equal(new[] { "head.weight", "bn.running_var" }, e.Result.MissingKeys);
        Assert.False(Same(net.conv.weight!, sd["conv.weight"])); // nothing copied
    }

    [Fact]
    public void UnexpectedKeysAreAnErrorInStrictMode()
    {
        var sd = Source();
        sd["extra.weight"] = ones(2);
        sd["head.scale"] = ones(1);
        var e = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(new TinyNet(), sd));
        Assert.Equal("Cannot load the state dict into TinyNet: unexpected keys: 'extra.weight', 'head.scale'.", e.Message);
    }

    [Fact]
    public void NonStrictReportsMissingAndUnexpectedAndLoadsTheRest()
    {
        var sd = Source();
        sd.Remove("head.bias");
        sd["extra.weight"] = ones(2);
        var net = new TinyNet();
        var result = StateDictLoader.Load(net, sd, strict: false);
        Assert.Equal(new[] { "head.bias" }, result.MissingKeys);
        Assert.Equal(new[] { "extra.weight" }, result.UnexpectedKeys);
        Assert.False(result.IsExact);
        Assert.True(Same(net.head.weight!, sd["head.weight"]));
    }

    [Fact]
    public void AShapeMismatchIsAnErrorNamingTheKeyAndBothShapes()
    {
        var sd = Source();
        sd["head.weight"] = zeros(3, 4);
        var e = Assert.Throws<StateDictLoadException>(() => StateDictLoader.Load(new TinyNet(), sd, strict: false));
        Assert.Equal("Cannot load the state dict into TinyNet: size mismatch for 'head.weight': the file has [3, 4], the module has [2, 4].", e.Message);
        Assert.Equal("head.weight", Assert.Single(e.Result.ShapeMismatches).Key);
    }

    [Fact]
    public void NumBatchesTrackedIsDroppedForFrozenNorms()
    {
        var sd = Source();
        var net = new FrozenNet();
        var result = StateDictLoader.Load(net, sd);
        Assert.Equal(new[] { "bn.num_batches_tracked" }, result.DroppedKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.True(Same(net.state_dict()["bn.running_mean"], sd["bn.running_mean"]));
    }

    [Fact]
    public void ARenameFunctionMapsFileKeysAndNullDropsThem()
    {
        var sd = Source().ToDictionary(p => "model." + p.Key, p => p.Value);
        sd["classifier.weight"] = ones(1);
        var result = StateDictLoader.Load(new TinyNet(), sd,
            renameKey: k => k.StartsWith("model.", StringComparison.Ordinal) ? k["model.".Length..] : null);
        Assert.True(result.IsExact);
        Assert.Equal(new[] { "classifier.weight" }, result.DroppedKeys);
    }

    [Fact]
    public void ConvertsDtypeToTheModulesOwn()
    {
        var sd = Source().ToDictionary(p => p.Key, p => p.Value.is_floating_point() ? p.Value.to(float64) : p.Value);
        var net = new TinyNet();
        StateDictLoader.Load(net, sd);
        Assert.Equal(ScalarType.Float32, net.head.weight!.dtype);
        Assert.True(Same(net.head.weight!, sd["head.weight"].to(float32)));
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("legacy")]
    public void LoadsATorchFileIntoATorchSharpModule(string container)
    {
        // tests/reference/torch_files.py: nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)).
        using var file = TorchFileReader.Read(TorchFiles.File($"wrapped_model.{container}.pt"));
        var net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4));
        var result = StateDictLoader.Load(net, file.Tensors);
        Assert.True(result.IsExact);
        Assert.Equal(file.Tensors.Keys, result.Loaded);
        foreach (var (k, v) in net.state_dict()) Assert.True(Same(v, file.Tensors[k]), k);
    }
}
