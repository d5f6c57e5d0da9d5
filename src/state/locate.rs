//! Where in a JSON text a JSON pointer points: the line and column a problem is shown at.
//!
//! serde_json says where a syntax error is, but a parsed `Value` forgets positions; this
//! walks the text once more (it is known to be valid JSON by then) and notes where each
//! wanted pointer starts: an object member at its key, an array item at its value.

use super::Position;
use std::collections::{HashMap, HashSet};

/// The position of each of `pointers` that `text` has. One pass over the text, however
/// many pointers are asked for.
pub fn locate<'p>(text: &str, pointers: &HashSet<&'p str>) -> HashMap<&'p str, Position> {
    let mut scan = Scan {
        text,
        at: 0,
        line: 1,
        line_start: 0,
        path: String::new(),
        wanted: pointers,
        found: HashMap::new(),
    };
    scan.note();
    scan.value();
    scan.found
}

struct Scan<'t, 'w, 'p> {
    text: &'t str,
    at: usize,
    line: usize,
    line_start: usize,
    path: String,
    wanted: &'w HashSet<&'p str>,
    found: HashMap<&'p str, Position>,
}

impl<'p> Scan<'_, '_, 'p> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Notes the current position for the current path, if it is wanted and not yet found.
    fn note(&mut self) {
        if let Some(&p) = self.wanted.get(self.path.as_str()) {
            if !self.found.contains_key(p) {
                let column = self
                    .text
                    .get(self.line_start..self.at)
                    .map_or(0, |s| s.chars().count())
                    + 1;
                self.found.insert(
                    p,
                    Position {
                        line: self.line,
                        column,
                    },
                );
            }
        }
    }

    fn space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                _ => break,
            }
        }
    }

    /// One value; `None` when the text is not the JSON it should be (then nothing more
    /// is found, which only costs positions, never a panic).
    fn value(&mut self) -> Option<()> {
        self.space();
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(drop),
            _ => {
                while self.peek().is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                }) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// A string token, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        serde_json::from_str(self.text.get(start..self.at)?).ok()
    }

    fn object(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            self.space();
            match self.peek()? {
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => self.at += 1,
                b'"' => {
                    let parent = self.path.len();
                    let key_at = (self.at, self.line, self.line_start);
                    let key = self.string()?;
                    self.path.push('/');
                    self.path
                        .push_str(&key.replace('~', "~0").replace('/', "~1"));
                    let after_key = (self.at, self.line, self.line_start);
                    (self.at, self.line, self.line_start) = key_at;
                    self.note();
                    (self.at, self.line, self.line_start) = after_key;
                    self.space();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    self.value()?;
                    self.path.truncate(parent);
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<()> {
        self.at += 1;
        let mut index = 0usize;
        loop {
            self.space();
            match self.peek()? {
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => {
                    self.at += 1;
                    index += 1;
                }
                _ => {
                    let parent = self.path.len();
                    self.path.push('/');
                    self.path.push_str(&index.to_string());
                    self.note();
                    self.value()?;
                    self.path.truncate(parent);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_at_their_keys_and_items_at_their_values() {
        let text = "{\n  \"a\": {\"b/c\": 1,\n   \"é~\": [true,\n  {\"x\": null}]}\n}";
        let wanted = HashSet::from(["", "/a", "/a/b~1c", "/a/é~0", "/a/é~0/1/x", "/zz"]);
        let found = locate(text, &wanted);
        let at = |p: &str| found.get(p).map(|p| (p.line, p.column));
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("/a"), Some((2, 3)));
        assert_eq!(at("/a/b~1c"), Some((2, 9)));
        assert_eq!(at("/a/é~0"), Some((3, 4)));
        assert_eq!(at("/a/é~0/1/x"), Some((4, 4)));
        assert_eq!(at("/zz"), None);
    }

    #[test]
    fn broken_text_finds_less_and_never_panics() {
        let wanted = HashSet::from(["/a", "/b"]);
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": [1,",
            "\"\\",
            "{\"a\" 1}",
            "{1:2}",
        ] {
            let _ = locate(text, &wanted);
        }
        assert!(locate("{\"a\": 1, \"b\"", &wanted).contains_key("/a"));
    }
}
