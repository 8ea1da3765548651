using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// Reads a policy file's text within <see cref="PolicyLimits"/>: only a regular file (its type checked before it is
/// opened, so a FIFO cannot hang and a device cannot flood), at most <see cref="PolicyLimits.MaxFileBytes"/> + 1
/// bytes, strict UTF-8 (an invalid byte is refused at its line and column, never replaced), and no refused characters.
/// </summary>
internal static class PolicySource
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or the diagnostic that says why there is none.</summary>
    public static string? Read(string file, out PolicyDiagnostic? problem)
    {
        problem = null;
        string? notRegular = NotARegularFile(file);
        if (notRegular is not null)
        {
            problem = new PolicyDiagnostic(file, 1, 1, null, notRegular);
            return null;
        }

        byte[] bytes;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            bytes = ReadAtMost(stream, PolicyLimits.MaxFileBytes + 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            problem = new PolicyDiagnostic(file, 1, 1, null, "Cannot read the policy file: " + ex.Message);
            return null;
        }

        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        if (bytes.Length > PolicyLimits.MaxFileBytes)
        {
            // Name the place where the limit is crossed; decode leniently only to count lines and columns.
            string head = Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
            (int line, int column) = TextPosition.Of(head, head.Length - 1);
            problem = new PolicyDiagnostic(file, line, column, null,
                $"The policy file is larger than {PolicyLimits.MaxFileBytes:N0} bytes (the limit); it is refused unread past here.");
            return null;
        }

        try
        {
            return s_strictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException ex)
        {
            int bad = Math.Max(start, Math.Min(bytes.Length - 1, start + Math.Max(0, ex.Index)));
            bad = FirstInvalidByte(bytes, start) ?? bad;
            string before = Encoding.UTF8.GetString(bytes, start, bad - start);
            (int line, int column) = TextPosition.Of(before + "?", before.Length);
            problem = new PolicyDiagnostic(file, line, column, null,
                $"The policy file is not valid UTF-8: byte 0x{bytes[bad]:X2} here does not belong to any character. " +
                "Save the file as UTF-8 (text pasted from a word processor is often Windows-1252).");
            return null;
        }
    }

    /// <summary>Every refused character in the text, each at its line and column (at most <paramref name="max"/>).</summary>
    public static List<PolicyDiagnostic> RefusedCharacters(string text, string file, int max = 10)
    {
        var found = new List<PolicyDiagnostic>();
        int line = 1, column = 1;
        for (int i = 0; i < text.Length && found.Count < max; i++)
        {
            char c = text[i];
            if (PolicyLimits.IsRefusedCharacter(c))
                found.Add(new PolicyDiagnostic(file, line, column, null,
                    $"The character {PolicyLimits.Describe(c)} ({CharacterName(c)}) is not allowed in a policy file."));
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                column = 1;
            }
            else if (c != '\r')
            {
                column++;
            }
        }
        return found;
    }

    internal static string CharacterName(char c) => c switch
    {
        '\0' => "NUL",
        '\u001B' => "ESC, a terminal escape",
        '\u0007' => "BEL",
        '\u007F' => "DEL",
        >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C' =>
            "a bidirectional control that makes text read differently from what it says",
        '\u2028' or '\u2029' => "a Unicode line or paragraph separator",
        '\uFFFD' => "the replacement character, left where text was decoded with the wrong encoding",
        '\uFEFF' => "a byte order mark in the middle of the text",
        _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format => "an invisible format character, such as a zero-width space",
        _ => "a control character",
    };

    private static byte[] ReadAtMost(Stream stream, int limit)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        while (buffer.Length < limit)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length));
            if (n <= 0)
                break;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The index of the first byte that is not part of a well-formed UTF-8 sequence.</summary>
    private static int? FirstInvalidByte(byte[] b, int from)
    {
        int i = from;
        while (i < b.Length)
        {
            byte x = b[i];
            int need; int min;
            if (x < 0x80) { i++; continue; }
            if (x >= 0xC2 && x <= 0xDF) { need = 1; min = 0x80; }
            else if (x >= 0xE0 && x <= 0xEF) { need = 2; min = 0x800; }
            else if (x >= 0xF0 && x <= 0xF4) { need = 3; min = 0x10000; }
            else return i;
            int cp = x & (0x3F >> need);
            for (int k = 1; k <= need; k++)
            {
                if (i + k >= b.Length || (b[i + k] & 0xC0) != 0x80)
                    return i;
                cp = (cp << 6) | (b[i + k] & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return i;
            i += need + 1;
        }
        return null;
    }

    /// <summary>Why the path is not something to read as a policy, or null for a regular file.</summary>
    private static string? NotARegularFile(string file)
    {
        if (Directory.Exists(file))
            return "The policy path is a directory, not a file.";
        if (!File.Exists(file))
            return "Cannot read the policy file: it does not exist.";
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            int? type = FileKind.Stat(file, followLinks: true)?.Type;
            if (type is not null && type != FileKind.S_IFREG)
                return $"The policy path is not a regular file (it is {FileKind.TypeName(type.Value)}); only regular files are read.";
            if (type is null && new FileInfo(file).Length == 0)
                return "The policy path is empty or not a regular file; only regular files are read.";
        }
        else if ((File.GetAttributes(file) & FileAttributes.Device) != 0)
        {
            return "The policy path is a device, not a regular file; only regular files are read.";
        }
        return null;
    }
}

/// <summary>Line and column (1-based, as YamlDotNet counts them: CR LF, CR and LF each end a line) of a text index.</summary>
internal static class TextPosition
{
    public static (int Line, int Column) Of(string text, int index)
    {
        int line = 1, column = 1;
        for (int i = 0; i < index && i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                column = 1;
            }
            else if (c != '\r')
            {
                column++;
            }
        }
        return (line, column);
    }
}
