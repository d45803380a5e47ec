using Lumi.Data.Errors;
using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Tests.Pipeline;

public sealed class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/4", 2, 4)]
    [InlineData("9/10", 9, 10)]
    public void ParsesIOfN(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void RejectsAnythingElseSayingTheRule(string text)
    {
        var e = Assert.Throws<UsageException>(() => Shard.Parse(text));
        Assert.Equal($"--shard: '{text}' is not i/n with 0 <= i < n (shard i of n, 0-based: 0/4, 1/4, 2/4, 3/4)", e.Message);
    }

    [Fact]
    public void ShardsPartitionTheListInOrder()
    {
        int[] items = Enumerable.Range(0, 11).ToArray();
        var shards = Enumerable.Range(0, 4).Select(i => new Shard(i, 4).Select(items)).ToArray();
        Assert.Equal([0, 4, 8], shards[0]);
        Assert.Equal([3, 7], shards[3]);
        Assert.Equal(items, shards.SelectMany(s => s).Order());
        Assert.Same(items, Shard.All.Select(items));
    }
}
