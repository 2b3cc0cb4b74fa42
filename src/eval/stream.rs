//! Case streams on every core: the input is cut into chunks of whole lines, each chunk is
//! handled by one worker into its own output buffer, and the buffers are written in input
//! order. At most a few chunks are in flight, so memory stays bounded whatever the input's
//! length. [`for_each_line`] is the engine, generic over what a worker does with a line;
//! [`eval_lines`] evaluates JSON Lines with it, generic over how a result is written.

use super::{Evaluator, FastReader};
use crate::model::{CaseError, Policy, case_from_line};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

/// Input bytes per chunk (a chunk is cut at the last line break in it).
const CHUNK: usize = 1 << 20;

struct Job {
    seq: u64,
    /// The number of the chunk's first case.
    first: usize,
    /// The chunk is `data[..len]`.
    data: Vec<u8>,
    len: usize,
}

struct Done {
    seq: u64,
    out: Vec<u8>,
    /// Where in `out` the first invalid line's output starts.
    first_invalid: Option<usize>,
    /// A line that is not UTF-8: `out` holds the cases before it, and the run stops there.
    not_utf8: bool,
    /// The input buffer, handed back for the next chunk.
    data: Vec<u8>,
}

/// What a worker does with each line of input: one per thread, kept from chunk to chunk.
pub trait LineWorker {
    /// Handles the `n`th case (1-based), whose text is `text` (trimmed, never blank),
    /// appending its output to `out`; returns `false` when the case is invalid.
    fn line(&mut self, n: usize, text: &str, out: &mut Vec<u8>) -> bool;
}

/// What a stream found, and why it ended early if it did.
#[derive(Debug)]
pub struct Streamed {
    /// Some line whose output was written was invalid.
    pub invalid: bool,
    /// Reading or writing failed (a closed pipe is `BrokenPipe`; a line that is not UTF-8,
    /// `InvalidData`); the outputs of the lines before were written.
    pub error: Option<io::Error>,
}

/// Hands every non-blank line of `first` and then of `rest` to a worker made by
/// `new_worker` (one per thread), and writes their outputs to `out` in input order. A line
/// that is not UTF-8 ends the run with an `InvalidData` error after the output of the lines
/// before it.
pub fn for_each_line<W: LineWorker>(
    first: Vec<u8>,
    rest: &mut dyn Read,
    new_worker: &(dyn Fn() -> W + Sync),
    out: &mut dyn Write,
) -> Streamed {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(16));
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(threads * 4);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (job_rx, stop) = (&job_rx, &stop);
            s.spawn(move || {
                let mut worker = new_worker();
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let done = if stop.load(Ordering::Relaxed) {
                        Done {
                            seq: job.seq,
                            out: Vec::new(),
                            first_invalid: None,
                            not_utf8: false,
                            data: job.data,
                        }
                    } else {
                        chunk(&mut worker, job)
                    };
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut invalid = false;
        let result = coordinate(first, rest, out, threads * 4, job_tx, done_rx, &mut invalid);
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        Streamed {
            invalid,
            error: result.err(),
        }
    })
}

