//! Provider test kit: known-answer tests and Wycheproof runners (being written).
