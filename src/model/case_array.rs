//! A JSON array of cases read as JSON Lines, element by element as the bytes come, so that
//! an array of a million cases streams through the same engine as JSON Lines and never sits
//! in memory whole.
//!
//! [`ArrayLines`] turns `[{...}, {...}]` into `{...}\n{...}\n`: one line per element, line
//! breaks inside an element turned into spaces. What cannot be a case of the array (a
//! missing `]`, text after it, an element with a raw line break in a string, an empty
//! element) becomes a line that [`case_from_line`] reports as that case's error.

use super::case::{Case, CaseError, PartialCase};
use super::case_input::{case_from_json, partial_case_from_json};
use super::policy::Policy;
use std::io::{self, Read};

/// The first byte of a line that stands for an error, not a case: it cannot begin JSON.
const ERROR: u8 = 0x01;

/// Reads one line of [`ArrayLines`] (or of JSON Lines) as a case.
pub fn case_from_line(policy: &Policy, line: &str) -> Result<Case, CaseError> {
    match line.strip_prefix(ERROR as char) {
        Some(message) => Err(CaseError::Malformed(message.to_string())),
        None => case_from_json(policy, line),
    }
}

/// Reads one line of [`ArrayLines`] (or of JSON Lines) as a partial case.
pub fn partial_case_from_line(policy: &Policy, line: &str) -> Result<PartialCase, CaseError> {
    match line.strip_prefix(ERROR as char) {
        Some(message) => Err(CaseError::Malformed(message.to_string())),
        None => partial_case_from_json(policy, line),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// After `[` or a `,`: an element or `]` comes next.
    Between,
    /// Inside an element.
    Element,
    /// After an element: `,` or `]` comes next.
    After,
    /// After the `]`.
    Done,
}

/// The bytes that need a look inside an element, outside and inside strings.
const SPECIAL_OUTSIDE: [bool; 256] = table(b"\"{}[],\n\r \t");
const SPECIAL_IN_STRING: [bool; 256] = table(b"\"\\\n\r");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// A JSON array of cases as JSON Lines; see the module.
pub struct ArrayLines<R> {
    inner: R,
    state: State,
    /// Brackets and braces open in the element; in a string; after a backslash in one.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Elements read so far.
    elements: usize,
    /// The element being read, and why it cannot be a case.
    element: Vec<u8>,
    broken: Option<&'static str>,
    /// Lines ready to be read, from `out[at..]`.
    out: Vec<u8>,
    at: usize,
    input: Vec<u8>,
    eof: bool,
}

impl<R: Read> ArrayLines<R> {
    /// Reads the array from `inner`, which starts with the array (white space before `[`
    /// is fine).
    pub fn new(inner: R) -> Self {
        ArrayLines {
            inner,
            state: State::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            elements: 0,
            element: Vec::new(),
            broken: None,
            out: Vec::new(),
            at: 0,
            input: vec![0; 64 << 10],
            eof: false,
        }
    }

    fn error_line(&mut self, message: &str) {
        self.out.push(ERROR);
        self.out.extend_from_slice(message.as_bytes());
        self.out.push(b'\n');
    }

    fn end_element(&mut self) {
        self.elements += 1;
        match self.broken.take() {
            Some(why) => self.error_line(why),
            None => {
                self.out.append(&mut self.element);
                self.out.push(b'\n');
            }
        }
        self.element.clear();
        self.state = State::After;
    }

    fn byte(&mut self, b: u8) {
        let blank = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::Start => match b {
                b'[' => self.state = State::Between,
                _ if blank => {}
                _ => {
                    self.error_line("not a JSON array of cases");
                    self.state = State::Done;
                }
            },
            State::Between | State::After if blank => {}
            State::Between | State::After if b == b']' => {
                if self.state == State::Between && self.elements > 0 {
                    // `[..., ]`: nothing after the last comma.
                    self.error_line("invalid JSON: a `,` with no case after it");
                }
                self.state = State::Done;
            }
            State::Between if b == b',' => {
                self.elements += 1;
                self.error_line("invalid JSON: a `,` with no case before it");
            }
            State::After if b == b',' => self.state = State::Between,
            State::After => {
                self.error_line("invalid JSON: expected `,` or `]` after a case");
                self.state = State::Done;
            }
            State::Between => {
                self.state = State::Element;
                self.depth = 0;
                self.in_string = false;
                self.escaped = false;
                self.element_byte(b);
            }
            State::Element => self.element_byte(b),
            State::Done => {
                if !blank {
                    self.error_line("invalid JSON: text after the end of the array");
                    // Once: the rest is ignored.
                    self.state = State::Done;
                    self.eof = true;
                }
            }
        }
    }

    fn element_byte(&mut self, b: u8) {
        if self.in_string {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                b'\n' | b'\r' => {
                    self.broken
                        .get_or_insert("invalid JSON: a line break inside a string");
                }
                _ => {}
            }
            self.element.push(b);
            return;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.depth > 0 => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.element.push(b);
                    self.end_element();
                    return;
                }
            }
            b',' | b']' if self.depth == 0 => {
                // A bare value (not an object) ends here.
                self.end_element();
                self.byte(b);
                return;
            }
            b'\n' | b'\r' => {
                self.element.push(b' ');
                return;
            }
            b' ' | b'\t' if self.depth == 0 => {
                self.end_element();
                return;
            }
            _ => {}
        }
        self.element.push(b);
    }

    /// Feeds bytes through the state machine, copying the runs of ordinary bytes inside an
    /// element at once.
    fn process(&mut self, input: &[u8]) {
        let mut i = 0;
        while i < input.len() && !self.eof {
            if self.state == State::Element && !self.escaped {
                let special = if self.in_string {
                    &SPECIAL_IN_STRING
                } else {
                    &SPECIAL_OUTSIDE
                };
                let start = i;
                while i < input.len() && !special[input[i] as usize] {
                    i += 1;
                }
                if i > start {
                    self.element.extend_from_slice(&input[start..i]);
                    continue;
                }
            }
            self.byte(input[i]);
            i += 1;
        }
    }

    fn finish(&mut self) {
        match self.state {
            State::Element => {
                // The element's own text says what is missing.
                let why = self.broken.take();
                match why {
                    Some(why) => self.error_line(why),
                    None => {
                        self.out.append(&mut self.element);
                        self.out.push(b'\n');
                    }
                }
                self.error_line("invalid JSON: the array of cases is not closed with `]`");
            }
            State::Between | State::After => {
                self.error_line("invalid JSON: the array of cases is not closed with `]`")
            }
            State::Start => self.error_line("not a JSON array of cases"),
            State::Done => {}
        }
        self.state = State::Done;
    }
}

