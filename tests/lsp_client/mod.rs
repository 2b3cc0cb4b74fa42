//! A small client of the Language Server Protocol for the tests: it runs the real
//! `deontic lsp` binary and speaks to it over its standard input and output, with
//! `Content-Length` framing, keeping the notifications the server sends.

#![allow(dead_code)] // each test file uses part of it

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long any one answer may take before a test fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Every notification the server sent, in order.
    pub notifications: Vec<Value>,
}

/// A document address for a test file name.
pub fn uri(name: &str) -> String {
    format!("file:///work/{name}")
}

impl Client {
    /// Starts the server, without initializing it.
    pub fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_deontic"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the deontic binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    /// Starts the server and initializes it with no client capabilities (positions in
    /// UTF-16, as the protocol's default).
    pub fn initialized() -> Client {
        let mut c = Client::start();
        let result = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert!(result.get("result").is_some(), "{result}");
        c.notify("initialized", json!({}));
        c
    }

    /// Writes raw bytes to the server.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Writes one framed message.
    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(&json!(id))
    }

    /// Sends a request and returns its result, failing on an error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("result") {
            Some(r) => r.clone(),
            None => panic!("`{method}` failed: {response}"),
        }
    }

    /// Waits for the response with this id, keeping the notifications that come first.
    pub fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self
                .next_message(deadline)
                .expect("a response before the timeout");
            if m.get("method").is_some() {
                self.notifications.push(m);
            } else if m.get("id") == Some(id) {
                return m;
            }
        }
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Waits for a notification that satisfies `pred` (looking at those kept first), and
    /// removes it and every one before it from the kept list.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notifications.iter().position(&pred) {
            return self.notifications.drain(..=i).next_back().unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next_message(deadline).unwrap_or_else(|| {
                panic!("timed out waiting for {what}; got {:?}", self.notifications)
            });
            if pred(&m) {
                self.notifications.clear();
                return m;
            }
            self.notifications.push(m);
        }
    }

    /// The notifications that come within `wait`, kept.
    pub fn collect_for(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while let Some(m) = self.next_message(deadline) {
            self.notifications.push(m);
        }
    }

    /// Waits for diagnostics of a document's version; returns the publication's params.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let what = format!("diagnostics of {uri} version {version}");
        let m = self.wait_for(&what, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"].clone()
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "policy", "version": version, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Sends `shutdown` and `exit` and returns the server's exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Closes the server's input and waits for it to end.
    pub fn wait(&mut self) -> Option<i32> {
        self.stdin.take();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A position as the protocol writes it.
pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// A range as the protocol writes it.
pub fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": pos(l1, c1), "end": pos(l2, c2)})
}

/// The 0-based line and UTF-16 character of the first occurrence of `needle` in `text`,
/// `skip` characters into it.
pub fn find(text: &str, needle: &str, skip: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..at].encode_utf16().count() + skip;
    pos(line, character as u32)
}

/// `textDocument` + `position` parameters.
pub fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}
