//! The one source of random numbers for made-up data: a 64-bit linear
//! congruential generator (Knuth's MMIX constants). Plenty for picking who
//! came; the same sequence on every computer, and no randomness from the OS.

use chrono::{DateTime, Utc};
use std::ops::Range;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the well-mixed ones.
        self.0 >> 16
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// An index into a list of `len` things.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number in `range` (not empty).
    pub fn within(&mut self, range: Range<i64>) -> i64 {
        range.start + self.below(range.end.abs_diff(range.start)) as i64
    }

    /// True `percent` times in a hundred.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn coin(&mut self) -> bool {
        self.below(2) == 0
    }

    /// A number in `0.0..1.0`.
    pub fn fraction(&mut self) -> f64 {
        (self.next() >> 16) as f64 / (1u64 << 32) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// A UUIDv7 for a record made at `t`, its random bits from the generator.
    pub fn id(&mut self, t: DateTime<Utc>) -> Uuid {
        let mut bytes = [0u8; 10];
        for chunk in bytes.chunks_mut(2) {
            chunk.copy_from_slice(&(self.next() as u16).to_be_bytes());
        }
        uuid::Builder::from_unix_timestamp_millis(t.timestamp_millis().max(0) as u64, &bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_within_their_ranges() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            let n = a.within(-5..40);
            assert_eq!(n, b.within(-5..40));
            assert!((-5..40).contains(&n));
            let f = a.fraction();
            assert_eq!(f, b.fraction());
            assert!((0.0..1.0).contains(&f));
        }
    }
}
