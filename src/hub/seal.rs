//! What the hub holds is sealed under the team's hub key: every item with
//! XChaCha20-Poly1305 (bound to its reference), references and fingerprints
//! keyed hashes. The key itself is on the hub sealed with age under the team's
//! passphrase, so a database administrator, a backup of the server or a
//! `pg_dump` shows no name, phone, postcode, alert or note, and no id.

use super::HubError;
use crate::store::DocKey;
use crate::store::bundle::Item;
use crate::store::codec;
use crate::store::crypto::DataKey;
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha2::Sha256;
use std::io::{Read, Write};
use zeroize::Zeroizing;

/// The team's key for the hub, and the keys derived from it.
pub struct HubKey {
    raw: Zeroizing<[u8; 32]>,
    seal: DataKey,
    refs: Hmac<Sha256>,
    digests: Hmac<Sha256>,
}

impl HubKey {
    pub fn new(raw: Zeroizing<[u8; 32]>) -> HubKey {
        let base = DataKey::from_bytes(raw.clone());
        let mac = |label: &[u8]| {
            <Hmac<Sha256> as Mac>::new_from_slice(base.subkey(label).as_ref()).expect("HMAC takes any key length")
        };
        HubKey {
            seal: DataKey::from_bytes(base.subkey(b"thinkbaby hub seal")),
            refs: mac(b"thinkbaby hub refs"),
            digests: mac(b"thinkbaby hub digests"),
            raw,
        }
    }

    pub fn random() -> Result<HubKey, HubError> {
        let raw = crate::store::crypto::random::<32>().map_err(|_| HubError::Local("no random numbers".into()))?;
        Ok(HubKey::new(Zeroizing::new(raw)))
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.raw.to_vec()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<HubKey> {
        let raw: [u8; 32] = bytes.try_into().ok()?;
        Some(HubKey::new(Zeroizing::new(raw)))
    }

    /// The key sealed with age under the team's passphrase, for the hub to keep.
    pub fn wrap(&self, pass: &SecretString) -> Result<Vec<u8>, HubError> {
        let mut out = Vec::new();
        let mut w = age::Encryptor::with_user_passphrase(pass.clone())
            .wrap_output(&mut out)
            .map_err(|e| HubError::Local(e.to_string()))?;
        w.write_all(self.raw.as_ref())
            .and_then(|_| w.finish().map(|_| ()))
            .map_err(|e| HubError::Local(e.to_string()))?;
        Ok(out)
    }

    /// The key the hub keeps, opened with the team's passphrase.
    pub fn unwrap(sealed: &[u8], pass: &SecretString) -> Result<HubKey, HubError> {
        let d = age::Decryptor::new(sealed).map_err(|_| HubError::Damaged("its key".into()))?;
        let identity = age::scrypt::Identity::new(pass.clone());
        let mut r =
            d.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|_| HubError::WrongPassphrase)?;
        let mut raw = Zeroizing::new([0u8; 32]);
        r.read_exact(raw.as_mut()).map_err(|_| HubError::Damaged("its key".into()))?;
        Ok(HubKey::new(raw))
    }

    /// What names a value on the hub: a keyed hash of what it is.
    pub fn reference(&self, doc: Option<&DocKey>) -> Vec<u8> {
        let mut m = self.refs.clone();
        match doc {
            Some(d) => m.update(&codec::encode(d)),
            None => m.update(b"the team's evaluation key"),
        }
        m.finalize().into_bytes()[..16].to_vec()
    }

    /// The value sealed for the hub, and a fingerprint of what it says (the
    /// same records give the same fingerprint, so an unchanged value is not
    /// sent again).
    pub fn seal(&self, reference: &[u8], items: &[Item]) -> Result<(Vec<u8>, Vec<u8>), HubError> {
        let clear = Zeroizing::new(codec::encode(&items.to_vec()));
        let mut m = self.digests.clone();
        m.update(&clear);
        let digest = m.finalize().into_bytes()[..16].to_vec();
        let sealed = self.seal.seal(reference, &clear).map_err(|_| HubError::Local("no random numbers".into()))?;
        Ok((sealed, digest))
    }

    /// A value the hub relayed, opened.
    pub fn open(&self, reference: &[u8], sealed: &[u8]) -> Result<Vec<Item>, HubError> {
        let clear = self.seal.open(reference, sealed).map_err(|_| HubError::Damaged("a value does not open".into()))?;
        codec::decode("hub", reference, &clear).map_err(|e| HubError::Damaged(e.to_string()))
    }
}
