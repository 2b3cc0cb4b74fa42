//! The command line's arguments, declared with clap.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The `deontic` command line.
#[derive(Debug, Parser)]
#[command(
    name = "deontic",
    version,
    about = "Check, analyse and evaluate policies of norms: what may, must and must not be done",
    after_help = "Exit codes: 0 success; 1 the policy has errors, a lint finding fails the run, \
                  a test fails, or a case is invalid; 2 the command could not run."
)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour diagnostics: `auto` on a terminal (not with `NO_COLOR`, always with
    /// `CLICOLOR_FORCE`)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Print only the summary line, and nothing when all is well (check, lint, test, fmt)
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)] // clap shows each field's doc comment as its help
pub enum Command {
    /// Report static errors (syntax, names, types, cycles, invalid cases)
    #[command(
        after_help = "Example:\n  deontic check policies/\n  deontic check policies/nl-cyber-response.policy"
    )]
    Check {
        /// Policy files, folders searched recursively for `*.policy`, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The name standard input goes by in reports
        #[arg(long, value_name = "NAME", default_value = "<stdin>")]
        stdin_filename: String,
    },
    /// Evaluate cases: from a JSON file, `--given`, or the policy's own case blocks
    #[command(after_help = "Examples:\n  \
        deontic eval policies/nl-cyber-response.policy\n  \
        deontic eval policies/nl-cyber-response.policy cases.jsonl --format json\n  \
        deontic eval policies/nl-cyber-response.policy --given cyberattack,threat_to_national_security,attacker=state\n  \
        echo '{\"cyberattack\":true,\"attacker\":\"criminal\"}' | deontic eval policies/nl-cyber-response.policy -")]
    Eval {
        /// The policy file
        policy: PathBuf,
        /// Cases: `.json` (an object or an array of objects), `.jsonl` (one object per line), or `-` for standard input
        cases: Option<PathBuf>,
        /// A case as a list: `a,not b,actor=state,severity=4`; repeat for more cases
        #[arg(long, value_name = "FACTS", conflicts_with = "cases")]
        given: Vec<String>,
        /// How to write each case's verdicts
        #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
        format: EvalFormat,
        /// Facts a case leaves out are unknown (bool facts too): give, per action, the
        /// verdicts still possible and the unknown facts that would settle it
        #[arg(long)]
        partial: bool,
    },
    /// Analyse policies: conflicts, dead, shadowed and redundant rules, unused declarations
    #[command(
        after_help = "Examples:\n  deontic lint policies/\n  deontic lint policies/ --format sarif > deontic.sarif\n  deontic lint policies/ --deny-warnings\n\n\
        Silence a finding for one rule with a comment on the line above it:\n  # deontic: allow(redundant-rule)"
    )]
    Lint {
        /// Policy files, folders searched recursively for `*.policy`, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How to write the findings
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// The name standard input goes by in reports
        #[arg(long, value_name = "NAME", default_value = "<stdin>")]
        stdin_filename: String,
    },
    /// Show the cases a change decides differently: every verdict and derived fact that
    /// changes, each with a case that shows it
    #[command(
        override_usage = "deontic diff [OPTIONS] OLD NEW\n       deontic diff [OPTIONS] --base REV [PATH]...",
        after_help = "Examples:\n  \
        deontic diff old.policy new.policy\n  \
        deontic diff before/ after/ --format json\n  \
        deontic diff --base main\n  \
        deontic diff --base origin/main policies/ --format sarif > diff.sarif\n\n\
        For each action of both versions, every transition `OLD VERDICT -> NEW VERDICT` that some\n\
        case makes (and for each derived fact, `false -> true` or `true -> false`), exactly, with\n\
        the rules that decide it on either side and the case as a `case` block for the new\n\
        version; then `N transitions on M actions in K files`. Exit codes as diff(1): 0 no\n\
        transition, 1 some transition or a policy with errors, 2 the command could not run."
    )]
    Diff {
        /// OLD and NEW: two policy files, or two folders whose policies are paired by relative
        /// path. With `--base`: the files and folders to compare (default: the current folder)
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Compare each policy with its text at this git revision (`git show REV:PATH`)
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// How to write the transitions
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
    },
    /// Run the expectations of the policies' case blocks
    #[command(after_help = "Examples:\n  deontic test policies/\n  \
        deontic test policies/ --case counterattack\n  \
        deontic test policies/ --coverage\n  \
        deontic test policies/ --generate\n  \
        deontic test policies/ --format junit > junit.xml\n  \
        deontic test new.policy --bless\n\n\
        A case passes when every `expect` line holds: the verdict word, and with `by`, the rules\n\
        it rests on. `--case` keeps the cases whose name holds the text (or matches it, with\n\
        `*` and `?`).")]
    Test {
        /// Policy files, folders searched recursively for `*.policy`, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write what the policy decides into the case blocks' `expect` lines: fix wrong ones
        /// and add one for every action and derived fact a block does not expect yet, with
        /// `by` lists (`--bless=verdicts`: the verdict words only)
        #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, require_equals = true, default_missing_value = "full")]
        bless: Option<BlessWhat>,
        /// Also report, exactly, the rules that can decide but decide in no case and, per
        /// action, the verdicts some case could reach but none does, each with a case that
        /// would close it
        #[arg(long)]
        coverage: bool,
        /// Append case blocks until every rule that can decide decides in one, every
        /// reachable verdict is reached and both sides of every integer comparison are tried
        #[arg(long, conflicts_with = "bless")]
        generate: bool,
        /// With `--generate`: change nothing; show the blocks it would add, exit 1 if any
        #[arg(long, requires = "generate")]
        check: bool,
        /// Run only the cases whose name holds this text, or matches it with `*` and `?`
        #[arg(long, value_name = "NAME")]
        case: Option<String>,
        /// How to write the results
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
        /// The name standard input goes by in reports
        #[arg(long, value_name = "NAME", default_value = "<stdin>")]
        stdin_filename: String,
    },
    /// Rewrite policies in the canonical layout, keeping every comment
    #[command(after_help = "Examples:\n  deontic fmt policies/\n  \
        deontic fmt --check policies/\n  \
        deontic fmt - < draft.policy > formatted.policy")]
    Fmt {
        /// Policy files, folders searched recursively for `*.policy`, or `-` for standard
        /// input (written to standard output)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change nothing; print a diff for each file that is not formatted and exit 1
        #[arg(long)]
        check: bool,
        /// Format a file that has static errors other than syntax errors too (formatting can
        /// then change what it means: two anonymous rules on one line get their own ids)
        #[arg(long)]
        force: bool,
    },
    /// Show why each verdict is what it is: the rules, their quoted text, the facts
    #[command(after_help = "Examples:\n  \
        deontic explain policies/nl-cyber-response.policy counterattack\n  \
        deontic explain policies/nl-cyber-response.policy --given cyberattack,attacker=state counterattack\n  \
        deontic explain policies/nl-cyber-response.policy cases.jsonl --format json\n\n\
        An argument after POLICY that is not a name (it has a `.` or a `/`, or is `-`) is the\n\
        CASES file; the others name the actions to explain (all of them when none is named).")]
    Explain {
        /// The policy file
        policy: PathBuf,
        /// `[CASES] [ACTION]...`: a cases file (as for `eval`), then the actions to explain
        #[arg(value_name = "CASES|ACTION")]
        rest: Vec<String>,
        /// A case as a list: `a,not b,actor=state,severity=4`; repeat for more cases
        #[arg(long, value_name = "FACTS")]
        given: Vec<String>,
        /// How to write each case's explanation
        #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
        format: ExplainFormat,
    },
    /// Serve the Language Server Protocol on standard input and output, for editors
    #[command(after_help = "Example, as an editor runs it:\n  deontic lsp\n\n\
        Diagnostics of `check` at once and of `lint` after a pause in typing, hover, go to\n\
        definition, references, rename, completion, symbols, folding, formatting, quick fixes\n\
        and code lenses. The README's section \"Editors\" sets up VS Code, Neovim and Helix.")]
    Lsp,
    /// Serve the policies over HTTP: a JSON decision API and a web page for answering questions
    #[command(after_help = "Examples:\n  \
        deontic serve policies\n  \
        deontic serve policies --listen 0.0.0.0:8080 --log-format json\n\n\
        Each policy is named by its path below the folder given, without `.policy`. The API\n\
        is under /v1 (its OpenAPI description at /v1/openapi.json); the page is at /.\n\
        Policies are reloaded when their files change; a version with errors is not served.\n\
        SIGTERM or Ctrl-C finish the requests in flight, then exit 0.")]
    Serve {
        /// Policy files, or folders to search for `*.policy` files
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The address to listen on (port 0 picks a free port)
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
        listen: String,
        /// How to write the log on standard error: one line per request and per reload
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Ask for the facts that settle the verdicts, one at a time, only those still needed
    #[command(after_help = "Examples:\n  \
        deontic ask policies/nl-cyber-response.policy counterattack\n  \
        deontic ask policies/nl-cyber-response.policy --given cyberattack,attacker=state\n\n\
        On a terminal it prompts. Otherwise each question is one line on standard output,\n\
        `? NAME: DESCRIPTION (ANSWERS)`, answered by one line on standard input (`yes` or `no`,\n\
        a variant, or a number); the last line is the case as answered, as\n\
        `eval --partial --format json` writes it. Exit code 1 when the input ends first.")]
    Ask {
        /// The policy file
        policy: PathBuf,
        /// The actions to settle (all of them when none is named)
        actions: Vec<String>,
        /// The facts known at the start: `a,not b,actor=state,severity=4`
        #[arg(long, value_name = "FACTS")]
        given: Vec<String>,
    },
    /// Draw the policy as a graph: facts -> rules -> actions, overrides and requirements
    #[command(after_help = "Examples:\n  \
        deontic graph policies/nl-cyber-response.policy | dot -Tsvg > policy.svg\n  \
        deontic graph policies/gdpr-breach-notification.policy --format mermaid")]
    Graph {
        /// The policy file
        policy: PathBuf,
        /// How to draw it
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Write a completion script for a shell to standard output
    #[command(after_help = "Examples:\n  \
        deontic completions bash > ~/.local/share/bash-completion/completions/deontic\n  \
        deontic completions zsh > ~/.zfunc/_deontic\n  \
        deontic completions fish > ~/.config/fish/completions/deontic.fish")]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Write the manual page (roff) to standard output
    #[command(after_help = "Example:\n  deontic man > deontic.1 && man ./deontic.1")]
    Man,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` is set; always when `CLICOLOR_FORCE` is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// What `test --bless` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BlessWhat {
    /// Verdicts with their `by` lists
    Full,
    /// Verdict words only
    Verdicts,
}

/// How `serve` writes its log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Lines for people: time, level, message, fields
    Text,
    /// One JSON object per line, for log pipelines
    Json,
}

/// How `explain` writes its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// An indented tree per case: each action, the rules on it, their facts
    Human,
    /// JSON Lines: one object per case
    Json,
}

/// How `eval` writes its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// An aligned table per case
    Human,
    /// JSON Lines: one object per case
    Json,
}

/// How `lint` writes its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Each finding drawn on its source
    Human,
    /// One JSON document
    Json,
    /// SARIF 2.1.0, for code-scanning services
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::...`), one line per finding
    Github,
}

/// How `diff` writes the transitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Per action, each transition with the rules that decide it and its case as a `case` block
    Human,
    /// One JSON document: per pair of files, the transitions with their witnesses
    Json,
    /// SARIF 2.1.0: one result per transition, at a rule of the new version that decides it
    Sarif,
}

/// How `graph` draws the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT
    Dot,
    /// A Mermaid flowchart
    Mermaid,
}

/// How `test` writes its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per case and a total
    Human,
    /// JSON Lines: one object per case, then a summary object
    Json,
    /// JUnit XML, for CI systems
    Junit,
}
