//! `deontic lsp` keeps to the protocol whatever it is sent: errors with the protocol's codes
//! for requests before `initialize` or after `shutdown`, unknown methods, invalid
//! parameters, positions out of range, malformed frames and JSON, and the exit codes of
//! `exit`; positions in UTF-8 when the client offers them, and CRLF line ends.

mod lsp_client;

use lsp_client::{Client, at, pos, range, uri};
use serde_json::{Value, json};

const POLICY: &str = "fact attack\naction respond\nrule r: if attack then may respond\n";

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("an error: {response}"))
}

#[test]
fn requests_before_initialize_and_after_shutdown_are_refused() {
    let mut c = Client::start();
    let early = c.request("textDocument/hover", at(&uri("x.policy"), pos(0, 0)));
    assert_eq!(error_code(&early), -32002);
    assert_eq!(
        early["error"]["message"],
        "`textDocument/hover` before `initialize`"
    );
    // Notifications before `initialize` are dropped, not answered.
    c.open(&uri("x.policy"), 1, POLICY);
    let init = c.call("initialize", json!({"capabilities": {}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "deontic");
    let again = c.request("initialize", json!({"capabilities": {}}));
    assert_eq!(error_code(&again), -32600);
    let not_open = c.request("textDocument/hover", at(&uri("x.policy"), pos(0, 0)));
    assert_eq!(error_code(&not_open), -32602);
    assert_eq!(
        not_open["error"]["message"],
        "the document `file:///work/x.policy` is not open"
    );
    assert_eq!(c.call("shutdown", Value::Null), Value::Null);
    let late = c.request("textDocument/hover", at(&uri("x.policy"), pos(0, 0)));
    assert_eq!(error_code(&late), -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(0));
}

#[test]
fn exit_without_shutdown_or_a_closed_input_is_exit_code_1() {
    let mut c = Client::initialized();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait(), Some(1));
    let mut c = Client::initialized();
    assert_eq!(c.wait(), Some(1));
}

#[test]
fn unknown_methods_invalid_params_and_positions_out_of_range() {
    let mut c = Client::initialized();
    let u = uri("p.policy");
    c.open(&u, 1, POLICY);
    c.diagnostics(&u, 1);
    let unknown = c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(error_code(&unknown), -32601);
    assert_eq!(
        unknown["error"]["message"],
        "unknown method `textDocument/semanticTokens/full`"
    );
    let bad = c.request("textDocument/hover", json!({"textDocument": {"uri": u}}));
    assert_eq!(error_code(&bad), -32602);
    let bad = c.request("textDocument/hover", json!("nonsense"));
    assert_eq!(error_code(&bad), -32602);
    let bad = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "not a uri"}, "position": pos(0, 0)}),
    );
    assert_eq!(error_code(&bad), -32602);
    let far = c.request("textDocument/hover", at(&u, pos(99, 0)));
    assert_eq!(error_code(&far), -32602);
    assert_eq!(
        far["error"]["message"],
        "the position 99:0 is past the end of the document, which has 4 lines"
    );
    let far = c.request("textDocument/definition", at(&u, pos(u32::MAX, u32::MAX)));
    assert_eq!(error_code(&far), -32602);
    let far = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range(0, 0, 70, 0), "context": {"diagnostics": []}}),
    );
    assert_eq!(error_code(&far), -32602);
    // A character past the end of a line is the end of the line (as the protocol says).
    let hover = c.call("textDocument/hover", at(&u, pos(0, 999)));
    assert_eq!(hover["range"], range(0, 5, 0, 11));
    let command = c.request(
        "workspace/executeCommand",
        json!({"command": "deontic.runCase", "arguments": []}),
    );
    assert_eq!(error_code(&command), -32602);
    let command = c.request(
        "workspace/executeCommand",
        json!({"command": "format.disk", "arguments": [u, "x"]}),
    );
    assert_eq!(error_code(&command), -32602);
    // Notifications with wrong parameters are logged and ignored.
    c.notify("textDocument/didChange", json!({"textDocument": 3}));
    let log = c.wait_for("a log message", |n| n["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .starts_with("`textDocument/didChange` ignored")
    );
    // A change to a document that is not open, an unknown notification: nothing happens.
    c.change(&uri("other.policy"), 2, "fact x");
    c.notify("$/unknownNotification", json!({}));
    let still = c.call("textDocument/hover", at(&u, pos(0, 7)));
    assert!(
        still["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**fact** `attack`")
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn malformed_frames_and_json_get_errors_and_the_server_goes_on() {
    let mut c = Client::initialized();
    let u = uri("m.policy");
    c.open(&u, 1, POLICY);
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse = c.response(&Value::Null);
    assert_eq!(error_code(&parse), -32700);
    c.send_raw(b"Content-Length: 5\r\n\r\n[1,2]");
    assert_eq!(error_code(&c.response(&Value::Null)), -32600);
    // A request id that is neither an integer nor a string is answered, not taken for a
    // notification.
    c.send(&json!({"jsonrpc": "2.0", "id": 1.5, "method": "textDocument/hover", "params": {}}));
    assert_eq!(error_code(&c.response(&json!(1.5))), -32600);
    c.send(&json!({"jsonrpc": "2.0", "id": 7, "method": 12}));
    assert_eq!(error_code(&c.response(&json!(7))), -32600);
    // Headers without a length, with a length that is not a number, then garbage: each is
    // a parse error, and the next good frame is read.
    c.send_raw(b"Content-Type: text\r\n\r\n");
    assert_eq!(error_code(&c.response(&Value::Null)), -32700);
    c.send_raw(b"Content-Length: many\r\n\r\n");
    assert_eq!(error_code(&c.response(&Value::Null)), -32700);
    c.send_raw(b"garbage without a line end ");
    let hover = c.call("textDocument/hover", at(&u, pos(0, 7)));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**fact** `attack`")
    );
    // A body that is not UTF-8.
    c.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc");
    assert_eq!(error_code(&c.response(&Value::Null)), -32700);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn utf8_positions_when_offered_and_crlf_lines() {
    let mut c = Client::start();
    let init = c.call(
        "initialize",
        json!({"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let u = uri("utf8.policy");
    // `é` is two bytes and one UTF-16 unit: `attack` on the first line starts at byte 18,
    // character 17.
    let text = "case \"é\" { given attack }\r\nfact attack\r\naction respond\r\nrule r: if attack then may respond\r\n";
    c.open(&u, 1, text);
    let hover = c.call("textDocument/hover", at(&u, pos(0, 19)));
    assert_eq!(hover["range"], range(0, 18, 0, 24));
    let def = c.call("textDocument/definition", at(&u, pos(0, 19)));
    assert_eq!(def["range"], range(1, 5, 1, 11));
    drop(c);

    let mut c = Client::initialized();
    c.open(&u, 1, text);
    let refs = c.call(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(3, 12), "context": {"includeDeclaration": true}}),
    );
    let ranges: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"])
        .collect();
    assert_eq!(
        ranges,
        [
            &range(1, 5, 1, 11),
            &range(0, 17, 0, 23),
            &range(3, 11, 3, 17)
        ]
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_ranged_change_is_applied_too() {
    let mut c = Client::initialized();
    let u = uri("ranged.policy");
    c.open(&u, 1, POLICY);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": range(0, 5, 0, 11), "text": "threat"}]}),
    );
    let published = c.diagnostics(&u, 2);
    assert_eq!(
        published["diagnostics"][0]["message"],
        "unknown fact `attack`\ndeclare it, for example `fact attack`"
    );
}
