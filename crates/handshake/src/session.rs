//! Session resumption state: what a server remembers (by session id, RFC 5246 §7.4.1.2, or
//! inside a ticket, RFC 5077) and what a client keeps to resume, plus the stores for both.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tlskit_crypto::Secret;

/// Seconds since the Unix epoch, the clock of session lifetimes.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What resuming a session needs to know (both versions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionValue {
    /// Protocol version of the session (0x0303 or 0x0304).
    pub version: u16,
    /// Cipher suite code point.
    pub cipher_suite: u16,
    /// TLS 1.2: the master secret; TLS 1.3: the resumption PSK (RFC 8446 §4.6.1).
    pub secret: Secret,
    /// TLS 1.2: whether the session used the extended master secret (RFC 7627 §5.3).
    pub extended_master_secret: bool,
    /// The SNI host name the session was established for, if any.
    pub server_name: Option<String>,
    /// The ALPN protocol, if any.
    pub alpn: Option<Vec<u8>>,
    /// Whether the client authenticated with a certificate.
    pub client_authenticated: bool,
    /// Creation time (Unix seconds).
    pub created: u64,
    /// Lifetime in seconds.
    pub lifetime: u32,
    /// TLS 1.3 ticket_age_add (RFC 8446 §4.6.1); 0 for TLS 1.2.
    pub age_add: u32,
}

impl SessionValue {
    /// Whether the session may still be resumed at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now >= self.created && now - self.created < u64::from(self.lifetime)
    }

    /// Serialises into a private format (only this implementation reads it back, inside
    /// an encrypted ticket or the server cache).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.push(1); // format version
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&self.cipher_suite.to_be_bytes());
        out.push(self.secret.len() as u8);
        out.extend_from_slice(self.secret.as_bytes());
        out.push(
            u8::from(self.extended_master_secret) | (u8::from(self.client_authenticated) << 1),
        );
        let sni = self.server_name.as_deref().unwrap_or("").as_bytes();
        out.push(sni.len().min(255) as u8);
        out.extend_from_slice(&sni[..sni.len().min(255)]);
        let alpn = self.alpn.as_deref().unwrap_or(&[]);
        out.push(alpn.len().min(255) as u8);
        out.extend_from_slice(&alpn[..alpn.len().min(255)]);
        out.extend_from_slice(&self.created.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        out
    }

    /// Parses [`SessionValue::encode`]'s output; `None` on any malformation.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = ByteReader(bytes);
        if r.u8()? != 1 {
            return None;
        }
        let version = r.u16()?;
        let cipher_suite = r.u16()?;
        let secret_len = r.u8()? as usize;
        let secret = Secret::new(r.take(secret_len)?).ok()?;
        let flags = r.u8()?;
        let sni_len = r.u8()? as usize;
        let sni = r.take(sni_len)?;
        let alpn_len = r.u8()? as usize;
        let alpn = r.take(alpn_len)?;
        let created = u64::from_be_bytes(r.take(8)?.try_into().ok()?);
        let lifetime = u32::from_be_bytes(r.take(4)?.try_into().ok()?);
        let age_add = u32::from_be_bytes(r.take(4)?.try_into().ok()?);
        if !r.0.is_empty() {
            return None;
        }
        Some(SessionValue {
            version,
            cipher_suite,
            secret,
            extended_master_secret: flags & 1 != 0,
            client_authenticated: flags & 2 != 0,
            server_name: (!sni.is_empty()).then(|| String::from_utf8_lossy(sni).into_owned()),
            alpn: (!alpn.is_empty()).then(|| alpn.to_vec()),
            created,
            lifetime,
            age_add,
        })
    }
}

struct ByteReader<'a>(&'a [u8]);

impl<'a> ByteReader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
}

/// The server's session-id cache: bounded in entries and in lifetime; the oldest entry is
/// evicted first. Shared by all connections of a config (`Send + Sync`).
#[derive(Debug)]
pub struct ServerSessionCache {
    inner: Mutex<CacheInner>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct CacheInner {
    map: HashMap<Vec<u8>, SessionValue>,
    order: VecDeque<Vec<u8>>,
}

impl ServerSessionCache {
    /// A cache holding at most `capacity` sessions.
    pub fn new(capacity: usize) -> Self {
        ServerSessionCache {
            inner: Mutex::new(CacheInner::default()),
            capacity,
        }
    }

