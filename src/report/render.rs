//! A report as text (readable at 80 columns, with bar charts of block
//! characters), as CSV (`section,item,value`) or as JSON. Pseudonymised, every
//! count of families, people or observations from 1 to 4 is shown as `<5` (the
//! number of sessions held counts meetings, not people, and is shown as it is),
//! and the age figures are left out when fewer than 5 babies stand behind them.
//! The categories of families (referral routes, health-visiting levels, home
//! languages) that 1 to 4 families share are one row, `Other (<5)`: `<5` beside
//! a rare language's name would still say that someone speaks it.

use super::Report;
use super::pseudonym::small_count;
use crate::text::{clean, pad};
use chrono::NaiveDate;
use serde_json::{Value as Json, json};

/// One figure of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count of families, people or observations: shown as `<5` from 1 to 4
    /// when pseudonymised.
    Count(usize),
    /// A count of meetings, not of people: never hidden.
    Sessions(usize),
    /// Weeks (median, quartiles); None when there is nothing to work it out from.
    Weeks(Option<f64>),
    /// A figure withheld (pseudonymised, too few behind it), with the reason.
    Withheld(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: Value,
    /// Drawn as a bar in the text form.
    pub bar: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// A fixed name for programs reading the JSON or CSV.
    pub key: &'static str,
    pub title: &'static str,
    pub rows: Vec<Row>,
}

/// What the report covers, for its heading.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    /// The group's name; None for every group.
    pub group: Option<String>,
    pub pseudonymised: bool,
}

fn plain(label: &str, n: usize) -> Row {
    Row { label: clean(label), value: Value::Count(n), bar: false }
}

fn bar(label: &str, n: usize) -> Row {
    Row { label: clean(label), value: Value::Count(n), bar: true }
}

/// The report as sections of labelled figures, in the order they are shown.
pub fn sections(r: &Report, pseudonymised: bool) -> Vec<Section> {
    let mut out = vec![Section {
        key: "attendance",
        title: "Attendance",
        rows: vec![
            Row { label: "Sessions held".into(), value: Value::Sessions(r.sessions_held), bar: false },
            plain("Attendances (family visits)", r.attendances),
            plain("Adults present", r.adults),
            plain("Babies present", r.babies),
            plain("Distinct families", r.distinct_families),
            plain("New families (first visit)", r.new_families),
        ],
    }];
    out.push(Section {
        key: "repeat_attendance",
        title: "Repeat attendance: families by sessions attended",
        rows: r
            .repeat
            .iter()
            .map(|(l, n)| bar(&format!("{l} session{}", if *l == "1" { "" } else { "s" }), *n))
            .collect(),
    });
    let a = &r.first_age;
    let withhold = pseudonymised && (1..=super::pseudonym::SMALL).contains(&a.babies);
    let weeks = |w: Option<f64>| {
        if withhold { Value::Withheld("fewer than 5 babies") } else { Value::Weeks(w) }
    };
    out.push(Section {
        key: "first_age",
        title: "Baby's age at first attendance, in weeks",
        rows: vec![
            plain("Babies first seen", a.babies),
            Row { label: "Median".into(), value: weeks(a.median), bar: false },
            Row { label: "Lower quartile".into(), value: weeks(a.lower_quartile), bar: false },
            Row { label: "Upper quartile".into(), value: weeks(a.upper_quartile), bar: false },
        ],
    });
    out.push(Section {
        key: "first_age_months",
        title: "Baby's age at first attendance: babies by month of age",
        rows: a.by_month.iter().map(|(l, n)| bar(l, *n)).collect(),
    });
    out.push(Section {
        key: "referral_routes",
        title: "Referral routes (families)",
        rows: fold_rare(r.referral_routes.iter().map(|(k, n)| bar(k.label(), *n)).collect(), pseudonymised),
    });
    out.push(Section {
        key: "hv_levels",
        title: "Health-visiting levels (families)",
        rows: fold_rare(r.hv_levels.iter().map(|(k, n)| bar(k.label(), *n)).collect(), pseudonymised),
    });
    let mut languages = vec![plain("Interpreter needed", r.interpreter)];
    languages.extend(fold_rare(r.home_languages.iter().map(|(k, n)| bar(k, *n)).collect(), pseudonymised));
    out.push(Section { key: "home_languages", title: "Home languages (families)", rows: languages });
    out.push(Section { key: "early_help", title: "Early help (families)", rows: vec![plain("EHA in place", r.eha)] });
    let mut domains = vec![plain("Observations", r.observations)];
    domains.extend(r.by_domain.iter().map(|(k, n)| bar(k, *n)));
    out.push(Section { key: "observations", title: "Observations by tag domain", rows: domains });
    out.push(Section {
        key: "concerns",
        title: "Concerns raised (observations)",
        rows: vec![plain("Follow up", r.follow_ups), plain("Safeguarding", r.safeguarding)],
    });
    out.push(Section {
        key: "signposting",
        title: "Signposting and other staff actions (observations)",
        rows: r.signposting.iter().map(|(k, n)| bar(k, *n)).collect(),
    });
    out
}

