//! RSA public keys and signature verification for JWS: RSASSA-PKCS1-v1_5 (`RS*`) and RSASSA-PSS (`PS*`).
//!
//! Decides whether an (n, e) pair is an acceptable key (odd modulus of 2048–8192 bits, odd exponent
//! from 3 to 2^64-1) and whether a signature verifies under it. Guarantees exact-length signatures
//! below n, PKCS#1 v1.5 checked only by re-encoding and comparing the whole block (never by parsing
//! it), and PSS with MGF1 of the same hash and a salt exactly as long as the digest. Never
//! allocates, never panics, never uses floats or `unsafe`; the arithmetic is variable-time, which is
//! sound because keys and signatures are public.

use super::hash::{Digest, Hash};
use crypto_bigint::{Limb, Word};

/// Largest modulus accepted, in bits.
const MAX_BITS: usize = 8192;
/// Largest modulus accepted, in bytes (also the size of the on-stack block buffers).
const MAX_BYTES: usize = MAX_BITS / 8;
/// Smallest modulus accepted, in bits; anything shorter is weak.
const MIN_BITS: usize = 2048;

/// Why an RSA key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RsaKeyError {
    /// The modulus is shorter than 2048 bits.
    Weak,
    /// The key is malformed or outside what is supported (see [`RsaPublicKey::new`]).
    Invalid,
}

/// A validated RSA public key (n, e).
#[derive(Clone)]
pub(crate) struct RsaPublicKey {
    /// The modulus, big-endian, left-aligned: `n[..n_len]` is significant, with no leading zero.
    n: [u8; MAX_BYTES],
    /// `R² mod n`, big-endian, `n_len` bytes, where `R = 2^w` and `w` is the width of the integers
    /// this modulus is computed on (`n_len` rounded up to whole limbs). Precomputed once.
    r2: [u8; MAX_BYTES],
    /// Length of the modulus in bytes (256..=1024).
    n_len: usize,
    /// The exponent as an integer (odd, ≥ 3).
    e: u64,
    /// The exponent, big-endian, left-aligned without leading zeros: `e_bytes[..e_len]`.
    e_bytes: [u8; 8],
    /// Length of the exponent in bytes (1..=8).
    e_len: usize,
}

impl core::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Only the size: never key material.
        f.debug_struct("RsaPublicKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

/// `bytes` without its leading zero bytes.
fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[])
}

/// Bit length of a big-endian integer without leading zero bytes (0 for the empty string).
fn bit_len(be: &[u8]) -> usize {
    match be.first() {
        None => 0,
        Some(&top) => {
            let top_bits = usize::try_from(u8::BITS.saturating_sub(top.leading_zeros())).unwrap_or(8);
            be.len().saturating_sub(1).saturating_mul(8).saturating_add(top_bits)
        }
    }
}

impl RsaPublicKey {
    /// `n` and `e` are unsigned big-endian byte strings; leading zero bytes are allowed and ignored.
    /// Weak: modulus < 2048 bits. Invalid: modulus > 8192 bits, n even, e even, e < 3, e >= n,
    /// e longer than 8 bytes (any odd e from 3 up to `u64::MAX` is otherwise accepted), empty inputs.
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Result<Self, RsaKeyError> {
        let mut key = RsaPublicKey::EMPTY;
        key.init(n, e)?;
        Ok(key)
    }

    /// A key with no modulus (`n_len` 0): the starting point of [`RsaPublicKey::init`]. It serves no
    /// signature (every signature has the wrong length).
    pub(crate) const EMPTY: RsaPublicKey =
        RsaPublicKey { n: [0; MAX_BYTES], r2: [0; MAX_BYTES], n_len: 0, e: 0, e_bytes: [0; 8], e_len: 0 };

