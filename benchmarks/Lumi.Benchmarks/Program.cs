using BenchmarkDotNet.Running;
using Lumi.Benchmarks;

// `model-speed DIR [REPEATS]` is the Lumi half of benchmarks/model_speed.sh (seconds-long runs that
// BenchmarkDotNet would repeat for minutes); everything else goes to BenchmarkDotNet:
// dotnet run -c Release --project benchmarks/Lumi.Benchmarks -- --filter '*' [--job short]
if (args.Length > 0 && args[0] == "model-speed")
    return ModelSpeed.Run(args[1..]);
// `predict-speed DIR` is the in-process half of benchmarks/predict_speed.sh.
if (args.Length > 0 && args[0] == "predict-speed")
    return PredictSpeed.Run(args[1..]);
// `synth DIR [IMAGES] [SIZE]`: the synthetic shapes dataset (3 classes) that benchmarks/tiny_map.sh trains on.
if (args.Length > 0 && args[0] == "synth")
{
    Lumi.Data.Synthetic.SyntheticVoc.Write(args[1], new Lumi.Data.Synthetic.SyntheticVocOptions
    {
        Images = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300,
        Width = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 320,
        Height = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 320,
    });
    return 0;
}
// `train-speed [STEPS] [IMAGES]`: training images/s with the real data pipeline against preloaded batches.
if (args.Length > 0 && args[0] == "train-speed")
    return TrainSpeed.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ModelSpeed).Assembly).Run(args);
return 0;
