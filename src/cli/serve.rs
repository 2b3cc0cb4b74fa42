//! `deontic serve`: the policies as an HTTP decision service and a web page.

use super::LogFormat;
use super::common::Status;
use std::path::PathBuf;

/// Serves until SIGTERM or Ctrl-C: exit 0 after the requests in flight are answered, 2 when
/// it cannot start.
pub(super) fn serve(paths: &[PathBuf], listen: &str, log_format: LogFormat) -> Status {
    let options = crate::serve::Options {
        paths: paths.to_vec(),
        listen: listen.to_string(),
        json_logs: log_format == LogFormat::Json,
    };
    match crate::serve::run(&options) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::CouldNotRun
        }
    }
}
