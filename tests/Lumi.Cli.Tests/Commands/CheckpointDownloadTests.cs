using Lumi.Cli.Errors;
using Lumi.Tests.Http;

namespace Lumi.Cli.Tests.Commands;

/// <summary>
/// <c>lumi checkpoint refresh | list | download | info</c> against a real HTTP server on 127.0.0.1: progress, resume
/// after a dropped connection, wrong sha256, 404, an unreachable host, malicious archives — nothing half-installed.
/// </summary>
[Collection(LumiHomeCollection.Name)]
public sealed class CheckpointDownloadTests : IDisposable
{
    private const string Id = TinyCheckpoint.Id;
    private readonly TempFiles _files = new();
    private readonly LumiHomeScope _home;
    private readonly TestHttpServer _server = new();

    public CheckpointDownloadTests() => _home = new LumiHomeScope(Path.Combine(_files.Dir, "home"));

    public void Dispose()
    {
        _server.Dispose();
        _home.Dispose();
        _files.Dispose();
    }

    private string ServeIndex(string entry)
    {
        _server.Serve("index.json", CheckpointFiles.Index(entry));
        return _server.Url("index.json");
    }

    private void AssertNothingInstalled()
    {
        string checkpoints = _home.Checkpoints;
        Assert.False(Directory.Exists(Path.Combine(checkpoints, Id)), "the checkpoint must not be installed");
        if (Directory.Exists(checkpoints)) Assert.Empty(Directory.GetFileSystemEntries(checkpoints));
        string downloads = Path.Combine(_home.Home, "downloads");
        if (Directory.Exists(downloads)) Assert.Empty(Directory.GetFileSystemEntries(downloads));
    }

