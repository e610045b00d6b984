//! Keys for encryption at rest. A random 32-byte data key seals every stored
//! value (XChaCha20-Poly1305, random 24-byte nonce); the data key is kept in
//! the store wrapped by a key derived from the passphrase with Argon2id, whose
//! parameters are stored beside it. Changing the passphrase rewraps the data
//! key, so no stored value has to be rewritten. Keys live in zeroizing types.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub const NONCE_LEN: usize = 24;
pub const TAG_LEN: usize = 16;
/// A passphrase shorter than this is refused when a store is made or rekeyed.
pub const MIN_PASSPHRASE: usize = 12;
/// The floor for key derivation: 64 MiB of memory and 3 passes.
pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
pub const MIN_PASSES: u32 = 3;
/// What a new store's derivation is tuned to take on this laptop.
const TARGET: Duration = Duration::from_millis(500);
const MAX_PASSES: u32 = 12;
const WRAP_AAD: &[u8] = b"thinkbaby keyring v1";

/// The key that seals the store's values.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Argon2id parameters, stored with the wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
    pub salt: [u8; 16],
}

/// The wrapped data key and how to unwrap it. Stored unsealed in `meta`: it
/// holds no personal data, and it must be read before anything can be unsealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub kdf: KdfParams,
    pub nonce: [u8; NONCE_LEN],
    pub wrapped: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CryptoError {
    WrongPassphrase,
    /// A sealed value failed its check: altered, or moved from another record.
    Tampered,
    Random,
}

pub fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| CryptoError::Random)?;
    Ok(b)
}

/// A random nonce, from random bytes drawn a few kilobytes at a time: a
/// check-in seals three values, and a call into the system for each cost
/// more than the encryption. Nonces are not secret; each is used once.
fn nonce() -> Result<[u8; NONCE_LEN], CryptoError> {
    const POOL: usize = NONCE_LEN * 170;
    thread_local! {
        static DRAWN: std::cell::RefCell<([u8; POOL], usize)> = const { std::cell::RefCell::new(([0; POOL], POOL)) };
    }
    DRAWN.with(|drawn| {
        let mut drawn = drawn.borrow_mut();
        let (bytes, used) = &mut *drawn;
        if *used == POOL {
            getrandom::fill(bytes).map_err(|_| CryptoError::Random)?;
            *used = 0;
        }
        let mut out = [0u8; NONCE_LEN];
        out.copy_from_slice(&bytes[*used..*used + NONCE_LEN]);
        *used += NONCE_LEN;
        Ok(out)
    })
}

fn derive(pass: &SecretString, p: &KdfParams) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    let params = Params::new(p.memory_kib, p.passes, p.lanes, Some(32)).unwrap_or_default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    // Fails only for parameters outside Argon2's ranges, which `tune` never makes;
    // a damaged keyring then simply fails to unwrap (a wrong passphrase).
    let _ = argon.hash_password_into(pass.expose_secret().as_bytes(), &p.salt, out.as_mut());
    out
}

/// The key derived from a passphrase, which wraps the data key.
#[derive(Clone)]
pub struct Kek(Zeroizing<[u8; 32]>);

impl Kek {
    /// The slow part of unlocking (Argon2id), apart, so that it can run while
    /// the store opens.
    pub fn derive(pass: &SecretString, p: &KdfParams) -> Kek {
        Kek(derive(pass, p))
    }
}

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(..)")
    }
}

/// Parameters for a new store: at least 64 MiB and 3 passes, with more passes
/// while one derivation takes well under half a second on this laptop.
pub fn tune() -> Result<KdfParams, CryptoError> {
    let mut p = KdfParams { memory_kib: MIN_MEMORY_KIB, passes: MIN_PASSES, lanes: 1, salt: random()? };
    let probe = SecretString::from("tuning the key derivation");
    let start = Instant::now();
    derive(&probe, &p);
    let took = start.elapsed().max(Duration::from_millis(1));
    let scale = TARGET.as_secs_f64() / took.as_secs_f64();
    if scale > 1.0 {
        p.passes = ((p.passes as f64 * scale) as u32).clamp(MIN_PASSES, MAX_PASSES);
    }
    Ok(p)
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

impl Keyring {
    /// A new random data key, wrapped under `pass`.
    pub fn create(pass: &SecretString, kdf: KdfParams) -> Result<(Keyring, DataKey), CryptoError> {
        let key = DataKey(Zeroizing::new(random::<32>()?));
        let ring = Keyring::wrap(pass, kdf, &key)?;
        Ok((ring, key))
    }

    fn wrap(pass: &SecretString, kdf: KdfParams, key: &DataKey) -> Result<Keyring, CryptoError> {
        Keyring::wrap_with(&Kek(derive(pass, &kdf)), kdf, key)
    }

    /// `key` wrapped under a key already derived with `kdf` (a store rebuilt
    /// under a new data key keeps its passphrase), with a fresh nonce.
    pub fn wrap_with(kek: &Kek, kdf: KdfParams, key: &DataKey) -> Result<Keyring, CryptoError> {
        let nonce = random::<NONCE_LEN>()?;
        let wrapped = cipher(&kek.0)
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: WRAP_AAD })
            .map_err(|_| CryptoError::Random)?;
        Ok(Keyring { kdf, nonce, wrapped })
    }

    pub fn unlock(&self, pass: &SecretString) -> Result<DataKey, CryptoError> {
        self.unlock_with(&Kek::derive(pass, &self.kdf))
    }

    /// Unwraps the data key with a key already derived under this keyring's parameters.
    pub fn unlock_with(&self, kek: &Kek) -> Result<DataKey, CryptoError> {
        let plain = Zeroizing::new(
            cipher(&kek.0)
                .decrypt(XNonce::from_slice(&self.nonce), Payload { msg: &self.wrapped, aad: WRAP_AAD })
                .map_err(|_| CryptoError::WrongPassphrase)?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(CryptoError::WrongPassphrase);
        }
        key.copy_from_slice(&plain);
        Ok(DataKey(key))
    }

    /// The same data key under a new passphrase, with a fresh salt.
    pub fn rewrap(&self, key: &DataKey, new_pass: &SecretString) -> Result<Keyring, CryptoError> {
        let kdf = KdfParams { salt: random()?, ..self.kdf.clone() };
        Keyring::wrap(new_pass, kdf, key)
    }
}

