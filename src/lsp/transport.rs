//! The protocol's framing over a byte stream: `Content-Length` headers, then a JSON-RPC
//! message. One thread reads frames and another writes them, so that the server's loop only
//! ever sees whole messages, in the order they came, and a malformed frame becomes an error
//! answer instead of the end of the connection.

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{ErrorCode, Message, Request};
use serde_json::{Value, json};
use std::io::{self, BufRead, Read, Write};

/// The largest message read: a policy is at most 16 MiB, which JSON escapes can make a few
/// times longer. A longer frame is skipped and answered with an error.
pub const MAX_FRAME_BYTES: usize = 128 * 1024 * 1024;

/// What the reader passes on.
#[derive(Debug)]
pub enum Incoming {
    /// A message of the protocol.
    Message(Message),
    /// A frame that is not one: it is answered with this error (JSON-RPC's id `null` when
    /// the frame's id could not be read).
    Invalid {
        /// The frame's id, or `null`.
        id: Value,
        /// The JSON-RPC error code.
        code: i32,
        /// Why.
        message: String,
    },
}

/// What the writer writes.
#[derive(Debug)]
pub enum Outgoing {
    /// A message of the protocol.
    Message(Message),
    /// An error answer to a frame that was not a message: its id may be `null`, which a
    /// [`Message`] cannot hold.
    Error {
        /// The frame's id, or `null`.
        id: Value,
        /// The JSON-RPC error code.
        code: i32,
        /// Why.
        message: String,
    },
}

/// Reads frames from `input` on a thread of its own until the input ends or an `exit`
/// notification has been passed on.
pub fn spawn_reader(input: impl BufRead + Send + 'static) -> io::Result<Receiver<Incoming>> {
    let (tx, rx) = unbounded();
    std::thread::Builder::new()
        .name("deontic-lsp-reader".into())
        .spawn(move || read_all(input, &tx))?;
    Ok(rx)
}

/// Writes what `rx` receives to `output`, each message flushed, until every sender is
/// gone.
pub fn write_all(rx: Receiver<Outgoing>, output: &mut impl Write) -> io::Result<()> {
    for out in rx {
        let text = match out {
            Outgoing::Message(m) => serde_json::to_value(&m).map(|mut v| {
                if let Some(o) = v.as_object_mut() {
                    o.insert("jsonrpc".into(), json!("2.0"));
                }
                v.to_string()
            }),
            Outgoing::Error { id, code, message } => Ok(json!({
                "jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}
            })
            .to_string()),
        };
        let text = text.map_err(io::Error::other)?;
        write!(output, "Content-Length: {}\r\n\r\n", text.len())?;
        output.write_all(text.as_bytes())?;
        output.flush()?;
    }
    Ok(())
}

fn read_all(mut input: impl BufRead, tx: &Sender<Incoming>) {
    loop {
        let incoming = match read_frame(&mut input) {
            Ok(Some(Ok(body))) => decode(&body),
            Ok(Some(Err(message))) => Incoming::Invalid {
                id: Value::Null,
                code: ErrorCode::ParseError as i32,
                message,
            },
            Ok(None) | Err(_) => return,
        };
        let exit =
            matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
        if tx.send(incoming).is_err() || exit {
            return;
        }
    }
}

/// One frame's body; `Ok(None)` at the end of the input, `Ok(Some(Err(why)))` for a frame
/// whose headers are wrong (its body, if any, is skipped). A header line is searched for
/// `Content-Length:` anywhere in it, so that reading finds its feet again after garbage.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut headers = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 0 {
                continue;
            }
            break;
        }
        headers += 1;
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.find("content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(value.parse::<usize>().map_err(|_| {
                format!("malformed header: `Content-Length` is `{value}`, not a number")
            }));
        }
    }
    let length = match length {
        None => return Ok(Some(Err("malformed header: no `Content-Length`".into()))),
        Some(Err(e)) => return Ok(Some(Err(e))),
        Some(Ok(n)) => n,
    };
    if length > MAX_FRAME_BYTES {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Err(format!(
            "message too large: {length} bytes, and the limit is {MAX_FRAME_BYTES}"
        ))));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Some(Ok(body))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// A frame's body as a message, or the error that answers it.
fn decode(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Invalid {
                id: Value::Null,
                code: ErrorCode::ParseError as i32,
                message: format!("malformed JSON: {e}"),
            };
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let invalid = |message: String| Incoming::Invalid {
        id: id.clone(),
        code: ErrorCode::InvalidRequest as i32,
        message,
    };
    if !value.is_object() {
        return invalid("a message is a JSON object".into());
    }
    // A request must keep its id: without this, one whose id is not an integer of 32 bits
    // or a string would be read as a notification and never answered.
    if value.get("method").is_some() && !id.is_null() {
        return match serde_json::from_value::<Request>(value) {
            Ok(r) => Incoming::Message(Message::Request(r)),
            Err(e) => invalid(format!("invalid request: {e}")),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(_) => invalid("not a request, a response or a notification".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Incoming, decode, read_frame};
    use lsp_server::Message;
    use std::io::Cursor;

    #[test]
    fn frames_are_read_and_garbage_is_skipped() {
        let input = "Content-Length: 2\r\n\r\n{}garbage Content-Length: 3\r\n\r\nabcContent-Type: x\r\n\r\n";
        let mut input = Cursor::new(input.as_bytes());
        assert_eq!(read_frame(&mut input).unwrap(), Some(Ok(b"{}".to_vec())));
        assert_eq!(read_frame(&mut input).unwrap(), Some(Ok(b"abc".to_vec())));
        assert!(matches!(read_frame(&mut input).unwrap(), Some(Err(_))));
        assert_eq!(read_frame(&mut input).unwrap(), None);
        let mut bad = Cursor::new(b"Content-Length: lots\r\n\r\n".to_vec());
        assert!(matches!(read_frame(&mut bad).unwrap(), Some(Err(_))));
    }

    #[test]
    fn bodies_that_are_not_messages_are_errors_with_their_id() {
        let code = |body: &str| match decode(body.as_bytes()) {
            Incoming::Invalid { id, code, .. } => Some((id.to_string(), code)),
            Incoming::Message(_) => None,
        };
        assert_eq!(code("{not json"), Some(("null".into(), -32700)));
        assert_eq!(code("[1]"), Some(("null".into(), -32600)));
        assert_eq!(
            code(r#"{"id": 1.5, "method": "x"}"#),
            Some(("1.5".into(), -32600))
        );
        assert_eq!(
            code(r#"{"id": 7, "method": 3}"#),
            Some(("7".into(), -32600))
        );
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            Incoming::Message(Message::Request(_))
        ));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","method":"exit"}"#),
            Incoming::Message(Message::Notification(_))
        ));
    }
}
