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

/// Calls `f` with each run of ones of `bits` (byte `64 * i + k` of a text `len` bytes long
/// at bit `k` of `bits[i]`, the bits past its end clear) as the run's byte range.
pub fn runs(bits: &[u64], len: usize, mut f: impl FnMut(usize, usize)) {
    // `rest`: the bits of `bits[i]` from the end of the last run on.
    let mut i = 0;
    let mut rest = bits.first().copied().unwrap_or(0);
    loop {
        while rest == 0 {
            i += 1;
            match bits.get(i) {
                Some(&w) => rest = w,
                None => return,
            }
        }
        let start = i * 64 + rest.trailing_zeros() as usize;
        // The run ends at the first zero after its start.
        let mut zeros = !rest & (u64::MAX << (start % 64));
        while zeros == 0 {
            i += 1;
            match bits.get(i) {
                Some(&w) => zeros = !w,
                None => break,
            }
        }
        let end = match bits.get(i) {
            Some(&w) => {
                let end = i * 64 + zeros.trailing_zeros() as usize;
                rest = w & (u64::MAX << (end % 64));
                end
            }
            None => len,
        };
        f(start, end);
        if end >= len {
            return;
        }
    }
}

/// The masks of `text` by `class` (one class of [`masks`]) into `out`, 64 bytes a mask:
/// bytes past the end of the text are zero.
pub fn text_masks(text: &[u8], class: impl Fn(u8x16) -> u8x16, out: &mut Vec<u64>) {
    out.clear();
    let mut blocks = text.chunks_exact(64);
    for block in &mut blocks {
        let [m] = masks(block.try_into().expect("64 bytes"), |x| [class(x)]);
        out.push(m);
    }
    if !blocks.remainder().is_empty() {
        let mut last = [0u8; 64];
        last[..blocks.remainder().len()].copy_from_slice(blocks.remainder());
        let [m] = masks(&last, |x| [class(x)]);
        out.push(m);
    }
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

    #[test]
    fn runs_are_the_runs_of_ones_across_masks() {
        fn runs_of(text: &str) -> Vec<&str> {
            let mut bits = Vec::new();
            text_masks(text.as_bytes(), letters, &mut bits);
            let mut found = Vec::new();
            runs(&bits, text.len(), |s, e| found.push(&text[s..e]));
            found
        }
        assert_eq!(runs_of(""), Vec::<&str>::new());
        assert_eq!(runs_of("  a bc, def "), ["a", "bc", "def"]);
        // Runs that cross from one mask to the next, and one at the very end.
        for at in [60, 63, 64, 65, 127, 128] {
            let text = format!("{}word and more {}", " ".repeat(at), "y".repeat(70));
            assert_eq!(runs_of(&text), ["word", "and", "more", &"y".repeat(70)]);
        }
        assert_eq!(runs_of(&"z".repeat(128)), [&"z".repeat(128)]);
    }
}