    [Fact]
    public void RefreshListDownloadWithProgressThenInfo()
    {
        byte[] archive = CheckpointFiles.Tiny;
        _server.Serve("files/tiny.tar.gz", archive);
        // A relative url resolves against the index's own location.
        string indexUrl = ServeIndex(CheckpointFiles.Entry("files/tiny.tar.gz", CheckpointFiles.Sha256(archive), archive.Length));

        var refresh = CliRunner.Run("checkpoint", "refresh", "--index-url", indexUrl);
        Assert.True(refresh.Code == ExitCodes.Ok, refresh.Err);
        Assert.Equal($"Index {indexUrl}: 1 checkpoint(s), saved in {Path.Combine(_home.Home, "index.json")}\n", refresh.Out);

        var before = CliRunner.Run("checkpoint", "list");
        Assert.True(before.Code == ExitCodes.Ok, before.Err);
        Assert.Matches($@"\| {Id} \| tiny +\| tiny +\| detector \| test +\| 2 +\| 127\.0\.0\.1:{_server.Port} \| remote +\|", before.Out);

        var download = CliRunner.Run("checkpoint", "download", "tiny");
        Assert.True(download.Code == ExitCodes.Ok, download.Err);
        string url = _server.Url("files/tiny.tar.gz");
        Assert.StartsWith($"Downloading checkpoint {Id} (tiny, {archive.Length / 1e6:F1} MB) from {url}\n", download.Err);
        Assert.Matches($@"download {Id}: {archive.Length / 1e6:F1} of {archive.Length / 1e6:F1} MB \(100 %\), [0-9.]+ MB/s, done in [0-9.]+ s\n$", download.Err);
        Assert.Equal($"Downloaded checkpoint {Id} (tiny, alias tiny) into {Path.Combine(_home.Checkpoints, Id)}\n", download.Out);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_home.Home, "downloads")));

        var after = CliRunner.Run("checkpoint", "list");
        Assert.Matches($@"\| {Id} \| tiny +\| tiny +\| detector \| test +\| 2 +\| 127\.0\.0\.1:{_server.Port} \| downloaded \|", after.Out);
        Assert.Contains($"1 checkpoint(s): 1 in {_home.Checkpoints}, index {Path.Combine(_home.Home, "index.json")} (from {indexUrl})\n", after.Out);

        var again = CliRunner.Run("checkpoint", "download", Id);
        Assert.Equal($"Checkpoint {Id} (tiny, alias tiny) is already in the store: {Path.Combine(_home.Checkpoints, Id)}\n", again.Out);
        Assert.Single(_server.Requests, r => r.Path == "/files/tiny.tar.gz");

        var info = CliRunner.Run("checkpoint", "info", "tiny");
        Assert.True(info.Code == ExitCodes.Ok, info.Err);
        Assert.Contains("status:       downloaded\n", info.Out);
        Assert.Contains("classes:      cat, dog\n", info.Out);
        Assert.Contains($"url:          {url}\n", info.Out);
        Assert.Matches(@"size on disk: [0-9.]+ MB \([0-9]+ bytes\)\n", info.Out);
        Assert.Matches(@"file:         weights\.safetensors \([0-9]+ bytes, sha256 [0-9a-f]{64}\)\n", info.Out);
        Assert.Contains("model:\n  {\n    \"num_classes\": 2,", info.Out);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ADroppedConnectionIsResumedWithARangeRequest(bool serverHonoursRanges)
    {
        byte[] archive = CheckpointFiles.Tiny;
        long half = archive.Length / 2;
        _server.Serve("tiny.tar.gz", archive, dropAfter: half, dropTimes: 1, ranges: serverHonoursRanges);
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL", ServeIndex(CheckpointFiles.Entry(_server.Url("tiny.tar.gz"), CheckpointFiles.Sha256(archive))));

        var download = CliRunner.Run("checkpoint", "download", Id);

        Assert.True(download.Code == ExitCodes.Ok, download.Err);
        var requests = _server.Requests.Where(r => r.Path == "/tiny.tar.gz").ToList();
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.Equal($"bytes={half}-", requests[1].Range);
        Assert.Contains($"checkpoint {Id}: the connection to 127.0.0.1 broke off (", download.Err);
        Assert.Contains($"{half} bytes kept in {Path.Combine(_home.Home, "downloads", Id + "-tiny.tar.gz.partial")}, resuming\n", download.Err);
        Assert.Contains($"checkpoint {Id}: resuming tiny.tar.gz at byte {half}\n", download.Err);
        Assert.True(File.Exists(Path.Combine(_home.Checkpoints, Id, "weights.safetensors")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_home.Home, "downloads")));
    }

    [Fact]
    public void AWrongSha256IsRefusedAndNothingIsInstalled()
    {
        byte[] archive = CheckpointFiles.Tiny;
        _server.Serve("tiny.tar.gz", archive);
        string wrong = new('a', 64);
        string url = _server.Url("tiny.tar.gz");
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL", ServeIndex(CheckpointFiles.Entry(url, wrong)));

        var download = CliRunner.Run("checkpoint", "download", "tiny");

        Assert.Equal(ExitCodes.InputData, download.Code);
        Assert.Empty(download.Out);
        Assert.EndsWith(
            $"checkpoint {Id}: the file from {url} has sha256 {CheckpointFiles.Sha256(archive)}, the index says sha256 {wrong}: " +
            "refused, nothing was installed and the download was deleted\n", download.Err);
        AssertNothingInstalled();
    }

    [Fact]
    public void A404NamesTheStatusAndTheUrl()
    {
        string url = _server.Url("missing.tar.gz");
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL", ServeIndex(CheckpointFiles.Entry(url, new string('b', 64))));

        var download = CliRunner.Run("checkpoint", "download", "tiny");

        Assert.Equal(ExitCodes.InputData, download.Code);
        Assert.EndsWith(
            $"checkpoint {Id}: HTTP 404 Not Found from {url} (no such file on the server: the index entry's url is wrong or the file was removed)\n",
            download.Err);
        AssertNothingInstalled();
    }

    [Fact]
    public void AnUnreachableHostIsANetworkError()
    {
        string url = $"http://127.0.0.1:{TestHttpServer.ClosedPort()}/tiny.tar.gz";
        string index = Path.Combine(_files.Dir, "index.json");
        File.WriteAllText(index, CheckpointFiles.Index(CheckpointFiles.Entry(url, new string('c', 64))));
        Assert.Equal(ExitCodes.Ok, CliRunner.Run("checkpoint", "refresh", "--index-url", index).Code);

        var download = CliRunner.Run("checkpoint", "download", "tiny");

        Assert.Equal(ExitCodes.Unavailable, download.Code);
        Assert.EndsWith(
            $"checkpoint {Id}: cannot reach {url}: Connection refused (ConnectionRefused); check the network connection and the URL\n", download.Err);
        AssertNothingInstalled();

        string closed = $"http://127.0.0.1:{TestHttpServer.ClosedPort()}/index.json";
        var refresh = CliRunner.Run("checkpoint", "refresh", "--index-url", closed);
        Assert.Equal(ExitCodes.Unavailable, refresh.Code);
        Assert.StartsWith($"checkpoint index: cannot reach {closed}: ", refresh.Err);

        // Without a cached index, list fetches LUMI_INDEX_URL's; when it cannot, it still lists the store.
        File.Delete(Path.Combine(_home.Home, "index.json"));
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL", closed);
        CheckpointFiles.WriteSmall(Path.Combine(_home.Checkpoints, Id));
        var list = CliRunner.Run("checkpoint", "list");
        Assert.Equal(ExitCodes.Ok, list.Code);
        Assert.StartsWith($"warning: checkpoint index: cannot reach {closed}: ", list.Err);
        Assert.EndsWith("; listing the store only\n", list.Err);
        Assert.Matches($@"\| {Id} \| tiny +\| - +\| detector \| test +\| 2 +\| local +\| local +\|", list.Out);
    }

    [Theory]
    [InlineData("traversal", "leaves the destination folder ('..')")]
    [InlineData("absolute", "is an absolute path")]
    [InlineData("symlink", "is a symbolic link (to '/etc/passwd')")]
    public void AMaliciousArchiveIsRefusedNamingTheEntry(string kind, string why)
    {
        var (bytes, bad) = CheckpointFiles.Malicious(kind);
        _server.Serve("evil.tar.gz", bytes);
        string url = _server.Url("evil.tar.gz");
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL", ServeIndex(CheckpointFiles.Entry(url, CheckpointFiles.Sha256(bytes))));

        var download = CliRunner.Run("checkpoint", "download", "tiny");

        Assert.Equal(ExitCodes.InputData, download.Code);
        Assert.Contains($"\ncheckpoint {Id}: the archive from {url} was refused, nothing was installed: Refusing to extract ", download.Err);
        Assert.EndsWith($": entry '{bad}' {why}.\n", download.Err);
        Assert.False(File.Exists(Path.Combine(_home.Home, "evil.txt")));
        Assert.False(File.Exists("/tmp/lumi-evil-absolute.txt"));
        AssertNothingInstalled();

        // The same archive given to import is refused the same way.
        string file = Path.Combine(_files.Dir, "evil.tar.gz");
        File.WriteAllBytes(file, bytes);
        var import = CliRunner.Run("checkpoint", "import", file);
        Assert.Equal(ExitCodes.InputData, import.Code);
        Assert.StartsWith($"Refusing to extract {file}: entry '{bad}' {why}.", import.Err);
        AssertNothingInstalled();
    }

    [Fact]
    public void ACommandGivenAnIndexAliasDownloadsItFirst()
    {
        string folder = Path.Combine(_files.Dir, "backbone", "abcdefabcdef");
        CheckpointFiles.WriteSmall(folder, id: "abcdefabcdef", kind: Lumi.Models.Checkpoints.CheckpointKind.Backbone);
        string archive = Path.Combine(_files.Dir, "r18.tar.gz");
        Lumi.Models.Checkpoints.SafeTarGz.Create(folder, archive);
        byte[] bytes = File.ReadAllBytes(archive);
        _server.Serve("r18.tar.gz", bytes);
        Environment.SetEnvironmentVariable("LUMI_INDEX_URL",
            ServeIndex(CheckpointFiles.Entry("r18.tar.gz", CheckpointFiles.Sha256(bytes), id: "abcdefabcdef", alias: "r18", kind: "backbone")));

        var export = CliRunner.Run("export", "--checkpoint", "r18", "--output", Path.Combine(_files.Dir, "r18.onnx"));

        Assert.Equal(ExitCodes.InputData, export.Code);
        Assert.StartsWith($"checkpoint 'r18' is not in {_home.Checkpoints}; downloading abcdefabcdef (tiny) from the index {_server.Url("index.json")}\n", export.Err);
        Assert.Contains("download abcdefabcdef: ", export.Err);
        Assert.EndsWith("checkpoint 'r18' (abcdefabcdef) is a backbone (resnet18, tiny): classification weights to train a detector from, not a detector; " +
            "prediction, export and evaluation need a detector checkpoint (lumi checkpoint list shows each one's kind)\n", export.Err);
        // Downloaded and installed, under the index's alias.
        Assert.Contains("\"alias\": \"r18\"", File.ReadAllText(Path.Combine(_home.Checkpoints, "abcdefabcdef", "checkpoint.json")));
    }

    [Fact]
    public void ABadIndexIsRefusedNamingTheEntryAndFieldAndTheCacheIsKept()
    {
        string url = ServeIndex("""{"id": "0123456789ab", "name": "x", "kind": "segmenter"}""");

        var refresh = CliRunner.Run("checkpoint", "refresh", "--index-url", url);

        Assert.Equal(ExitCodes.InputData, refresh.Code);
        Assert.Equal($"{url}: checkpoints[0] (0123456789ab): field 'kind' must be detector or backbone, not 'segmenter'\n", refresh.Err);
        Assert.False(File.Exists(Path.Combine(_home.Home, "index.json")));

        var missing = CliRunner.Run("checkpoint", "refresh", "--index-url", _server.Url("nothing.json"));
        Assert.Equal(ExitCodes.InputData, missing.Code);
        Assert.Equal($"checkpoint index: HTTP 404 Not Found from {_server.Url("nothing.json")} (no such file on the server: the index entry's url is wrong or the file was removed)\n", missing.Err);
    }
}
