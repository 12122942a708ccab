//! The text of every statement kind, comments, doc strings, indentation and blank lines, as
//! python_doc_printer.cc lays them out.

use tirscript_printer::{
    ArgDoc, ClassDoc, ExprDoc, FunctionDoc, RenderError, RenderOptions, StmtDoc, render,
    render_stmts,
};

fn show(stmt: StmtDoc) -> String {
    match render(&stmt, &RenderOptions::default()) {
        Ok(text) => text,
        Err(error) => panic!("render failed: {error}"),
    }
}

fn id(name: &str) -> ExprDoc {
    ExprDoc::id(name)
}

fn int(value: i64) -> ExprDoc {
    ExprDoc::int(value)
}

fn eval(name: &str) -> StmtDoc {
    StmtDoc::expr(id(name))
}

fn function(name: &str, body: Vec<StmtDoc>) -> FunctionDoc {
    FunctionDoc { name: id(name), args: vec![], decorators: vec![], return_type: None, body }
}

#[test]
fn assignments() {
    assert_eq!(show(StmtDoc::assign(id("x"), Some(int(1)), None)), "x = 1");
    // A declaration without a value.
    let int32 = id("T").attr("int32");
    assert_eq!(show(StmtDoc::assign(id("x"), None, Some(int32.clone()))), "x: T.int32");
    assert_eq!(show(StmtDoc::assign(id("x"), Some(int(1)), Some(int32))), "x: T.int32 = 1");
    // A tuple target prints bare; a one-element tuple target prints as its element.
    let pair = ExprDoc::tuple(vec![id("a"), id("b")]);
    assert_eq!(show(StmtDoc::assign(pair.clone(), Some(id("c")), None)), "a, b = c");
    let single = ExprDoc::tuple(vec![id("a")]);
    assert_eq!(show(StmtDoc::assign(single.clone(), Some(id("c")), None)), "a = c");
    // A tuple value of two or more elements prints bare; otherwise as a tuple.
    assert_eq!(show(StmtDoc::assign(id("x"), Some(pair), None)), "x = a, b");
    assert_eq!(show(StmtDoc::assign(id("x"), Some(single), None)), "x = (a,)");
    assert_eq!(show(StmtDoc::assign(id("x"), Some(ExprDoc::tuple(vec![])), None)), "x = ()");
    // The comment goes on the same line.
    let commented = StmtDoc::assign(id("x"), Some(int(1)), None).with_comment("one");
    assert_eq!(show(commented), "x = 1  # one");
}

#[test]
fn one_line_statements() {
    assert_eq!(show(StmtDoc::expr(id("T").attr("evaluate").call(vec![int(0)]))), "T.evaluate(0)");
    assert_eq!(show(eval("x").with_comment("note")), "x  # note");
    assert_eq!(show(StmtDoc::assert(id("x"), None)), "assert x");
    assert_eq!(
        show(StmtDoc::assert(id("x"), Some(ExprDoc::str("bad"))).with_comment("c")),
        "assert x, \"bad\"  # c"
    );
    assert_eq!(show(StmtDoc::return_value(int(0))), "return 0");
    assert_eq!(show(StmtDoc::return_value(int(0)).with_comment("done")), "return 0  # done");
}

#[test]
fn multiline_inline_comments_are_rejected() {
    let stmt = StmtDoc::assign(id("x"), Some(int(1)), None).with_comment("a\nb");
    assert_eq!(
        render(&stmt, &RenderOptions::default()),
        Err(RenderError::MultilineInlineComment { comment: "a\nb".to_string() })
    );
    // The error also surfaces from a nested statement.
    let nested = StmtDoc::for_loop(id("i"), id("r"), vec![eval("x").with_comment("1\n2")]);
    assert!(render(&nested, &RenderOptions::default()).is_err());
}

