namespace Lumi.Data.Imaging;

/// <summary>Colour conversions shared by what Lumi draws (synthetic datasets, annotated predictions).</summary>
public static class HsvColor
{
    /// <summary>HSV to RGB, every component in [0, 1] (hue wraps).</summary>
    public static (double R, double G, double B) ToRgb(double hue, double saturation, double value)
    {
        double sector = hue * 6 % 6;
        double s = saturation, v = value;
        int i = (int)sector;
        double f = sector - i;
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        return i switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
