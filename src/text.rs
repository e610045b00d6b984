//! Stored text reaches a terminal only through here: a control character or an
//! escape sequence in a name becomes a visible placeholder, never a command to
//! the terminal. Text is measured and cut by grapheme cluster (a letter with its
//! vowel signs and accents, an emoji sequence), at the width a terminal gives
//! it, so that no cluster is split and no name runs into the next column.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The placeholder shown for each control character.
pub const PLACEHOLDER: char = '�';

/// Replaces control characters (C0, DEL, C1, and bidi overrides that could
/// reorder a line) with a visible placeholder.
pub fn clean(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars().map(|c| if is_unsafe(c) { PLACEHOLDER } else { c }).collect()
}

/// A character a terminal could act on: C0 and C1 controls, DEL, bidi overrides.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text written over several lines (an alert typed into a spreadsheet cell),
/// on one line: the lines joined with a comma, or a space after a full stop.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', ',', ';', ':', '!', '?']) { " " } else { ", " });
        }
        out.push_str(line);
    }
    out
}

/// Like `clean`, but keeps line breaks (for multi-line notes).
pub fn clean_multiline(text: &str) -> String {
    text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

/// Spacing vowel signs that also extend a grapheme cluster (Unicode's
/// Other_Grapheme_Extend among the spacing marks). `unicode-width` gives them no
/// column, as it does every mark that extends a cluster; terminals (wcwidth,
/// tmux, xterm) give each one column, so `সাদিয়া` takes six, not four.
const SPACING_EXTENDERS: &[char] = &[
    '\u{09BE}',
    '\u{09D7}',
    '\u{0B3E}',
    '\u{0B57}',
    '\u{0BBE}',
    '\u{0BD7}',
    '\u{0CC2}',
    '\u{0CD5}',
    '\u{0CD6}',
    '\u{0D3E}',
    '\u{0D57}',
    '\u{0DCF}',
    '\u{0DDF}',
    '\u{1B35}',
    '\u{302E}',
    '\u{302F}',
    '\u{1133E}',
    '\u{11357}',
    '\u{114B0}',
    '\u{114BD}',
    '\u{115AF}',
    '\u{11930}',
    '\u{1D165}',
    '\u{1D16E}',
    '\u{1D16F}',
    '\u{1D170}',
    '\u{1D171}',
    '\u{1D172}',
];

/// Columns a terminal that counts character by character (wcwidth) gives `c`.
fn char_columns(c: char) -> usize {
    if c >= '\u{0900}' && SPACING_EXTENDERS.contains(&c) { 1 } else { c.width().unwrap_or(0) }
}

/// Printable ASCII: one column a byte, nothing to clean.
fn plain(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// A character that is a grapheme cluster by itself whatever stands beside
/// it, that no terminal acts on, and that `unicode-width` measures as
/// terminals do: Latin and Cyrillic letters, punctuation, arrows, box
/// drawing, common symbols, kana, CJK ideographs and Hangul syllables. Text of
/// these alone (most of a screen, names in Polish or Chinese included) is
/// measured a character at a time, without segmenting it into clusters.
pub fn alone(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7e}'
        | '\u{a0}'..='\u{ac}'
        | '\u{ae}'..='\u{2ff}'
        | '\u{400}'..='\u{482}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205e}'
        | '\u{2070}'..='\u{20cf}'
        | '\u{2100}'..='\u{2bff}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30a0}'..='\u{30ff}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{ff01}'..='\u{ff60}')
}

/// Columns of a character that stands `alone`.
pub fn alone_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Columns one grapheme cluster takes. Terminals differ: those that count
/// character by character give `সা` two columns and an emoji family six; those
/// that count clusters give the family two and `❤️` two. The wider of the two
/// is taken, so text never runs into what follows it (at worst a column stays blank).
pub fn cluster_width(cluster: &str) -> usize {
    if cluster.len() == 1 {
        return usize::from(plain(cluster));
    }
    let by_char: usize = cluster.chars().map(char_columns).sum();
    by_char.max(cluster.width())
}

/// Columns `text` takes: its clusters' widths added up (see [`cluster_width`]).
pub fn width(text: &str) -> usize {
    if plain(text) {
        return text.len();
    }
    if text.chars().all(alone) {
        return text.chars().map(alone_width).sum();
    }
    text.graphemes(true).map(cluster_width).sum()
}

