namespace Lumi.Data.Metrics;

/// <summary>
/// The ground truth and detections of one class, flattened image-major (images in the order given, objects in their
/// order within the image), plus the evaluation order of its detections. Built once, shared by the VOC and COCO metrics.
/// </summary>
internal sealed class ClassBuckets
{
    public required int ClassIndex { get; init; }

    /// <summary>x1, y1, x2, y2 of each ground-truth object.</summary>
    public required double[] GtBoxes { get; init; }
    public required bool[] GtDifficult { get; init; }

    /// <summary>Objects of image i are <c>GtImageStart[i] .. GtImageStart[i + 1] - 1</c>.</summary>
    public required int[] GtImageStart { get; init; }

    public required double[] DetBoxes { get; init; }
    public required double[] DetScores { get; init; }
    public required int[] DetImage { get; init; }

    /// <summary>Detections of image i are <c>DetImageStart[i] .. DetImageStart[i + 1] - 1</c> (in the order given).</summary>
    public required int[] DetImageStart { get; init; }

    /// <summary>
    /// Detection indices by descending score; equal scores keep the flattened order, i.e. image order, then the
    /// detection's order within its image (a stable sort, as MATLAB's <c>sort</c> in the devkit and numpy's mergesort in pycocotools).
    /// </summary>
    public required int[] ByScore { get; init; }

    /// <summary>
    /// The same order grouped by image: <c>ByImageThenScore[DetImageStart[i] ..]</c> are image i's detections by
    /// descending score (ties in detection order).
    /// </summary>
    public required int[] ByImageThenScore { get; init; }

    /// <summary>Number of ground-truth objects that are not difficult (VOC's <c>npos</c>).</summary>
    public required int NonDifficult { get; init; }

    public int GtCount => GtDifficult.Length;
    public int DetCount => DetScores.Length;
    public int ImageCount => GtImageStart.Length - 1;

