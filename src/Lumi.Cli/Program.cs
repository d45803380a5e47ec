namespace Lumi.Cli;

public static class Program
{
    public static int Main(string[] args) => LumiCli.Run(args, Console.Out, Console.Error);
}
