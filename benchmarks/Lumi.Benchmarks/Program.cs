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
BenchmarkSwitcher.FromAssembly(typeof(ModelSpeed).Assembly).Run(args);
return 0;
