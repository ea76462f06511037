//! OCSP responses (DER) about a leaf of the test PKI, made by the `openssl ocsp` responder
//! acting for the intermediate, for the stapling cells of the interop suites.

use super::pki_files::PkiFiles;
use super::process::path_arg;
use std::path::Path;
use std::process::{Command, Stdio};

/// What the responder says about the leaf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OcspSays {
    Good,
    Revoked,
}

/// An OCSPResponse (DER) from `openssl` (the binary at `openssl`) about the leaf at
/// `leaf_pem`, signed by the intermediate of `files`; `tag` keeps the working files of
/// several responses apart. Errors carry openssl's output.
pub fn ocsp_response(
    openssl: &Path,
    files: &PkiFiles,
    leaf_pem: &Path,
    says: OcspSays,
    tag: &str,
) -> Result<Vec<u8>, String> {
    let pem = std::fs::read(leaf_pem).map_err(|e| format!("read {}: {e}", leaf_pem.display()))?;
    let leaf_der = tlskit_crypto::pem::parse_label(&pem, "CERTIFICATE")
        .into_iter()
        .next()
        .ok_or("no certificate in the leaf file")?;
    let serial = tlskit_x509::Certificate::from_der(&leaf_der)
        .map_err(|e| format!("leaf: {e:?}"))?
        .serial_hex()
        .to_uppercase();
    let (inter_pem, inter_key) = files.pki.intermediate_pem_and_key();
    let dir = &files.dir;
    let inter = dir.write(&format!("ocsp-{tag}-issuer.pem"), inter_pem);
    let key = dir.write(&format!("ocsp-{tag}-issuer-key.pem"), inter_key);
    // An index.txt line: status, expiry, revocation, serial, file, subject.
    let line = match says {
        OcspSays::Good => format!("V\t300101000000Z\t\t{serial}\tunknown\t/CN=leaf\n"),
        OcspSays::Revoked => {
            format!("R\t300101000000Z\t250101000000Z,keyCompromise\t{serial}\tunknown\t/CN=leaf\n")
        }
    };
    let index = dir.write(&format!("ocsp-{tag}-index.txt"), line);
    let req = dir.path().join(format!("ocsp-{tag}-req.der"));
    let resp = dir.path().join(format!("ocsp-{tag}-resp.der"));
    let run = |args: &[String]| -> Result<(), String> {
        let out = Command::new(openssl)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("run {}: {e}", openssl.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let (inter, key, index, req_p, resp_p) = (
        path_arg(&inter),
        path_arg(&key),
        path_arg(&index),
        path_arg(&req),
        path_arg(&resp),
    );
    run(&s(&[
        "ocsp",
        "-issuer",
        &inter,
        "-cert",
        &path_arg(leaf_pem),
        "-no_nonce",
        "-reqout",
        &req_p,
    ]))?;
    run(&s(&[
        "ocsp", "-index", &index, "-CA", &inter, "-rsigner", &inter, "-rkey", &key, "-reqin",
        &req_p, "-respout", &resp_p, "-ndays", "1",
    ]))?;
    std::fs::read(&resp).map_err(|e| format!("read the response: {e}"))
}
