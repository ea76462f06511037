//! Loads the system trust store (or a PEM bundle) and reports what tlskit-x509 makes of
//! it: certificates that do not parse strictly, and anchors whose certificates would be
//! refused by the trust-anchor checks (`VerifyOptions::check_anchor_certificates`).
//!
//! `cargo run -p tlskit-x509 --example roots -- [BUNDLE.pem]`

use tlskit_x509::{audit_anchors, DistinguishedName, Purpose, RootStore, UnixTime};

fn main() -> std::io::Result<()> {
    let (roots, report) = match std::env::args().nth(1) {
        Some(path) => RootStore::from_pem_file(path)?,
        None => RootStore::system()?,
    };
    println!(
        "loaded {} anchors, {} certificates skipped",
        report.added,
        report.skipped.len()
    );
    for (i, e) in &report.skipped {
        println!("  skipped certificate #{i}: {e}");
    }
    let refused = audit_anchors(&roots, Purpose::ServerAuth, UnixTime::now());
    println!(
        "{} anchors refused by the trust-anchor certificate checks:",
        refused.len()
    );
    for (i, e) in &refused {
        let name = roots
            .anchors()
            .get(*i)
            .and_then(|a| {
                DistinguishedName::from_der(a.subject())
                    .ok()
                    .map(|n| n.to_string())
            })
            .unwrap_or_default();
        println!("  {name}: {e}");
    }
    Ok(())
}
