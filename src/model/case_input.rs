//! Cases from outside the policy file: JSON (one flat object per case, fact name to
//! `true`/`false`, a variant name, or an integer; a document of one object or an array of
//! them, or JSON Lines) and the `--given` list of the command line.

use super::case::{Case, CaseError};
use super::policy::Policy;
use super::types::FactType;
use crate::diagnostic::Literal;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::io::{self, BufRead, Read};

/// A JSON object's entries in order, duplicates kept so they can be reported.
struct Entries(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object mapping fact names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads one case from a JSON object's text.
pub fn case_from_json(policy: &Policy, json: &str) -> Result<Case, CaseError> {
    let entries: Entries = serde_json::from_str(json).map_err(json_error)?;
    let mut b = policy.case();
    for (name, value) in entries.0 {
        let lit = literal(policy, &name, &value)?;
        b.assign(&name, lit)?;
    }
    b.build()
}

fn json_error(e: serde_json::Error) -> CaseError {
    let msg = e.to_string();
    let msg = match e.classify() {
        serde_json::error::Category::Data => format!("not a case: {msg}"),
        _ => format!("invalid JSON: {msg}"),
    };
    CaseError::Malformed(msg)
}

fn literal(policy: &Policy, name: &str, v: &serde_json::Value) -> Result<Literal, CaseError> {
    use serde_json::Value as J;
    let ty = policy.fact_id(name).map(|f| &policy.fact(f).ty);
    let wrong = |got: String| match ty {
        Some(ty) => CaseError::WrongType {
            name: name.into(),
            expected: ty.describe(),
            got,
        },
        None => CaseError::Malformed(format!(
            "`{name}` has a value that is not a bool, a string or an integer"
        )),
    };
    match v {
        J::Bool(b) => Ok(Literal::Bool(*b)),
        J::String(s) => Ok(Literal::Variant(s.clone())),
        J::Number(n) => match n.as_i64() {
            Some(i) => Ok(Literal::Int(i)),
            None if n.is_f64() && !n.to_string().contains(['.', 'e', 'E']) || n.is_u64() => {
                match ty {
                    Some(FactType::Int { lo, hi }) => Err(CaseError::OutOfRange {
                        name: name.into(),
                        lo: *lo,
                        hi: *hi,
                        got: n.to_string(),
                    }),
                    _ => Err(wrong(format!("`{n}`"))),
                }
            }
            None => match ty {
                Some(FactType::Int { .. }) => Err(wrong(format!("the non-integer number `{n}`"))),
                _ => Err(wrong(format!("`{n}`"))),
            },
        },
        J::Null => Err(wrong("`null`".into())),
        J::Array(_) => Err(wrong("an array".into())),
        J::Object(_) => Err(wrong("an object".into())),
    }
}

/// How case input is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseForm {
    /// One JSON document: an object or an array of objects.
    Document,
    /// JSON Lines: one object per line; blank lines are skipped.
    Lines,
    /// Decide from the input: an array, a single document, or JSON Lines when the first
    /// line holds a whole object.
    Auto,
}

impl CaseForm {
    /// The form a file's extension implies: `.jsonl` is JSON Lines, anything else a document.
    pub fn for_path(path: &std::path::Path) -> CaseForm {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") | Some("ndjson") => CaseForm::Lines,
            _ => CaseForm::Document,
        }
    }
}

/// How case input is laid out, once the form is known.
pub enum Layout<R> {
    /// JSON Lines: the bytes in `first` (whole lines, already read), then the rest of `rest`.
    Lines {
        /// Whole lines already read.
        first: Vec<u8>,
        /// The rest of the input.
        rest: R,
    },
    /// One JSON document.
    Document(String),
}

