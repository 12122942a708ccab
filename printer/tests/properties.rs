//! Properties over random doc trees (a small deterministic generator, no extra dependencies):
//! rendering succeeds, the text never ends in whitespace, and underlining only inserts caret
//! lines — removing them gives back the plain text.

use tirscript_printer::{
    ArgDoc, BinaryOp, ClassDoc, ExprDoc, FunctionDoc, RenderOptions, SliceDoc, SourcePath, StmtDoc,
    UnaryOp, render,
};

/// A xorshift generator: deterministic, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

const BINARY_OPS: [BinaryOp; 8] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::FloorDiv,
    BinaryOp::Pow,
    BinaryOp::Lt,
    BinaryOp::And,
    BinaryOp::BitOr,
];

fn path(rng: &mut Rng) -> SourcePath {
    let mut path = SourcePath::root();
    for _ in 0..rng.below(3) {
        path = path.array_item(rng.below(3));
    }
    path
}

fn maybe_tag(rng: &mut Rng, expr: ExprDoc) -> ExprDoc {
    if rng.below(3) == 0 { expr.with_source_path(path(rng)) } else { expr }
}

fn expr(rng: &mut Rng, depth: usize) -> ExprDoc {
    let leaf = depth == 0 || rng.below(4) == 0;
    let doc = if leaf {
        match rng.below(5) {
            0 => ExprDoc::int(rng.below(100) as i64 - 50),
            1 => ExprDoc::float(rng.below(1000) as f64 / 8.0),
            2 => ExprDoc::str("s\"é"),
            3 => ExprDoc::bool(rng.below(2) == 0),
            _ => ExprDoc::id(["a", "b", "é", "x_1"][rng.below(4)]),
        }
    } else {
        match rng.below(9) {
            0 => expr(rng, depth - 1).attr("f"),
            1 => expr(rng, depth - 1).index(vec![
                expr(rng, depth - 1).into(),
                SliceDoc::new(Some(expr(rng, depth - 1)), None, Some(expr(rng, depth - 1))).into(),
            ]),
            2 => expr(rng, depth - 1)
                .call_kw(vec![expr(rng, depth - 1)], vec![("k", expr(rng, depth - 1))]),
            3 => ExprDoc::unary(
                [UnaryOp::Neg, UnaryOp::Not, UnaryOp::Invert][rng.below(3)],
                expr(rng, depth - 1),
            ),
            4 => ExprDoc::if_then_else(
                expr(rng, depth - 1),
                expr(rng, depth - 1),
                expr(rng, depth - 1),
            ),
            5 => ExprDoc::tuple((0..rng.below(3)).map(|_| expr(rng, depth - 1)).collect()),
            6 => ExprDoc::dict(vec![(expr(rng, depth - 1), expr(rng, depth - 1))]),
            7 => ExprDoc::lambda(vec![ExprDoc::id("v")], expr(rng, depth - 1)),
            _ => ExprDoc::binary(
                BINARY_OPS[rng.below(BINARY_OPS.len())],
                expr(rng, depth - 1),
                expr(rng, depth - 1),
            ),
        }
    };
    maybe_tag(rng, doc)
}

fn body(rng: &mut Rng, depth: usize) -> Vec<StmtDoc> {
    (0..rng.below(3)).map(|_| stmt(rng, depth)).collect()
}

fn comment(rng: &mut Rng, multiline: bool) -> Option<String> {
    match rng.below(4) {
        0 => Some(String::new()),
        1 => Some("note".to_string()),
        2 if multiline => Some("one\n\ntwo\n".to_string()),
        _ => None,
    }
}

fn stmt(rng: &mut Rng, depth: usize) -> StmtDoc {
    let simple = depth == 0 || rng.below(3) == 0;
    let (mut doc, multiline) = if simple {
        let doc = match rng.below(6) {
            0 => StmtDoc::assign(expr(rng, 2), Some(expr(rng, 3)), Some(expr(rng, 1))),
            1 => StmtDoc::expr(expr(rng, 3)),
            2 => StmtDoc::assert(expr(rng, 2), Some(expr(rng, 1))),
            3 => StmtDoc::return_value(expr(rng, 2)),
            4 => StmtDoc::comment_line(["", "c", "c\nd"][rng.below(3)]),
            _ => StmtDoc::doc_string(["", "d", "d\n\ne"][rng.below(3)]),
        };
        (doc, false)
    } else {
        let doc = match rng.below(7) {
            0 => StmtDoc::if_else(expr(rng, 2), body(rng, depth - 1), body(rng, depth - 1)),
            1 => StmtDoc::while_loop(expr(rng, 2), body(rng, depth - 1)),
            2 => StmtDoc::for_loop(
                ExprDoc::tuple(vec![ExprDoc::id("i")]),
                expr(rng, 2),
                body(rng, depth - 1),
            ),
            3 => StmtDoc::scope(Some(expr(rng, 1)), expr(rng, 2), body(rng, depth - 1)),
            4 => StmtDoc::block(body(rng, depth - 1)),
            5 => StmtDoc::class(ClassDoc {
                name: ExprDoc::id("C"),
                decorators: vec![expr(rng, 1)],
                body: body(rng, depth - 1),
            }),
            _ => StmtDoc::function(FunctionDoc {
                name: ExprDoc::id("f"),
                args: vec![
                    ArgDoc::new(ExprDoc::id("a"), Some(expr(rng, 1)), Some(expr(rng, 1)))
                        .with_source_path(path(rng)),
                ],
                decorators: vec![expr(rng, 1)],
                return_type: Some(expr(rng, 1)),
                body: body(rng, depth - 1),
            }),
        };
        (doc, true)
    };
    if !matches!(
        doc.kind,
        tirscript_printer::StmtKind::Comment(_) | tirscript_printer::StmtKind::DocString(_)
    ) {
        doc.comment = comment(rng, multiline);
    }
    if rng.below(3) == 0 {
        doc.source_paths.push(path(rng));
    }
    doc
}

fn is_caret_line(line: &str) -> bool {
    line.contains('^') && line.bytes().all(|byte| byte == b' ' || byte == b'^')
}

#[test]
fn underlining_only_adds_caret_lines() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut caret_lines = 0;
    for case in 0..400 {
        let doc = StmtDoc::block(body(&mut rng, 4));
        let plain = match render(&doc, &RenderOptions::default()) {
            Ok(text) => text,
            Err(error) => panic!("case {case}: {error}"),
        };
        assert_eq!(plain.trim_end(), plain, "case {case}: trailing whitespace");
        let options = RenderOptions {
            paths_to_underline: vec![path(&mut rng), path(&mut rng)],
            ..RenderOptions::default()
        };
        let decorated = match render(&doc, &options) {
            Ok(text) => text,
            Err(error) => panic!("case {case}: {error}"),
        };
        caret_lines += decorated.split('\n').filter(|line| is_caret_line(line)).count();
        let stripped: Vec<&str> =
            decorated.split('\n').filter(|line| !is_caret_line(line)).collect();
        assert_eq!(stripped.join("\n").trim_end(), plain, "case {case}:\n{decorated}");
    }
    // The generator tags enough docs for underlines to appear often.
    assert!(caret_lines > 400, "only {caret_lines} caret lines");
}
