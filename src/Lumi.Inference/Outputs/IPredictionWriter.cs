using Lumi.Inference.Pipeline;

namespace Lumi.Inference.Outputs;

/// <summary>
/// Writes prediction results one image at a time, in input order. <see cref="Complete"/> finishes the output (closes a
/// JSON array, renames a temporary file into place); disposing without it leaves no half-written file under the real name.
/// </summary>
public interface IPredictionWriter : IDisposable
{
    void Write(ImagePrediction prediction);

    void Complete();
}
