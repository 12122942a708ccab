//! The statement grammar (chumsky) over the laid-out token stream.
//!
//! A block is `Newline Indent stmt+ Dedent`, or simple statements on the header's line (`if x: pass`).
//! The grammar itself does not recover from errors; statement-level recovery is done on the token
//! stream by [`super::recovery`], which keeps this grammar simple and fast.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::ast::*;
use super::expr::{ExprParsers, SyntaxError, comma_list, expr_parsers, span_range};
use super::token::{Kw, Op, Tok};

fn op<'src, I, Er>(o: Op) -> impl Parser<'src, I, Tok<'src>, extra::Err<Er>> + Clone
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    just(Tok::Op(o))
}

fn kw<'src, I, Er>(k: Kw) -> impl Parser<'src, I, Tok<'src>, extra::Err<Er>> + Clone
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    just(Tok::Kw(k))
}

/// Why an expression cannot be assigned to, if it cannot.
fn invalid_target(target: &Expr) -> Option<(Span, String)> {
    match &target.kind {
        ExprKind::Name(_) | ExprKind::Attribute(_) | ExprKind::Subscript(_) => None,
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().find_map(invalid_target),
        ExprKind::Starred(inner) => invalid_target(inner),
        other => {
            let what = match other {
                ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => "a literal",
                ExprKind::Bool(_) | ExprKind::None | ExprKind::Ellipsis => "a constant",
                ExprKind::Call(_) => "a function call",
                ExprKind::Compare { .. } => "a comparison",
                ExprKind::Lambda(_) => "a lambda",
                ExprKind::IfExp(_) => "a conditional expression",
                ExprKind::Dict(_) => "a dict display",
                _ => "an expression",
            };
            Some((target.span.clone(), format!("cannot assign to {what}")))
        }
    }
}

fn check_target<'src, I, Er>(target: &Expr, emitter: &mut chumsky::input::Emitter<Er>)
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    if let Some((span, message)) = invalid_target(target) {
        emitter.emit(Er::custom(
            SimpleSpan::from(span),
            &message,
            "only names, attributes, subscripts and tuples of them can be assigned to",
        ));
    }
}

/// What follows the first expression list of an expression statement.
enum Tail {
    Annotated(Expr, Option<Expr>),
    Augmented(BinOp, Expr),
    Assigned(Vec<Expr>),
    Nothing,
}