    /// Makes this key (n, e), with the same rules as [`RsaPublicKey::new`], writing the modulus and
    /// `R² mod n` straight into `self`: a JWKS import then needs no 2 KiB temporaries per key. On error
    /// the key is left [`RsaPublicKey::EMPTY`]-like (`n_len` 0).
    pub(crate) fn init(&mut self, n: &[u8], e: &[u8]) -> Result<(), RsaKeyError> {
        self.n_len = 0;
        self.e_len = 0;
        if n.is_empty() || e.is_empty() {
            return Err(RsaKeyError::Invalid);
        }
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let n_bits = bit_len(n);
        // Structure first (an even or absurdly long modulus is not a key at all), then strength.
        if n_bits > MAX_BITS || n.last().is_none_or(|&b| b & 1 == 0) {
            return Err(RsaKeyError::Invalid);
        }
        if e.len() > 8 || e.last().is_none_or(|&b| b & 1 == 0) {
            return Err(RsaKeyError::Invalid);
        }
        let e_value = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if e_value < 3 {
            return Err(RsaKeyError::Invalid);
        }
        if n_bits < MIN_BITS {
            return Err(RsaKeyError::Weak);
        }
        // e ≤ 64 bits < 2048 bits ≤ n, so e < n holds; kept as an explicit check all the same.
        if bit_len(e) >= n_bits {
            return Err(RsaKeyError::Invalid);
        }
        self.n.fill(0);
        self.n.get_mut(..n.len()).ok_or(RsaKeyError::Invalid)?.copy_from_slice(n);
        self.e_bytes = [0u8; 8];
        self.e_bytes.get_mut(..e.len()).ok_or(RsaKeyError::Invalid)?.copy_from_slice(e);
        self.r2.fill(0);
        let r2_out = self.r2.get_mut(..n.len()).ok_or(RsaKeyError::Invalid)?;
        let ok = montgomery_r2(n, r2_out);
        if !ok {
            return Err(RsaKeyError::Invalid);
        }
        self.n_len = n.len();
        self.e = e_value;
        self.e_len = e.len();
        Ok(())
    }

    /// Modulus length in bits (position of the highest set bit).
    pub(crate) fn bits(&self) -> usize {
        bit_len(self.modulus())
    }

    /// Modulus length in bytes, = the exact signature length required.
    pub(crate) fn size(&self) -> usize {
        self.n_len
    }

    /// The modulus, big-endian, without leading zeros (for the `ring` backend).
    pub(crate) fn modulus(&self) -> &[u8] {
        self.n.get(..self.n_len).unwrap_or(&[])
    }

    /// The exponent, big-endian, without leading zeros.
    #[allow(dead_code)] // used by the `ring` backend only
    pub(crate) fn exponent(&self) -> &[u8] {
        self.e_bytes.get(..self.e_len).unwrap_or(&[])
    }

    /// RSASSA-PKCS1-v1_5 verify of `msg` (the message, not a digest: hash it yourself with `hash`).
    /// Signature must be exactly `size()` bytes (a stripped or extra leading zero byte is rejected) and
    /// as an integer < n. Check by RE-ENCODING the expected EMSA-PKCS1-v1_5 block
    /// (0x00 0x01 FF..FF 0x00 DigestInfo(hash) H) and comparing the whole block with s^e mod n —
    /// never by parsing the decrypted block — so Bleichenbacher-style small-exponent forgeries
    /// (garbage after the hash, short padding, `DigestInfo` with parameters omitted, etc.) fail.
    #[inline(never)]
    pub(crate) fn verify_pkcs1v15(&self, hash: Hash, msg: &[u8], signature: &[u8]) -> bool {
        let k = self.size();
        let mut em_buf = [0u8; MAX_BYTES];
        let Some(em) = self.rsavp1(signature, &mut em_buf) else {
            return false;
        };
        let mut expected_buf = [0u8; MAX_BYTES];
        let Some(expected) = expected_buf.get_mut(..k) else {
            return false;
        };
        if !emsa_pkcs1_v15_encode(&hash.digest(msg), hash, expected) {
            return false;
        }
        // Public data on both sides: plain equality of the complete k-byte blocks.
        em == &*expected
    }

