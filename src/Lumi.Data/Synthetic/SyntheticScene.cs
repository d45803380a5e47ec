namespace Lumi.Data.Synthetic;

/// <summary>
/// A rendered synthetic image before JPEG encoding: 8-bit RGB pixels (interleaved, row-major), the owner of
/// each pixel (the index into <see cref="Objects"/> of the object drawn there, -1 for background), and the objects.
/// </summary>
internal sealed record SyntheticScene(int Width, int Height, byte[] Pixels, short[] Owner, IReadOnlyList<SceneObject> Objects);