/// Decides the layout of case input, reading as little as it needs: with [`CaseForm::Auto`],
/// the first non-blank line.
pub fn layout<R: BufRead>(mut reader: R, form: CaseForm) -> io::Result<Layout<R>> {
    match form {
        CaseForm::Lines => Ok(Layout::Lines {
            first: Vec::new(),
            rest: reader,
        }),
        CaseForm::Document => {
            let mut text = String::new();
            reader.read_to_string(&mut text)?;
            Ok(Layout::Document(text))
        }
        CaseForm::Auto => {
            let mut line = String::new();
            // Look at the first non-blank line.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(Layout::Lines {
                        first: Vec::new(),
                        rest: reader,
                    });
                }
                if !line.trim().is_empty() {
                    break;
                }
            }
            let first = line.trim();
            // A whole object on the first line means JSON Lines, even when that object is
            // malformed: its error is then reported for case #1 and the other lines still run.
            let one_line_object = first.len() > 1 && first.starts_with('{') && first.ends_with('}');
            if !first.starts_with('[')
                && (one_line_object || serde_json::from_str::<&RawValue>(first).is_ok())
            {
                if !line.ends_with('\n') {
                    line.push('\n');
                }
                Ok(Layout::Lines {
                    first: line.into_bytes(),
                    rest: reader,
                })
            } else {
                reader.read_to_string(&mut line)?;
                Ok(Layout::Document(line))
            }
        }
    }
}

/// Reads cases and hands each to `each` with its 1-based position, in input order.
/// A malformed case is handed on as an error; the rest go on. (For JSON Lines on every
/// core, see [`crate::eval::stream`]; this is the plain loop.)
pub fn read_cases<R: BufRead>(
    policy: &Policy,
    reader: R,
    form: CaseForm,
    mut each: impl FnMut(usize, Result<Case, CaseError>) -> io::Result<()>,
) -> io::Result<()> {
    let (first, rest) = match layout(reader, form)? {
        Layout::Document(text) => return read_document(policy, &text, each),
        Layout::Lines { first, rest } => (first, rest),
    };
    let mut reader = io::Cursor::new(first).chain(rest);
    let mut n = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        n += 1;
        each(n, case_from_json(policy, text))?;
    }
}

/// Reads one JSON document (an object, or an array of objects) and hands each case to
/// `each` with its 1-based position.
pub fn read_document(
    policy: &Policy,
    text: &str,
    mut each: impl FnMut(usize, Result<Case, CaseError>) -> io::Result<()>,
) -> io::Result<()> {
    if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => {
                for (i, raw) in items.iter().enumerate() {
                    each(i + 1, case_from_json(policy, raw.get()))?;
                }
                Ok(())
            }
            Err(e) => each(1, Err(json_error(e))),
        }
    } else {
        each(1, case_from_json(policy, text))
    }
}

/// Reads a `--given` list: `a,not b,actor=state,severity=4`.
pub fn case_from_given(policy: &Policy, given: &str) -> Result<Case, CaseError> {
    let mut b = policy.case();
    for part in given.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, lit) = if let Some(rest) = part.strip_prefix("not ") {
            (rest.trim(), Literal::Bool(false))
        } else if let Some((name, value)) = part.split_once('=') {
            let value = value.trim();
            let lit = match value {
                "true" => Literal::Bool(true),
                "false" => Literal::Bool(false),
                v => match v.parse::<i64>() {
                    Ok(n) => Literal::Int(n),
                    Err(_) if v.starts_with('-') || v.chars().all(|c| c.is_ascii_digit()) => {
                        let name = name.trim();
                        return Err(match policy.fact_id(name).map(|f| &policy.fact(f).ty) {
                            Some(FactType::Int { lo, hi }) => CaseError::OutOfRange {
                                name: name.into(),
                                lo: *lo,
                                hi: *hi,
                                got: v.into(),
                            },
                            _ => CaseError::Malformed(format!("`{v}` is not a value")),
                        });
                    }
                    Err(_) => Literal::Variant(v.to_string()),
                },
            };
            (name.trim(), lit)
        } else {
            (part, Literal::Bool(true))
        };
        b.assign(name, lit)?;
    }
    b.build()
}
