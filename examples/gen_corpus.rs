//! Writes a generated site for benchmarks and scale tests: N drug-class monographs (about
//! 7 KB each: sections, lists, a table, a footnote, three relative links, mentions of other
//! classes' drugs) and N/20 conditions, as a formulary site and, with `--hugo`, as a Hugo
//! site with the same pages. With `--thin`, the formulary site is written a second time with
//! templates of its own that make the Hugo site's pages (a title, the sections, the table
//! of contents and the body): the two programs then render the same thin pages, where
//! formulary's built-in theme makes twice the HTML (review box, lists of related pages,
//! search form...).
//!
//! `cargo run --release --example gen_corpus -- 10000 /dev/shm/corpus [--hugo /dev/shm/hugo] [--thin /dev/shm/thin]`

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// A small deterministic generator, so the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "your", "bones", "doctor", "medicine", "take", "each", "week", "morning", "water", "tablet",
    "stomach", "pain", "strong", "break", "help", "lower", "chance", "body", "calcium", "daily",
    "walk", "food", "nurse", "check", "blood", "test", "safe", "often", "people", "small",
];

fn sentence(rng: &mut Lcg, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.below(WORDS.len())];
        if i == 0 {
            s.push_str(&w[..1].to_uppercase());
            s.push_str(&w[1..]);
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Lcg, sentences: usize) -> String {
    (0..sentences)
        .map(|_| {
            let words = 8 + rng.below(6);
            sentence(rng, words)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn drug_name(class: usize, k: usize) -> String {
    format!("drug{class}x{k}")
}

fn brand_name(class: usize, k: usize) -> String {
    format!("Brand{class}b{k}")
}

/// The body of monograph `i` of `n` (Markdown, links relative to content/drug-classes/).
fn monograph_body(i: usize, n: usize, conditions: usize, rng: &mut Lcg) -> String {
    let mut b = String::new();
    let other = |rng: &mut Lcg| (i + 1 + rng.below(n - 1)) % n;
    let _ = writeln!(b, "{}\n", paragraph(rng, 3));
    b.push_str("## What these medicines are\n\n");
    let o = other(rng);
    let _ = writeln!(
        b,
        "{} Some people take {} instead; see [class {o}](./class-{o}.md#side-effects).\n",
        paragraph(rng, 4),
        drug_name(o, 0)
    );
    b.push_str("### Key facts\n\n");
    for _ in 0..5 {
        let _ = writeln!(b, "- {}", sentence(rng, 7));
    }
    b.push_str("\n## Who can and cannot take them\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 5));
    let c = i % conditions;
    let _ = writeln!(
        b,
        "It is used for [condition {c}](../conditions/condition-{c}.md).\n"
    );
    b.push_str("## How to take them\n\n");
    for k in 1..=6 {
        let _ = writeln!(b, "{k}. {}", sentence(rng, 9));
    }
    b.push_str("\n| Medicine | How often | With food |\n|---|---|---|\n");
    for k in 0..3 {
        let _ = writeln!(b, "| {} | once a week | no |", drug_name(i, k));
    }
    b.push_str("\n## Side effects\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 6));
    b.push_str("### Common side effects\n\n");
    for _ in 0..6 {
        let _ = writeln!(b, "- {}", sentence(rng, 6));
    }
    b.push_str("\n### Serious side effects\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 5));
    b.push_str("## Taking them with other medicines\n\n");
    let o2 = other(rng);
    let _ = writeln!(
        b,
        "{} Tell your doctor if you take {} or {}. Read about [class {o2}](/drug-classes/class-{o2}.md).\n",
        paragraph(rng, 5),
        brand_name(o2, 0),
        drug_name(other(rng), 1)
    );
    b.push_str("## If you miss a dose\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 5));
    b.push_str("## Storing your medicine\n\n");
    for _ in 0..4 {
        let _ = writeln!(b, "- {}", sentence(rng, 8));
    }
    let _ = writeln!(b, "\n{}\n", paragraph(rng, 5));
    b.push_str("## Pregnancy and breastfeeding\n\n");
    let _ = writeln!(b, "{}\n\n{}\n", paragraph(rng, 6), paragraph(rng, 5));
    b.push_str("## What the research shows\n\n");
    let _ = writeln!(
        b,
        "{} A large trial found fewer breaks.[^trial]\n",
        paragraph(rng, 5)
    );
    b.push_str("## Common questions\n\n### How long will I take it?\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 6));
    b.push_str("### Can I stop?\n\n");
    let _ = writeln!(b, "{}\n", paragraph(rng, 6));
    let _ = writeln!(
        b,
        "[^trial]: Example Trial Group. A made-up trial for benchmarks. Journal, 2000."
    );
    b
}

fn monograph_front(i: usize, conditions: usize) -> String {
    let drugs: Vec<String> = (0..3)
        .map(|k| {
            format!(
                "  {{ name = \"{}\", brands = [\"{}\"], forms = [\"weekly tablet\"] }},",
                drug_name(i, k),
                brand_name(i, k)
            )
        })
        .collect();
    format!(
        "+++\ntitle = \"Class {i}\"\nkind = \"drug-class\"\nsummary = \"Medicines of class {i}, made up for a benchmark.\"\nreviewed = 2026-10-01\nreviewer = \"Benchmark\"\ntreats = [\"conditions/condition-{}.md\"]\ndrugs = [\n{}\n]\n+++\n",
        i % conditions,
        drugs.join("\n")
    )
}

fn condition_page(c: usize, rng: &mut Lcg) -> (String, String) {
    let front = format!(
        "+++\ntitle = \"Condition {c}\"\nkind = \"condition\"\nsummary = \"A made-up condition for a benchmark.\"\nreviewed = 2026-10-01\nalso_known_as = [\"illness {c}\"]\n+++\n"
    );
    let body = format!(
        "{}\n\n## What is it?\n\n{}\n\n## How is it treated?\n\n{}\n",
        paragraph(rng, 3),
        paragraph(rng, 6),
        paragraph(rng, 6)
    );
    (front, body)
}

/// The Hugo site's page of a monograph or condition, and of a section or the home page.
const HUGO_SINGLE: &str = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><nav>{{ range .Site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</main></body></html>\n";
const HUGO_LIST: &str = "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>\n";

/// The same two pages as formulary templates (with `--thin`): each line of Hugo's above,
/// and the built-in table of contents for Hugo's.
const THIN_SINGLE: &str = "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body><nav>{% for s in site.sections %}<a href=\"{{ s.url }}\">{{ s.title }}</a>{% endfor %}</nav><main><h1>{{ page.title }}</h1>{{ <toc items={page.toc}/> }}{{ page.content | safe }}</main></body></html>\n";
const THIN_LIST: &str = "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body><main><h1>{{ page.title }}</h1><ul>{% for p in page.pages %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a></li>{% endfor %}{% for p in page.subsections %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a></li>{% endfor %}</ul></main></body></html>\n";

fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn generate(n: usize, out: &Path, hugo: Option<&Path>, thin: Option<&Path>) {
    assert!(n >= 2, "N must be at least 2");
    let conditions = (n / 20).max(1);
    let mut rng = Lcg(42);
    // Each file of the formulary site, into the site and its thin copy.
    let sites: Vec<&Path> = std::iter::once(out).chain(thin).collect();
    let put = |rel: &str, text: &str| {
        for site in &sites {
            write(site.join(rel), text);
        }
    };
    for site in &sites {
        let _ = fs::remove_dir_all(site);
    }
    if let Some(t) = thin {
        for name in ["drug-class.html", "condition.html"] {
            write(t.join("templates").join(name), THIN_SINGLE);
        }
        for name in ["section.html", "home.html"] {
            write(t.join("templates").join(name), THIN_LIST);
        }
    }
    put(
        "formulary.toml",
        "title = \"Benchmark\"\nbase_url = \"https://example.org/\"\n[readability]\nmax_grade = 20\n",
    );
    put(
        "content/_index.md",
        "+++\ntitle = \"Benchmark\"\n+++\nA generated site.\n",
    );
    put(
        "content/drug-classes/_index.md",
        "+++\ntitle = \"Medicines\"\n+++\n",
    );
    put(
        "content/conditions/_index.md",
        "+++\ntitle = \"Conditions\"\n+++\n",
    );
    if let Some(h) = hugo {
        let _ = fs::remove_dir_all(h);
        // Hugo's feeds list as many pages as formulary's does: by default Hugo lists every
        // page in the site's feed and again in its section's, which at N = 10,000 is about
        // 3 s of work that formulary's build (one feed of 20 pages) does not do.
        write(
            h.join("hugo.toml"),
            &format!(
                "baseURL = \"https://example.org/\"\ntitle = \"Benchmark\"\nrssLimit = {}\ndisableKinds = [\"taxonomy\", \"term\"]\n[markup.goldmark.renderer]\nunsafe = true\n",
                formulary::render::feed::ENTRIES
            ),
        );
        write(h.join("layouts/_default/single.html"), HUGO_SINGLE);
        write(h.join("layouts/_default/list.html"), HUGO_LIST);
        write(
            h.join("content/_index.md"),
            "+++\ntitle = \"Benchmark\"\n+++\nA generated site.\n",
        );
        write(
            h.join("content/drug-classes/_index.md"),
            "+++\ntitle = \"Medicines\"\n+++\n",
        );
        write(
            h.join("content/conditions/_index.md"),
            "+++\ntitle = \"Conditions\"\n+++\n",
        );
    }
    for i in 0..n {
        let body = monograph_body(i, n, conditions, &mut rng);
        put(
            &format!("content/drug-classes/class-{i}.md"),
            &(monograph_front(i, conditions) + &body),
        );
        if let Some(h) = hugo {
            // Hugo resolves .md links with its own shortcode; plain relative links keep the bytes alike.
            let front = format!("+++\ntitle = \"Class {i}\"\nsummary = \"Medicines of class {i}, made up for a benchmark.\"\n+++\n");
            write(
                h.join(format!("content/drug-classes/class-{i}.md")),
                &(front + &body),
            );
        }
    }
    for c in 0..conditions {
        let (front, body) = condition_page(c, &mut rng);
        put(
            &format!("content/conditions/condition-{c}.md"),
            &(front + &body),
        );
        if let Some(h) = hugo {
            let front = format!("+++\ntitle = \"Condition {c}\"\n+++\n");
            write(
                h.join(format!("content/conditions/condition-{c}.md")),
                &(front + &body),
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus N OUT_DIR [--hugo HUGO_DIR] [--thin THIN_DIR]";
    let n: usize = args.first().and_then(|a| a.parse().ok()).expect(usage);
    let out = PathBuf::from(args.get(1).expect(usage));
    let dir_after = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .map(|i| PathBuf::from(args.get(i + 1).expect(usage)))
    };
    let (hugo, thin) = (dir_after("--hugo"), dir_after("--thin"));
    generate(n, &out, hugo.as_deref(), thin.as_deref());
    eprintln!(
        "wrote {n} monographs and {} conditions to {}",
        (n / 20).max(1),
        out.display()
    );
}
