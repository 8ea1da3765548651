using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>
/// Layout checks a reader notices: a word broken across two lines, and the paper size a page prints on.
/// </summary>
public static class LineBreaks
{
    /// <summary>
    /// Every word of the page's visible text as the browser laid it out, measured with <c>Range.getClientRects()</c>:
    /// a word whose rectangles lie on more than one line was broken mid-way. A word is a run of letters and digits
    /// (with an inner apostrophe), and a rule or clause id (<c>HW-CON-001</c>, <c>SMP-3.2</c>) or a command name
    /// (<c>Revoke-HwPostingAccess</c>) counts as one word.
    /// With <paramref name="addressesWhole"/> an e-mail address counts as one word too. Runs over 30 characters are
    /// not words (hashes, witnesses) and may break. Text split only by <c>&lt;wbr&gt;</c> is measured as one text.
    /// Returns one line per broken word: the word, its element, and the text around it.
    /// </summary>
    public static async Task<string[]> BrokenWordsAsync(IPage page, bool addressesWhole = false) =>
        await page.EvaluateAsync<string[]>(@"(addressesWhole) => {
            const SEP = '\u0001';
            const parts = [];   // [node, start offset in text]
            let text = '';
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let prev = null, n;
            while ((n = walker.nextNode())) {
                const el = n.parentElement;
                if (!el || el.closest('title, style, script, svg')) continue;
                const cs = getComputedStyle(el);
                if (cs.display === 'none' || cs.visibility === 'hidden') continue;
                let hidden = false; // visually hidden (a stacked table's header row: a 1px box that clips it)
                for (let a = el; a && a !== document.body; a = a.parentElement) {
                    const box = a.getBoundingClientRect();
                    if (box.width <= 1 || box.height <= 1) { hidden = true; break; }
                }
                if (hidden) continue;
                // Nodes split only by <wbr> are one text; anything else between two nodes separates them.
                const joined = prev !== null && n.previousSibling && n.previousSibling.nodeName === 'WBR'
                    && n.previousSibling.previousSibling === prev;
                if (!joined) text += SEP;
                parts.push([n, text.length]);
                text += n.textContent;
                prev = n;
            }
            const locate = (offset) => {
                let lo = 0, hi = parts.length - 1;
                while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (parts[mid][1] <= offset) lo = mid; else hi = mid - 1; }
                return [parts[lo][0], offset - parts[lo][1]];
            };
            const re = addressesWhole
                ? /[\p{L}\p{N}._%+#'-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}|[A-Z]{2,5}-[A-Z0-9]{1,6}(?:[-.][A-Z0-9]{1,6})*|[A-Z][a-z]+-Hw[A-Z][A-Za-z]+|[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu
                : /[A-Z]{2,5}-[A-Z0-9]{1,6}(?:[-.][A-Z0-9]{1,6})*|[A-Z][a-z]+-Hw[A-Z][A-Za-z]+|[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu;
            const broken = [];
            for (const m of text.matchAll(re)) {
                const word = m[0];
                if (word.length > 30 && !word.includes('@')) continue;
                const [sn, so] = locate(m.index);
                const [en, eo] = locate(m.index + word.length - 1);
                const r = document.createRange();
                r.setStart(sn, so);
                r.setEnd(en, eo + 1);
                const lines = new Set([...r.getClientRects()].filter(x => x.width > 0.5 && x.height > 0.5)
                    .map(x => Math.round(x.bottom)));
                if (lines.size > 1) {
                    const el = sn.parentElement;
                    broken.push(`'${word}' in <${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}> (${lines.size} lines): ` +
                        text.slice(Math.max(0, m.index - 30), m.index + word.length + 30).replaceAll(SEP, ' | ').replace(/\s+/g, ' '));
                }
            }
            return broken;
        }", addressesWhole);

    /// <summary>Fails naming every broken word, unless there are none.</summary>
    public static void AssertNoBrokenWords(string[] broken, string name)
    {
        if (broken.Length > 0)
            throw new XunitException($"'{name}' breaks {broken.Length} word(s) across lines (screenshot: " +
                Path.Combine(RepoPaths.Screenshots, name + ".png") + "):" + Environment.NewLine + string.Join(Environment.NewLine, broken));
    }

    private static readonly Regex s_mediaBox = new(
        @"/MediaBox\s*\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\]", RegexOptions.CultureInvariant);

    /// <summary>
    /// The size in points of every page of <paramref name="pdf"/>, read from the page objects' <c>/MediaBox</c>
    /// (Chromium writes page dictionaries uncompressed). Throws when the file has none.
    /// </summary>
    public static (double Width, double Height)[] PageSizes(byte[] pdf)
    {
        string text = Encoding.Latin1.GetString(pdf);
        MatchCollection boxes = s_mediaBox.Matches(text);
        if (boxes.Count == 0)
            throw new XunitException("The PDF has no /MediaBox: cannot tell its paper size.");
        var sizes = new (double, double)[boxes.Count];
        for (int i = 0; i < boxes.Count; i++)
        {
            double[] v = new double[4];
            for (int j = 0; j < 4; j++)
                v[j] = double.Parse(boxes[i].Groups[j + 1].Value, CultureInfo.InvariantCulture);
            sizes[i] = (v[2] - v[0], v[3] - v[1]);
        }
        return sizes;
    }

    /// <summary>
    /// Prints the open page as the browser's print dialog would with the page's own CSS page size
    /// (<c>PreferCSSPageSize</c>, no paper format forced, no browser header or footer), saves the PDF under
    /// <c>out/test-results/&lt;name&gt;.pdf</c>, and asserts every page is A4: 595 x 842 pt, within 1 pt.
    /// </summary>
    public static async Task<byte[]> AssertPrintsOnA4Async(IPage page, string name)
    {
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        string path = Path.Combine(RepoPaths.Root, "out", "test-results", name + ".pdf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] pdf = await page.PdfAsync(new PagePdfOptions
        {
            Path = path,
            PreferCSSPageSize = true,
            PrintBackground = true,
            DisplayHeaderFooter = false,
        });
        foreach ((double w, double h) in PageSizes(pdf))
        {
            if (Math.Abs(w - 595) > 1 || Math.Abs(h - 842) > 1)
                throw new XunitException($"'{name}' prints on {w:0.##} x {h:0.##} pt, not A4 (595 x 842 pt): {path}");
        }
        return pdf;
    }
}
