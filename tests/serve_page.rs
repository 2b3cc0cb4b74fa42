//! The web page of `deontic serve` in a real browser: headless Chromium (the system's
//! package) driven by playwright-core (`.ci/clients/serve-page.mjs`) chooses the doctrine,
//! answers the counterattack questions by keyboard and mouse, and checks the verdict, its
//! trail with the quoted source, the jump to the source, a changed answer, the Dutch of the
//! page and the phone width; it fails on any console error or failed request.

mod http_client;

use http_client::{Server, policies};
use std::path::Path;
use std::process::Command;

#[test]
fn the_page_answers_the_doctrine_questions_in_chromium() {
    let clients = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/clients");
    assert!(
        clients.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run .ci/setup"
    );
    let server = Server::start(&[&policies()]);
    let shots = tempfile::tempdir().unwrap();
    let (wide, phone) = (
        shots.path().join("page.png"),
        shots.path().join("phone.png"),
    );
    let out = Command::new("node")
        .current_dir(&clients)
        .arg("serve-page.mjs")
        .arg(format!("http://{}/", server.addr))
        .arg(&wide)
        .arg(&phone)
        .output()
        .expect("node runs (run .ci/setup)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(report.contains("PASS"), "{report}");
    assert!(report.contains("toegestaan"), "{report}");
    for shot in [&wide, &phone] {
        let png = std::fs::read(shot).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{}", shot.display());
    }
    let width = |png: &[u8]| u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert_eq!(width(&std::fs::read(&wide).unwrap()), 1200);
    assert_eq!(width(&std::fs::read(&phone).unwrap()), 375);
    // Every request the page made is in the log, and none failed.
    let log = server.log_lines();
    assert!(
        log.iter()
            .any(|l| l.contains("path=/v1/policies/nl-cyber-response/ask"))
    );
    assert!(
        !log.iter()
            .any(|l| l.contains("status=4") || l.contains("status=5")),
        "{}",
        log.join("\n")
    );
}
