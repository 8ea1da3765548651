using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>
/// A list whose text form is its items' text joined with "; " (docs/decisions/0160): what Export-Csv, string
/// interpolation and any other ToString caller see for a collection property of an object the module emits, so a
/// CSV cell reads <c>HW-ELG-001; HW-ELG-004</c> instead of <c>System.Collections.Generic.List`1[System.String]</c>.
/// Serialises as a JSON array like any <see cref="List{T}"/>.
/// </summary>
/// <typeparam name="T">The item type; its own ToString is its text form.</typeparam>
public sealed class TextList<T> : List<T>
{
    /// <summary>The separator between items in the text form.</summary>
    public const string Separator = "; ";

    /// <summary>An empty list.</summary>
    public TextList()
    {
    }

    /// <summary>A list of <paramref name="items"/>, in order.</summary>
    public TextList(IEnumerable<T> items) : base(items)
    {
    }

    /// <summary>The items' text joined with <see cref="Separator"/> (empty for no items).</summary>
    public override string ToString() => string.Join(Separator, this);
}

/// <summary>Builds <see cref="TextList{T}"/>s.</summary>
public static class TextList
{
    /// <summary><paramref name="items"/> as a <see cref="TextList{T}"/> (a new list; null gives an empty one).</summary>
    public static TextList<T> Of<T>(IEnumerable<T>? items) => items is null ? new TextList<T>() : new TextList<T>(items);

    /// <summary><paramref name="items"/> as a <see cref="TextList{T}"/>.</summary>
    public static TextList<T> ToTextList<T>(this IEnumerable<T> items) => new(items);
}
