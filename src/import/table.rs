//! Reading a CSV as it comes out of Excel: a UTF-8 byte-order mark, CRLF line
//! ends, quoted fields with commas and line breaks, blank rows at the end;
//! header names in any order and any case; columns separated by commas, or by
//! semicolons or tabs as some Excel set-ups write them.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the file is not UTF-8 text. In Excel, save it as \"CSV UTF-8 (Comma delimited)\" and try again.")]
    NotUtf8,
    #[error("the file has no header row. The first row must name the columns, for example: {0}")]
    Empty(String),
    #[error("the file lacks the column{} {}. The first row must name them; it has: {}.",
        if .0.len() == 1 { "" } else { "s" }, .0.join(", "), .1.join(", "))]
    MissingColumns(Vec<String>, Vec<String>),
    #[error("the file is not valid CSV at line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("{} wrong row{}; nothing was imported. Correct them and import the file again:\n{}",
        .0.len(), if .0.len() == 1 { "" } else { "s" },
        .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error("{} of rows would be one family (the same carer's name and phone, or with no phone the same \
        name and postcode) but disagree; nothing was imported. Correct the file so that each family's rows \
        agree (or give each carer their phone) and import it again:\n{}",
        crate::text::plural(.0.len(), "pair", "pairs"),
        .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Disagree(Vec<String>),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// One data row: its first line in the file, and its fields by column name.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    fields: HashMap<String, String>,
}

impl Row {
    /// The trimmed field, or "" when the column is absent or empty.
    pub fn get(&self, column: &str) -> &str {
        self.fields.get(column).map(|s| s.trim()).unwrap_or("")
    }
}

#[derive(Debug)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Columns the file has that this import does not use.
    pub ignored: Vec<String>,
}

pub fn read(bytes: &[u8], required: &[&str], optional: &[&str]) -> Result<Table, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(&e))?.iter().map(|h| h.trim().to_lowercase()).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(ImportError::Empty(required.join(",")));
    }
    let missing: Vec<String> =
        required.iter().filter(|r| !headers.iter().any(|h| h == *r)).map(|r| r.to_string()).collect();
    if !missing.is_empty() {
        let found: Vec<String> = headers.iter().filter(|h| !h.is_empty()).cloned().collect();
        return Err(ImportError::MissingColumns(missing, found));
    }
    let ignored: Vec<String> = headers
        .iter()
        .filter(|h| !h.is_empty() && !required.contains(&h.as_str()) && !optional.contains(&h.as_str()))
        .cloned()
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        // Excel writes blank rows as a line of commas.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map(|p| line_at(text, p.byte())).unwrap_or(0);
        let fields = headers.iter().zip(record.iter()).map(|(h, v)| (h.clone(), v.to_string())).collect();
        rows.push(Row { line, fields });
    }
    Ok(Table { rows, ignored })
}

/// What separates the columns: a comma, or, in a file from an Excel set to a
/// language that writes decimals with a comma, a semicolon; a tab from a copy
/// out of a spreadsheet. The header row decides: whichever of the three it
/// has most of (a header row has no quoted commas to mislead the count).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|d| (count(*d as char), *d == b',')).unwrap_or(b',')
}

/// The line a record starts on, counted from its byte offset. The csv crate's
/// own line count runs one short after CRLF line ends, which Excel writes
/// (rust-csv#395), and facilitators look rows up by the numbers Excel shows.
fn line_at(text: &str, byte: u64) -> u64 {
    let at = (byte as usize).min(text.len());
    let before = text.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() as u64;
    // With CRLF the record's offset can point at the '\n' that ends the line before.
    let on_newline = text.as_bytes().get(at) == Some(&b'\n');
    1 + before + u64::from(on_newline)
}

fn csv_error(e: &csv::Error) -> ImportError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => return ImportError::NotUtf8,
        _ => e.to_string(),
    };
    ImportError::Csv { line, reason }
}

/// `yes`/`no`, as people type them; blank is `None`.
pub fn yes_no(text: &str) -> Result<Option<bool>, String> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        other => Err(format!("\"{other}\" should be yes or no")),
    }
}