#[test]
fn if_statements() {
    assert_eq!(show(StmtDoc::if_else(id("c"), vec![eval("a")], vec![])), "if c:\n    a");
    assert_eq!(
        show(StmtDoc::if_else(id("c"), vec![eval("a")], vec![eval("b")])),
        "if c:\n    a\nelse:\n    b"
    );
    // An empty branch is `pass`; an empty else branch is omitted.
    assert_eq!(show(StmtDoc::if_else(id("c"), vec![], vec![])), "if c:\n    pass");
    // There is no `elif`: a nested if sits inside `else:`.
    let nested = StmtDoc::if_else(id("d"), vec![eval("b")], vec![eval("e")]);
    assert_eq!(
        show(StmtDoc::if_else(id("c"), vec![eval("a")], vec![nested])),
        "if c:\n    a\nelse:\n    if d:\n        b\n    else:\n        e"
    );
    // The comment goes before, one `#` line per comment line.
    let commented = StmtDoc::if_else(id("c"), vec![eval("a")], vec![]).with_comment("x\ny");
    assert_eq!(show(commented), "# x\n# y\nif c:\n    a");
}

#[test]
fn loops_and_scopes() {
    assert_eq!(show(StmtDoc::while_loop(id("c"), vec![eval("a")])), "while c:\n    a");
    assert_eq!(
        show(StmtDoc::while_loop(id("c"), vec![]).with_comment("w")),
        "# w\nwhile c:\n    pass"
    );
    let range = id("T").attr("grid").call(vec![int(2), int(3)]);
    let pair = ExprDoc::tuple(vec![id("i"), id("j")]);
    assert_eq!(
        show(StmtDoc::for_loop(pair, range.clone(), vec![eval("a")])),
        "for i, j in T.grid(2, 3):\n    a"
    );
    // A one-element tuple target keeps its comma.
    let single = ExprDoc::tuple(vec![id("i")]);
    assert_eq!(show(StmtDoc::for_loop(single, range, vec![])), "for i, in T.grid(2, 3):\n    pass");
    assert_eq!(
        show(StmtDoc::for_loop(id("i"), id("r"), vec![eval("a")]).with_comment("loop")),
        "# loop\nfor i in r:\n    a"
    );
    let block = id("T").attr("block").call(vec![ExprDoc::str("root")]);
    assert_eq!(
        show(StmtDoc::scope(None, block.clone(), vec![eval("a")])),
        "with T.block(\"root\"):\n    a"
    );
    assert_eq!(
        show(StmtDoc::scope(Some(id("b")), block.clone(), vec![eval("a")])),
        "with T.block(\"root\") as b:\n    a"
    );
    // A tuple target of `with` prints as a tuple (only assign and for unpack it).
    let targets = ExprDoc::tuple(vec![id("a"), id("b")]);
    assert_eq!(
        show(StmtDoc::scope(Some(targets), block, vec![]).with_comment("s")),
        "# s\nwith T.block(\"root\") as (a, b):\n    pass"
    );
}

#[test]
fn nested_indentation_and_blocks() {
    let inner = StmtDoc::for_loop(id("j"), id("r"), vec![eval("a"), eval("b")]);
    let outer = StmtDoc::for_loop(id("i"), id("r"), vec![inner, eval("c")]);
    assert_eq!(show(outer.clone()), "for i in r:\n    for j in r:\n        a\n        b\n    c");
    let options = RenderOptions { indent_spaces: 2, ..RenderOptions::default() };
    assert_eq!(
        render(&outer, &options).ok().as_deref(),
        Some("for i in r:\n  for j in r:\n    a\n    b\n  c")
    );
    // A block inside a body prints its statements at the body's indentation.
    let body = vec![StmtDoc::block(vec![eval("a"), eval("b")]), eval("c")];
    assert_eq!(show(StmtDoc::while_loop(id("w"), body)), "while w:\n    a\n    b\n    c");
    assert_eq!(
        render_stmts(&[eval("a"), eval("b")], &RenderOptions::default()).ok().as_deref(),
        Some("a\nb")
    );
}

