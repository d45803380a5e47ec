namespace Lumi.Models.Checkpoints;

/// <summary>The container a PyTorch file was written in.</summary>
public enum TorchFileFormat
{
    /// <summary>torch ≥ 1.6: a zip holding <c>data.pkl</c> and one entry per storage.</summary>
    Zip,

    /// <summary>torch &lt; 1.6 (and <c>_use_new_zipfile_serialization=False</c>): pickles followed by raw storages.</summary>
    Legacy,
}