/// Reads chunks, hands them out, and writes the results in order.
fn coordinate(
    first: Vec<u8>,
    rest: &mut dyn Read,
    out: &mut dyn Write,
    max_in_flight: usize,
    jobs: mpsc::SyncSender<Job>,
    done: mpsc::Receiver<Done>,
    invalid: &mut bool,
) -> io::Result<()> {
    let mut carry = first;
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let (mut seq, mut next_write, mut in_flight) = (0u64, 0u64, 0usize);
    let mut number = 1;
    let mut eof = false;
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut write_ready = |pending: &mut BTreeMap<u64, Done>,
                           next_write: &mut u64,
                           in_flight: &mut usize,
                           spare: &mut Vec<Vec<u8>>|
     -> io::Result<()> {
        while let Some(d) = pending.remove(next_write) {
            // An invalid case counts once its output has started to go out, even if the
            // reader closes the pipe right after.
            let split = d.first_invalid.unwrap_or(d.out.len());
            out.write_all(&d.out[..split])?;
            *invalid |= d.first_invalid.is_some();
            out.write_all(&d.out[split..])?;
            if d.not_utf8 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ));
            }
            *next_write += 1;
            *in_flight -= 1;
            spare.push(d.data);
        }
        Ok(())
    };
    loop {
        while !eof && in_flight < max_in_flight {
            let mut data = spare.pop().unwrap_or_default();
            let len;
            (len, eof) = read_chunk(rest, &mut carry, &mut data)?;
            if len == 0 {
                spare.push(data);
            } else {
                let cases = count_cases(&data[..len]);
                jobs.send(Job {
                    seq,
                    first: number,
                    data,
                    len,
                })
                .map_err(|_| io::Error::other("an evaluation worker stopped"))?;
                number += cases;
                seq += 1;
                in_flight += 1;
            }
            while let Ok(d) = done.try_recv() {
                pending.insert(d.seq, d);
            }
            write_ready(&mut pending, &mut next_write, &mut in_flight, &mut spare)?;
        }
        if in_flight == 0 {
            break;
        }
        let d = done
            .recv()
            .map_err(|_| io::Error::other("an evaluation worker stopped"))?;
        pending.insert(d.seq, d);
        write_ready(&mut pending, &mut next_write, &mut in_flight, &mut spare)?;
    }
    Ok(())
}

