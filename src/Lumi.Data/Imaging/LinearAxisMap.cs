namespace Lumi.Data.Imaging;

/// <summary>
/// For one axis of a bilinear resize, each output index's two source indices and weights, as
/// <c>torch.nn.functional.interpolate(mode="bilinear", align_corners=False)</c> computes them when the
/// scale is recomputed from the sizes: <c>scale = in / out</c> (float), source coordinate
/// <c>scale·(i + 0.5) − 0.5</c> clamped below at 0, index clamped at the last sample.
/// </summary>
internal sealed class LinearAxisMap
{
    public LinearAxisMap(int inputSize, int outputSize)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Index0 = new int[outputSize];
        Index1 = new int[outputSize];
        Weight0 = new float[outputSize];
        Weight1 = new float[outputSize];
        float scale = (float)inputSize / outputSize;
        for (int i = 0; i < outputSize; i++)
        {
            float source = scale * (i + 0.5f) - 0.5f;
            if (source < 0f)
            {
                source = 0f;
            }
            int index = Math.Min((int)MathF.Floor(source), inputSize - 1);
            float lambda = Math.Clamp(source - index, 0f, 1f);
            Index0[i] = index;
            Index1[i] = index < inputSize - 1 ? index + 1 : index;
            Weight0[i] = 1f - lambda;
            Weight1[i] = lambda;
        }
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public int[] Index0 { get; }
    public int[] Index1 { get; }
    public float[] Weight0 { get; }
    public float[] Weight1 { get; }
}
