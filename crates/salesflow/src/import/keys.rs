//! Profile keys in memory: a 128-bit hash of each canonical profile, so that a million
//! profiles fit in a few tens of megabytes.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A profile key's 128-bit hash.
pub type KeyHash = [u32; 4];

/// Hashes profile keys with two randomly keyed SipHash functions (a collision between two
/// of a million profiles: about 1 in 10^26).
#[derive(Clone, Debug, Default)]
pub struct KeyHasher {
    a: RandomState,
    b: RandomState,
}

impl KeyHasher {
    /// A hasher with fresh random keys.
    pub fn new() -> Self {
        KeyHasher {
            a: RandomState::new(),
            b: RandomState::new(),
        }
    }

    /// The hash of `key`.
    pub fn hash(&self, key: &str) -> KeyHash {
        let one = |s: &RandomState| {
            let mut h = s.build_hasher();
            h.write(key.as_bytes());
            h.finish()
        };
        let (a, b) = (one(&self.a), one(&self.b));
        [(a >> 32) as u32, a as u32, (b >> 32) as u32, b as u32]
    }
}

/// The hasher of maps keyed by [`KeyHash`]: the key is already a random hash, so its first
/// 64 bits are used as they are.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyHashState;

impl BuildHasher for KeyHashState {
    type Hasher = KeyHashHasher;

    fn build_hasher(&self) -> KeyHashHasher {
        KeyHashHasher(0)
    }
}

/// See [`KeyHashState`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyHashHasher(u64);

impl Hasher for KeyHashHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A key's 16 bytes arrive in one call: two random words, folded.
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_ne_bytes(word);
        }
        for b in chunks.remainder() {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_usize(&mut self, _: usize) {
        // The length prefix of the array: the same for every key.
    }
}

/// A map keyed by [`KeyHash`].
pub(crate) type KeyMap<V> = std::collections::HashMap<KeyHash, V, KeyHashState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_use_all_128_bits_and_differ_between_keys() {
        let hasher = KeyHasher::new();
        assert_eq!(hasher.hash("ann"), hasher.hash("ann"));
        let hashes: Vec<KeyHash> = (0..32).map(|i| hasher.hash(&format!("key{i}"))).collect();
        let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), hashes.len());
        for word in 0..4 {
            assert!(
                hashes.iter().any(|h| h[word] != 0) && hashes.iter().any(|h| h[word] >= 1 << 31),
                "word {word} is not used: {hashes:?}"
            );
        }
    }

    #[test]
    fn the_map_hasher_folds_every_word_of_a_key() {
        let hash = |key: KeyHash| KeyHashState.hash_one(key);
        // Each word changes the hash.
        let base = hash([1, 2, 3, 4]);
        for i in 0..4 {
            let mut k = [1, 2, 3, 4];
            k[i] ^= 0x100;
            assert_ne!(hash(k), base, "word {i}");
        }
        let mut h = KeyHashState.build_hasher();
        h.write(&[1, 2]);
        assert_eq!(h.finish(), 0x0102);
        // Folded with exclusive or: a second word equal to the first rotated cancels it out
        // (an `or` would keep it), in whole words and in trailing bytes alike.
        assert_eq!(KeyHashState.hash_one([1u32, 0, 1 << 29, 0]), 0);
        let mut h = KeyHashState.build_hasher();
        h.write(&[0, 0, 0, 0, 0, 0, 0, 5, 5]);
        let first = u64::from_ne_bytes([0, 0, 0, 0, 0, 0, 0, 5]).rotate_left(8);
        assert_eq!(h.finish(), first ^ 5);
        let mut map: KeyMap<u8> = KeyMap::default();
        map.insert([1, 2, 3, 4], 7);
        map.insert([9, 9, 3, 4], 8);
        assert_eq!(
            (map.get(&[1, 2, 3, 4]), map.get(&[9, 9, 3, 4])),
            (Some(&7), Some(&8))
        );
    }
}
