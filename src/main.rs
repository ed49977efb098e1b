//! The command line: parse arguments, call a command, map the outcome to an exit status
//! (0 success, 1 the site has errors, 2 the command line or configuration is wrong).

use clap::{Args, Parser, Subcommand, ValueEnum};
use formulary::build::{self, BuildError, Options};
use formulary::diagnostic::{self, Format};
use formulary::load::front_matter::Kind;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// mimalloc (see `formulary::alloc`): a build allocates and frees millions of small strings
/// across threads, where it is markedly faster than the system allocator (see bench/run.sh).
#[global_allocator]
static ALLOC: formulary::alloc::Allocator = formulary::alloc::Allocator;

/// For a command that runs once and exits (`build`, `check`), memory is asked of the
/// system as these machines serve it fastest (see [`formulary::alloc::keep_freed_memory`]):
/// - memory freed in one phase is kept for the next rather than given back and asked for
///   again;
/// - it is asked for in 4 KiB pages, not transparent huge pages, each of which is zeroed
///   whole (2 MiB) when its first byte is touched.
///
/// `serve` and `watch`, which live on, keep what one rebuild freed for the next while an
/// editor is at work, and give it back once they have been idle that long (see
/// [`formulary::serve::KEEP_MEMORY_WHILE_EDITING`]).
fn tune_memory_for_one_run() {
    formulary::alloc::keep_freed_memory(None);
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[derive(Parser)]
#[command(
    name = "formulary",
    version,
    about = "Publish patient-education websites about medicines"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The site and which of its pages to read: shared by every command that reads a site.
#[derive(Args)]
struct SiteArgs {
    /// The site's folder (with formulary.toml, content/, templates/, static/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages with draft = true
    #[arg(long)]
    drafts: bool,
}

/// Where a build goes and under which address: shared by build and watch.
#[derive(Args)]
struct OutputArgs {
    /// Where to write the site (default: public/ under the root)
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override base_url (e.g. https://user.github.io/repo/)
    #[arg(long)]
    base_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only if the build succeeds)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        out: OutputArgs,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// How to print diagnostics
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Run every check; write nothing
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Also print every page's reading grade and word count, worst first, and which
        /// pages lack which language (on stdout)
        #[arg(long)]
        report: bool,
        /// Also request every http(s) link (cached a day in .formulary-cache/; the
        /// timeout is 10 s, or FORMULARY_EXTERNAL_TIMEOUT_MS milliseconds)
        #[arg(long)]
        external: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on every save and reload the browser
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Poll for changes (for file systems that send no events)
        #[arg(long)]
        poll: bool,
    },
    /// Rebuild the output folder on every change, without a server
    Watch {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        out: OutputArgs,
        /// Poll for changes (for file systems that send no events)
        #[arg(long)]
        poll: bool,
    },
    /// Write a new page with its front matter and required sections
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// A title ("Bisphosphonates") or a path under content/ ("drug-classes/serms.md")
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Remove outputs a build replaced (started by `build` itself, which does not wait)
    #[command(name = "remove-discarded", hide = true)]
    RemoveDiscarded { dirs: Vec<PathBuf> },
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    DrugClass,
    Condition,
    Article,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build { .. } | Command::Check { .. } => tune_memory_for_one_run(),
        Command::Serve { .. } | Command::Watch { .. } => {
            formulary::alloc::keep_freed_memory(Some(formulary::serve::KEEP_MEMORY_WHILE_EDITING))
        }
        _ => {}
    }
    match cli.command {
        Command::Build {
            site,
            out,
            strict,
            format,
        } => {
            let opts = build_options(site, out, strict);
            match build::build(&opts) {
                Ok(outcome) => {
                    diagnostic::print(&outcome.diagnostics, format);
                    let verb = if outcome.written {
                        "Built"
                    } else {
                        "Not built:"
                    };
                    eprintln!(
                        "{}",
                        build::summary(verb, outcome.pages, &outcome.diagnostics, outcome.elapsed)
                    );
                    if outcome.written {
                        eprintln!("Wrote {} files to {}", outcome.files, opts.output.display());
                        // The output it replaced is removed apart: deleting thousands of
                        // files is nothing the user needs to wait for.
                        match std::env::current_exe() {
                            Ok(exe) => outcome.discarded.detach(&exe),
                            Err(_) => drop(outcome.discarded),
                        }
                        ExitCode::SUCCESS
                    } else {
                        eprintln!(
                            "The previous output in {} was left as it was.",
                            opts.output.display()
                        );
                        ExitCode::from(1)
                    }
                }
                Err(e) => report_error(e),
            }
        }
        Command::Check {
            site: SiteArgs { root, drafts },
            strict,
            format,
            report,
            external,
        } => {
            let start = Instant::now();
            match build::load_and_check(&root, None, drafts) {
                Ok((site, mut diags)) => {
                    let done = std::sync::atomic::AtomicUsize::new(0);
                    // Rendered for the template errors only: each file is let go at once.
                    let render_diags = build::render_into(&root, &site, &done, &drop);
                    diags.extend(render_diags);
                    if external {
                        diags.extend(formulary::checks::external_link::run(&site, &root));
                    }
                    diagnostic::sort(&mut diags);
                    diagnostic::print(&diags, format);
                    // A language with no readability formula is not graded: say so, rather
                    // than grade it by the English formula or say nothing.
                    for (lang, l) in site.languages.iter().enumerate() {
                        let pages = site
                            .pages
                            .iter()
                            .filter(|p| p.lang == lang && !p.source.body().trim().is_empty())
                            .count();
                        if pages > 0 && formulary::readability::formula_of(&site, lang).is_none() {
                            eprintln!(
                                "note: no reading-level formula is configured for `{}`; {}",
                                l.code,
                                if pages == 1 {
                                    "its page is not graded".to_string()
                                } else {
                                    format!("its {pages} pages are not graded")
                                }
                            );
                        }
                    }
                    if report {
                        let rows = formulary::readability::report(&site);
                        print!(
                            "{}",
                            formulary::readability::render_report(
                                &rows,
                                &formulary::readability::report_limits(&site)
                            )
                        );
                        print!("{}", formulary::readability::translation_report(&site));
                    }
                    eprintln!(
                        "{}",
                        build::summary("Checked", site.pages.len(), &diags, start.elapsed())
                    );
                    if build::passes(&diags, strict) {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => report_error(e),
            }
        }
        Command::Serve {
            site: SiteArgs { root, drafts },
            port,
            interface,
            open,
            poll,
        } => {
            let opts = formulary::serve::ServeOptions {
                root,
                interface,
                port,
                open,
                drafts,
                poll,
            };
            match formulary::serve::serve(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Watch { site, out, poll } => {
            let opts = build_options(site, out, false);
            match formulary::serve::watch_and_build(&opts, poll) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::RemoveDiscarded { dirs } => {
            for d in dirs {
                if let Err(e) = formulary::write::remove_discarded(&d) {
                    eprintln!("error: {e}");
                }
            }
            ExitCode::SUCCESS
        }
        Command::New { kind, name, root } => {
            let kind = match kind {
                NewKind::DrugClass => Kind::DrugClass,
                NewKind::Condition => Kind::Condition,
                NewKind::Article => Kind::Article,
            };
            let config = match build::load_config(&root, None) {
                Ok(c) => c,
                Err(e) => return report_error(e),
            };
            match formulary::new_page::create(&root, kind, &name, &config) {
                Ok(path) => {
                    eprintln!(
                        "Wrote {} (a draft: set draft = false to publish it)",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(match e {
                        formulary::new_page::NewPageError::Io(..) => 1,
                        _ => 2,
                    })
                }
            }
        }
    }
}

/// What build and watch are asked to do; the output defaults to `public/` under the root.
fn build_options(site: SiteArgs, out: OutputArgs, strict: bool) -> Options {
    Options {
        output: out.output.unwrap_or_else(|| site.root.join("public")),
        root: site.root,
        base_url: out.base_url,
        drafts: site.drafts,
        strict,
    }
}

fn report_error(e: BuildError) -> ExitCode {
    match e {
        BuildError::Config(d) => {
            diagnostic::print(&[*d], Format::Human);
            ExitCode::from(2)
        }
        BuildError::Write(w @ formulary::write::WriteError::Refused(..)) => {
            eprintln!("error: {w}");
            ExitCode::from(2)
        }
        BuildError::Write(w) => {
            eprintln!("error: {w}");
            ExitCode::from(1)
        }
    }
}
