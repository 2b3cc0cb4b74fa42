//! Cases from outside the policy file: JSON (one flat object per case, fact name to
//! `true`/`false`, a variant name, or an integer; a document of one object or an array of
//! them, or JSON Lines) and the `--given` list of the command line.

use super::case::{Case, CaseBuilder, CaseError, PartialCase};
use super::case_array::{ArrayLines, case_from_line};
use super::policy::Policy;
use super::types::FactType;
use crate::diagnostic::Literal;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::io::{self, BufRead, Read};

/// A JSON object's entries in order, duplicates kept so they can be reported, each value as
/// written.
struct Entries<'j>(Vec<(String, &'j RawValue)>);

impl<'de: 'j, 'j> Deserialize<'de> for Entries<'j> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'j>(std::marker::PhantomData<&'j ()>);
        impl<'de: 'j, 'j> Visitor<'de> for V<'j> {
            type Value = Entries<'j>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object mapping fact names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'j>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Reads one case from a JSON object's text.
pub fn case_from_json(policy: &Policy, json: &str) -> Result<Case, CaseError> {
    if let Some(case) = super::case_flat::read_case(policy, json) {
        return Ok(case);
    }
    builder_from_json(policy, json)?.build()
}

/// Reads one partial case from a JSON object's text: the facts it leaves out are unknown.
pub fn partial_case_from_json(policy: &Policy, json: &str) -> Result<PartialCase, CaseError> {
    builder_from_json(policy, json)?.build_partial()
}

/// The facts of a JSON object, assigned.
fn builder_from_json<'p>(policy: &'p Policy, json: &str) -> Result<CaseBuilder<'p>, CaseError> {
    let entries: Entries = serde_json::from_str(json).map_err(json_error)?;
    let mut b = policy.case();
    for (name, value) in entries.0 {
        let lit = literal(policy, &name, value.get())?;
        b.assign(&name, lit)?;
    }
    Ok(b)
}

fn json_error(e: serde_json::Error) -> CaseError {
    let msg = e.to_string();
    let msg = match e.classify() {
        serde_json::error::Category::Data => format!("not a case: {msg}"),
        _ => format!("invalid JSON: {msg}"),
    };
    CaseError::Malformed(msg)
}

/// A JSON value, as written, as the value of fact `name`. A value of the wrong type for a
/// declared fact is reported here, as written (`"3"` is a string, not the number 3).
fn literal(policy: &Policy, name: &str, raw: &str) -> Result<Literal, CaseError> {
    let raw = raw.trim();
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
    let shown = |what: &str| format!("{what} `{raw}`");
    match raw.as_bytes().first() {
        Some(b't') if raw == "true" => Ok(Literal::Bool(true)),
        Some(b'f') if raw == "false" => Ok(Literal::Bool(false)),
        Some(b'n') => Err(wrong("`null`".into())),
        Some(b'[') => Err(wrong("an array".into())),
        Some(b'{') => Err(wrong("an object".into())),
        Some(b'"') => {
            let s: String = serde_json::from_str(raw).map_err(json_error)?;
            match ty {
                Some(FactType::Enum(_)) | None => Ok(Literal::Variant(s)),
                Some(_) => Err(wrong(shown("the string"))),
            }
        }
        _ => {
            let integer = raw.strip_prefix('-').unwrap_or(raw);
            if integer.is_empty() || !integer.bytes().all(|b| b.is_ascii_digit()) {
                return Err(match ty {
                    Some(FactType::Int { .. }) => wrong(shown("the non-integer number")),
                    _ => wrong(shown("the number")),
                });
            }
            match (raw.parse::<i64>(), ty) {
                (Ok(n), Some(FactType::Int { .. }) | None) => Ok(Literal::Int(n)),
                (Err(_), Some(FactType::Int { lo, hi })) => Err(CaseError::OutOfRange {
                    name: name.into(),
                    lo: *lo,
                    hi: *hi,
                    got: format!("{raw}, which does not fit in 64 bits"),
                }),
                (Err(_), None) => Err(CaseError::Malformed(format!(
                    "`{name}` is given `{raw}`, which does not fit in 64 bits"
                ))),
                (_, Some(_)) => Err(wrong(shown("the number"))),
            }
        }
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
    /// A JSON array of cases: the bytes in `first`, then the rest of `rest`; read it with
    /// [`ArrayLines`](super::ArrayLines), element by element.
    Array {
        /// The bytes already read, from the `[` on.
        first: Vec<u8>,
        /// The rest of the input.
        rest: R,
    },
    /// One JSON document that is not an array: a single case.
    Document(String),
}

/// Decides the layout of case input, reading as little as it needs: with [`CaseForm::Auto`],
/// the first non-blank line. A UTF-8 byte-order mark at the start is skipped.
pub fn layout<R: BufRead>(mut reader: R, form: CaseForm) -> io::Result<Layout<R>> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    match form {
        CaseForm::Lines => Ok(Layout::Lines {
            first: Vec::new(),
            rest: reader,
        }),
        CaseForm::Document => {
            // White space, then `[` for an array of cases or anything else for one case.
            loop {
                let buf = reader.fill_buf()?;
                let Some(&b) = buf.first() else { break };
                if b.is_ascii_whitespace() {
                    reader.consume(1);
                    continue;
                }
                if b == b'[' {
                    return Ok(Layout::Array {
                        first: Vec::new(),
                        rest: reader,
                    });
                }
                break;
            }
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
            if first.starts_with('[') {
                return Ok(Layout::Array {
                    first: line.into_bytes(),
                    rest: reader,
                });
            }
            // A whole object on the first line means JSON Lines, even when that object is
            // malformed: its error is then reported for case #1 and the other lines still run.
            let one_line_object = first.len() > 1 && first.starts_with('{') && first.ends_with('}');
            if one_line_object || serde_json::from_str::<&RawValue>(first).is_ok() {
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
    each: impl FnMut(usize, Result<Case, CaseError>) -> io::Result<()>,
) -> io::Result<()> {
    match layout(reader, form)? {
        Layout::Document(text) => read_document(policy, &text, each),
        Layout::Lines { first, rest } => {
            read_lines(policy, io::Cursor::new(first).chain(rest), each)
        }
        Layout::Array { first, rest } => {
            let lines = ArrayLines::new(io::Cursor::new(first).chain(rest));
            read_lines(policy, io::BufReader::new(lines), each)
        }
    }
}

/// Hands each non-blank line to `each` as a case, numbered from 1.
fn read_lines(
    policy: &Policy,
    mut reader: impl BufRead,
    mut each: impl FnMut(usize, Result<Case, CaseError>) -> io::Result<()>,
) -> io::Result<()> {
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
        each(n, case_from_line(policy, text))?;
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
    builder_from_given(policy, given)?.build()
}

/// Reads a `--given` list as a partial case: the facts it leaves out are unknown.
pub fn partial_case_from_given(policy: &Policy, given: &str) -> Result<PartialCase, CaseError> {
    builder_from_given(policy, given)?.build_partial()
}

/// The facts of a `--given` list, assigned.
fn builder_from_given<'p>(policy: &'p Policy, given: &str) -> Result<CaseBuilder<'p>, CaseError> {
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
    Ok(b)
}
