//! The observation tag list (`assets/observation-tags.toml`), which a centre may edit.

use serde::Deserialize;
use std::collections::HashSet;

/// Tags in this domain are staff actions; reports count them as signposting.
pub const STAFF_ACTION: &str = "Staff action";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tag {
    pub id: String,
    pub label: String,
    pub domain: String,
    pub hotkey: char,
}

#[derive(Debug, Clone, Default)]
pub struct TagList {
    pub tags: Vec<Tag>,
}

#[derive(Deserialize)]
struct File {
    tag: Vec<Tag>,
}

/// The list shipped with the program, used when no other is given.
pub const BUILT_IN: &str = include_str!("../../assets/observation-tags.toml");

impl TagList {
    pub fn parse(text: &str) -> Result<TagList, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut ids = HashSet::new();
        let mut keys = HashSet::new();
        for t in &file.tag {
            if t.id.trim().is_empty() {
                return Err(format!("the tag \"{}\" has no id", t.label));
            }
            if !ids.insert(t.id.clone()) {
                return Err(format!("the tag id \"{}\" is used twice", t.id));
            }
            if !t.hotkey.is_ascii_alphanumeric() {
                return Err(format!("the tag \"{}\" needs a letter or digit as its hotkey", t.id));
            }
            if !keys.insert(t.hotkey.to_ascii_lowercase()) {
                return Err(format!("the hotkey '{}' is used by two tags", t.hotkey));
            }
        }
        Ok(TagList { tags: file.tag })
    }

    pub fn built_in() -> TagList {
        // The shipped file is checked by a unit test, so this cannot fail in a release.
        TagList::parse(BUILT_IN).unwrap_or_default()
    }

    pub fn by_hotkey(&self, key: char) -> Option<&Tag> {
        let key = key.to_ascii_lowercase();
        self.tags.iter().find(|t| t.hotkey.to_ascii_lowercase() == key)
    }

    pub fn get(&self, id: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.id == id)
    }

    /// The label of a tag id, or the id itself for a tag since removed from the list.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id).map(|t| t.label.as_str()).unwrap_or(id)
    }

    pub fn domain_of(&self, id: &str) -> &str {
        self.get(id).map(|t| t.domain.as_str()).unwrap_or("Other")
    }

    /// Domains in the order they first appear in the file.
    pub fn domains(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.tags {
            if !out.contains(&t.domain.as_str()) {
                out.push(&t.domain);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_list_parses_with_six_domains() {
        let list = TagList::parse(BUILT_IN).expect("shipped tag list");
        assert!(list.tags.len() >= 20);
        assert_eq!(
            list.domains(),
            ["Attunement", "Communication", "Physical", "Baby", "Parent wellbeing", STAFF_ACTION]
        );
        assert_eq!(list.by_hotkey('A').map(|t| t.id.as_str()), Some("responds-to-cues"));
    }

    #[test]
    fn duplicate_hotkeys_are_refused() {
        let text =
            "[[tag]]\nid='a'\nlabel='A'\ndomain='D'\nhotkey='x'\n[[tag]]\nid='b'\nlabel='B'\ndomain='D'\nhotkey='X'\n";
        assert!(TagList::parse(text).unwrap_err().contains("hotkey 'X'"));
    }
}
