namespace Lumi.Inference.Pipeline;

/// <summary>What a <see cref="PredictionPipeline.Run"/> did.</summary>
/// <param name="Images">Images in the input list.</param>
/// <param name="Written">Images whose result was written (all of them unless <see cref="PipelineOptions.FailFast"/> stopped the run).</param>
/// <param name="Failed">Written images that failed.</param>
/// <param name="Detections">Detections written.</param>
/// <param name="Seconds">Wall time of the run.</param>
/// <param name="FirstFailure">The first failed image, in input order; null when none failed.</param>
public sealed record PipelineSummary(int Images, int Written, int Failed, long Detections, double Seconds, ImagePrediction? FirstFailure)
{
    /// <summary>Whether <see cref="PipelineOptions.FailFast"/> stopped the run before every image was written.</summary>
    public bool Stopped => Written < Images;

    public double ImagesPerSecond => Written / Math.Max(Seconds, 1e-9);
}