#[test]
fn comments_and_doc_strings() {
    assert_eq!(show(StmtDoc::comment_line("hello")), "# hello");
    assert_eq!(show(StmtDoc::comment_line("a\nb")), "# a\n# b");
    // Inside a body, each comment line gets the body's indentation.
    let body = vec![StmtDoc::comment_line("a\nb"), eval("x")];
    assert_eq!(show(StmtDoc::while_loop(id("w"), body)), "while w:\n    # a\n    # b\n    x");
    // An empty comment prints nothing, leaving an empty line in a block (TVM's header uses this).
    let header = StmtDoc::block(vec![
        StmtDoc::comment_line("from tvm.script import tir as T"),
        StmtDoc::comment_line(""),
        eval("x"),
    ]);
    assert_eq!(show(header), "# from tvm.script import tir as T\n\nx");
    // Doc strings: empty lines carry no indentation.
    assert_eq!(show(StmtDoc::doc_string("one\n\nthree")), "\"\"\"\none\n\nthree\n\"\"\"");
    let body = vec![StmtDoc::doc_string("doc"), eval("x")];
    assert_eq!(
        show(StmtDoc::while_loop(id("w"), body)),
        "while w:\n    \"\"\"\n    doc\n    \"\"\"\n    x"
    );
    // An empty doc string prints nothing.
    assert_eq!(show(StmtDoc::block(vec![eval("a"), StmtDoc::doc_string(""), eval("b")])), "a\n\nb");
    // An empty leading comment still ends its (absent) line, as TVM does.
    assert_eq!(show(StmtDoc::while_loop(id("c"), vec![]).with_comment("")), "\nwhile c:\n    pass");
}

#[test]
fn functions() {
    let t = id("T");
    let decorated = FunctionDoc {
        name: id("main"),
        args: vec![
            ArgDoc::new(id("A"), Some(t.attr("handle")), None),
            ArgDoc::new(id("n"), Some(t.attr("int32")), Some(int(4))),
            ArgDoc::new(id("flag"), None, Some(ExprDoc::bool(false))),
        ],
        decorators: vec![t.attr("prim_func"), id("other").call(vec![])],
        return_type: Some(t.attr("int32")),
        body: vec![StmtDoc::return_value(int(0))],
    };
    assert_eq!(
        show(decorated.into()),
        "@T.prim_func\n@other()\n\
         def main(A: T.handle, n: T.int32 = 4, flag = False) -> T.int32:\n    return 0"
    );
    // The comment becomes a doc string at the top of the body.
    let documented = StmtDoc::function(function("f", vec![])).with_comment("Doc.\n\nMore.");
    assert_eq!(
        show(documented),
        "def f():\n    \"\"\"\n    Doc.\n\n    More.\n    \"\"\"\n    pass"
    );
    // A function ends with an unindented newline: a following statement comes after a blank
    // line, and the final text has no trailing newline.
    let pair = StmtDoc::block(vec![function("f", vec![eval("a")]).into(), eval("b")]);
    assert_eq!(show(pair), "def f():\n    a\n\nb");
}

#[test]
fn classes() {
    let class = ClassDoc {
        name: id("Module"),
        decorators: vec![id("I").attr("ir_module")],
        body: vec![function("f", vec![eval("a")]).into(), function("g", vec![]).into()],
    };
    // Consecutive functions are separated by one empty line with no indentation.
    assert_eq!(
        show(class.into()),
        "@I.ir_module\nclass Module:\n    def f():\n        a\n\n    def g():\n        pass"
    );
    let empty = ClassDoc { name: id("C"), decorators: vec![], body: vec![] };
    assert_eq!(
        show(StmtDoc::class(empty).with_comment("c")),
        "class C:\n    \"\"\"\n    c\n    \"\"\"\n    pass"
    );
}

#[test]
fn trailing_spaces_of_empty_lines_inside_bodies_are_kept() {
    // An empty comment inside a body leaves its indentation on an otherwise empty line, as
    // TVM does; only the end of the whole text is trimmed.
    let body = vec![eval("a"), StmtDoc::comment_line(""), eval("b")];
    assert_eq!(show(StmtDoc::while_loop(id("w"), body)), "while w:\n    a\n    \n    b");
    let trailing = vec![eval("a"), StmtDoc::comment_line("")];
    assert_eq!(show(StmtDoc::while_loop(id("w"), trailing)), "while w:\n    a");
}