/// The label of the row that stands for every category of 1 to 4 families.
pub const OTHER_SMALL: &str = "Other (<5)";

/// Pseudonymised, the categories that 1 to 4 families share become one row at
/// the end, [`OTHER_SMALL`], with their sum.
fn fold_rare(rows: Vec<Row>, pseudonymised: bool) -> Vec<Row> {
    if !pseudonymised {
        return rows;
    }
    let small = |row: &Row| matches!(row.value, Value::Count(n) if (1..=super::pseudonym::SMALL).contains(&n));
    let (rare, mut kept): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(small);
    if !rare.is_empty() {
        let n = rare.iter().map(|row| if let Value::Count(n) = row.value { n } else { 0 }).sum();
        kept.push(bar(OTHER_SMALL, n));
    }
    kept
}

/// A figure as the report shows it.
pub fn shown(v: &Value, pseudonymised: bool) -> String {
    match v {
        Value::Count(n) if pseudonymised => small_count(*n),
        Value::Count(n) | Value::Sessions(n) => n.to_string(),
        Value::Weeks(Some(w)) => format_weeks(*w),
        Value::Weeks(None) => "-".into(),
        Value::Withheld(why) => format!("not shown ({why})"),
    }
}

/// Weeks with at most two decimals, trailing zeros dropped: 10, 10.5, 10.25.
fn format_weeks(w: f64) -> String {
    let s = format!("{w:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn date_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let d = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    match (from, to) {
        (Some(f), Some(t)) => format!("{} to {}", d(f), d(t)),
        (Some(f), None) => format!("from {}", d(f)),
        (None, Some(t)) => format!("up to {}", d(t)),
        (None, None) => "all dates".into(),
    }
}

/// Columns of the text form: label, figure, then the bar (2 + 30 + 8 + 2 + 36 = 78).
const LABEL: usize = 30;
const FIGURE: usize = 8;
const BAR: usize = 36;

/// True when a pseudonymised figure hides this count.
fn hidden(v: &Value, pseudonymised: bool) -> bool {
    matches!(v, Value::Count(n) if pseudonymised && (1..=super::pseudonym::SMALL).contains(n))
}

