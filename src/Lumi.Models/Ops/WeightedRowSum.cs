using TorchSharp;
using static TorchSharp.torch;

namespace Lumi.Models.Ops;

/// <summary>
/// <c>out[b] = Σ_t weight[b, t] · table[index[b, t]]</c> for a table <c>[R, C]</c>, bags <c>index</c>/<c>weight</c>
/// <c>[B, T]</c>: the gather-and-blend at the heart of <see cref="RoiAlign"/>, as a custom autograd function
/// (gradient for the table only). Forward and backward run in small chunks of bags, so no gathered copy of
/// all the taps is ever held and the backward pass accumulates into a single table-sized gradient with
/// <c>index_add_</c>, instead of one full-size gradient per chunk as autograd through <c>index_select</c> would.
/// </summary>
internal sealed class WeightedRowSum : torch.autograd.SingleTensorFunction<WeightedRowSum>
{
    /// <summary>
    /// Gathered values per chunk (16 MiB in float32). Much smaller chunks mean many small parallel regions, which
    /// crawl on an oversubscribed CPU while OpenMP workers spin; much larger ones pay for fresh pages every chunk.
    /// </summary>
    private const long ChunkElements = 1L << 22;

    public override string Name => nameof(WeightedRowSum);

    /// <summary>Applies the function; <paramref name="table"/> receives gradients, the taps do not.</summary>
    public static Tensor Apply(Tensor table, Tensor index, Tensor weight) => apply(table, new Taps(index, weight));

    private sealed record Taps(Tensor Index, Tensor Weight);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var table = (Tensor)vars[0];
        var taps = (Taps)vars[1];
        ctx.save_for_backward(new List<Tensor> { taps.Index, taps.Weight });
        ctx.save_data("rows", table.shape[0]);
        using var noGrad = torch.no_grad();
        return Forward(table, taps.Index, taps.Weight);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var index = saved[0];
        var weight = saved[1];
        long rows = (long)ctx.get_data("rows");
        using var noGrad = torch.no_grad();
        return new List<Tensor> { Backward(gradOutput, index, weight, rows), null! };
    }

    internal static Tensor Forward(Tensor table, Tensor index, Tensor weight)
    {
        long bags = index.shape[0], taps = index.shape[1], c = table.shape[1];
        var output = torch.empty(new[] { bags, c }, table.dtype, table.device);
        long step = Math.Max(1, ChunkElements / Math.Max(taps * c, 1));
        for (long b0 = 0; b0 < bags; b0 += step)
        {
            using var scope = torch.NewDisposeScope();
            long b = Math.Min(step, bags - b0);
            var values = table.index_select(0, index.narrow(0, b0, b).reshape(-1)).view(b, taps, c);
            var blended = torch.bmm(weight.narrow(0, b0, b).unsqueeze(1), values); // [b, 1, C]
            output.narrow(0, b0, b).copy_(blended.squeeze(1));
        }
        return output;
    }

    internal static Tensor Backward(Tensor gradOutput, Tensor index, Tensor weight, long rows)
    {
        long bags = index.shape[0], taps = index.shape[1], c = gradOutput.shape[1];
        var grad = torch.zeros(new[] { rows, c }, gradOutput.dtype, gradOutput.device);
        long step = Math.Max(1, ChunkElements / Math.Max(taps * c, 1));
        for (long b0 = 0; b0 < bags; b0 += step)
        {
            using var scope = torch.NewDisposeScope();
            long b = Math.Min(step, bags - b0);
            // [b, T, 1] x [b, 1, C]: each tap's share of its bag's gradient.
            var spread = torch.bmm(weight.narrow(0, b0, b).unsqueeze(2), gradOutput.narrow(0, b0, b).unsqueeze(1));
            grad.index_add_(0, index.narrow(0, b0, b).reshape(-1), spread.view(b * taps, c), 1.0);
        }
        return grad;
    }
}
