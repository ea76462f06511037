//! A parser for the text of RFC 8448 (draft-ietf-tls-tls13-vectors), so the tests use
//! the published bytes directly.
//!
//! The text is a list of sections ("3.  Simple 1-RTT Handshake"), each a list of steps
//! ("   {server}  derive secret \"tls13 c hs traffic\":"), each with fields
//! ("      PRK (32 octets):  f2 c6 ..." continued on lines indented by 9 spaces). Page
//! breaks (footer, form feed, header) may fall inside a field; they are skipped. Every
//! field's byte count is checked against its declared "(N octets)".

use std::cell::Cell;

/// One `{client}` / `{server}` step.
#[derive(Debug)]
pub struct Step {
    pub side: Side,
    pub title: String,
    pub fields: Vec<Field>,
    /// Set by the tests that compared this step's values, for the completeness check.
    pub checked: Cell<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub declared_len: Option<usize>,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Section {
    pub number: u32,
    pub title: String,
    pub steps: Vec<Step>,
}

impl Step {
    /// The field called `name`; panics (failing the test) when absent.
    pub fn field(&self, name: &str) -> &[u8] {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.as_slice())
            .unwrap_or_else(|| {
                panic!(
                    "step {:?} {:?} has no field {name:?}",
                    self.side, self.title
                )
            })
    }

    pub fn has_field(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    pub fn mark_checked(&self) {
        self.checked.set(true);
    }
}

impl Section {
    /// Steps titled exactly `title` (without the trailing colon) that carry values.
    pub fn steps_with_values<'a>(
        &'a self,
        side: Option<Side>,
        title: &'a str,
    ) -> impl Iterator<Item = &'a Step> + 'a {
        self.steps.iter().filter(move |s| {
            s.title == title && !s.fields.is_empty() && side.is_none_or(|side| s.side == side)
        })
    }

    /// The one step with values titled `title` from `side`; panics unless exactly one.
    pub fn step(&self, side: Side, title: &str) -> &Step {
        let found: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| s.title == title && !s.fields.is_empty() && s.side == side)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "section {}: expected one {side:?} step {title:?}, found {}",
            self.number,
            found.len()
        );
        found[0]
    }
}

/// The sections of the trace text.
pub fn parse(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    // Whether the last field may continue on the next hex line.
    let mut field_open = false;
    for raw in text.lines() {
        let line = raw.trim_end_matches(['\u{c}', '\r']).trim_end();
        let line = line.trim_start_matches('\u{c}');
        if is_page_furniture(line) || line.is_empty() {
            continue;
        }
        if let Some((number, title)) = section_heading(line) {
            sections.push(Section {
                number,
                title,
                steps: Vec::new(),
            });
            field_open = false;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("   {client}  ") {
            section.steps.push(new_step(Side::Client, rest));
            field_open = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix("   {server}  ") {
            section.steps.push(new_step(Side::Server, rest));
            field_open = false;
            continue;
        }
        let Some(step) = section.steps.last_mut() else {
            continue;
        };
        if let Some(rest) = line.strip_prefix("         ") {
            if field_open && is_hex_line(rest) {
                if let Some(field) = step.fields.last_mut() {
                    field.bytes.extend(parse_hex_tokens(rest));
                }
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix("      ") {
            if let Some(field) = parse_field_line(rest) {
                step.fields.push(field);
                field_open = true;
                continue;
            }
            if step.fields.is_empty() {
                // A wrapped step title: "(same as server handshake\n      secret)".
                step.title.push(' ');
                step.title.push_str(rest.trim());
                continue;
            }
        }
        // Anything else (prose) closes the current field.
        field_open = false;
    }
    for section in &sections {
        for step in &section.steps {
            for field in &step.fields {
                if let Some(declared) = field.declared_len {
                    assert_eq!(
                        field.bytes.len(),
                        declared,
                        "section {} step {:?} field {:?}: parsed length differs from declared",
                        section.number,
                        step.title,
                        field.name
                    );
                }
            }
        }
    }
    sections
}

fn new_step(side: Side, title: &str) -> Step {
    Step {
        side,
        title: title.trim_end_matches(':').to_string(),
        fields: Vec::new(),
        checked: Cell::new(false),
    }
}

fn is_page_furniture(line: &str) -> bool {
    (line.starts_with("Thomson ") && line.contains("[Page ")) || line.starts_with("Internet-Draft ")
}

fn section_heading(line: &str) -> Option<(u32, String)> {
    let (number, title) = line.split_once(".  ")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((number.parse().ok()?, title.trim().to_string()))
}

fn is_hex_line(s: &str) -> bool {
    !s.is_empty()
        && s.split(' ')
            .all(|t| t.len() == 2 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn parse_hex_tokens(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.split(' ')
        .map(|t| u8::from_str_radix(t, 16).expect("hex token"))
}

/// `name (N octets):  hex...`, `hash (0 octets):  (empty)`, `salt:  0 (all zero octets)`.
fn parse_field_line(s: &str) -> Option<Field> {
    let (head, value) = s.split_once(":  ")?;
    let (name, declared_len) = match head.strip_suffix(" octets)") {
        Some(h) => {
            let (name, n) = h.rsplit_once(" (")?;
            (name.to_string(), Some(n.parse().ok()?))
        }
        None => (head.to_string(), None),
    };
    let value = value.trim();
    let bytes = if value == "(empty)" {
        Vec::new()
    } else if value == "0 (all zero octets)" {
        // Only used for salts; the length is the hash length, stored as empty here.
        Vec::new()
    } else if is_hex_line(value) {
        parse_hex_tokens(value).collect()
    } else {
        return None;
    };
    Some(Field {
        name,
        declared_len,
        bytes,
    })
}
