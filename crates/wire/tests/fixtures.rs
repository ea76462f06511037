//! Shared fixture loading for the integration tests (included with `mod fixtures;`).
#![allow(dead_code)]

/// Parses `name hex` lines (comments start with '#').
pub fn parse(text: &str) -> Vec<(String, Vec<u8>)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, hex) = l.split_once(' ').expect("name and hex");
            (
                name.to_string(),
                hex::decode(hex.trim()).expect("valid hex"),
            )
        })
        .collect()
}

pub fn rfc8448() -> Vec<(String, Vec<u8>)> {
    parse(include_str!("../testdata/rfc8448.txt"))
}

pub fn get(all: &[(String, Vec<u8>)], name: &str) -> Vec<u8> {
    all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .1
        .clone()
}
