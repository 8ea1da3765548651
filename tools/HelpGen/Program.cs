// HelpGen: platyPS-style markdown help -> MAML (<Assembly>.dll-Help.xml) for PowerShell's Get-Help.
//
//   dotnet run --project tools/HelpGen -c Release -- <markdownDir> <outputXmlPath>
//
// Reads every <Verb-Noun>.md in markdownDir, parses it with Markdig's block/inline tree (no regex over
// the file), checks it, and writes one MAML file with System.Xml. Exit codes: 0 written, 1 the markdown
// has problems (each printed as "file:line: problem"; nothing is written), 2 usage or I/O error.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace HelpGen;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2 || args.Any(a => a is "-h" or "--help" or "/?"))
        {
            Console.Error.WriteLine("Usage: HelpGen <markdownDir> <outputXmlPath>");
            Console.Error.WriteLine("  Converts every <Verb-Noun>.md (platyPS layout) in markdownDir into one MAML help file.");
            return 2;
        }

        string markdownDir = Path.GetFullPath(args[0]);
        string output = Path.GetFullPath(args[1]);
        if (!Directory.Exists(markdownDir))
        {
            Console.Error.WriteLine($"HelpGen: markdown folder not found: {markdownDir}");
            return 2;
        }

        var files = Directory.EnumerateFiles(markdownDir, "*.md")
            .Where(f => HelpParser.IsCommandFileName(Path.GetFileName(f)))
            .OrderBy(f => Path.GetFileName(f), StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"HelpGen: no <Verb-Noun>.md files in {markdownDir}");
            return 1;
        }

        var problems = new List<string>();
        var commands = new List<CommandHelp>();
        foreach (string file in files)
        {
            var parser = new HelpParser(file, Path.GetFileName(output));
            CommandHelp? help = parser.Parse();
            problems.AddRange(parser.Problems);
            if (help is not null && parser.Problems.Count == 0)
                commands.Add(help);
        }

        foreach (var dup in commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(", ", dup.Select(c => c.SourceFile))}: command '{dup.Key}' is documented more than once.");

        if (problems.Count > 0)
        {
            foreach (string p in problems)
                Console.Error.WriteLine(p);
            Console.Error.WriteLine($"HelpGen: {problems.Count} problem(s) in {markdownDir}; {output} was not written.");
            return 1;
        }

        try
        {
            MamlWriter.Write(commands, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"HelpGen: cannot write {output}: {ex.Message}");
            return 2;
        }
        Console.WriteLine($"HelpGen: wrote help for {commands.Count} command(s) to {output}");
        return 0;
    }
}

// ---------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------

internal sealed class CommandHelp
{
    public CommandHelp(string name, string sourceFile)
    {
        Name = name;
        SourceFile = sourceFile;
    }

    public string Name { get; }
    public string SourceFile { get; }
    public string Verb => Name.Substring(0, Name.IndexOf('-'));
    public string Noun => Name.Substring(Name.IndexOf('-') + 1);
    public string? OnlineVersion { get; set; }
    public List<string> Synopsis { get; } = new();
    public List<string> Description { get; } = new();
    public List<SyntaxBlock> Syntax { get; } = new();
    public List<ExampleHelp> Examples { get; } = new();
    public List<ParameterHelp> Parameters { get; } = new();
    public List<TypeHelp> Inputs { get; } = new();
    public List<TypeHelp> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<LinkHelp> Links { get; } = new();

    public ParameterHelp? FindParameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One fenced block under SYNTAX; <see cref="SetName"/> is its ### heading, if any.</summary>
internal sealed class SyntaxBlock
{
    public SyntaxBlock(string? setName, string code, int line)
    {
        SetName = setName;
        Code = code;
        Line = line;
    }

    public string? SetName { get; }
    public string Code { get; }
    public int Line { get; }
    /// <summary>The parameter names in the order the block shows them.</summary>
    public List<string> ParameterNames { get; } = new();
}

internal sealed class ExampleHelp
{
    public ExampleHelp(string title, int line)
    {
        Title = title;
        Line = line;
    }

