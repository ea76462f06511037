//! Keying material exporters: RFC 5705 for TLS 1.2, RFC 8446 §7.5 for TLS 1.3. Available
//! once the handshake is complete; both peers derive the same bytes for the same label
//! and context (channel bindings, EAP-TLS, DTLS-SRTP-style key derivation).

use crate::error::Error;
use tlskit_keyschedule::tls12::MasterSecret;
use tlskit_keyschedule::tls13::ExporterMasterSecret;

/// What a completed connection keeps to answer exporter requests.
pub(crate) enum Exporter {
    /// TLS 1.2: the master secret and both randoms (RFC 5705 §4). Only kept when the
    /// extended master secret was used: without it the material is not bound to the
    /// session (RFC 7627 §5.4 and the triple-handshake attack).
    Tls12 {
        master: MasterSecret,
        client_random: [u8; 32],
        server_random: [u8; 32],
    },
    /// TLS 1.3: exporter_master_secret (RFC 8446 §7.1).
    Tls13(ExporterMasterSecret),
}

impl Exporter {
    /// Fills `out` with the keying material for `label` and `context`. In TLS 1.2 an
    /// absent context and an empty one give different output (RFC 5705 §4); in TLS 1.3
    /// they are the same (RFC 8446 §7.5).
    pub(crate) fn export(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(), Error> {
        let result = match self {
            Exporter::Tls12 {
                master,
                client_random,
                server_random,
            } => master.export(label, context, client_random, server_random, out),
            Exporter::Tls13(secret) => secret.export(label, context.unwrap_or_default(), out),
        };
        result.map_err(|e| Error::Config(format!("exporter: {e}")))
    }
}
