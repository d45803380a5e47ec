namespace Lumi.Data.Imaging;

/// <summary>
/// For one axis of a bilinear resize, each output index's two source indices and weights, as
/// <c>torch.nn.functional.interpolate(mode="bilinear", align_corners=False)</c> computes them when the
/// scale is recomputed from the sizes: <c>scale = in / out</c> (float), source coordinate
/// <c>scale·(i + 0.5) − 0.5</c> (in double) clamped below at 0, index clamped at the last sample.
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
            // The float scale times (i + 0.5) minus 0.5 is evaluated in double (the 0.5 is a double
            // literal in ATen) and the weight is taken from that double: rounding the coordinate to
            // float first would move weights by up to 3e-5 near index 500 (measured against torch 1.13).
            double source = scale * (i + 0.5) - 0.5;
            if (source < 0)
            {
                source = 0;
            }
            int index = Math.Min((int)Math.Floor(source), inputSize - 1);
            float lambda = Math.Clamp((float)(source - index), 0f, 1f);
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