    /// RSASSA-PSS verify (EMSA-PSS-VERIFY, RFC 8017 §9.1.2), MGF1 with `hash`, salt length exactly
    /// `hash.output_len()`, trailer 0xbc, leftmost (8*emLen - emBits) bits of DB masked to zero checked.
    /// emBits = modBits - 1. Same exact-length rule for the signature.
    #[inline(never)]
    pub(crate) fn verify_pss(&self, hash: Hash, msg: &[u8], signature: &[u8]) -> bool {
        let mut em_buf = [0u8; MAX_BYTES];
        let Some(block) = self.rsavp1(signature, &mut em_buf) else {
            return false;
        };
        // emBits = modBits - 1, emLen = ceil(emBits / 8). When modBits ≡ 1 (mod 8) EM is one byte
        // shorter than the k-byte block, whose first byte must then be zero (RFC 8017 §8.1.2 step
        // 2c: I2OSP(m, emLen) fails otherwise).
        let em_bits = self.bits().saturating_sub(1);
        let em_len = em_bits.div_ceil(8);
        let Some(skip) = block.len().checked_sub(em_len) else {
            return false;
        };
        let Some((head, em)) = block.split_at_mut_checked(skip) else {
            return false;
        };
        if head.iter().any(|&b| b != 0) {
            return false;
        }
        emsa_pss_verify(hash, &hash.digest(msg), em, em_bits)
    }

    /// RSAVP1 (RFC 8017 §5.2.2) with the exact-length rule: `s^e mod n` as a `size()`-byte
    /// big-endian block in `out`, or `None` when the signature is not exactly `size()` bytes or not
    /// below n.
    fn rsavp1<'a>(&self, signature: &[u8], out: &'a mut [u8; MAX_BYTES]) -> Option<&'a mut [u8]> {
        let k = self.size();
        if signature.len() != k {
            return None;
        }
        let out = out.get_mut(..k)?;
        let n = self.modulus();
        let r2 = self.r2.get(..k)?;
        let ok = rsavp1_limbs(n, r2, self.e, signature, out);
        ok.then_some(out)
    }
}

/// Limbs of the largest modulus (`Limb` is the target's machine word: 32 or 64 bits).
const MAX_LIMBS: usize = MAX_BYTES / Limb::BYTES;
/// Bits per limb.
const LIMB_BITS: usize = Limb::BYTES * 8;

/// Limbs the arithmetic for a modulus of `n_len` bytes runs on; `R = 2^(limbs · Limb::BITS)`.
///
/// One width per modulus size, chosen at run time, instead of a copy of the arithmetic per fixed
/// width: the code is the same for every key size (about 14 KiB less flash on Cortex-M than five
/// const-generic widths), and only the loop bounds change.
const fn limb_count(n_len: usize) -> usize {
    n_len.div_ceil(Limb::BYTES)
}

/// `R² mod n` for the modulus `n_be` (big-endian, no leading zero, odd, at least 2048 bits), written
/// big-endian into all of `out`. False if anything does not fit.
///
/// Computed without division: `x = 2^(bits−1)` is below `n`; doubling it modulo `n` up to
/// `2^(w + w/32) = R·2^(w/32)` (w = limbs · Limb::BITS, a multiple of 32) costs at most
/// `w/32 + 1 + (w − bits)` doublings, and five Montgomery squarings then take `R·2^a` to `R·2^(32a)`
/// = `R·R`.
// Not inlined: its three modulus-sized temporaries are a frame of their own, not part of the import's.
#[inline(never)]
fn montgomery_r2(n_be: &[u8], out: &mut [u8]) -> bool {
    let len = limb_count(n_be.len());
    let mut n_buf = [Limb::ZERO; MAX_LIMBS];
    let mut x_buf = [Limb::ZERO; MAX_LIMBS];
    let mut t_buf = [Limb::ZERO; MAX_LIMBS];
    let (Some(n), Some(x), Some(t)) = (n_buf.get_mut(..len), x_buf.get_mut(..len), t_buf.get_mut(..len)) else {
        return false;
    };
    if !limbs_from_be(n_be, n) {
        return false;
    }
    let n: &[Limb] = n;
    let Some(n_inv) = neg_inv(n) else {
        return false;
    };
    let Some(top_bit) = bit_len(n_be).checked_sub(1) else {
        return false;
    };
    let Some(word) = x.get_mut(top_bit / LIMB_BITS) else {
        return false;
    };
    *word = Limb(1 << (top_bit % LIMB_BITS));
    let w = len.saturating_mul(LIMB_BITS);
    let Some(doublings) = (w + w / 32).checked_sub(top_bit) else {
        return false;
    };
    for _ in 0..doublings {
        double_mod(x, n);
    }
    for _ in 0..5 {
        mont_mul(t, x, x, n, n_inv);
        x.copy_from_slice(t);
    }
    limbs_to_be(x, out)
}

