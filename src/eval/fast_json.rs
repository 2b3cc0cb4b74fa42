//! The fast path for a case written as one flat JSON object, straight into an
//! [`Evaluator`]'s input: the model's flat reader, with the evaluator's slots.

use super::Evaluator;
use crate::model::compile::Slot;
use crate::model::{FlatReader, FlatSink, Policy};

/// The input facts of a policy, ready to [`read`](Self::read) flat JSON objects into an
/// evaluator.
#[derive(Clone, Debug)]
pub struct FastReader {
    flat: FlatReader,
}

impl FastReader {
    /// A reader for the input facts of `policy`.
    pub fn new(policy: &Policy) -> Self {
        let slots = &policy.program().slots;
        FastReader {
            flat: FlatReader::new(policy, |f| match slots[f] {
                Slot::Bit(b) | Slot::Value(b) => b,
            }),
        }
    }

    /// How many words [`read`](Self::read)'s `seen` buffer needs.
    pub fn seen_words(&self) -> usize {
        self.flat.seen_words()
    }

    /// Reads a trimmed line into `evaluator`'s input. `false` when the line is not a case
    /// this fast path reads with certainty; the input is then unspecified.
    pub fn read(&self, line: &[u8], evaluator: &mut Evaluator, seen: &mut [u64]) -> bool {
        self.flat.read(line, evaluator, seen)
    }
}

impl FlatSink for Evaluator<'_> {
    fn clear(&mut self) {
        Evaluator::clear(self);
    }
    fn bool(&mut self, slot: u32, value: bool) {
        self.set_bit(slot, value);
    }
    fn variant(&mut self, slot: u32, index: u32) {
        self.set_value(slot, i64::from(index));
    }
    fn int(&mut self, slot: u32, value: i64) {
        self.set_value(slot, value);
    }
}
