using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Lumi.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Lumi.Benchmarks.NmsBenchmarks).Assembly).Run(args);