/// The report as text for a terminal or a printer, at most 80 columns wide.
/// Figures line up in one column; a section of counts has a bar after each,
/// scaled to the section's largest (a hidden count `<5` gets no bar).
pub fn text(r: &Report, heading: &Heading) -> String {
    let pseudo = heading.pseudonymised;
    let mut out = String::new();
    out.push_str("Think Baby report\n");
    let group = heading.group.as_deref().map(clean).unwrap_or_else(|| "all groups".into());
    out.push_str(&format!("{}, {}\n", crate::text::fit(&group, 50), date_range(r.filter.from, r.filter.to)));
    if pseudo {
        out.push_str("Pseudonymised: counts from 1 to 4 are shown as <5.\n");
    }
    for s in sections(r, pseudo) {
        out.push('\n');
        out.push_str(s.title);
        out.push('\n');
        let count = |row: &Row| match row.value {
            Value::Count(n) if row.bar && !hidden(&row.value, pseudo) => n,
            _ => 0,
        };
        let max = s.rows.iter().map(count).max().unwrap_or(0);
        for row in &s.rows {
            let figure = shown(&row.value, pseudo);
            let line = format!(
                "  {} {figure:>w$}  {}",
                pad(&row.label, LABEL - 1),
                bar_of(count(row), max, BAR),
                w = FIGURE - 1
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A bar of `n` against `max` in at most `cols` columns, in eighths of a block;
/// a count above nought always shows at least a sliver.
pub fn bar_of(n: usize, max: usize, cols: usize) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((n * cols * 8 + max / 2) / max).max(1);
    let mut s = "█".repeat(eighths / 8);
    const PARTS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    s
}

/// The report as CSV (`section,item,value`), with a byte-order mark for Excel.
pub fn csv(r: &Report, heading: &Heading) -> Result<Vec<u8>, csv::Error> {
    let pseudo = heading.pseudonymised;
    let mut w = super::export::writer(Vec::new());
    w.write_record(["section", "item", "value"])?;
    let group = heading.group.as_deref().map(clean).unwrap_or_else(|| "all groups".into());
    w.write_record(["Report", "Group", &super::export::safe(&group)])?;
    w.write_record(["Report", "Dates", &date_range(r.filter.from, r.filter.to)])?;
    w.write_record(["Report", "Pseudonymised", if pseudo { "yes" } else { "no" }])?;
    for s in sections(r, pseudo) {
        for row in &s.rows {
            w.write_record([s.title, &super::export::safe(&row.label), &shown(&row.value, pseudo)])?;
        }
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?);
    Ok(bytes)
}

/// The report as one JSON object: heading fields, then `sections`, each with
/// `key`, `title` and `rows` of `label` and `value` (a number, `"<5"`, or null).
pub fn json(r: &Report, heading: &Heading) -> String {
    let pseudo = heading.pseudonymised;
    let value = |v: &Value| -> Json {
        match v {
            v if hidden(v, pseudo) => json!("<5"),
            Value::Count(n) | Value::Sessions(n) => json!(n),
            Value::Weeks(w) => json!(w),
            Value::Withheld(_) => Json::Null,
        }
    };
    let sections: Vec<Json> = sections(r, pseudo)
        .iter()
        .map(|s| {
            json!({
                "key": s.key,
                "title": s.title,
                "rows": s.rows.iter().map(|row| json!({"label": row.label, "value": value(&row.value)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let doc = json!({
        "report": "thinkbaby",
        "group": heading.group.as_deref().map(clean),
        "from": day(r.filter.from),
        "to": day(r.filter.to),
        "pseudonymised": pseudo,
        "sections": sections,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::width;

    #[test]
    fn bars_in_eighths() {
        assert_eq!(bar_of(0, 10, 8), "");
        assert_eq!(bar_of(10, 10, 8), "████████");
        assert_eq!(bar_of(5, 10, 8), "████");
        assert_eq!(bar_of(1, 16, 8), "▌");
        assert_eq!(bar_of(1, 1000, 8), "▏");
    }

    #[test]
    fn weeks_lose_trailing_zeros() {
        assert_eq!(format_weeks(10.0), "10");
        assert_eq!(format_weeks(10.5), "10.5");
        assert_eq!(format_weeks(10.25), "10.25");
    }

    #[test]
    fn text_fits_80_columns() {
        let r = Report {
            repeat: vec![("1", 3), ("2-3", 12)],
            home_languages: vec![("A very long language name indeed, longer than the column".into(), 9)],
            ..Report::default()
        };
        let t = text(&r, &Heading { group: Some("Blenheim Crescent".into()), pseudonymised: true });
        for line in t.lines() {
            assert!(width(line) <= 80, "{line}");
        }
        assert!(t.contains("1 session"));
        assert!(t.contains("<5"));
    }

    #[test]
    fn pseudonymised_rare_categories_are_folded_and_not_named() {
        let r = Report {
            home_languages: vec![
                ("English".into(), 9),
                ("Tigrinya".into(), 1),
                ("Polish".into(), 2),
                ("Urdu".into(), 0),
            ],
            ..Report::default()
        };
        let heading = Heading { group: None, pseudonymised: true };
        let t = text(&r, &heading);
        assert!(!t.contains("Tigrinya") && !t.contains("Polish"), "{t}");
        assert!(t.contains("Other (<5)"), "{t}");
        assert!(t.contains("English"), "{t}");
        let rows = &sections(&r, true).into_iter().find(|s| s.key == "home_languages").unwrap().rows;
        let other = rows.iter().find(|row| row.label == OTHER_SMALL).unwrap();
        assert_eq!(other.value, Value::Count(3));
        assert_eq!(shown(&other.value, true), "<5");
        let clear = text(&r, &Heading { group: None, pseudonymised: false });
        assert!(clear.contains("Tigrinya") && !clear.contains("Other (<5)"), "{clear}");
    }
}