/// Builds the parser of a whole module body (`stmt*` up to the end of input).
pub(crate) fn module_parser<'src, I, Er>() -> impl Parser<'src, I, Vec<Stmt>, extra::Err<Er>> + 'src
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan> + 'src,
    Er: SyntaxError<'src, I>,
{
    let ExprParsers { expr, star_expr, target, call_args, ident } = expr_parsers::<I, Er>();
    let newline = just(Tok::Newline);
    let comma = op(Op::Comma);
    let exprs = comma_list(star_expr.clone()).boxed();
    let targets = comma_list(target).boxed();

    // `recursive` (not `Recursive::declare`): the grammar refers to itself weakly, so dropping the
    // module parser frees it instead of leaking an `Rc` cycle on every parse.
    let stmt = recursive(|stmt| {
        let keyword_stmt = choice((
            kw(Kw::Pass).to(StmtKind::Pass),
            kw(Kw::Break).to(StmtKind::Break),
            kw(Kw::Continue).to(StmtKind::Continue),
            kw(Kw::Return).ignore_then(exprs.clone().or_not()).map(StmtKind::Return),
            kw(Kw::Assert)
                .ignore_then(expr.clone())
                .then(comma.clone().ignore_then(expr.clone()).or_not())
                .map(|(test, msg)| StmtKind::Assert { test, msg }),
        ));

        let aug_op = select! {
            Tok::Op(Op::PlusEq) => BinOp::Add,
            Tok::Op(Op::MinusEq) => BinOp::Sub,
            Tok::Op(Op::StarEq) => BinOp::Mul,
            Tok::Op(Op::SlashEq) => BinOp::Div,
            Tok::Op(Op::DoubleSlashEq) => BinOp::FloorDiv,
            Tok::Op(Op::PercentEq) => BinOp::Mod,
            Tok::Op(Op::DoubleStarEq) => BinOp::Pow,
            Tok::Op(Op::ShlEq) => BinOp::LShift,
            Tok::Op(Op::ShrEq) => BinOp::RShift,
            Tok::Op(Op::AmpEq) => BinOp::BitAnd,
            Tok::Op(Op::PipeEq) => BinOp::BitOr,
            Tok::Op(Op::CaretEq) => BinOp::BitXor,
            Tok::Op(Op::AtEq) => BinOp::MatMul,
        };
        let tail = choice((
            op(Op::Colon)
                .ignore_then(expr.clone())
                .then(op(Op::Assign).ignore_then(exprs.clone()).or_not())
                .map(|(annotation, value)| Tail::Annotated(annotation, value)),
            aug_op.then(exprs.clone()).map(|(op, value)| Tail::Augmented(op, value)),
            op(Op::Assign)
                .ignore_then(exprs.clone())
                .repeated()
                .at_least(1)
                .collect::<Vec<_>>()
                .map(Tail::Assigned),
        ))
        .or_not()
        .map(|tail| tail.unwrap_or(Tail::Nothing));

        let expr_stmt = exprs.clone().then(tail).validate(|(first, tail), _, emitter| match tail {
            Tail::Nothing => StmtKind::Expr(first),
            Tail::Annotated(annotation, value) => {
                if matches!(first.kind, ExprKind::Tuple(_)) {
                    emitter.emit(Er::custom(
                        SimpleSpan::from(first.span.clone()),
                        "only a single target can be annotated",
                        "a tuple of targets",
                    ));
                } else {
                    check_target(&first, emitter);
                }
                StmtKind::AnnAssign { target: first, annotation, value }
            }
            Tail::Augmented(op, value) => {
                if matches!(first.kind, ExprKind::Tuple(_) | ExprKind::List(_)) {
                    emitter.emit(Er::custom(
                        SimpleSpan::from(first.span.clone()),
                        "a tuple cannot be the target of an augmented assignment",
                        "a tuple of targets",
                    ));
                } else {
                    check_target(&first, emitter);
                }
                StmtKind::AugAssign { target: first, op, value }
            }
            Tail::Assigned(mut rest) => {
                let value = rest.pop().expect("at least one `= value` was parsed");
                let mut targets = Vec::with_capacity(rest.len() + 1);
                targets.push(first);
                targets.extend(rest);
                for target in &targets {
                    check_target(target, emitter);
                }
                StmtKind::Assign { targets, value }
            }
        });

        let small_stmt = keyword_stmt
            .or(expr_stmt)
            .map_with(|kind, e| Stmt { kind, span: span_range(e.span()) });
        let simple_line = small_stmt
            .clone()
            .then(op(Op::Semi).ignore_then(small_stmt).repeated().collect::<Vec<_>>())
            .then_ignore(op(Op::Semi).or_not())
            .then_ignore(newline)
            .boxed();

        let block = newline
            .ignore_then(just(Tok::Indent))
            .ignore_then(stmt.clone().repeated().at_least(1).collect::<StmtList>())
            .then_ignore(just(Tok::Dedent))
            .map(|list| list.0)
            .or(simple_line.clone().map(|line| {
                let mut list = StmtList::default();
                chumsky::container::Container::push(&mut list, line);
                list.0
            }))
            .boxed();

        let colon_block = op(Op::Colon).ignore_then(block.clone()).boxed();

        let param_kind = select! {
            Tok::Op(Op::Star) => ParamKind::VarArgs,
            Tok::Op(Op::DoubleStar) => ParamKind::KwArgs,
        }
        .or_not()
        .map(|kind| kind.unwrap_or(ParamKind::Normal));
        let param = param_kind
            .then(ident.clone())
            .then(op(Op::Colon).ignore_then(expr.clone()).or_not())
            .then(op(Op::Assign).ignore_then(expr.clone()).or_not())
            .map_with(|(((kind, name), annotation), default), e| Param {
                name,
                kind,
                annotation,
                default,
                span: span_range(e.span()),
            });
        let function_rest = kw(Kw::Def)
            .ignore_then(ident.clone())
            .then(
                param
                    .separated_by(comma.clone())
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(op(Op::LParen), op(Op::RParen)),
            )
            .then(op(Op::Arrow).ignore_then(expr.clone()).or_not())
            .then(colon_block.clone())
            .map(|(((name, params), returns), body)| {
                StmtKind::FunctionDef(Box::new(FunctionDef {
                    decorators: Vec::new(),
                    name,
                    params,
                    returns,
                    body,
                }))
            });
        let class_rest = kw(Kw::Class)
            .ignore_then(ident.clone())
            .then(call_args.delimited_by(op(Op::LParen), op(Op::RParen)).or_not())
            .then(colon_block.clone())
            .map(|((name, bases), body)| {
                StmtKind::ClassDef(Box::new(ClassDef {
                    decorators: Vec::new(),
                    name,
                    bases: bases.map(|(args, _)| args).unwrap_or_default(),
                    body,
                }))
            });
        let decorator = op(Op::At).ignore_then(expr.clone()).then_ignore(newline);
        let definition =
            decorator.repeated().collect::<Vec<_>>().then(function_rest.or(class_rest)).map(
                |(decorators, mut kind)| {
                    match &mut kind {
                        StmtKind::FunctionDef(def) => def.decorators = decorators,
                        StmtKind::ClassDef(def) => def.decorators = decorators,
                        _ => {}
                    }
                    kind
                },
            );

        let elif_chain = kw(Kw::Elif)
            .map_with(|_, e| {
                let span: SimpleSpan = e.span();
                span.start
            })
            .then(expr.clone())
            .then(colon_block.clone())
            .repeated()
            .collect::<Vec<_>>();
        let if_stmt = kw(Kw::If)
            .ignore_then(expr.clone())
            .then(colon_block.clone())
            .then(elif_chain)
            .then(kw(Kw::Else).ignore_then(colon_block.clone()).or_not())
            .map(|(((test, body), elifs), orelse)| {
                // Fold the elif chain from the innermost branch outwards.
                let mut orelse = orelse.unwrap_or_default();
                for ((start, test), body) in elifs.into_iter().rev() {
                    let end =
                        body_end(&orelse).or_else(|| body_end(&body)).unwrap_or(test.span.end);
                    orelse =
                        vec![Stmt { kind: StmtKind::If { test, body, orelse }, span: start..end }];
                }
                StmtKind::If { test, body, orelse }
            });

        let for_stmt = kw(Kw::For)
            .ignore_then(targets.clone())
            .then_ignore(kw(Kw::In))
            .then(exprs.clone())
            .then(colon_block.clone())
            .validate(|((target, iter), body), _, emitter| {
                check_target(&target, emitter);
                StmtKind::For { target, iter, body }
            });
        let while_stmt = kw(Kw::While)
            .ignore_then(expr.clone())
            .then(colon_block.clone())
            .map(|(test, body)| StmtKind::While { test, body });
        let with_item =
            expr.clone().then(kw(Kw::As).ignore_then(targets.clone()).or_not()).map_with(
                |(context, target), e| WithItem { context, target, span: span_range(e.span()) },
            );
        let with_stmt = kw(Kw::With)
            .ignore_then(with_item.separated_by(comma.clone()).at_least(1).collect::<Vec<_>>())
            .then(colon_block)
            .validate(|(items, body), _, emitter| {
                for item in &items {
                    if let Some(target) = &item.target {
                        check_target(target, emitter);
                    }
                }
                StmtKind::With { items, body }
            });

        let compound =
            choice((definition, if_stmt, for_stmt, while_stmt, with_stmt)).map_with(|kind, e| {
                let start = e.span().start;
                let end = match &kind {
                    StmtKind::FunctionDef(def) => body_end(&def.body),
                    StmtKind::ClassDef(def) => body_end(&def.body),
                    StmtKind::If { body, orelse, .. } => {
                        body_end(orelse).or_else(|| body_end(body))
                    }
                    StmtKind::For { body, .. }
                    | StmtKind::While { body, .. }
                    | StmtKind::With { body, .. } => body_end(body),
                    _ => None,
                };
                let span: SimpleSpan = e.span();
                let stmt = Stmt { kind, span: start..end.unwrap_or(span.end) };
                (stmt, Vec::new())
            });

        compound.or(simple_line).labelled("statement")
    });

    stmt.repeated().collect::<StmtList>().map(|list| list.0).then_ignore(end())
}

/// The statements of one logical line: the first and any after `;` (usually none, so no allocation).
type Line = (Stmt, Vec<Stmt>);

/// Collects [`Line`]s into one flat list of statements.
#[derive(Default)]
struct StmtList(Vec<Stmt>);

impl chumsky::container::Container<Line> for StmtList {
    fn push(&mut self, (first, rest): Line) {
        self.0.push(first);
        self.0.extend(rest);
    }
}

/// End offset of the last statement of a body, if any.
fn body_end(body: &[Stmt]) -> Option<usize> {
    body.last().map(|stmt| stmt.span.end)
}
