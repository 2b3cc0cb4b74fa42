//! The fast path for a case written as one flat JSON object: the bytes go straight to where
//! the values are kept (a [`Case`], or an evaluator's input), with no intermediate value
//! and no allocation.
//!
//! It accepts only input it can read without doubt: no escapes in strings, integers without
//! a fraction, an exponent or leading zeros, every name known and given once, every value of
//! the right type and in range, every enum and integer fact given. Anything else (including
//! every invalid case) is left to [`case_from_json`](crate::model::case_from_json), which
//! reads it the same way or says precisely what is wrong with it.

use super::case::Case;
use super::policy::Policy;
use super::types::{FactId, FactType, Value};

/// Where a flat reader puts the values it reads; each fact is known by the slot the reader
/// was built with.
pub trait FlatSink {
    /// Every bool fact false, every other fact unset.
    fn clear(&mut self);
    /// A bool fact's value.
    fn bool(&mut self, slot: u32, value: bool);
    /// An enum fact's variant, by index.
    fn variant(&mut self, slot: u32, index: u32);
    /// An integer fact's value.
    fn int(&mut self, slot: u32, value: i64);
}

impl FlatSink for Case {
    fn clear(&mut self) {
        self.values.fill(Value::Bool(false));
    }
    fn bool(&mut self, slot: u32, value: bool) {
        self.values[slot as usize] = Value::Bool(value);
    }
    fn variant(&mut self, slot: u32, index: u32) {
        self.values[slot as usize] = Value::Enum(index);
    }
    fn int(&mut self, slot: u32, value: i64) {
        self.values[slot as usize] = Value::Int(value);
    }
}

#[derive(Clone, Debug)]
enum Kind {
    Bool(u32),
    Enum { slot: u32, variants: Vec<Box<[u8]>> },
    Int { slot: u32, lo: i64, hi: i64 },
}

#[derive(Clone, Debug)]
struct Input {
    name: Box<[u8]>,
    kind: Kind,
}

/// The input facts of a policy, ready to [`read`](Self::read) flat JSON objects.
#[derive(Clone, Debug, Default)]
pub struct FlatReader {
    inputs: Vec<Input>,
    /// Open addressing: a slot holds `input index + 1`, or 0 when empty.
    table: Vec<u32>,
    /// How many input facts are enum or integer facts (they must be given).
    required: usize,
}