    /// Stores a session under its id, evicting the oldest if full.
    pub fn put(&self, id: &[u8], value: SessionValue) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.map.insert(id.to_vec(), value).is_none() {
            inner.order.push_back(id.to_vec());
        }
        while inner.map.len() > self.capacity {
            match inner.order.pop_front() {
                Some(old) => {
                    inner.map.remove(&old);
                }
                None => break,
            }
        }
    }

    /// The session stored under `id`, if present and fresh.
    pub fn get(&self, id: &[u8]) -> Option<SessionValue> {
        let inner = self.inner.lock().ok()?;
        inner
            .map
            .get(id)
            .filter(|v| v.is_fresh(unix_now()))
            .cloned()
    }

    /// Number of stored sessions.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.map.len()).unwrap_or(0)
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a client keeps to resume a session with a server.
#[derive(Clone, Debug)]
pub struct ClientSession {
    /// The session id the server assigned (TLS 1.2), possibly empty.
    pub session_id: Vec<u8>,
    /// The opaque ticket (TLS 1.2 RFC 5077 or TLS 1.3 NewSessionTicket), possibly empty.
    pub ticket: Vec<u8>,
    /// The session state.
    pub value: SessionValue,
    /// TLS 1.3 ticket nonce consumed; kept for diagnostics.
    pub received_at: u64,
}

/// Client-side storage of sessions by server name. Bounded; most recent wins.
#[derive(Debug)]
pub struct ClientSessionStore {
    inner: Mutex<HashMap<String, ClientSession>>,
    capacity: usize,
}

impl ClientSessionStore {
    /// A store for up to `capacity` servers.
    pub fn new(capacity: usize) -> Self {
        ClientSessionStore {
            inner: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// Remembers a session for `server_name`.
    pub fn put(&self, server_name: &str, session: ClientSession) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() >= self.capacity && !map.contains_key(server_name) {
            if let Some(k) = map.keys().next().cloned() {
                map.remove(&k);
            }
        }
        if self.capacity > 0 {
            map.insert(server_name.to_string(), session);
        }
    }

    /// The session for `server_name`, if present and fresh.
    pub fn get(&self, server_name: &str) -> Option<ClientSession> {
        let map = self.inner.lock().ok()?;
        map.get(server_name)
            .filter(|s| s.value.is_fresh(unix_now()))
            .cloned()
    }

    /// Forgets the session for `server_name` (after a failed resumption).
    pub fn remove(&self, server_name: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(server_name);
        }
    }
}

/// Default lifetime of sessions and tickets: 2 hours (RFC 8446 §4.6.1 allows up to 7 days).
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(2 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    fn value(created: u64) -> SessionValue {
        SessionValue {
            version: 0x0303,
            cipher_suite: 0xc02b,
            secret: Secret::new(&[7; 48]).unwrap(),
            extended_master_secret: true,
            server_name: Some("example.com".into()),
            alpn: Some(b"h2".to_vec()),
            client_authenticated: false,
            created,
            lifetime: 60,
            age_add: 0,
        }
    }

    #[test]
    fn session_value_round_trips_and_rejects_garbage() {
        let v = value(1000);
        assert_eq!(SessionValue::decode(&v.encode()), Some(v.clone()));
        let enc = v.encode();
        for cut in 0..enc.len() {
            assert!(SessionValue::decode(&enc[..cut]).is_none());
        }
        let mut longer = enc.clone();
        longer.push(0);
        assert!(SessionValue::decode(&longer).is_none());
    }

    #[test]
    fn freshness_follows_lifetime() {
        let v = value(1000);
        assert!(v.is_fresh(1000));
        assert!(v.is_fresh(1059));
        assert!(!v.is_fresh(1060));
        assert!(!v.is_fresh(999));
    }

    #[test]
    fn cache_is_bounded_and_evicts_oldest() {
        let cache = ServerSessionCache::new(2);
        let now = unix_now();
        cache.put(b"a", value(now));
        cache.put(b"b", value(now));
        cache.put(b"c", value(now));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(b"a").is_none());
        assert!(cache.get(b"c").is_some());
        cache.put(b"stale", value(now - 120));
        assert!(cache.get(b"stale").is_none());
    }
}
