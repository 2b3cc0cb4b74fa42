//! Buffers kept by each thread for [`evaluate`](super::evaluate): one evaluator's, and a few
//! outcomes' (an outcome gives its vectors back when dropped).

use super::ActionVerdict;
use super::machine::Buffers;
use crate::model::Value;
use std::cell::RefCell;

/// Outcomes' vectors kept at most: enough for a loop that holds a few at a time.
const KEPT: usize = 4;

type OutcomeVectors = (Vec<Value>, Vec<bool>, Vec<ActionVerdict>);

thread_local! {
    static EVALUATOR: RefCell<Option<Box<Buffers>>> = const { RefCell::new(None) };
    static OUTCOMES: RefCell<Vec<OutcomeVectors>> = const { RefCell::new(Vec::new()) };
}

/// An evaluator's buffers: the thread's, or new ones.
pub(super) fn evaluator_buffers() -> Box<Buffers> {
    EVALUATOR
        .try_with(|b| b.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps an evaluator's buffers for the next call.
pub(super) fn give_back_evaluator(buffers: Box<Buffers>) {
    let _ = EVALUATOR.try_with(|b| *b.borrow_mut() = Some(buffers));
}

/// An outcome's vectors: the values and firings empty, the verdicts as a previous outcome
/// left them (with their `by` lists' room).
pub(super) fn outcome_vectors() -> OutcomeVectors {
    OUTCOMES
        .try_with(|o| o.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps an outcome's vectors, emptied, for the next one.
pub(super) fn give_back_outcome(
    mut values: Vec<Value>,
    mut fired: Vec<bool>,
    verdicts: Vec<ActionVerdict>,
) {
    if values.capacity() == 0 && fired.capacity() == 0 && verdicts.capacity() == 0 {
        return;
    }
    values.clear();
    fired.clear();
    let _ = OUTCOMES.try_with(|o| {
        let mut o = o.borrow_mut();
        if o.len() < KEPT {
            o.push((values, fired, verdicts));
        }
    });
}
