//! Snapshots of the rendered HTML of a small fixture site: a drug-class page, a condition
//! page, the A to Z and a section page, built with a fixed SOURCE_DATE_EPOCH.
//!
//! After a deliberate theme change, review and accept the new snapshots with
//! `INSTA_UPDATE=always cargo test --test snapshots` (then read the diff of tests/snapshots/).

mod common;

use common::*;

const CONFIG: &str = r#"title = "Bones & Joints"
base_url = "https://example.org/"
description = "Plain guides to bone medicines."
"#;

const HOME: &str = r#"+++
title = "Bones & Joints"
+++

Guides to medicines for bones.
"#;

const CLASSES_SECTION: &str = r#"+++
title = "Types of medicine"
summary = "Every type of bone medicine on this site."
+++

Each page explains one type of medicine.
"#;

const BISPHOSPHONATES: &str = r#"+++
title = "Bisphosphonates"
kind = "drug-class"
summary = "Medicines that slow bone loss & lower the chance of a break."
reviewed = 2026-06-01
reviewer = "Dr A. Example"
treats = ["conditions/osteoporosis.md"]
related = ["drug-classes/calcium-vitamin-d.md"]
weight = 10
drugs = [
  { name = "alendronate", brands = ["Fosamax", "Binosto"], forms = ["weekly tablet"] },
  { name = "zoledronic acid", brands = ["Aclasta"], forms = ["yearly infusion"] },
]
+++

Bisphosphonates are used for [thin bones](../conditions/osteoporosis.md#what-it-is).
Take them with <b>plain water</b> & stay upright.

## What these medicines are

They slow the cells that break down bone.

## Who can and cannot take them

Most adults can. Not if your kidneys are weak.

## How to take them

### Tablets

Take alendronate once a week.

### Infusions {#drip}

A nurse gives zoledronic acid once a year.

## Side effects

Most people have none. See [how to take them](#how-to-take-them).
"#;

const CALCIUM: &str = r#"+++
title = "Calcium and vitamin D"
kind = "drug-class"
summary = "Supplements your bones need."
reviewed = 2026-06-01
treats = ["conditions/osteoporosis.md"]
weight = 20
drugs = [
  { name = "calcium carbonate", brands = ["Tums"] },
]
+++

People on Fosamax often take these too.

## What these medicines are

Supplements.

## Who can and cannot take them

Most adults.

## How to take them

With food.

## Side effects

Constipation.
"#;

const OSTEOPOROSIS: &str = r#"+++
title = "Osteoporosis"
kind = "condition"
summary = "Bones that are thin, so they break more easily."
reviewed = 2026-05-01
also_known_as = ["brittle bones"]
+++

## What it is

Your bones lose strength. A T-score of -2.5 or less means osteoporosis.

## Treatment

Many people take a bisphosphonate such as alendronate.

| Score | Meaning |
|-------|---------|
| above -1 | normal |
| -2.5 or less | osteoporosis |
"#;

/// Builds the fixture and returns one output file's text.
fn page(rel: &str) -> String {
    let root = site(&[
        ("formulary.toml", CONFIG),
        ("content/_index.md", HOME),
        ("content/drug-classes/_index.md", CLASSES_SECTION),
        ("content/drug-classes/bisphosphonates.md", BISPHOSPHONATES),
        ("content/drug-classes/calcium-vitamin-d.md", CALCIUM),
        ("content/conditions/osteoporosis.md", OSTEOPOROSIS),
    ]);
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");
    let run = build(root.path(), &out, &[]);
    run.expect_code(0);
    assert!(run.diagnostic_lines().is_empty(), "{}", run.stderr);
    check_links(&out, "/").assert_ok();
    read(out.join(rel))
}

#[test]
fn drug_class_page() {
    insta::assert_snapshot!(
        "drug_class_page",
        page("drug-classes/bisphosphonates/index.html")
    );
}

#[test]
fn condition_page() {
    insta::assert_snapshot!("condition_page", page("conditions/osteoporosis/index.html"));
}

#[test]
fn a_to_z_page() {
    insta::assert_snapshot!("a_to_z_page", page("drugs/index.html"));
}

#[test]
fn section_page() {
    insta::assert_snapshot!("section_page", page("drug-classes/index.html"));
}