/// `s^e mod n`, written big-endian into `out` (exactly `n_be.len()` bytes). `r2_be` is `R² mod n`
/// (see [`montgomery_r2`]). False when `s >= n` or anything does not fit.
// Not inlined, for the same reason as `montgomery_r2`.
#[inline(never)]
fn rsavp1_limbs(n_be: &[u8], r2_be: &[u8], e: u64, s_be: &[u8], out: &mut [u8]) -> bool {
    let len = limb_count(n_be.len());
    let mut bufs = [[Limb::ZERO; MAX_LIMBS]; 4];
    let [n_buf, a_buf, b_buf, c_buf] = &mut bufs;
    let (Some(n), Some(a), Some(b), Some(c)) =
        (n_buf.get_mut(..len), a_buf.get_mut(..len), b_buf.get_mut(..len), c_buf.get_mut(..len))
    else {
        return false;
    };
    if !limbs_from_be(n_be, n) || !limbs_from_be(s_be, a) || !limbs_from_be(r2_be, b) {
        return false;
    }
    let n: &[Limb] = n;
    if !less_than(a, n) || !less_than(b, n) {
        return false;
    }
    let Some(n_inv) = neg_inv(n) else {
        return false;
    };
    mont_mul(c, a, b, n, n_inv); // base = s·R mod n
    pow_vartime(a, b, c, e, n, n_inv); // a = base^e (Montgomery form)
    c.fill(Limb::ZERO);
    if let Some(low) = c.first_mut() {
        *low = Limb::ONE;
    }
    mont_mul(b, a, c, n, n_inv); // back out of Montgomery form
    limbs_to_be(b, out)
}

/// `−n⁻¹ mod 2^Limb::BITS` for odd `n` (Newton–Hensel: each step doubles the correct low bits,
/// starting from 3 correct bits, since n·n ≡ 1 mod 8). `None` for an even or empty `n`.
fn neg_inv(n: &[Limb]) -> Option<Limb> {
    let n0 = n.first()?.0;
    if n0 & 1 == 0 {
        return None;
    }
    let mut inv: Word = n0;
    for _ in 0..5 {
        inv = inv.wrapping_mul(Word::from(2u8).wrapping_sub(n0.wrapping_mul(inv)));
    }
    Some(Limb(inv.wrapping_neg()))
}

/// `a < b` for integers of the same limb count (variable-time: public values only).
fn less_than(a: &[Limb], b: &[Limb]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x.0 != y.0 {
            return x.0 < y.0;
        }
    }
    false
}

/// `a -= b` modulo `2^(len · Limb::BITS)`, for slices of the same length.
fn sub_in_place(a: &mut [Limb], b: &[Limb]) {
    let mut borrow = Limb::ZERO;
    for (a_i, &b_i) in a.iter_mut().zip(b) {
        (*a_i, borrow) = a_i.sbb(b_i, borrow);
    }
}

/// `x = 2x mod n` for `x < n`.
fn double_mod(x: &mut [Limb], n: &[Limb]) {
    let mut carry: Word = 0;
    for x_i in x.iter_mut() {
        let top = x_i.0 >> (Limb::BITS - 1);
        x_i.0 = (x_i.0 << 1) | carry;
        carry = top;
    }
    // 2x < 2n: one subtraction brings it below n (the wrap-around absorbs a carried-out bit).
    if carry != 0 || !less_than(x, n) {
        sub_in_place(x, n);
    }
}