    public string Title { get; }
    public int Line { get; }
    public List<string> Code { get; } = new();
    public List<string> Remarks { get; } = new();
}

internal sealed class ParameterHelp
{
    public ParameterHelp(string name, int line)
    {
        Name = name;
        Line = line;
    }

    public string Name { get; }
    public int Line { get; }
    public List<string> Description { get; } = new();
    /// <summary>One entry per ```yaml block (platyPS writes one per group of parameter sets that agree).</summary>
    public List<ParameterMetadata> Metadata { get; } = new();

    /// <summary>The metadata that applies in <paramref name="setName"/> (or the first block).</summary>
    public ParameterMetadata? For(string? setName) =>
        setName is null
            ? Metadata.FirstOrDefault()
            : Metadata.FirstOrDefault(m => m.Sets.Contains(setName, StringComparer.OrdinalIgnoreCase))
              ?? Metadata.FirstOrDefault(m => m.AppliesToAllSets);
}

internal sealed class ParameterMetadata
{
    public string Type { get; set; } = "";
    public List<string> Sets { get; } = new();
    public bool AppliesToAllSets => Sets.Count == 0 || Sets.Any(s => s.Equals("(All)", StringComparison.OrdinalIgnoreCase));
    public string Aliases { get; set; } = "";
    public List<string> AcceptedValues { get; } = new();
    public bool Required { get; set; }
    public string Position { get; set; } = "named";
    public string DefaultValue { get; set; } = "None";
    public string PipelineInput { get; set; } = "False";
    public bool Globbing { get; set; }
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase)
                            || Type.Equals("System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

internal sealed class TypeHelp
{
    public TypeHelp(string typeName) => TypeName = typeName;

    public string TypeName { get; }
    public List<string> Description { get; } = new();
}

internal sealed record LinkHelp(string Text, string Uri);

// ---------------------------------------------------------------------------------------------------
// Markdown -> model (Markdig AST)
// ---------------------------------------------------------------------------------------------------

internal sealed class HelpParser
{
    private static readonly MarkdownPipeline s_pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .Build();

    private static readonly Regex s_commandFileName = new(@"^[A-Za-z]+-[A-Za-z0-9]+\.md$", RegexOptions.CultureInvariant);
    // A parameter token inside one SYNTAX code block, e.g. "[-Path] <String>" or "-Format <String>".
    private static readonly Regex s_syntaxParameter = new(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)\b", RegexOptions.CultureInvariant);

    private static readonly string[] s_knownSections =
    {
        "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
    };

    private static readonly string[] s_parameterKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters",
    };

    private readonly string _file;
    private readonly string _expectedHelpFile;
    private readonly List<string> _problems = new();

    public HelpParser(string file, string expectedHelpFile)
    {
        _file = file;
        _expectedHelpFile = expectedHelpFile;
    }

    public IReadOnlyList<string> Problems => _problems;

    public static bool IsCommandFileName(string fileName) => s_commandFileName.IsMatch(fileName);

    private void Problem(int line, string message) =>
        _problems.Add(line > 0 ? $"{_file}:{line}: {message}" : $"{_file}: {message}");

    private void Problem(Block block, string message) => Problem(block.Line + 1, message);

    public CommandHelp? Parse()
    {
        string text;
        try
        {
            text = File.ReadAllText(_file, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Problem(0, "cannot read the file: " + ex.Message);
            return null;
        }

        MarkdownDocument doc = Markdown.Parse(text, s_pipeline);
        string expectedName = Path.GetFileNameWithoutExtension(_file);

        Dictionary<string, string>? frontMatter = null;
        CommandHelp? help = null;
        string? section = null;
        var seenSections = new HashSet<string>(StringComparer.Ordinal);

        // The ### subsection currently open, by section.
        string? syntaxSetName = null;
        ExampleHelp? example = null;
        ParameterHelp? parameter = null;
        bool inCommonParameters = false;
        TypeHelp? typeHelp = null;

        foreach (Block block in doc)
        {
            if (block is YamlFrontMatterBlock yaml)
            {
                frontMatter = ParseKeyValues(yaml.Lines.ToString());
                continue;
            }

            if (block is HeadingBlock heading)
            {
                string title = InlineText(heading.Inline).Trim();
                switch (heading.Level)
                {
                    case 1:
                        if (help is not null)
                        {
                            Problem(heading, $"a second '# {title}' heading; one file documents one command.");
                            continue;
                        }
                        if (!string.Equals(title, expectedName, StringComparison.Ordinal))
                            Problem(heading, $"the '# {title}' heading does not match the file name '{expectedName}'.");
                        help = new CommandHelp(expectedName, _file);
                        if (frontMatter is not null && frontMatter.TryGetValue("online version", out string? online)
                            && online.Length > 0)
                            help.OnlineVersion = online;
                        continue;
                    case 2:
                        if (help is null)
                        {
                            Problem(heading, $"'## {title}' comes before the '# {expectedName}' heading.");
                            continue;
                        }
                        section = title.ToUpperInvariant();
                        if (!s_knownSections.Contains(section))
                            Problem(heading, $"unknown section '## {title}'; expected one of {string.Join(", ", s_knownSections)}.");
                        else if (!seenSections.Add(section))
                            Problem(heading, $"section '## {title}' appears twice.");
                        syntaxSetName = null;
                        example = null;
                        parameter = null;
                        inCommonParameters = false;
                        typeHelp = null;
                        continue;
                    case 3 when help is not null:
                        OpenSubsection(help, section, title, heading, ref syntaxSetName, ref example, ref parameter,
                            ref inCommonParameters, ref typeHelp);
                        continue;
                    default:
                        Problem(heading, $"unexpected heading level {heading.Level} ('{title}').");
                        continue;
                }
            }

            if (help is null)
            {
                if (block is not HtmlBlock)
                    Problem(block, $"content before the '# {expectedName}' heading.");
                continue;
            }

            switch (section)
            {
                case "SYNOPSIS":
                    help.Synopsis.AddRange(Paragraphs(block));
                    break;
                case "DESCRIPTION":
                    help.Description.AddRange(Paragraphs(block));
                    break;
                case "NOTES":
                    help.Notes.AddRange(Paragraphs(block));
                    break;
                case "SYNTAX":
                    if (block is FencedCodeBlock syntaxCode)
                        help.Syntax.Add(new SyntaxBlock(syntaxSetName, CodeText(syntaxCode), syntaxCode.Line + 1));
                    else if (block is not HtmlBlock)
                        Problem(block, "SYNTAX holds only fenced code blocks (one per parameter set) and ### set headings.");
                    break;
                case "EXAMPLES":
                    if (example is null)
                    {
                        if (block is not HtmlBlock)
                            Problem(block, "example content outside a '### Example N: title' heading.");
                    }
                    else if (block is FencedCodeBlock exampleCode && example.Remarks.Count == 0)
                        example.Code.Add(CodeText(exampleCode));
                    else
                        example.Remarks.AddRange(Paragraphs(block));
                    break;
                case "PARAMETERS":
                    if (inCommonParameters)
                        break; // PowerShell describes the common parameters itself.
                    if (parameter is null)
                    {
                        if (block is not HtmlBlock)
                            Problem(block, "parameter content outside a '### -Name' heading.");
                    }
                    else if (block is FencedCodeBlock metaCode && string.Equals(metaCode.Info, "yaml", StringComparison.OrdinalIgnoreCase))
                        ParseParameterMetadata(parameter, metaCode);
                    else
                        parameter.Description.AddRange(Paragraphs(block));
                    break;
                case "INPUTS":
                case "OUTPUTS":
                    if (typeHelp is null)
                    {
                        if (block is not HtmlBlock)
                            Problem(block, $"{section} content outside a '### TypeName' heading.");
                    }
                    else
                        typeHelp.Description.AddRange(Paragraphs(block));
                    break;
                case "RELATED LINKS":
                    help.Links.AddRange(Links(block));
                    break;
                default:
                    if (section is null && block is not HtmlBlock)
                        Problem(block, "content between the '#' heading and the first '##' section.");
                    break;
            }
        }

        CheckFrontMatter(frontMatter);
        if (help is null)
        {
            Problem(0, $"no '# {expectedName}' heading.");
            return null;
        }
        Check(help);
        return help;
    }

    private void OpenSubsection(CommandHelp help, string? section, string title, HeadingBlock heading,
        ref string? syntaxSetName, ref ExampleHelp? example, ref ParameterHelp? parameter, ref bool inCommonParameters,
        ref TypeHelp? typeHelp)
    {
        switch (section)
        {
            case "SYNTAX":
                // platyPS marks the default set as "### Name (Default)".
                syntaxSetName = Regex.Replace(title, @"\s*\(Default\)\s*$", "", RegexOptions.IgnoreCase).Trim();
                break;
            case "EXAMPLES":
                if (!title.StartsWith("Example", StringComparison.OrdinalIgnoreCase))
                    Problem(heading, $"example heading '### {title}' should read '### Example N: title'.");
                example = new ExampleHelp(title, heading.Line + 1);
                help.Examples.Add(example);
                break;
            case "PARAMETERS":
                if (title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
                {
                    inCommonParameters = true;
                    parameter = null;
                    break;
                }
                inCommonParameters = false;
                if (!title.StartsWith("-", StringComparison.Ordinal) || title.Length < 2 || title.Contains(' '))
                {
                    Problem(heading, $"parameter heading '### {title}' should read '### -Name'.");
                    parameter = null;
                    break;
                }
                string name = title.Substring(1);
                if (help.FindParameter(name) is not null)
                    Problem(heading, $"parameter -{name} is documented twice.");
                parameter = new ParameterHelp(name, heading.Line + 1);
                help.Parameters.Add(parameter);
                break;
            case "INPUTS":
                typeHelp = new TypeHelp(title);
                help.Inputs.Add(typeHelp);
                break;
            case "OUTPUTS":
                typeHelp = new TypeHelp(title);
                help.Outputs.Add(typeHelp);
                break;
            default:
                Problem(heading, $"'### {title}' is not expected in {(section is null ? "this place" : "## " + section)}.");
                break;
        }
    }

    private void CheckFrontMatter(Dictionary<string, string>? frontMatter)
    {
        if (frontMatter is null)
        {
            Problem(1, "no YAML front matter (--- external help file: ... / Module Name: ... ---).");
            return;
        }
        if (!frontMatter.TryGetValue("external help file", out string? helpFile) || helpFile.Length == 0)
            Problem(1, "the front matter lacks 'external help file'.");
        else if (!string.Equals(helpFile, _expectedHelpFile, StringComparison.OrdinalIgnoreCase))
            Problem(1, $"the front matter names external help file '{helpFile}', but the output is '{_expectedHelpFile}'.");
        if (!frontMatter.TryGetValue("Module Name", out string? module) || module.Length == 0)
            Problem(1, "the front matter lacks 'Module Name'.");
    }

    private void ParseParameterMetadata(ParameterHelp parameter, FencedCodeBlock block)
    {
        Dictionary<string, string> values = ParseKeyValues(CodeText(block));
        foreach (string key in values.Keys.Where(k => !s_parameterKeys.Contains(k, StringComparer.OrdinalIgnoreCase)))
            Problem(block, $"-{parameter.Name}: unknown key '{key}' in the yaml block.");

        var meta = new ParameterMetadata();
        if (values.TryGetValue("Type", out string? type) && type.Length > 0)
            meta.Type = type;
        else
            Problem(block, $"-{parameter.Name}: the yaml block lacks 'Type'.");

        if (values.TryGetValue("Parameter Sets", out string? sets))
            meta.Sets.AddRange(SplitList(sets));
        if (values.TryGetValue("Aliases", out string? aliases))
            meta.Aliases = string.Join(", ", SplitList(aliases));
        if (values.TryGetValue("Accepted values", out string? accepted))
            meta.AcceptedValues.AddRange(SplitList(accepted));
        if (values.TryGetValue("Required", out string? required))
            meta.Required = Bool(required, block, parameter, "Required");
        if (values.TryGetValue("Position", out string? position) && position.Length > 0)
        {
            if (position.Equals("Named", StringComparison.OrdinalIgnoreCase))
                meta.Position = "named";
            else if (int.TryParse(position, out int p) && p >= 0)
                meta.Position = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            else
                Problem(block, $"-{parameter.Name}: Position is a number or 'Named', not '{position}'.");
        }
        if (values.TryGetValue("Default value", out string? defaultValue) && defaultValue.Length > 0)
            meta.DefaultValue = defaultValue;
        if (values.TryGetValue("Accept pipeline input", out string? pipeline) && pipeline.Length > 0)
        {
            if (!pipeline.StartsWith("True", StringComparison.OrdinalIgnoreCase) && !pipeline.Equals("False", StringComparison.OrdinalIgnoreCase))
                Problem(block, $"-{parameter.Name}: 'Accept pipeline input' is False or True (ByValue/ByPropertyName), not '{pipeline}'.");
            meta.PipelineInput = pipeline;
        }
        if (values.TryGetValue("Accept wildcard characters", out string? globbing))
            meta.Globbing = Bool(globbing, block, parameter, "Accept wildcard characters");
        parameter.Metadata.Add(meta);
    }

    private bool Bool(string value, Block block, ParameterHelp parameter, string key)
    {
        if (bool.TryParse(value, out bool b))
            return b;
        Problem(block, $"-{parameter.Name}: '{key}' is True or False, not '{value}'.");
        return false;
    }

    private void Check(CommandHelp help)
    {
        if (help.Synopsis.Count == 0)
            Problem(0, "lacks a SYNOPSIS (a '## SYNOPSIS' section with a sentence).");
        if (help.Description.Count == 0)
            Problem(0, "lacks a DESCRIPTION (a '## DESCRIPTION' section with text).");
        if (help.Syntax.Count == 0)
            Problem(0, "lacks a SYNTAX code block.");
        if (help.Examples.Count < 2)
            Problem(0, $"has {help.Examples.Count} example(s); at least 2 are required.");

        foreach (ExampleHelp ex in help.Examples)
        {
            if (ex.Code.Count == 0 || ex.Code.All(string.IsNullOrWhiteSpace))
                Problem(ex.Line, $"'{ex.Title}' has no code block.");
            if (ex.Remarks.Count == 0)
                Problem(ex.Line, $"'{ex.Title}' has no explanation after its code.");
        }

        foreach (ParameterHelp p in help.Parameters)
        {
            if (p.Description.Count == 0 || p.Description.All(string.IsNullOrWhiteSpace))
                Problem(p.Line, $"parameter -{p.Name} has no description.");
            if (p.Metadata.Count == 0)
                Problem(p.Line, $"parameter -{p.Name} has no ```yaml block (Type, Parameter Sets, Required, Position, ...).");
        }

        foreach (string text in help.Synopsis.Concat(help.Description).Concat(help.Parameters.SelectMany(p => p.Description))
                     .Concat(help.Examples.SelectMany(e => e.Remarks)))
            if (text.Contains("{{", StringComparison.Ordinal))
                Problem(0, $"placeholder text left in: '{Shorten(text)}'.");

        CheckSyntax(help);
    }

    /// <summary>Every parameter a syntax block names is documented, and the yaml parameter sets agree with the blocks.</summary>
    private void CheckSyntax(CommandHelp help)
    {
        bool named = help.Syntax.Any(s => s.SetName is not null);
        if (named && help.Syntax.Any(s => s.SetName is null))
            Problem(help.Syntax.First(s => s.SetName is null).Line,
                "some SYNTAX blocks have a '### SetName' heading and some do not; name every set or none.");

        foreach (SyntaxBlock block in help.Syntax)
        {
            if (!block.Code.TrimStart().StartsWith(help.Name, StringComparison.OrdinalIgnoreCase))
                Problem(block.Line, $"the SYNTAX block does not start with '{help.Name}'.");
            foreach (Match m in s_syntaxParameter.Matches(block.Code))
            {
                string name = m.Groups[1].Value;
                ParameterHelp? p = help.FindParameter(name);
                if (p is null)
                {
                    Problem(block.Line, $"SYNTAX names -{name}, which has no '### -{name}' under PARAMETERS.");
                    continue;
                }
                if (block.ParameterNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    continue;
                block.ParameterNames.Add(p.Name);
                if (block.SetName is not null && p.Metadata.Count > 0 && p.For(block.SetName) is null)
                    Problem(block.Line, $"SYNTAX set '{block.SetName}' shows -{p.Name}, but its yaml 'Parameter Sets' does not include that set.");
            }
        }

        foreach (ParameterHelp p in help.Parameters)
        {
            if (!help.Syntax.Any(s => s.ParameterNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
                Problem(p.Line, $"parameter -{p.Name} appears in no SYNTAX block.");
            if (!named)
                continue;
            foreach (ParameterMetadata meta in p.Metadata)
            {
                IEnumerable<string> sets = meta.AppliesToAllSets
                    ? help.Syntax.Select(s => s.SetName!)
                    : meta.Sets;
                foreach (string set in sets)
                {
                    SyntaxBlock? block = help.Syntax.FirstOrDefault(s => string.Equals(s.SetName, set, StringComparison.OrdinalIgnoreCase));
                    if (block is null)
                        Problem(p.Line, $"-{p.Name} names parameter set '{set}', which has no '### {set}' block under SYNTAX.");
                    else if (!block.ParameterNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                        Problem(block.Line, $"SYNTAX set '{set}' does not show -{p.Name}, though its yaml says it belongs to that set.");
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------------
    // Text from the Markdig tree
    // -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The paragraphs a block contributes to MAML: a paragraph is one para, a list item one para
    /// starting with "- " (or "1. "), a code block one para keeping its lines.
    /// </summary>
    private static IEnumerable<string> Paragraphs(Block block)
    {
        switch (block)
        {
            case ParagraphBlock p:
            {
                string text = InlineText(p.Inline).Trim();
                if (text.Length > 0)
                    yield return text;
                break;
            }
            case FencedCodeBlock code:
                yield return CodeText(code);
                break;
            case CodeBlock code:
                yield return code.Lines.ToString().TrimEnd();
                break;
            case ListBlock list:
            {
                int number = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (Block item in list)
                {
                    string bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    var parts = item is ContainerBlock container
                        ? container.SelectMany(Paragraphs).ToList()
                        : Paragraphs(item).ToList();
                    if (parts.Count > 0)
                        yield return bullet + string.Join(" ", parts);
                }
                break;
            }
            case QuoteBlock quote:
                foreach (string s in quote.SelectMany(Paragraphs))
                    yield return s;
                break;
            case HeadingBlock h:
                yield return InlineText(h.Inline).Trim();
                break;
            // HTML comments, thematic breaks, link reference definitions: nothing for Get-Help.
        }
    }

    private static IEnumerable<LinkHelp> Links(Block block)
    {
        IEnumerable<Inline> inlines = block switch
        {
            ParagraphBlock p when p.Inline is not null => p.Inline.Descendants<Inline>(),
            ListBlock list => list.Descendants<ParagraphBlock>().Where(p => p.Inline is not null).SelectMany(p => p.Inline!.Descendants<Inline>()),
            _ => Enumerable.Empty<Inline>(),
        };
        foreach (Inline inline in inlines)
        {
            switch (inline)
            {
                case LinkInline { IsImage: false } link:
                {
                    string url = link.Url ?? "";
                    string text = InlineText(link).Trim();
                    // Only absolute web addresses are useful to Get-Help -Online; a link to a sibling .md page
                    // becomes a plain related-command entry.
                    bool web = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                               || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                    yield return new LinkHelp(text.Length > 0 ? text : url, web ? url : "");
                    break;
                }
                case AutolinkInline auto when !auto.IsEmail:
                    yield return new LinkHelp(auto.Url, auto.Url);
                    break;
            }
        }
    }

    private static string CodeText(LeafBlock code) => code.Lines.ToString().TrimEnd();

    /// <summary>Plain text of an inline tree: emphasis and code marks dropped, soft breaks as spaces.</summary>
    internal static string InlineText(ContainerInline? container)
    {
        if (container is null)
            return "";
        var sb = new StringBuilder();
        AppendInlines(container, sb);
        return sb.ToString();
    }

    private static void AppendInlines(ContainerInline container, StringBuilder sb)
    {
        foreach (Inline inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    sb.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    sb.Append(code.Content);
                    break;
                case LineBreakInline br:
                    sb.Append(br.IsHard ? "\n" : " ");
                    break;
                case HtmlEntityInline entity:
                    sb.Append(entity.Transcoded.ToString());
                    break;
                case AutolinkInline auto:
                    sb.Append(auto.Url);
                    break;
                case LinkInline link:
                {
                    int before = sb.Length;
                    AppendInlines(link, sb);
                    string url = link.Url ?? "";
                    bool web = url.StartsWith("http", StringComparison.OrdinalIgnoreCase);
                    if (web && !sb.ToString(before, sb.Length - before).Equals(url, StringComparison.OrdinalIgnoreCase))
                        sb.Append(" (").Append(url).Append(')');
                    break;
                }
                case HtmlInline html:
                    sb.Append(html.Tag);
                    break;
                case ContainerInline nested:
                    AppendInlines(nested, sb);
                    break;
            }
        }
    }

    /// <summary>"Key: value" lines, as the front matter and the parameter yaml blocks use them.</summary>
    private static Dictionary<string, string> ParseKeyValues(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim() is "" or "---" || line.TrimStart().StartsWith('#'))
                continue;
            int colon = line.IndexOf(':');
            if (colon <= 0)
                continue;
            string key = line.Substring(0, colon).Trim();
            string value = line.Substring(colon + 1).Trim();
            if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\''))
                value = value.Substring(1, value.Length - 2);
            values[key] = value;
        }
        return values;
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0 && !s.Equals("None", StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";
}

// ---------------------------------------------------------------------------------------------------
// Model -> MAML (the layout platyPS's New-ExternalHelp writes and PowerShell's own *-Help.xml files use)
// ---------------------------------------------------------------------------------------------------

internal static class MamlWriter
{
    private const string MshNs = "http://msh";
    private const string MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    private const string CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MsHelpNs = "http://msdn.microsoft.com/mshelp";

    public static void Write(IReadOnlyList<CommandHelp> commands, string path)
    {
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp");
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using (XmlWriter w = XmlWriter.Create(temp, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", MshNs);
            w.WriteAttributeString("schema", "maml");
            foreach (CommandHelp c in commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
                WriteCommand(w, c);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteCommand(XmlWriter w, CommandHelp c)
    {
        w.WriteStartElement("command", "command", CommandNs);
        w.WriteAttributeString("xmlns", "maml", null, MamlNs);
        w.WriteAttributeString("xmlns", "command", null, CommandNs);
        w.WriteAttributeString("xmlns", "dev", null, DevNs);
        w.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNs);

        w.WriteStartElement("command", "details", CommandNs);
        w.WriteElementString("command", "name", CommandNs, c.Name);
        w.WriteElementString("command", "verb", CommandNs, c.Verb);
        w.WriteElementString("command", "noun", CommandNs, c.Noun);
        WriteDescription(w, c.Synopsis);
        w.WriteEndElement();

        WriteDescription(w, c.Description);

        w.WriteStartElement("command", "syntax", CommandNs);
        foreach (SyntaxBlock block in c.Syntax)
        {
            w.WriteStartElement("command", "syntaxItem", CommandNs);
            w.WriteElementString("maml", "name", MamlNs, c.Name);
            foreach (string name in block.ParameterNames)
            {
                ParameterHelp p = c.FindParameter(name)!;
                ParameterMetadata? meta = p.For(block.SetName);
                if (meta is not null)
                    WriteParameter(w, p, meta, inSyntax: true);
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", CommandNs);
        foreach (ParameterHelp p in c.Parameters)
            WriteParameter(w, p, p.Metadata[0], inSyntax: false);
        w.WriteEndElement();

        WriteTypes(w, "inputTypes", "inputType", c.Inputs);
        WriteTypes(w, "returnValues", "returnValue", c.Outputs);

        if (c.Notes.Count > 0)
        {
            w.WriteStartElement("maml", "alertSet", MamlNs);
            w.WriteStartElement("maml", "alert", MamlNs);
            foreach (string para in c.Notes)
                w.WriteElementString("maml", "para", MamlNs, para);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", CommandNs);
        foreach (ExampleHelp ex in c.Examples)
        {
            w.WriteStartElement("command", "example", CommandNs);
            w.WriteElementString("maml", "title", MamlNs, $"---------- {ex.Title} ----------");
            w.WriteElementString("dev", "code", DevNs, string.Join("\n\n", ex.Code));
            w.WriteStartElement("dev", "remarks", DevNs);
            foreach (string para in ex.Remarks)
                w.WriteElementString("maml", "para", MamlNs, para);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", CommandNs);
        var links = new List<LinkHelp>();
        if (c.OnlineVersion is not null)
            links.Add(new LinkHelp("Online Version:", c.OnlineVersion));
        links.AddRange(c.Links);
        foreach (LinkHelp link in links)
        {
            w.WriteStartElement("maml", "navigationLink", MamlNs);
            w.WriteElementString("maml", "linkText", MamlNs, link.Text);
            w.WriteElementString("maml", "uri", MamlNs, link.Uri);
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteEndElement(); // command:command
    }

    private static void WriteDescription(XmlWriter w, IReadOnlyList<string> paras)
    {
        w.WriteStartElement("maml", "description", MamlNs);
        if (paras.Count == 0)
            w.WriteElementString("maml", "para", MamlNs, "");
        foreach (string para in paras)
            w.WriteElementString("maml", "para", MamlNs, para);
        w.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter w, ParameterHelp p, ParameterMetadata meta, bool inSyntax)
    {
        w.WriteStartElement("command", "parameter", CommandNs);
        w.WriteAttributeString("required", meta.Required ? "true" : "false");
        w.WriteAttributeString("variableLength", "true");
        w.WriteAttributeString("globbing", meta.Globbing ? "true" : "false");
        w.WriteAttributeString("pipelineInput", meta.PipelineInput);
        w.WriteAttributeString("position", meta.Position);
        w.WriteAttributeString("aliases", meta.Aliases.Length > 0 ? meta.Aliases : "none");
        w.WriteElementString("maml", "name", MamlNs, p.Name);
        WriteDescription(w, p.Description);

        if (inSyntax && meta.AcceptedValues.Count > 0)
        {
            w.WriteStartElement("command", "parameterValueGroup", CommandNs);
            foreach (string value in meta.AcceptedValues)
            {
                w.WriteStartElement("command", "parameterValue", CommandNs);
                w.WriteAttributeString("required", "false");
                w.WriteAttributeString("command", "variableLength", CommandNs, "false");
                w.WriteString(value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        // A switch takes no value: syntax shows just [-Name]; the parameter list still names its type.
        if (!meta.IsSwitch || !inSyntax)
        {
            w.WriteStartElement("command", "parameterValue", CommandNs);
            w.WriteAttributeString("required", meta.IsSwitch ? "false" : "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(meta.Type);
            w.WriteEndElement();
        }
        w.WriteStartElement("dev", "type", DevNs);
        w.WriteElementString("maml", "name", MamlNs, meta.Type);
        w.WriteElementString("maml", "uri", MamlNs, "");
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", DevNs, meta.DefaultValue);
        w.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter w, string listName, string itemName, IReadOnlyList<TypeHelp> types)
    {
        w.WriteStartElement("command", listName, CommandNs);
        foreach (TypeHelp t in types)
        {
            w.WriteStartElement("command", itemName, CommandNs);
            w.WriteStartElement("dev", "type", DevNs);
            w.WriteElementString("maml", "name", MamlNs, t.TypeName);
            w.WriteEndElement();
            WriteDescription(w, t.Description);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
