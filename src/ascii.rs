//! ASCII text read 64 bytes at a time: each byte's classes as bit masks, a bit a byte,
//! made 16 bytes at a time. The reading-level counter and the search index's tokenizer
//! find words in these masks rather than a byte at a time.

use wide::u8x16;

/// Which of 16 bytes lie in `lo..=hi`.
pub fn in_range(x: u8x16, lo: u8, hi: u8) -> u8x16 {
    let d = x - u8x16::splat(lo); // wraps below `lo` to large
    d.min(u8x16::splat(hi - lo)).simd_eq(d)
}

/// Which of 16 bytes are ASCII letters, either case.
pub fn letters(x: u8x16) -> u8x16 {
    // Setting 0x20 lowers an upper-case letter and makes no other byte a letter.
    in_range(x | u8x16::splat(0x20), b'a', b'z')
}

/// The `N` masks of 64 bytes that `classes` gives 16 bytes at a time: byte `k` at bit `k`.
pub fn masks<const N: usize>(block: &[u8; 64], classes: impl Fn(u8x16) -> [u8x16; N]) -> [u64; N] {
    let mut out = [0; N];
    for (k, sixteen) in block.chunks_exact(16).enumerate() {
        let x = u8x16::new(sixteen.try_into().expect("16 bytes"));
        for (mask, class) in out.iter_mut().zip(classes(x)) {
            *mask |= u64::from(class.to_bitmask()) << (16 * k);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_mark_the_bytes_of_each_class() {
        let mut block = [b' '; 64];
        block[..12].copy_from_slice(b"Az@[`{09/:a ");
        block[63] = b'z';
        let [letter, digit, space] = masks(&block, |x| {
            [
                letters(x),
                in_range(x, b'0', b'9'),
                x.simd_eq(u8x16::splat(b' ')),
            ]
        });
        assert_eq!(letter, 0b100_0000_0011 | 1 << 63);
        assert_eq!(digit, 0b1100_0000);
        assert_eq!(space, !(0b111_1111_1111 | 1 << 63));
    }
}