impl<R: Read> Read for ArrayLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            self.out.clear();
            self.at = 0;
            if self.eof {
                return Ok(0);
            }
            let n = match self.inner.read(&mut self.input) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.finish();
                self.eof = true;
                continue;
            }
            let input = std::mem::take(&mut self.input);
            self.process(&input[..n]);
            self.input = input;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::ArrayLines;
    use std::io::Read;

    fn lines(text: &str) -> Vec<String> {
        let mut out = String::new();
        ArrayLines::new(text.as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        out.lines().map(|l| l.replace('\u{1}', "ERROR: ")).collect()
    }

    #[test]
    fn each_element_becomes_one_line() {
        assert_eq!(
            lines(" [ {\"a\": true,\n \"b\": \"x]}\"}, {}\n,{\"c\":[1,{}]} ]\n"),
            ["{\"a\": true,  \"b\": \"x]}\"}", "{}", "{\"c\":[1,{}]}"]
        );
        assert!(lines("[]").is_empty());
        assert_eq!(lines("[1, \"s\", true]"), ["1", "\"s\"", "true"]);
    }

    #[test]
    fn what_is_not_a_case_of_the_array_is_an_error_line_in_its_place() {
        assert_eq!(
            lines("[{\"a\":1},,{}]"),
            [
                "{\"a\":1}",
                "ERROR: invalid JSON: a `,` with no case before it",
                "{}"
            ]
        );
        assert_eq!(
            lines("[{\"a\":\"x\ny\"}, {}]"),
            ["ERROR: invalid JSON: a line break inside a string", "{}"]
        );
        assert_eq!(
            lines("[{}, {\"a\":tr"),
            [
                "{}",
                "{\"a\":tr",
                "ERROR: invalid JSON: the array of cases is not closed with `]`"
            ]
        );
        assert_eq!(
            lines("[{}] x"),
            ["{}", "ERROR: invalid JSON: text after the end of the array"]
        );
        assert_eq!(
            lines("[{},]"),
            ["{}", "ERROR: invalid JSON: a `,` with no case after it"]
        );
    }
}