/// Montgomery product `t = a·b·R⁻¹ mod n` (CIOS, HAC 14.36), for `a, b < n`, odd `n`, all of the
/// same limb count; result `< n`. Variable-time in the final subtraction only; all inputs here are
/// public.
fn mont_mul(t: &mut [Limb], a: &[Limb], b: &[Limb], n: &[Limb], n_inv: Limb) {
    t.fill(Limb::ZERO);
    let mut t_hi = Limb::ZERO;
    let n0 = n.first().copied().unwrap_or(Limb::ZERO);
    for &b_i in b {
        // t += a · b_i
        let mut carry = Limb::ZERO;
        for (t_j, &a_j) in t.iter_mut().zip(a) {
            (*t_j, carry) = t_j.mac(a_j, b_i, carry);
        }
        let (sum, t_top) = t_hi.adc(carry, Limb::ZERO);
        t_hi = sum;
        // t = (t + m·n) / 2^Limb::BITS, with m chosen so the low limb cancels.
        let Some((first, rest)) = t.split_first_mut() else {
            break;
        };
        let m = first.wrapping_mul(n_inv);
        let (_, mut carry) = first.mac(m, n0, Limb::ZERO);
        let mut prev = first;
        for (t_j, &n_j) in rest.iter_mut().zip(n.iter().skip(1)) {
            let (v, c) = t_j.mac(m, n_j, carry);
            *prev = v;
            carry = c;
            prev = t_j;
        }
        let (v, c) = t_hi.adc(carry, Limb::ZERO);
        *prev = v;
        t_hi = t_top.wrapping_add(c);
    }
    // Here t < 2n: subtract n once if t ≥ n.
    if t_hi.0 != 0 || !less_than(t, n) {
        sub_in_place(t, n);
    }
}

/// `acc = base^e` (all in Montgomery form) by left-to-right square-and-multiply over the bits of `e`
/// (variable-time: `e` and `base` are public), with `tmp` as scratch. For e = 65537: 16 squarings,
/// one multiplication.
fn pow_vartime(acc: &mut [Limb], tmp: &mut [Limb], base: &[Limb], e: u64, n: &[Limb], n_inv: Limb) {
    let top = 63u32.saturating_sub(e.leading_zeros());
    acc.copy_from_slice(base);
    for i in (0..top).rev() {
        mont_mul(tmp, acc, acc, n, n_inv);
        if (e >> i) & 1 == 1 {
            mont_mul(acc, tmp, base, n, n_inv);
        } else {
            acc.copy_from_slice(tmp);
        }
    }
}

/// A big-endian byte string into the (zeroed) limbs `out`; false if it does not fit.
fn limbs_from_be(be: &[u8], out: &mut [Limb]) -> bool {
    for (i, chunk) in be.rchunks(Limb::BYTES).enumerate() {
        let word = chunk.iter().fold(0, |acc: Word, &b| (acc << 8) | Word::from(b));
        if word != 0 {
            let Some(limb) = out.get_mut(i) else {
                return false;
            };
            *limb = Limb(word);
        }
    }
    true
}

/// Writes `x` big-endian into all of `out`; false if `x` does not fit in `out.len()` bytes.
fn limbs_to_be(x: &[Limb], out: &mut [u8]) -> bool {
    let mut dst = out.iter_mut().rev();
    for b in x.iter().flat_map(|w| w.0.to_le_bytes()) {
        match dst.next() {
            Some(d) => *d = b,
            None if b != 0 => return false,
            None => {}
        }
    }
    dst.for_each(|d| *d = 0);
    true
}

/// DER `DigestInfo` prefixes (RFC 8017 §9.2 note 1): `SEQUENCE { AlgorithmIdentifier { OID, NULL },
/// OCTET STRING (hLen) }`, to be followed by the digest.
const fn digest_info_prefix(hash: Hash) -> &'static [u8] {
    match hash {
        Hash::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ],
        Hash::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04,
            0x30,
        ],
        Hash::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04,
            0x40,
        ],
    }
}

