#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one version requirement (a Vernaux entry of .gnu.version_r) of an ELF64 little-endian
/// shared library as weak, when this machine's libstdc++ does not provide that version.
/// The file is rewritten through a temporary name and a rename, so a hard link into the NuGet
/// cache is never modified.
/// </summary>
public class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string Library { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        string? provider = FindSystemLibStdCxx();
        if (provider != null && Contains(File.ReadAllBytes(provider), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{provider} provides {Version}; {Library} left as it is.");
            return true;
        }

        byte[] elf = File.ReadAllBytes(Library);
        string? error = Weaken(elf, Version, out bool changed);
        if (error != null)
        {
            Log.LogError($"{Library}: {error}");
            return false;
        }
        if (!changed)
        {
            return true;
        }
        string temp = Library + ".weaken.tmp";
        File.WriteAllBytes(temp, elf);
        File.Delete(Library); // unlink first: a hard link into the NuGet cache stays untouched
        File.Move(temp, Library);
        Log.LogMessage(MessageImportance.High,
            $"Marked {Version} weak in {Library} (this machine's libstdc++ lacks it; see shared/DESIGN.md §8).");
        return true;
    }

    private static string? FindSystemLibStdCxx()
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" };
        foreach (string dir in dirs)
        {
            string path = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/>; returns an error or null.</summary>
    private static string? Weaken(byte[] elf, string version, out bool changed)
    {
        changed = false;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            return "not an ELF file";
        if (elf[4] != 2 || elf[5] != 1)
            return "only 64-bit little-endian ELF files are supported";

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;

            int verneedOffset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));

            int need = verneedOffset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                            changed = true;
                        }
                        return null;
                    }
                    int nextAux = (int)BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                int next = (int)BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += next;
            }
            return null; // the library does not ask for this version: nothing to do
        }
        return "no .gnu.version_r section";
    }

    private static string ReadString(byte[] elf, int offset)
    {
        int end = offset;
        while (elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, offset, end - offset);
    }
}
