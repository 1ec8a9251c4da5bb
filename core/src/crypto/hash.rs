//! The three SHA-2 hashes JOSE uses, behind one small enum.
//!
//! Decides nothing; guarantees a fixed-size, stack-only digest value; never allocates.

use sha2::Digest as _;

/// A SHA-2 function named by a JOSE algorithm (`…256`, `…384`, `…512`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

/// A digest of up to 64 bytes held inline.
#[derive(Clone, Copy)]
pub(crate) struct Digest {
    bytes: [u8; 64],
    len: usize,
}

impl Digest {
    /// The digest bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Hash {
    /// Output length in bytes (32, 48 or 64).
    pub(crate) const fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// Hashes the concatenation of `parts`.
    pub(crate) fn digest_parts(self, parts: &[&[u8]]) -> Digest {
        let mut out = Digest { bytes: [0; 64], len: self.output_len() };
        match self {
            Hash::Sha256 => {
                let mut h = sha2::Sha256::new();
                for p in parts {
                    h.update(p);
                }
                out.bytes[..32].copy_from_slice(&h.finalize());
            }
            Hash::Sha384 => {
                let mut h = sha2::Sha384::new();
                for p in parts {
                    h.update(p);
                }
                out.bytes[..48].copy_from_slice(&h.finalize());
            }
            Hash::Sha512 => {
                let mut h = sha2::Sha512::new();
                for p in parts {
                    h.update(p);
                }
                out.bytes.copy_from_slice(&h.finalize());
            }
        }
        out
    }

    /// Hashes `msg`.
    pub(crate) fn digest(self, msg: &[u8]) -> Digest {
        self.digest_parts(&[msg])
    }
}
