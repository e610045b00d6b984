//! The one place that knows the bytes of a stored value:
//! a 3-byte header (format, schema version, cipher) and then a bincode payload.
//! Nothing else in the program calls bincode.
//!
//! bincode is not self-describing: stored types must never use `skip`,
//! `skip_serializing_if`, `flatten`, `tag` or `untagged`, and any change to a
//! stored type is a new schema version with a migration (see `migrate.rs`).
//! The golden-byte tests below fail when an encoding changes by accident.

use super::StoreError;
use super::crypto::DataKey;
use serde::{Serialize, de::DeserializeOwned};
use std::borrow::Cow;

/// The first byte of every stored value.
pub const FORMAT: u8 = 0xB1;
/// The schema this program writes. Bump it with a migration.
pub const SCHEMA: u8 = 4;
/// The payload is in the clear (the demo, tests, and values that must be read
/// before the key is known).
pub const CIPHER_NONE: u8 = 0;
/// The payload is sealed with XChaCha20-Poly1305: `nonce ‖ ciphertext ‖ tag`,
/// bound to the tree, the key and the header, so it cannot be moved unnoticed.
pub const CIPHER_XCHACHA: u8 = 1;
pub const HEADER_LEN: usize = 3;

/// Refuse to allocate more than this for one value, whatever a damaged length says.
const LIMIT: usize = 16 * 1024 * 1024;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_little_endian().with_variable_int_encoding().with_limit::<LIMIT>()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: u8,
    pub schema: u8,
    pub cipher: u8,
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    encode_with_schema(value, SCHEMA)
}

/// Encodes under a given schema number; only migrations and fixtures need another.
pub fn encode_with_schema<T: Serialize>(value: &T, schema: u8) -> Vec<u8> {
    // The encoder writes a few bytes at a time: into a buffer kept for the
    // thread, then copied once at its size, rather than a vector grown by
    // doubling (a merge encodes hundreds of thousands of values).
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            encode_into(value, schema, &mut *buf);
            let out = buf.to_vec();
            if buf.capacity() > 1 << 20 {
                *buf = Vec::new();
            }
            out
        }
        Err(_) => {
            let mut out = Vec::new();
            encode_into(value, schema, &mut out);
            out
        }
    })
}

/// The bytes `encode` makes, written to `out` as they are made: a merge
/// fingerprints every value it touched without keeping their bytes.
pub fn encode_into<T: Serialize>(value: &T, schema: u8, out: &mut impl std::io::Write) {
    // Encoding our own plain structs cannot fail: no maps with unknown
    // length, the size limit is far above any record, and the writers here
    // (memory, a hasher) have no I/O to fail.
    let head = out.write_all(&[FORMAT, schema, CIPHER_NONE]);
    if let Err(e) = head
        .map_err(|e| e.to_string())
        .and_then(|()| bincode::serde::encode_into_std_write(value, out, config()).map(drop).map_err(|e| e.to_string()))
    {
        unreachable!("encoding a stored record failed: {e}");
    }
}

pub fn header(bytes: &[u8]) -> Option<Header> {
    match bytes {
        [format, schema, cipher, ..] => Some(Header { format: *format, schema: *schema, cipher: *cipher }),
        _ => None,
    }
}

fn damaged(tree: &str, key: &[u8], reason: impl Into<String>) -> StoreError {
    StoreError::Decode { tree: tree.to_string(), key: super::keys::show(key), reason: reason.into() }
}

/// Decodes a value of the current schema. `tree` and `key` name the record in errors.
pub fn decode<T: DeserializeOwned>(tree: &str, key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    decode_schema(tree, key, bytes, SCHEMA)
}

pub fn decode_schema<T: DeserializeOwned>(tree: &str, key: &[u8], bytes: &[u8], schema: u8) -> Result<T, StoreError> {
    let h = header(bytes).ok_or_else(|| damaged(tree, key, "the value is too short"))?;
    if h.format != FORMAT {
        return Err(damaged(tree, key, format!("unknown format byte {:#04x}", h.format)));
    }
    if h.cipher != CIPHER_NONE {
        return Err(damaged(tree, key, "the value is encrypted and this store has no key"));
    }
    if h.schema != schema {
        return Err(damaged(tree, key, format!("schema {} where {} was expected", h.schema, schema)));
    }
    let payload = &bytes[HEADER_LEN..];
    let (value, used) =
        bincode::serde::decode_from_slice::<T, _>(payload, config()).map_err(|e| damaged(tree, key, e.to_string()))?;
    if used != payload.len() {
        return Err(damaged(tree, key, format!("{} bytes left over", payload.len() - used)));
    }
    Ok(value)
}

