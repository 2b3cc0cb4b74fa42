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
        /// Policy files, or folders searched recursively for `*.policy`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
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
        #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
        format: EvalFormat,
    },
    /// Analyse policies: conflicts, dead, shadowed and redundant rules, unused declarations
    #[command(
        after_help = "Examples:\n  deontic lint policies/\n  deontic lint policies/ --format sarif > deontic.sarif\n  deontic lint policies/ --deny-warnings\n\n\
        Silence a finding for one rule with a comment on the line above it:\n  # deontic: allow(redundant-rule)"
    )]
    Lint {
        /// Policy files, or folders searched recursively for `*.policy`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Run the expectations of the policies' case blocks
    #[command(after_help = "Examples:\n  deontic test policies/\n  \
        deontic test policies/ --coverage\n  \
        deontic test policies/ --format junit > junit.xml\n  \
        deontic test new.policy --bless")]
    Test {
        /// Policy files, or folders searched recursively for `*.policy`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write the actual verdicts into the case blocks' `expect` lines: fix wrong ones, and
        /// add one for every action and derived fact a block does not expect yet
        #[arg(long)]
        bless: bool,
        /// Also report the rules no case fired and, per action, the verdicts no case reached
        #[arg(long)]
        coverage: bool,
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
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
        #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
        format: EvalFormat,
    },
    /// Serve the Language Server Protocol on standard input and output, for editors
    #[command(after_help = "Example, as an editor runs it:\n  deontic lsp\n\n\
        Diagnostics of `check` at once and of `lint` after a pause in typing, hover, go to\n\
        definition, references, rename, completion, symbols, folding, formatting, quick fixes\n\
        and code lenses. The README's section \"Editors\" sets up VS Code, Neovim and Helix.")]
    Lsp,
    /// Draw the policy as a graph: facts -> rules -> actions, overrides and requirements
    #[command(after_help = "Examples:\n  \
        deontic graph policies/nl-cyber-response.policy | dot -Tsvg > policy.svg\n  \
        deontic graph policies/gdpr-breach-notification.policy --format mermaid")]
    Graph {
        /// The policy file
        policy: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
}

/// How `eval` and `explain` write their results.
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
    /// JUnit XML, for CI systems
    Junit,
}
