using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Local;

/// <summary>
/// The state store as files under the state folder: a document is the file of its name (written whole through
/// <see cref="AtomicFile"/>, versioned by the SHA-256 of its bytes, compared and replaced under
/// <c>documents.lock</c>); a journal <c>x</c> is <c>x.jsonl</c> (one line per entry, appended with one write())
/// with its head in <c>x.head</c> (<c>{"sequence":N,"hash":"..."}</c>), both under <c>x.lock</c>.
/// </summary>
internal sealed class LocalStateStore : IStateStore
{
    internal static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly string _folder;

    public LocalStateStore(string stateFolder) => _folder = Path.GetFullPath(stateFolder);

    public string Description => _folder;

    public string Locate(string name)
    {
        string[] parts = name.Split('/');
        if (name.Length == 0 || parts.Any(p => p.Length == 0 || p == "." || p == ".." || p.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
            throw new ArgumentException($"'{name}' is not a state name (relative, '/'-separated, no '..').", nameof(name));
        return Path.Combine(new[] { _folder }.Concat(parts).ToArray());
    }

    public StateDocument? Read(string name)
    {
        string path = Locate(name);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return new StateDocument(name, s_utf8.GetString(bytes), Version(bytes));
    }

    public IReadOnlyList<string> List(string folder)
    {
        string path = Locate(folder);
        if (!Directory.Exists(path))
            return Array.Empty<string>();
        return Directory.GetFiles(path)
            .Select(Path.GetFileName)
            .Where(n => !n.StartsWith(".", StringComparison.Ordinal) && !n.EndsWith(".tmp", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => folder + "/" + n)
            .ToList();
    }

    /// <summary>State documents under this folder hold secrets: created readable and writable by the owner only.</summary>
    private const string SecretsFolder = "secrets/";
    private const int OwnerOnly = 0x180; // 0600

    public string Create(string name, string content)
    {
        using FileLock _ = FileLock.Acquire(Path.Combine(_folder, "documents.lock"), LockTimeout);
        if (File.Exists(Locate(name)))
            throw new StateConflictException(name, $"'{Locate(name)}' already exists; read it and replace it instead.");
        return Write(name, content);
    }

    public string Replace(string name, string content, string expectedVersion)
    {
        using FileLock _ = FileLock.Acquire(Path.Combine(_folder, "documents.lock"), LockTimeout);
        StateDocument? current = Read(name);
        if (current is null || current.Version != expectedVersion)
            throw new StateConflictException(name, current is null
                ? $"'{Locate(name)}' was removed since it was read; nothing was written."
                : $"'{Locate(name)}' was changed by someone else since it was read; nothing was written.");
        return Write(name, content);
    }

    public IStateJournal Journal(string name) => new LocalJournal(Locate(name));

    private string Write(string name, string content)
    {
        // Decision 0201: documents under secrets/ (the review decision key) are readable by the owner only (0600 on Unix).
        AtomicFile.WriteAllText(Locate(name), content, name.StartsWith(SecretsFolder, StringComparison.Ordinal) ? OwnerOnly : null);
        return Version(s_utf8.GetBytes(content));
    }

    private static string Version(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(bytes));
    }

    private static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary><c>x.jsonl</c> + <c>x.head</c>, appended under <c>x.lock</c>.</summary>
    internal sealed class LocalJournal : IRepairableStateJournal, IFingerprintedStateJournal
    {
        private const int TailChunk = 4096;
        private readonly string _lockPath;

        public LocalJournal(string basePath)
        {
            Location = basePath + ".jsonl";
            HeadPath = basePath + ".head";
            _lockPath = basePath + ".lock";
        }

        public string Location { get; }
        public string HeadPath { get; }

        /// <summary>Bytes read from the entries file by this instance (tests: the tail is found without reading the journal).</summary>
        internal long EntryBytesRead { get; private set; }

        public StateJournalHead ReadHead()
        {
            (bool recorded, long sequence, string? seal) = ReadHeadFile();
            return new StateJournalHead(recorded, sequence, seal, ReadLastLine());
        }

        public void Append(long sequence, string entry, string seal)
        {
            if (entry.IndexOf('\n') >= 0)
                throw new ArgumentException("A journal entry is one line.", nameof(entry));
            using FileLock held = FileLock.Acquire(_lockPath, LockTimeout);
            (_, long head, _) = ReadHeadFile();
            if (head >= sequence)
                throw new StateConflictException(Location, $"Entry {sequence} of '{Location}' is already taken (the head records {head}).");
            CatchUpHead(head, sequence);
            byte[] bytes = s_utf8.GetBytes(entry + "\n");
            using (var stream = OpenForAppend())
            {
                long end = stream.Length;
                try
                {
                    stream.Position = end;
                    WriteEntry(stream, bytes);
                    stream.Flush(flushToDisk: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Never leave a torn line: cut the file back to where it ended before this write.
                    try
                    {
                        stream.SetLength(end);
                        stream.Flush(flushToDisk: true);
                    }
                    catch (Exception cut) when (cut is IOException or UnauthorizedAccessException)
                    {
                        throw new HwException(ErrorIds.JournalWriteFailed,
                            $"Cannot append to the journal '{Location}': {ex.Message}; cutting the partial line back also failed ({cut.Message}): run Repair-HwAuditLog.", Location, ex);
                    }
                    throw new HwException(ErrorIds.JournalWriteFailed, $"Cannot append to the journal '{Location}': {ex.Message}", Location, ex);
                }
            }
            try
            {
                WriteHead(HeadPath, $"{{\"sequence\":{sequence.ToString(CultureInfo.InvariantCulture)},\"hash\":\"{seal}\"}}\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HwException)
            {
                throw new StateJournalHeadNotWrittenException(Location, sequence, ex);
            }
        }

        /// <summary>
        /// A head left one behind by an earlier append whose head write failed (a full disk) is brought up to the last
        /// entry before another entry is written; if that write fails too, nothing is appended (<c>JournalWriteFailed</c>).
        /// Without this a second failed head write would leave the head two behind, which reads as a rolled-back head
        /// (tampering) and stops every change (docs/decisions/0155).
        /// </summary>
        private void CatchUpHead(long head, long sequence)
        {
            if (ReadLastLine() is not { Length: > 0 } last)
                return;
            long lastSequence;
            string? lastHash;
            try
            {
                JsonNode? entry = JsonNode.Parse(last);
                lastSequence = (long?)entry?["seq"] ?? 0;
                lastHash = (string?)entry?["hash"];
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return; // a torn or edited last line: the chain check refuses it before any append gets here
            }
            if (lastSequence <= head || lastHash is null)
                return;
            if (lastSequence >= sequence)
                throw new StateConflictException(Location, $"Entry {sequence} of '{Location}' is already taken (the last entry is {lastSequence}).");
            try
            {
                WriteHead(HeadPath, $"{{\"sequence\":{lastSequence.ToString(CultureInfo.InvariantCulture)},\"hash\":\"{lastHash}\"}}\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HwException)
            {
                throw new HwException(ErrorIds.JournalWriteFailed,
                    $"Cannot append to the journal '{Location}': its head is behind entry {lastSequence} and cannot be brought up to it ({ex.Message}); nothing was appended.", Location, ex);
            }
        }

        /// <summary>Writes an entry's bytes (tests replace it to fail part-way, as a full disk does).</summary>
        internal Action<Stream, byte[]> WriteEntry { get; set; } = (stream, bytes) => stream.Write(bytes, 0, bytes.Length);

        /// <summary>Writes the head file (tests replace it to fail, as a full disk does).</summary>
        internal Action<string, string> WriteHead { get; set; } = AtomicFile.WriteAllText;

        private FileStream OpenForAppend()
        {
            try
            {
                return new FileStream(Location, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.WriteThrough);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new HwException(ErrorIds.JournalWriteFailed, $"Cannot append to the journal '{Location}': {ex.Message}", Location, ex);
            }
        }

        public string? Fingerprint()
        {
            var file = new FileInfo(Location);
            return file.Exists ? file.Length.ToString(CultureInfo.InvariantCulture) + ":" + file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) : null;
        }

        public byte[] RemoveLastLine(string expectedLastLine)
        {
            using FileLock held = FileLock.Acquire(_lockPath, LockTimeout);
            if (ReadLastLine() != expectedLastLine)
                throw new StateConflictException(Location, $"The end of '{Location}' changed since it was read; nothing was removed.");
            using var stream = new FileStream(Location, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            long length = stream.Length;
            long end = length;
            if (end > 0 && ReadByteAt(stream, end - 1) == (byte)'\n')
                end--;
            long start = end;
            while (start > 0 && ReadByteAt(stream, start - 1) != (byte)'\n')
                start--;
            var removed = new byte[length - start];
            stream.Position = start;
            ReadExactly(stream, removed);
            stream.SetLength(start);
            stream.Flush(flushToDisk: true);
            return removed;
        }

        public IEnumerable<string> Read(long fromSequence)
        {
            if (!File.Exists(Location))
                yield break;
            string text;
            using (var stream = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
                text = reader.ReadToEnd();
            EntryBytesRead += s_utf8.GetByteCount(text);
            string[] lines = text.Split('\n');
            int last = lines.Length;
            if (last > 0 && lines[last - 1].Length == 0)
                last--; // the final newline
            for (long i = Math.Max(1, fromSequence) - 1; i < last; i++)
                yield return lines[i].TrimEnd('\r');
        }

        private (bool Recorded, long Sequence, string? Seal) ReadHeadFile()
        {
            if (!File.Exists(HeadPath))
                return (false, 0, null);
            try
            {
                JsonNode? head = JsonNode.Parse(File.ReadAllText(HeadPath));
                return (true, (long?)head?["sequence"] ?? 0, (string?)head?["hash"]);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return (true, long.MaxValue, null); // an unreadable head can only mean tampering: report it as such
            }
        }

        /// <summary>The last line, read backwards from the end in chunks until the newline before it.</summary>
        private string? ReadLastLine()
        {
            if (!File.Exists(Location))
                return null;
            using var stream = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long end = stream.Length;
            if (end > 0 && ReadByteAt(stream, end - 1) == (byte)'\n')
                end--; // the final newline
            if (end <= 0)
                return end == 0 && stream.Length > 0 ? "" : null;
            var tail = new List<byte[]>();
            long start = end;
            while (start > 0)
            {
                int size = (int)Math.Min(TailChunk, start);
                start -= size;
                var chunk = new byte[size];
                stream.Position = start;
                ReadExactly(stream, chunk);
                EntryBytesRead += size;
                int newline = Array.LastIndexOf(chunk, (byte)'\n');
                if (newline >= 0)
                {
                    tail.Insert(0, chunk.Skip(newline + 1).ToArray());
                    break;
                }
                tail.Insert(0, chunk);
            }
            byte[] line = tail.SelectMany(b => b).ToArray();
            return s_utf8.GetString(line).TrimEnd('\r');
        }

        private byte ReadByteAt(FileStream stream, long position)
        {
            stream.Position = position;
            EntryBytesRead++;
            return (byte)stream.ReadByte();
        }

        private static void ReadExactly(Stream stream, byte[] buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                    throw new EndOfStreamException();
                read += n;
            }
        }
    }
}
