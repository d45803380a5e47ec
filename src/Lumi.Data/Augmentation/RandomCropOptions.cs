using System.ComponentModel.DataAnnotations;

namespace Lumi.Data.Augmentation;

/// <summary>
/// A random crop that keeps boxes consistent: a candidate is accepted only when every box is either
/// at least <see cref="MinVisible"/> inside it (kept, clipped to the crop) or entirely outside (dropped), so
/// no unlabelled piece of an object is left in the image; at least one box must be kept and one kept box
/// must overlap the crop by IoU ≥ <see cref="MinIou"/>. When no candidate passes in <see cref="Attempts"/>
/// tries the image is left as it is.
/// </summary>
public sealed record RandomCropOptions
{
    /// <summary>Probability of cropping an image; 0 turns the step off.</summary>
    [Range(0.0, 1.0)] public double Probability { get; init; }

    /// <summary>Crop sides as fractions of the image's sides, drawn per axis from [min_scale, 1].</summary>
    [Range(0.05, 1.0)] public double MinScale { get; init; } = 0.3;

    /// <summary>Largest aspect-ratio change (crop w/h over image w/h, or its inverse).</summary>
    [Range(1.0, 10.0)] public double MaxAspectChange { get; init; } = 2.0;

    /// <summary>Fraction of a box's area that must lie inside the crop for the box to be kept.</summary>
    [Range(0.01, 1.0)] public double MinVisible { get; init; } = 0.5;

    /// <summary>At least one kept box must overlap the crop by this IoU (SSD's rule; 0: no condition).</summary>
    [Range(0.0, 1.0)] public double MinIou { get; init; }

    /// <summary>Candidates tried before giving up.</summary>
    [Range(1, 1000)] public int Attempts { get; init; } = 50;
}