/// Cuts `text` to at most `max` columns, ending with `…` when it was cut.
pub fn fit(text: &str, max: usize) -> String {
    if plain(text) {
        let mut t = text.to_string();
        if t.len() > max {
            t.truncate(max.saturating_sub(1));
            if max > 0 {
                t.push('…');
            }
        }
        return t;
    }
    let text = clean(text);
    let clusters = clusters(&text);
    if clusters.iter().map(|c| c.1).sum::<usize>() <= max {
        return text;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for (g, w) in clusters {
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// `text`'s grapheme clusters and their columns: a character at a time when
/// each stands `alone`, without segmenting.
fn clusters(text: &str) -> Vec<(&str, usize)> {
    if text.chars().all(alone) {
        return text.char_indices().map(|(i, c)| (&text[i..i + c.len_utf8()], alone_width(c))).collect();
    }
    text.graphemes(true).map(|g| (g, cluster_width(g))).collect()
}

/// Pads or cuts to exactly `cols` columns.
pub fn pad(text: &str, cols: usize) -> String {
    let mut s = fit(text, cols);
    let w = width(&s);
    s.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    s
}

/// "text", "text and tags", "text, tags and concern".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// "1 family", "3 families": a count with the word that goes with it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_that_stands_alone_is_its_own_cluster_beside_any_other() {
        let all: Vec<char> = (0..0x11_0000).filter_map(char::from_u32).filter(|c| alone(*c)).collect();
        let partners = ['a', ' ', 'ł', 'ș', 'Ж', '…', '✓', '│', 'あ', '李', '한', '！'];
        for &c in &all {
            let one = c.to_string();
            assert_eq!(cluster_width(&one), alone_width(c), "{c:?} measured apart");
            assert!(!is_unsafe(c), "{c:?}");
            for p in partners {
                assert_eq!(format!("{c}{p}").graphemes(true).count(), 2, "{c:?} then {p:?}");
                assert_eq!(format!("{p}{c}").graphemes(true).count(), 2, "{p:?} then {c:?}");
            }
        }
        assert_eq!(fit("Łucja Wiśniewska", 8), "Łucja W…");
        assert_eq!(fit("李娜李娜", 5), "李娜…");
        assert_eq!(width("李娜 ✓"), 6);
    }

    #[test]
    fn escape_sequences_become_visible() {
        let evil = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}";
        let shown = clean(evil);
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
        assert!(shown.starts_with("Eve�[2J"));
        assert_eq!(clean("Zoë"), "Zoë");
        assert_eq!(clean("a\u{202E}b"), "a�b");
    }

    #[test]
    fn text_over_two_lines_reads_as_one() {
        assert_eq!(
            one_line("Cows' milk allergy\r\nEpiPen in changing bag"),
            "Cows' milk allergy, EpiPen in changing bag"
        );
        assert_eq!(one_line("Nut allergy.\n\n  EpiPen  "), "Nut allergy. EpiPen");
        assert!(!clean(&one_line("a\nb")).contains(PLACEHOLDER));
    }

    #[test]
    fn plural_agrees_with_the_count() {
        assert_eq!(plural(1, "family", "families"), "1 family");
        assert_eq!(plural(0, "family", "families"), "0 families");
        assert_eq!(plural(2, "baby", "babies"), "2 babies");
    }

    #[test]
    fn fit_counts_display_width() {
        assert_eq!(fit("李娜李娜", 5), "李娜…");
        assert_eq!(width(&fit("李娜李娜", 5)), 5);
        assert_eq!(fit("Zoë", 3), "Zoë");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(fit("abc", 0), "");
        // Combining marks take no column.
        assert_eq!(width(&pad("Zoe\u{308}", 4)), 4);
        assert_eq!(width(&pad("সাদিয়া", 12)), 12);
    }

    #[test]
    fn widths_are_the_terminals_and_clusters_are_never_split() {
        // As tmux draws them (`printf` then the cursor's column).
        assert_eq!(width("সাদিয়া"), 6);
        assert_eq!(width("नमस्ते"), 4);
        assert_eq!(width("محمد"), 4);
        assert_eq!(width("李娜"), 4);
        assert_eq!(width("👶"), 2);
        // Where terminals disagree, the wider.
        assert_eq!(width("❤\u{fe0f}"), 2);
        assert_eq!(width("👩\u{200d}👩\u{200d}👧"), 6);
        // Cut between clusters only: the vowel sign stays with its letter.
        assert_eq!(fit("সাদিয়া", 4), "সা…");
        assert_eq!(fit("সাদিয়া", 5), "সাদি…");
        for max in 0..8 {
            let cut = fit("সাদিয়া", max);
            assert!(width(&cut) <= max, "{cut:?} at {max}");
            let kept = cut.trim_end_matches('…');
            assert!(
                "সাদিয়া".starts_with(kept) && kept.graphemes(true).all(|g| "সাদিয়া".graphemes(true).any(|o| o == g)),
                "{cut:?}"
            );
        }
    }
}
