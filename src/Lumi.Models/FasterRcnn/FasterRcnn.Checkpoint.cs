using Lumi.Models.Checkpoints;

namespace Lumi.Models.FasterRcnn;

public sealed partial class FasterRcnn
{
    /// <summary>A model built from a checkpoint's configuration with its weights loaded (every key and shape checked), in eval mode.</summary>
    public static FasterRcnn FromCheckpoint(Checkpoint checkpoint)
    {
        var model = new FasterRcnn(checkpoint.Info.Model);
        StateDictLoader.Load(model, checkpoint.StateDict, strict: true);
        model.eval();
        return model;
    }
}
