using System.Text.RegularExpressions;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// Key mappings for torchvision weights. <see cref="Upgrade(string)"/> renames the pre-0.13 Faster R-CNN keys
/// as torchvision's own loader does (<c>FeaturePyramidNetwork._load_from_state_dict</c> and
/// <c>RPNHead._load_from_state_dict</c>, both <c>_version = 2</c>); <see cref="ImageNetToBackbone"/> puts a
/// ResNet classifier's weights into a detector's backbone.
/// </summary>
public static partial class TorchvisionKeys
{
    public const string FpnPrefix = "backbone.fpn";
    public const string RpnHeadPrefix = "rpn.head";
    public const string BackbonePrefix = "backbone.body.";

    /// <summary>The <c>_version</c> from which FPN and RPN head keys have the current names.</summary>
    public const long CurrentVersion = 2;

    /// <summary>
    /// <c>backbone.fpn.inner_blocks.{i}.weight|bias</c> → <c>backbone.fpn.inner_blocks.{i}.0.weight|bias</c>, the same for
    /// <c>layer_blocks</c>, and <c>rpn.head.conv.weight|bias</c> → <c>rpn.head.conv.0.0.weight|bias</c>; every other key
    /// unchanged. Current keys never match these patterns, so this is safe on any Faster R-CNN state dict.
    /// </summary>
    public static string Upgrade(string name) => UpgradeFpn(UpgradeRpnHead(name));

    /// <summary>
    /// The upgrade torchvision applies given a file's <c>_metadata</c>: a module's keys are renamed only when its
    /// version is absent or below 2 (<see cref="TorchStateDict.ModuleVersions"/>).
    /// </summary>
    public static Func<string, string?> UpgradeFor(IReadOnlyDictionary<string, long> moduleVersions)
    {
        bool Old(string prefix) => !moduleVersions.TryGetValue(prefix, out long v) || v < CurrentVersion;
        bool fpn = Old(FpnPrefix), rpn = Old(RpnHeadPrefix);
        return name =>
        {
            if (fpn) name = UpgradeFpn(name);
            if (rpn) name = UpgradeRpnHead(name);
            return name;
        };
    }

    /// <summary>
    /// ImageNet classification weights (torchvision's <c>resnet50-*.pth</c>) as a detector backbone:
    /// <c>conv1.weight</c> → <c>backbone.body.conv1.weight</c>, <c>layer1.0.bn1.running_mean</c> →
    /// <c>backbone.body.layer1.0.bn1.running_mean</c>; the classifier (<c>fc.*</c>) is dropped (null).
    /// </summary>
    public static string? ImageNetToBackbone(string name) =>
        name.StartsWith("fc.", StringComparison.Ordinal) ? null : BackbonePrefix + name;

    private static string UpgradeFpn(string name) => FpnRegex().Replace(name, "$1.0.$2");

    private static string UpgradeRpnHead(string name) => RpnHeadRegex().Replace(name, "rpn.head.conv.0.0.$1");

    [GeneratedRegex(@"^(backbone\.fpn\.(?:inner_blocks|layer_blocks)\.\d+)\.(weight|bias)$")]
    private static partial Regex FpnRegex();

    [GeneratedRegex(@"^rpn\.head\.conv\.(weight|bias)$")]
    private static partial Regex RpnHeadRegex();
}
