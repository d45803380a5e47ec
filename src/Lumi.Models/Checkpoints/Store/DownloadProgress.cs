namespace Lumi.Models.Checkpoints.Store;

/// <summary>How far a download is: bytes on disk (a resumed part included), the file's size when known, time so far.</summary>
/// <param name="Received">Bytes of the file on disk.</param>
/// <param name="Total">The file's size, when the server or the index says it.</param>
/// <param name="ReceivedThisRun">Bytes received by this attempt (what the rate is computed from).</param>
/// <param name="Elapsed">Time since this download started.</param>
/// <param name="Done">True for the last report, once the whole file is there.</param>
public readonly record struct DownloadProgress(long Received, long? Total, long ReceivedThisRun, TimeSpan Elapsed, bool Done);