/// What a sealed value is bound to: tree, key and header, each length-prefixed.
fn aad(tree: &str, key: &[u8], header: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tree.len() + key.len() + header.len() + 12);
    for part in [tree.as_bytes(), key, header] {
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// Seals a clear value (as `encode` made it) for `tree`/`key`.
pub fn seal(tree: &str, key: &[u8], clear: &[u8], dk: &DataKey) -> Result<Vec<u8>, StoreError> {
    let h = header(clear).ok_or_else(|| damaged(tree, key, "the value is too short"))?;
    let head = [h.format, h.schema, CIPHER_XCHACHA];
    let plain = &clear[HEADER_LEN..];
    let mut out = Vec::with_capacity(HEADER_LEN + super::crypto::NONCE_LEN + plain.len() + super::crypto::TAG_LEN);
    out.extend_from_slice(&head);
    dk.seal_onto(&aad(tree, key, &head), plain, &mut out)
        .map_err(|_| StoreError::Write("no random numbers from the system".into()))?;
    Ok(out)
}

/// The clear form of a stored value: sealed values are opened with `dk`.
pub fn unseal<'a>(tree: &str, key: &[u8], bytes: &'a [u8], dk: Option<&DataKey>) -> Result<Cow<'a, [u8]>, StoreError> {
    let h = header(bytes).ok_or_else(|| damaged(tree, key, "the value is too short"))?;
    match h.cipher {
        CIPHER_NONE => Ok(Cow::Borrowed(bytes)),
        CIPHER_XCHACHA => {
            let dk = dk.ok_or_else(|| damaged(tree, key, "the value is encrypted and this store has no key"))?;
            let head = [h.format, h.schema, h.cipher];
            let clear = dk.open(&aad(tree, key, &head), &bytes[HEADER_LEN..]).map_err(|_| {
                damaged(tree, key, "it cannot be unsealed: it was altered, or moved from another record")
            })?;
            let mut out = vec![h.format, h.schema, CIPHER_NONE];
            out.extend_from_slice(&clear);
            Ok(Cow::Owned(out))
        }
        other => Err(damaged(tree, key, format!("unknown cipher {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
    use uuid::Uuid;

    fn stamp() -> Stamp {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        Stamp::new(t, Uuid::from_u128(0xDE))
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// If this fails, a stored type's encoding changed: that needs a new schema
    /// version and a migration, not a new expected string.
    #[test]
    fn golden_bytes_group() {
        let g = Group {
            id: Uuid::from_u128(1),
            name: "Central".into(),
            venue: "Hall".into(),
            neighbourhood: Some(Neighbourhood::Central),
            weekday: 3,
            start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
            stamp: stamp(),
        };
        assert_eq!(
            hex(&encode(&g)),
            "b1040010000000000000000000000000000000010743656e7472616c0448616c6c010003fb5802fbb202\
             fd00b586e643030000fd00b586e64303000010000000000000000000000000000000de"
        );
        let back: Group = decode("groups", &[1], &encode(&g)).unwrap();
        assert_eq!(back, g);
    }

    #[test]
    fn golden_bytes_attendance() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        let a = Attendance {
            session: Uuid::from_u128(2),
            family: Uuid::from_u128(3),
            checked_in: t,
            checked_out: None,
            carers: vec![Uuid::from_u128(4)],
            babies: vec![],
            walk_in: true,
            by: "AB".into(),
            stamp: stamp(),
        };
        assert_eq!(
            hex(&encode(&a)),
            "b10400100000000000000000000000000000000210000000000000000000000000000000\
             03fd00b586e643030000000110000000000000000000000000000000040001024142\
             fd00b586e643030000fd00b586e64303000010000000000000000000000000000000de"
        );
    }

    #[test]
    fn golden_bytes_baby_dates() {
        let b = Baby {
            id: Uuid::from_u128(5),
            name: "Zoë".into(),
            dob: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            due: Some(NaiveDate::from_ymd_opt(2026, 3, 30).unwrap()),
            sex: Some(Sex::Female),
        };
        assert_eq!(hex(&encode(&b)), "b104001000000000000000000000000000000005045a6fc3abfcb692160001fcf29216000100");
    }

    /// The family: `erased` last, after the stamp (as schema 3 had it).
    #[test]
    fn golden_bytes_family() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        let mut f = Family {
            id: Uuid::from_u128(6),
            carers: vec![Carer {
                id: Uuid::from_u128(7),
                name: "Zoë".into(),
                relationship: "Mum".into(),
                phone: "07".into(),
            }],
            babies: vec![],
            postcode: "LU3".into(),
            neighbourhood: Some(Neighbourhood::North),
            home_language: "".into(),
            interpreter: false,
            referral: Referral { route: ReferralRoute::Midwife, date: None, referrer: "".into() },
            hv_level: HvLevel::UniversalPlus,
            need_level: Some(2),
            eha: true,
            data_sharing: Consent::not_asked(),
            photos: Consent { answer: ConsentAnswer::No, date: None },
            alerts: vec![],
            groups: vec![Uuid::from_u128(1)],
            stamp: stamp(),
            erased: None,
            joined_into: None,
            not_same_as: vec![],
        };
        assert_eq!(
            hex(&encode(&f)),
            "b10400100000000000000000000000000000000601100000000000000000000000000000\
             0007045a6fc3ab034d756d02303700034c55330102000002000002010201000002000001\
             1000000000000000000000000000000001fd00b586e643030000fd00b586e64303000010\
             000000000000000000000000000000de000000"
        );
        // Erased: the same bytes up to the stamp, then Some(at, by, why), then
        // the two fields schema 4 adds: joined into no family, distinct from none.
        let none = hex(&encode(&f));
        let head = &none[..none.len() - 6];
        f.erased = Some(Erasure { at: t, by: "AB".into(), why: "asked".into() });
        assert_eq!(hex(&encode(&f)), format!("{head}01fd00b586e6430300000241420561736b65640000"));
        f.joined_into =
            Some(Joined { into: Uuid::from_u128(9), people: vec![(Uuid::from_u128(7), Uuid::from_u128(8))] });
        f.not_same_as = vec![Uuid::from_u128(5)];
        assert_eq!(
            hex(&encode(&f)),
            format!(
                "{head}01fd00b586e6430300000241420561736b6564011000000000000000000000000000000009\
                 0110000000000000000000000000000000071000000000000000000000000000000008\
                 011000000000000000000000000000000005"
            )
        );
        let back: Family = decode("families", &[6], &encode(&f)).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn golden_bytes_audit_entry() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        let e = AuditEntry {
            id: Uuid::from_u128(8),
            family: Uuid::from_u128(6),
            at: t,
            by: "AB".into(),
            action: AuditAction::NoteEdited,
            session: Some(Uuid::from_u128(2)),
            note: Some(Uuid::from_u128(9)),
            details: vec![Detail::NewVersion, Detail::Concern(Concern::FollowUp), Detail::Field(FamilyField::Postcode)],
            device: Uuid::from_u128(0xDE),
        };
        assert_eq!(
            hex(&encode(&e)),
            "b10400100000000000000000000000000000000810000000000000000000000000000000\
             06fd00b586e643030000024142060110000000000000000000000000000000020110000000\
             0000000000000000000000000903030201000b10000000000000000000000000000000de"
        );
        let back: AuditEntry = decode("audit", &[6], &encode(&e)).unwrap();
        assert_eq!(back, e);
    }

    /// A record's versions: the clock (laptop, count) pairs, the writer, the body.
    #[test]
    fn golden_bytes_versions_and_a_tombstone() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        let a = Attendance {
            session: Uuid::from_u128(2),
            family: Uuid::from_u128(3),
            checked_in: t,
            checked_out: None,
            carers: vec![],
            babies: vec![],
            walk_in: false,
            by: "AB".into(),
            stamp: stamp(),
        };
        let mut v = Versioned::first(Uuid::from_u128(0xA), a);
        assert_eq!(
            hex(&encode(&v)),
            "b104000101100000000000000000000000000000000a01100000000000000000000000000000000a01\
             10000000000000000000000000000000021000000000000000000000000000000003fd00b586e6430300\
             0000000000024142fd00b586e643030000fd00b586e64303000010000000000000000000000000000000de"
        );
        v.write(Uuid::from_u128(0xB), None);
        // One version seen by both laptops, written by B, with no body.
        assert_eq!(
            hex(&encode(&v)),
            "b104000102100000000000000000000000000000000a01100000000000000000000000000000000b01\
             100000000000000000000000000000000b00"
        );
    }

    /// A note: revisions with ids and parents, and its resolutions.
    #[test]
    fn golden_bytes_observation() {
        let t = Utc.with_ymd_and_hms(2026, 11, 19, 10, 4, 0).unwrap();
        let first = Revision {
            id: Uuid::from_u128(0x10),
            parents: vec![],
            tags: vec!["floor-play".into()],
            text: "Zoë".into(),
            concern: Concern::FollowUp,
            follow_up: "call".into(),
            baby: None,
            by: "AB".into(),
            at: t,
            why: String::new(),
        };
        let mut o =
            Observation::new(Uuid::from_u128(9), Uuid::from_u128(6), Uuid::from_u128(2), first, Uuid::from_u128(0xDE));
        o.resolve("CD", t, Uuid::from_u128(0xDE));
        assert_eq!(
            hex(&encode(&o)),
            "b10400100000000000000000000000000000000910000000000000000000000000000000\
             061000000000000000000000000000000002024142fd00b586e6430300000110000000\
             0000000000000000000000001000010a666c6f6f722d706c6179045a6fc3ab01046361\
             6c6c00024142fd00b586e64303000000000110000000000000000000000000000000100243\
             44fd00b586e64303000010000000000000000000000000000000defd00b586e643030000fd\
             00b586e64303000010000000000000000000000000000000de00"
        );
        let back: Observation = decode("visits", &[1], &encode(&o)).unwrap();
        assert_eq!(back, o);
    }

    #[test]
    fn sealed_values_open_only_where_they_were_sealed() {
        let dk = DataKey::ephemeral().unwrap();
        let clear = encode(&"Łucja Nowak".to_string());
        let sealed = seal("families", &[1; 16], &clear, &dk).unwrap();
        assert_eq!(&sealed[..3], &[FORMAT, SCHEMA, CIPHER_XCHACHA]);
        assert!(!sealed.windows(5).any(|w| w == b"Nowak"));
        let back = unseal("families", &[1; 16], &sealed, Some(&dk)).unwrap();
        assert_eq!(decode::<String>("families", &[1; 16], &back).unwrap(), "Łucja Nowak");
        // Copied onto another record's key, or into another tree: refused.
        let moved = unseal("families", &[2; 16], &sealed, Some(&dk)).unwrap_err().to_string();
        assert!(moved.contains("moved from another record"), "{moved}");
        assert!(unseal("staff", &[1; 16], &sealed, Some(&dk)).is_err());
        // A changed header (say, an older schema number) is refused too.
        let mut relabelled = sealed.clone();
        relabelled[1] = 1;
        assert!(unseal("families", &[1; 16], &relabelled, Some(&dk)).is_err());
        assert!(unseal("families", &[1; 16], &sealed, None).is_err());
    }

    #[test]
    fn damaged_values_name_the_tree_and_key() {
        let err = decode::<Group>("groups", &[0xab, 0xcd], &[FORMAT, SCHEMA, 0, 0xff]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("groups") && text.contains("abcd"), "{text}");
        let short = decode::<Group>("groups", &[1], &[FORMAT]).unwrap_err();
        assert!(short.to_string().contains("too short"));
        let mut bytes = encode(&"x".to_string());
        bytes.push(0);
        assert!(decode::<String>("meta", b"k", &bytes).unwrap_err().to_string().contains("left over"));
        let mut enc = encode(&"x".to_string());
        enc[2] = 1;
        assert!(decode::<String>("meta", b"k", &enc).unwrap_err().to_string().contains("encrypted"));
    }
}
