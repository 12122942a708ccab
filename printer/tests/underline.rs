//! Underlining the docs of given source paths, as base_doc_printer.cc decorates its output.
//! Each expected text is worked out from TVM's algorithm; the comments give the reasoning.

use tirscript_printer::{
    ClassDoc, ExprDoc, FunctionDoc, RenderOptions, SourcePath, StmtDoc, render,
};

fn root() -> SourcePath {
    SourcePath::root()
}

fn id(name: &str) -> ExprDoc {
    ExprDoc::id(name)
}

fn underlined(stmt: &StmtDoc, paths: Vec<SourcePath>) -> String {
    underlined_with(stmt, RenderOptions { paths_to_underline: paths, ..RenderOptions::default() })
}

fn underlined_with(stmt: &StmtDoc, options: RenderOptions) -> String {
    match render(stmt, &options) {
        Ok(text) => text,
        Err(error) => panic!("render failed: {error}"),
    }
}

fn assign(lhs: &str, rhs: ExprDoc) -> StmtDoc {
    StmtDoc::assign(id(lhs), Some(rhs), None)
}

#[test]
fn one_identifier() {
    let b = root().attr("b");
    let stmt = assign("x", id("a").add(id("b").with_source_path(b.clone())));
    assert_eq!(underlined(&stmt, vec![b]), "x = a + b\n        ^");
}

#[test]
fn deepest_matching_path_wins() {
    let value = root().attr("value");
    let b = value.attr("b");
    let sum = id("a").add(id("b").with_source_path(b.clone())).with_source_path(value.clone());
    let stmt = assign("x", sum);
    // `b` (depth 2) is a prefix of the target and deeper than the sum (depth 1).
    assert_eq!(underlined(&stmt, vec![b.attr("name")]), "x = a + b\n        ^");
    // For the sum's own path, `b`'s path is not a prefix: the sum is underlined.
    assert_eq!(underlined(&stmt, vec![value]), "x = a + b\n    ^^^^^");
    // A path nothing carries underlines nothing.
    assert_eq!(underlined(&stmt, vec![root().attr("other")]), "x = a + b");
}

#[test]
fn parentheses_added_by_the_parent_are_not_underlined() {
    let p = root().attr("sum");
    let product = id("a").add(id("b")).with_source_path(p.clone()).mul(id("c"));
    assert_eq!(underlined(&StmtDoc::expr(product), vec![p]), "(a + b) * c\n ^^^^^");
}

#[test]
fn shared_docs_underline_every_occurrence() {
    let p = root().attr("x");
    let x = id("x").with_source_path(p.clone());
    let stmt = assign("y", x.add(x.clone()));
    assert_eq!(underlined(&stmt, vec![p]), "y = x + x\n    ^   ^");
}

#[test]
fn several_targets() {
    let (pa, pc) = (root().attr("a"), root().attr("c"));
    let call = id("f").call(vec![
        id("a").with_source_path(pa.clone()),
        id("b"),
        id("c").with_source_path(pc.clone()),
    ]);
    assert_eq!(underlined(&StmtDoc::expr(call), vec![pa, pc]), "f(a, b, c)\n  ^     ^");
}

#[test]
fn multi_line_statement_skips_newlines_and_indentation() {
    let p = root().attr("loop");
    let body = vec![assign("x", ExprDoc::int(1)), assign("y", ExprDoc::int(2))];
    let stmt = StmtDoc::for_loop(id("i"), id("r"), body).with_source_path(p.clone());
    assert_eq!(
        underlined(&stmt, vec![p]),
        "for i in r:\n^^^^^^^^^^^\n    x = 1\n    ^^^^^\n    y = 2\n    ^^^^^"
    );
}

#[test]
fn comments_are_never_underlined() {
    let p = root().attr("s");
    let stmt = assign("x", ExprDoc::int(1)).with_comment("note").with_source_path(p.clone());
    assert_eq!(underlined(&stmt, vec![p.clone()]), "x = 1  # note\n^^^^^");
    let looped = StmtDoc::while_loop(id("c"), vec![]).with_comment("w").with_source_path(p.clone());
    assert_eq!(underlined(&looped, vec![p]), "# w\nwhile c:\n^^^^^^^^\n    pass\n    ^^^^");
}