impl DataKey {
    /// A new random key: for the demo store (kept only in memory) and for a
    /// store rebuilt under a new key.
    pub fn ephemeral() -> Result<DataKey, CryptoError> {
        Ok(DataKey(Zeroizing::new(random::<32>()?)))
    }

    /// A key made elsewhere (the hub's).
    pub fn from_bytes(key: Zeroizing<[u8; 32]>) -> DataKey {
        DataKey(key)
    }

    /// A key for another purpose, derived from this one (the keyed hashes
    /// that make stored keys): HMAC-SHA-256 of `label`.
    pub fn subkey(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.0.as_ref()).expect("HMAC takes any key length");
        m.update(label);
        Zeroizing::new(m.finalize().into_bytes().into())
    }

    /// `nonce ‖ ciphertext ‖ tag`, bound to `aad`.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN);
        self.seal_onto(aad, plain, &mut out)?;
        Ok(out)
    }

    /// As `seal`, appended to `out`: a stored value's header goes first, in
    /// the one buffer.
    pub fn seal_onto(&self, aad: &[u8], plain: &[u8], out: &mut Vec<u8>) -> Result<(), CryptoError> {
        let nonce = nonce()?;
        out.extend_from_slice(&nonce);
        let start = out.len();
        out.extend_from_slice(plain);
        let tag = cipher(&self.0)
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), aad, &mut out[start..])
            .map_err(|_| CryptoError::Random)?;
        out.extend_from_slice(&tag);
        Ok(())
    }

    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Tampered);
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        cipher(&self.0)
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> KdfParams {
        KdfParams { memory_kib: MIN_MEMORY_KIB, passes: MIN_PASSES, lanes: 1, salt: [7; 16] }
    }

    #[test]
    fn wrong_passphrase_does_not_unwrap() {
        let (ring, key) = Keyring::create(&"correct horse battery".into(), quick()).unwrap();
        assert!(ring.unlock(&"correct horse battery".into()).is_ok());
        assert_eq!(ring.unlock(&"wrong horse battery".into()).unwrap_err(), CryptoError::WrongPassphrase);
        let sealed = key.seal(b"families/1", b"Zo\xc3\xab").unwrap();
        let again = ring.unlock(&"correct horse battery".into()).unwrap();
        assert_eq!(again.open(b"families/1", &sealed).unwrap().as_slice(), b"Zo\xc3\xab");
    }

    #[test]
    fn rewrap_changes_the_passphrase_not_the_key() {
        let (ring, key) = Keyring::create(&"old passphrase here".into(), quick()).unwrap();
        let sealed = key.seal(b"aad", b"note").unwrap();
        let new = ring.rewrap(&key, &"new passphrase here".into()).unwrap();
        assert!(new.unlock(&"old passphrase here".into()).is_err());
        let k2 = new.unlock(&"new passphrase here".into()).unwrap();
        assert_eq!(k2.open(b"aad", &sealed).unwrap().as_slice(), b"note");
        assert_eq!(new.kdf.memory_kib, MIN_MEMORY_KIB);
        assert!(new.kdf.passes >= MIN_PASSES);
    }

    #[test]
    fn sealed_value_is_bound_to_its_aad() {
        let key = DataKey::ephemeral().unwrap();
        let sealed = key.seal(b"families/A", b"secret").unwrap();
        assert_eq!(key.open(b"families/B", &sealed).unwrap_err(), CryptoError::Tampered);
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(b"families/A", &flipped).unwrap_err(), CryptoError::Tampered);
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
    }
}