fn hash(name: &[u8]) -> u64 {
    // FNV-1a: names are short identifiers.
    name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl FlatReader {
    /// A reader for the input facts of `policy`, each put in the slot `slot` gives it.
    pub fn new(policy: &Policy, slot: impl Fn(FactId) -> u32) -> Self {
        let mut inputs = Vec::new();
        let mut required = 0;
        for f in policy.input_facts() {
            let fact = policy.fact(f);
            let slot = slot(f);
            let kind = match &fact.ty {
                FactType::Bool => Kind::Bool(slot),
                FactType::Enum(vs) => Kind::Enum {
                    slot,
                    variants: vs.iter().map(|v| v.as_bytes().into()).collect(),
                },
                FactType::Int { lo, hi } => Kind::Int {
                    slot,
                    lo: *lo,
                    hi: *hi,
                },
            };
            if !matches!(kind, Kind::Bool(_)) {
                required += 1;
            }
            inputs.push(Input {
                name: fact.name.as_bytes().into(),
                kind,
            });
        }
        let size = (inputs.len() * 2).next_power_of_two().max(2);
        let mut table = vec![0u32; size];
        for (i, input) in inputs.iter().enumerate() {
            let mut at = hash(&input.name) as usize & (size - 1);
            while table[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            table[at] = i as u32 + 1;
        }
        FlatReader {
            inputs,
            table,
            required,
        }
    }

    /// How many words [`read`](Self::read)'s `seen` buffer needs.
    pub fn seen_words(&self) -> usize {
        self.inputs.len().div_ceil(64)
    }

    fn lookup(&self, name: &[u8], hint: usize) -> Option<usize> {
        // Cases usually list the facts in declaration order: try the next one first.
        if let Some(i) = self.inputs.get(hint)
            && *i.name == *name
        {
            return Some(hint);
        }
        let mask = self.table.len() - 1;
        let mut at = hash(name) as usize & mask;
        loop {
            match self.table[at] {
                0 => return None,
                i if *self.inputs[i as usize - 1].name == *name => return Some(i as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Reads a trimmed line into `ev`. `false` when the line is not a case this fast
    /// path reads with certainty; `ev`'s input is then unspecified.
    pub fn read(&self, line: &[u8], ev: &mut impl FlatSink, seen: &mut [u64]) -> bool {
        ev.clear();
        seen.fill(0);
        let mut cursor = Bytes { b: line, i: 0 };
        if !cursor.eat(b'{') {
            return false;
        }
        let mut given_required = 0;
        let mut hint = 0;
        if !cursor.eat(b'}') {
            loop {
                // Most often the key is the next fact in declaration order: compare it in
                // place. (Names never hold a quote or a backslash, so a name followed by a
                // quote is the whole string.)
                let k = match self.inputs.get(hint).filter(|i| cursor.exact(&i.name)) {
                    Some(_) => hint,
                    None => {
                        let Some(key) = cursor.string() else {
                            return false;
                        };
                        let Some(k) = self.lookup(key, hint) else {
                            return false;
                        };
                        k
                    }
                };
                hint = k + 1;
                if seen[k / 64] >> (k % 64) & 1 == 1 {
                    return false;
                }
                seen[k / 64] |= 1 << (k % 64);
                if !cursor.eat(b':') {
                    return false;
                }
                match &self.inputs[k].kind {
                    Kind::Bool(bit) => match cursor.word() {
                        Some(v) => ev.bool(*bit, v),
                        None => return false,
                    },
                    Kind::Enum { slot, variants } => {
                        let Some(i) = variants.iter().position(|x| cursor.exact(x)) else {
                            return false;
                        };
                        ev.variant(*slot, i as u32);
                        given_required += 1;
                    }
                    Kind::Int { slot, lo, hi } => match cursor.integer() {
                        Some(n) if *lo <= n && n <= *hi => {
                            ev.int(*slot, n);
                            given_required += 1;
                        }
                        _ => return false,
                    },
                }
                if cursor.eat(b',') {
                    continue;
                }
                if cursor.eat(b'}') {
                    break;
                }
                return false;
            }
        }
        cursor.skip_ws();
        cursor.i == line.len() && given_required == self.required
    }
}

/// A cursor over the bytes of one line.
struct Bytes<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Bytes<'a> {
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// Skips white space, then `c`.
    #[inline]
    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Skips white space, then the string `"s"` if it is next (`s` holds no quote and no
    /// backslash).
    #[inline]
    fn exact(&mut self, s: &[u8]) -> bool {
        self.skip_ws();
        let rest = &self.b[self.i..];
        let n = s.len();
        if rest.len() > n + 1 && rest[0] == b'"' && rest[n + 1] == b'"' && rest[1..=n] == *s {
            self.i += n + 2;
            true
        } else {
            false
        }
    }

    /// A string without escapes: its bytes. A string with one is left to the slow path (the
    /// names it could match have no backslash, so it never matches).
    #[inline]
    fn string(&mut self) -> Option<&'a [u8]> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.i;
        // A backslash before the closing quote means an escape: the slow path's business.
        let len = memchr::memchr2(b'"', b'\\', &self.b[start..])?;
        if self.b[start + len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    #[inline]
    fn word(&mut self) -> Option<bool> {
        self.skip_ws();
        let rest = &self.b[self.i..];
        let (v, n) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        self.i += n;
        Some(v)
    }

    /// `-?(0|[1-9][0-9]{0,17})`, so that it fits in 64 bits; `-0` is left to the slow path.
    #[inline]
    fn integer(&mut self) -> Option<i64> {
        self.skip_ws();
        let negative = self.b.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut n: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
            if self.i - start >= 18 {
                // A 19th digit may not fit: the slow path decides.
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.b[start] == b'0') || (negative && n == 0) {
            return None;
        }
        // A fraction or an exponent is not an integer here.
        if let Some(b'.' | b'e' | b'E') = self.b.get(self.i) {
            return None;
        }
        Some(if negative { -n } else { n })
    }
}

/// Reads a flat JSON object into a case of `policy` when it can, as [`FlatReader::read`]
/// does; `None` when the slow path must decide.
pub(super) fn read_case(policy: &Policy, json: &str) -> Option<Case> {
    let reader = policy.flat_reader();
    let mut case = Case {
        values: vec![Value::Bool(false); policy.facts().len()],
    };
    let mut small = [0u64; 4];
    let mut large = Vec::new();
    let seen = if reader.seen_words() <= small.len() {
        &mut small[..reader.seen_words()]
    } else {
        large.resize(reader.seen_words(), 0);
        &mut large[..]
    };
    reader
        .read(json.trim().as_bytes(), &mut case, seen)
        .then_some(case)
}