#[test]
fn zero_width_text_gets_one_caret_which_the_next_gap_gives_back() {
    // `é` is two bytes of width 0: it gets one caret, and the gap after it is one space
    // narrower to compensate.
    let (pe, pb) = (root().attr("e"), root().attr("b"));
    let stmt =
        assign("y", id("é").with_source_path(pe.clone()).add(id("b").with_source_path(pb.clone())));
    assert_eq!(underlined(&stmt, vec![pe, pb]), "y = é + b\n    ^  ^");
}

#[test]
fn lines_after_a_function_include_its_blank_line() {
    // TVM records no line start for the unindented newline closing a function, so the blank
    // line belongs to the last body line and the underline comes after it.
    let p = root().attr("x");
    let f = FunctionDoc {
        name: id("f"),
        args: vec![],
        decorators: vec![],
        return_type: None,
        body: vec![StmtDoc::expr(id("x")).with_source_path(p.clone())],
    };
    let g = FunctionDoc {
        name: id("g"),
        args: vec![],
        decorators: vec![],
        return_type: None,
        body: vec![],
    };
    let class = StmtDoc::class(ClassDoc {
        name: id("C"),
        decorators: vec![],
        body: vec![f.into(), g.into()],
    });
    assert_eq!(
        underlined(&class, vec![p]),
        "class C:\n    def f():\n        x\n\n        ^\n    def g():\n        pass"
    );
}

fn numbered_block(count: usize, marked: usize, path: &SourcePath) -> StmtDoc {
    StmtDoc::block(
        (0..count)
            .map(|index| {
                let stmt = assign(&format!("x{index}"), ExprDoc::int(index as i64));
                if index == marked { stmt.with_source_path(path.clone()) } else { stmt }
            })
            .collect(),
    )
}

#[test]
fn context_lines_cut_far_lines() {
    let p = root().attr("s");
    let options = RenderOptions {
        num_context_lines: Some(1),
        paths_to_underline: vec![p.clone()],
        ..RenderOptions::default()
    };
    // Lines 2..5 are shown; the two lines before are cut; the single line after line 4 is
    // kept rather than cut.
    assert_eq!(
        underlined_with(&numbered_block(6, 3, &p), options.clone()),
        "(... 2 lines skipped ...)\nx2 = 2\nx3 = 3\n^^^^^^\nx4 = 4\nx5 = 5"
    );
    // A single line before the chunk is kept; five lines after are cut.
    assert_eq!(
        underlined_with(&numbered_block(8, 1, &p), options.clone()),
        "x0 = 0\nx1 = 1\n^^^^^^\nx2 = 2\n(... 5 lines skipped ...)"
    );
    // Without underlines the context limit does nothing.
    let plain = RenderOptions { paths_to_underline: vec![], ..options };
    assert_eq!(underlined_with(&numbered_block(3, 9, &p), plain), "x0 = 0\nx1 = 1\nx2 = 2");
}

#[test]
fn separate_chunks_and_merged_chunks() {
    let (p, q) = (root().attr("p"), root().attr("q"));
    let stmts: Vec<StmtDoc> = (0..12)
        .map(|index| {
            let stmt = assign(&format!("x{index}"), ExprDoc::int(index));
            match index {
                1 => stmt.with_source_path(p.clone()),
                9 => stmt.with_source_path(q.clone()),
                _ => stmt,
            }
        })
        .collect();
    let options = RenderOptions {
        num_context_lines: Some(1),
        paths_to_underline: vec![p, q],
        ..RenderOptions::default()
    };
    // Chunks 0..3 and 8..11 are far apart: the gap is cut, and the one line left at the end
    // is kept.
    assert_eq!(
        underlined_with(&StmtDoc::block(stmts), options),
        "x0 = 0\nx1 = 1\n^^^^^^\nx2 = 2\n(... 5 lines skipped ...)\nx8 = 8\nx9 = 9\n^^^^^^\nx10 = 10\nx11 = 11"
    );
}

#[test]
fn line_numbers() {
    let p = root().attr("s");
    let options = RenderOptions {
        print_line_numbers: true,
        paths_to_underline: vec![p.clone()],
        ..RenderOptions::default()
    };
    assert_eq!(
        underlined_with(&numbered_block(3, 1, &p), options.clone()),
        "1 x0 = 0\n2 x1 = 1\n  ^^^^^^\n3 x2 = 2"
    );
    // Numbers are right-aligned in a column one wider than the largest number.
    let text = underlined_with(&numbered_block(10, 99, &p), options);
    assert!(text.starts_with(" 1 x0 = 0\n 2 x1 = 1\n"), "{text}");
    assert!(text.ends_with("\n10 x9 = 9"), "{text}");
}