    /// <summary>Validates every object and detection and groups them by class.</summary>
    public static ClassBuckets[] Build(IReadOnlyList<EvaluationImage> images, int classCount)
    {
        int imageCount = images.Count;
        var gtCounts = new int[classCount][];
        var detCounts = new int[classCount][];
        for (int c = 0; c < classCount; c++)
        {
            gtCounts[c] = new int[imageCount + 1];
            detCounts[c] = new int[imageCount + 1];
        }

        for (int i = 0; i < imageCount; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images));
            if (image.GroundTruth is null || image.Detections is null)
                throw new ArgumentException($"Image {i} ('{image.Id}') has a null ground-truth or detection list; use an empty list for none.", nameof(images));
            for (int k = 0; k < image.GroundTruth.Count; k++)
            {
                var g = image.GroundTruth[k];
                CheckClass(g.ClassIndex, classCount, "Ground-truth object", k, image, i);
                CheckBox(g.X1, g.Y1, g.X2, g.Y2, "Ground-truth object", k, image, i);
                gtCounts[g.ClassIndex][i + 1]++;
            }
            for (int k = 0; k < image.Detections.Count; k++)
            {
                var d = image.Detections[k];
                CheckClass(d.ClassIndex, classCount, "Detection", k, image, i);
                CheckBox(d.X1, d.Y1, d.X2, d.Y2, "Detection", k, image, i);
                if (!double.IsFinite(d.Score))
                    throw new ArgumentException($"Detection {k} of image {i} ('{image.Id}') has score {d.Score}: scores must be finite.", nameof(images));
                detCounts[d.ClassIndex][i + 1]++;
            }
        }

        // Prefix sums turn the counts into start offsets; then one pass over the images fills every class's arrays
        // image-major (a class's cursor only moves forward because images are visited in order).
        var gtBoxes = new double[classCount][];
        var gtDifficult = new bool[classCount][];
        var detBoxes = new double[classCount][];
        var detScores = new double[classCount][];
        var detImage = new int[classCount][];
        var gtCursor = new int[classCount];
        var detCursor = new int[classCount];
        var nonDifficult = new int[classCount];
        for (int c = 0; c < classCount; c++)
        {
            int[] gtStart = gtCounts[c], detStart = detCounts[c];
            for (int i = 0; i < imageCount; i++)
            {
                gtStart[i + 1] += gtStart[i];
                detStart[i + 1] += detStart[i];
            }
            gtBoxes[c] = new double[4 * gtStart[imageCount]];
            gtDifficult[c] = new bool[gtStart[imageCount]];
            detBoxes[c] = new double[4 * detStart[imageCount]];
            detScores[c] = new double[detStart[imageCount]];
            detImage[c] = new int[detStart[imageCount]];
        }
        for (int i = 0; i < imageCount; i++)
        {
            var gts = images[i].GroundTruth;
            for (int k = 0; k < gts.Count; k++)
            {
                var g = gts[k];
                int c = g.ClassIndex, o = gtCursor[c]++;
                double[] b = gtBoxes[c];
                b[4 * o] = g.X1; b[4 * o + 1] = g.Y1; b[4 * o + 2] = g.X2; b[4 * o + 3] = g.Y2;
                gtDifficult[c][o] = g.Difficult;
                if (!g.Difficult) nonDifficult[c]++;
            }
            var dets = images[i].Detections;
            for (int k = 0; k < dets.Count; k++)
            {
                var d = dets[k];
                int c = d.ClassIndex, o = detCursor[c]++;
                double[] b = detBoxes[c];
                b[4 * o] = d.X1; b[4 * o + 1] = d.Y1; b[4 * o + 2] = d.X2; b[4 * o + 3] = d.Y2;
                detScores[c][o] = d.Score;
                detImage[c][o] = i;
            }
        }

        var buckets = new ClassBuckets[classCount];
        Parallel.For(0, classCount, c =>
        {
            double[] scores = detScores[c];
            int[] image = detImage[c];
            int[] detStart = detCounts[c];
            var byScore = new int[scores.Length];
            for (int k = 0; k < byScore.Length; k++) byScore[k] = k;
            Array.Sort(byScore, (a, b) =>
            {
                int s = scores[b].CompareTo(scores[a]);
                return s != 0 ? s : a.CompareTo(b);
            });
            var byImage = new int[scores.Length];
            var fill = new int[imageCount];
            Array.Copy(detStart, fill, imageCount);
            foreach (int k in byScore) byImage[fill[image[k]]++] = k;

            buckets[c] = new ClassBuckets
            {
                ClassIndex = c,
                GtBoxes = gtBoxes[c],
                GtDifficult = gtDifficult[c],
                GtImageStart = gtCounts[c],
                DetBoxes = detBoxes[c],
                DetScores = scores,
                DetImage = image,
                DetImageStart = detStart,
                ByScore = byScore,
                ByImageThenScore = byImage,
                NonDifficult = nonDifficult[c],
            };
        });
        return buckets;
    }

    private static void CheckClass(int classIndex, int classCount, string what, int k, EvaluationImage image, int i)
    {
        if ((uint)classIndex >= (uint)classCount)
            throw new ArgumentException(
                $"{what} {k} of image {i} ('{image.Id}') has class index {classIndex}: class indices are 0-based, valid 0..{classCount - 1} ({classCount} classes).",
                "images");
    }

    private static void CheckBox(double x1, double y1, double x2, double y2, string what, int k, EvaluationImage image, int i)
    {
        if (!(double.IsFinite(x1) && double.IsFinite(y1) && double.IsFinite(x2) && double.IsFinite(y2) && x2 >= x1 && y2 >= y1))
            throw new ArgumentException(
                $"{what} {k} of image {i} ('{image.Id}') has box ({x1}, {y1}, {x2}, {y2}): coordinates must be finite with X2 >= X1 and Y2 >= Y1.",
                "images");
    }
}