/// Fills `data` with `carry` and then whole lines read from `r`, as many as one read gives
/// (about [`CHUNK`] bytes from a file; what has come, from a pipe); what follows the last line break goes back to `carry`. Returns the length of the
/// chunk in `data`, and whether the input has ended (then the chunk takes everything, a last
/// line without a break included). `data` is kept at its full size from chunk to chunk, so
/// that it is zeroed once, not for every read.
fn read_chunk(
    r: &mut dyn Read,
    carry: &mut Vec<u8>,
    data: &mut Vec<u8>,
) -> io::Result<(usize, bool)> {
    let room = CHUNK.max(carry.len()) + (64 << 10);
    if data.len() < room {
        data.resize(room, 0);
    }
    let mut len = carry.len();
    data[..len].copy_from_slice(carry);
    carry.clear();
    let mut eof = false;
    // The carry holds no line break; read until one comes (a line longer than the buffer
    // grows it), or the input ends.
    loop {
        if data.len() - len < (16 << 10) {
            data.resize(len + (64 << 10), 0);
        }
        match r.read(&mut data[len..]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => {
                len += n;
                if memchr::memchr(b'\n', &data[len - n..len]).is_some() {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if !eof && let Some(end) = memchr::memrchr(b'\n', &data[..len]) {
        carry.extend_from_slice(&data[end + 1..len]);
        len = end + 1;
    }
    Ok((len, eof))
}

/// The cases in a chunk: its non-blank lines.
fn count_cases(data: &[u8]) -> usize {
    lines(data).filter(|l| !is_blank(l)).count()
}

/// The lines of a chunk, without their line breaks.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', data);
    let mut done = data.is_empty();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = ends.next().unwrap_or_else(|| {
            done = true;
            data.len()
        });
        let line = &data[start..end];
        start = end + 1;
        Some(line)
    })
}

/// Whether a line is blank as `str::trim` sees it (Unicode white space).
fn is_blank(line: &[u8]) -> bool {
    match line.first() {
        None => true,
        Some(&b) if b < 0x80 && !b.is_ascii_whitespace() && b != 0x0b => false,
        _ => String::from_utf8_lossy(line).trim().is_empty(),
    }
}

/// Runs one chunk's lines through a worker.
fn chunk<W: LineWorker>(worker: &mut W, job: Job) -> Done {
    let mut out = Vec::with_capacity(job.len * 3);
    let mut first_invalid = None;
    let mut not_utf8 = false;
    let mut n = job.first;
    for line in lines(&job.data[..job.len]) {
        let Ok(text) = std::str::from_utf8(line) else {
            not_utf8 = true;
            break;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let start = out.len();
        if !worker.line(n, text, &mut out) {
            first_invalid.get_or_insert(start);
        }
        n += 1;
    }
    Done {
        seq: job.seq,
        out,
        first_invalid,
        not_utf8,
        data: job.data,
    }
}

/// How [`eval_lines`] writes each case: its verdicts, or why it is invalid.
pub trait WriteCase: Sync {
    /// Appends the result of case `#n`, just evaluated by `evaluator`.
    fn verdicts(&self, n: usize, evaluator: &Evaluator, out: &mut Vec<u8>);
    /// Appends the error of case `#n`.
    fn invalid(&self, n: usize, error: &CaseError, out: &mut Vec<u8>);
}

/// Evaluates the cases in `first` and then in `rest`, one JSON object per line, on every
/// core, writing each case's result with `writer` to `out` in input order.
pub fn eval_lines(
    policy: &Policy,
    first: Vec<u8>,
    rest: &mut dyn Read,
    writer: &impl WriteCase,
    out: &mut dyn Write,
) -> Streamed {
    let reader = FastReader::new(policy);
    let new_worker = || EvalWorker {
        policy,
        reader: &reader,
        writer,
        evaluator: Evaluator::new(policy),
        seen: vec![0; reader.seen_words()],
    };
    for_each_line(first, rest, &new_worker, out)
}

/// One thread's evaluator and reading buffers.
struct EvalWorker<'a, W> {
    policy: &'a Policy,
    reader: &'a FastReader,
    writer: &'a W,
    evaluator: Evaluator<'a>,
    seen: Vec<u64>,
}

impl<W: WriteCase> LineWorker for EvalWorker<'_, W> {
    fn line(&mut self, n: usize, text: &str, out: &mut Vec<u8>) -> bool {
        let fast = self
            .reader
            .read(text.as_bytes(), &mut self.evaluator, &mut self.seen);
        if !fast {
            match case_from_line(self.policy, text) {
                Ok(case) => self.evaluator.load(&case),
                Err(e) => {
                    self.writer.invalid(n, &e, out);
                    return false;
                }
            }
        }
        self.evaluator.run();
        self.writer.verdicts(n, &self.evaluator, out);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{CHUNK, count_cases, is_blank, read_chunk};

    #[test]
    fn blank_lines_are_what_trim_calls_blank() {
        for line in ["", " ", "\t\r", "\u{a0}", "\u{2003} \u{85}", "\x0b\x0c"] {
            assert!(is_blank(line.as_bytes()), "{line:?}");
        }
        for line in ["{", " x", "\u{a0}{", "é"] {
            assert!(!is_blank(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn chunks_end_at_line_breaks() {
        let text = b"a\nbb\n\nccc".repeat(200_000);
        let mut r: &[u8] = &text;
        let (mut carry, mut all, mut data) = (Vec::new(), Vec::new(), Vec::new());
        loop {
            let (len, eof) = read_chunk(&mut r, &mut carry, &mut data).unwrap();
            assert!(eof || data[..len].ends_with(b"\n"));
            assert!(len <= CHUNK + (64 << 10));
            assert!(eof || len > 0);
            all.extend_from_slice(&data[..len]);
            if eof {
                break;
            }
        }
        assert_eq!(all, text);
        assert_eq!(count_cases(b"{}\n\n  \n{}\n{}"), 3);
        // A line longer than a chunk stays whole.
        let long = [vec![b'x'; 3 * CHUNK], b"\nshort\n".to_vec()].concat();
        let mut r: &[u8] = &long;
        let (len, _) = read_chunk(&mut r, &mut carry, &mut data).unwrap();
        assert!(data[..len].starts_with(&long[..3 * CHUNK + 1]) && data[..len].ends_with(b"\n"));
    }
}