/// EMSA-PKCS1-v1_5-ENCODE (RFC 8017 §9.2) into all of `em`:
/// `0x00 0x01 PS(0xff × ≥ 8) 0x00 DigestInfo H`. False if `em` is too short.
fn emsa_pkcs1_v15_encode(digest: &Digest, hash: Hash, em: &mut [u8]) -> bool {
    let prefix = digest_info_prefix(hash);
    let h = digest.as_bytes();
    let t_len = prefix.len().saturating_add(h.len());
    // tLen + 11 ≤ emLen: two marker bytes, at least eight 0xff, one separator.
    let Some(ps_len) = em.len().checked_sub(t_len).and_then(|r| r.checked_sub(3)) else {
        return false;
    };
    if ps_len < 8 {
        return false;
    }
    let Some((head, rest)) = em.split_at_mut_checked(2) else {
        return false;
    };
    head.copy_from_slice(&[0x00, 0x01]);
    let Some((ps, rest)) = rest.split_at_mut_checked(ps_len) else {
        return false;
    };
    ps.fill(0xff);
    let Some((sep, t)) = rest.split_at_mut_checked(1) else {
        return false;
    };
    sep.fill(0x00);
    let Some((t_prefix, t_hash)) = t.split_at_mut_checked(prefix.len()) else {
        return false;
    };
    if t_hash.len() != h.len() {
        return false;
    }
    t_prefix.copy_from_slice(prefix);
    t_hash.copy_from_slice(h);
    true
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with sLen = hLen and MGF1(`hash`). `em` is the emLen-byte
/// encoded message and is unmasked in place.
fn emsa_pss_verify(hash: Hash, m_hash: &Digest, em: &mut [u8], em_bits: usize) -> bool {
    let h_len = hash.output_len();
    let s_len = h_len;
    let em_len = em.len();
    // Step 3: emLen ≥ hLen + sLen + 2.
    if em_len < h_len.saturating_add(s_len).saturating_add(2) {
        return false;
    }
    // Step 4: trailer field.
    let Some((trailer, body)) = em.split_last_mut() else {
        return false;
    };
    if *trailer != 0xbc {
        return false;
    }
    // Step 5: maskedDB ‖ H.
    let Some(db_len) = em_len.checked_sub(h_len).and_then(|r| r.checked_sub(1)) else {
        return false;
    };
    let Some((db, h)) = body.split_at_mut_checked(db_len) else {
        return false;
    };
    // Step 6: the leftmost 8·emLen − emBits bits of maskedDB must be zero.
    let Some(unused_bits) = em_len.checked_mul(8).and_then(|b| b.checked_sub(em_bits)) else {
        return false;
    };
    let Ok(unused_bits) = u32::try_from(unused_bits) else {
        return false;
    };
    if unused_bits > 7 {
        return false;
    }
    let top_mask = 0xffu8.checked_shr(unused_bits).unwrap_or(0);
    let Some(first) = db.first_mut() else {
        return false;
    };
    if *first & !top_mask != 0 {
        return false;
    }
    // Steps 7–9: DB = maskedDB ⊕ MGF1(H, emLen − hLen − 1), then clear the unused top bits.
    if !mgf1_xor(hash, h, db) {
        return false;
    }
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // Step 10: DB = PS(zeros) ‖ 0x01 ‖ salt, with salt exactly sLen bytes.
    let Some(ps_len) = db_len.checked_sub(s_len).and_then(|r| r.checked_sub(1)) else {
        return false;
    };
    let Some((ps, rest)) = db.split_at_checked(ps_len) else {
        return false;
    };
    let Some((&one, salt)) = rest.split_first() else {
        return false;
    };
    if ps.iter().any(|&b| b != 0) || one != 0x01 || salt.len() != s_len {
        return false;
    }
    // Steps 12–14: H' = Hash(0x00 × 8 ‖ mHash ‖ salt) must equal H.
    let h_prime = hash.digest_parts(&[&[0u8; 8], m_hash.as_bytes(), salt]);
    h_prime.as_bytes() == &*h
}

/// `out ^= MGF1(seed, out.len())` (RFC 8017 §B.2.1) with `hash`. False only if the counter
/// would overflow 32 bits, which no supported size reaches.
fn mgf1_xor(hash: Hash, seed: &[u8], out: &mut [u8]) -> bool {
    for (counter, chunk) in out.chunks_mut(hash.output_len()).enumerate() {
        let Ok(counter) = u32::try_from(counter) else {
            return false;
        };
        let mask = hash.digest_parts(&[seed, &counter.to_be_bytes()]);
        for (b, m) in chunk.iter_mut().zip(mask.as_bytes()) {
            *b ^= m;
        }
    }
    true
}
