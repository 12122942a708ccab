//! The expression grammar (chumsky), from atoms up to `lambda`.
//!
//! Precedence, loosest first: `lambda` < `x if c else y` < `or` < `and` < `not` < comparisons <
//! `|` < `^` < `&` < shifts < `+ -` < `* / // % @` < unary `- + ~` < `**` < primary (atoms with
//! `.attr`, calls and subscripts). `**` is right-associative and binds tighter than a unary operator on
//! its left (`-2**2 == -(2**2)`) but not on its right (`2**-1 == 2**(-1)`).
//!
//! Operators are parsed as flat repetitions (`operand (op operand)*`) and grouped by precedence in
//! plain Rust ([`super::operators`]). This replaced chumsky's Pratt parser: it parses every operand
//! once, needs no recursion per precedence level, gives Python's chain shapes (`Compare`, `BoolOp`)
//! directly, and measured 9-11% fewer instructions for a whole parse.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::ast::*;
use super::literal;
use super::operators::{self, FlatOp};
use super::token::{Kw, Op, Tok};

/// The error type the grammar is generic over: [`EmptyErr`] for the fast first pass (valid input is
/// the common case, and building rich errors for every failed alternative costs most of the parse
/// time), [`Rich`] for the second pass that runs only when the first one failed.
pub(crate) trait SyntaxError<'src, I: Input<'src>>:
    chumsky::error::Error<'src, I> + chumsky::label::LabelError<'src, I, &'static str> + 'src
{
    /// An error with a custom message and the label shown at its span (invalid assignment target,
    /// argument order...).
    fn custom(span: SimpleSpan, message: &str, label: &str) -> Self;
}

impl<'src, I: Input<'src>> SyntaxError<'src, I> for EmptyErr {
    fn custom(_: SimpleSpan, _: &str, _: &str) -> Self {
        EmptyErr::default()
    }
}

impl<'src, I> SyntaxError<'src, I> for Rich<'src, Tok<'src>, SimpleSpan>
where
    I: Input<'src, Token = Tok<'src>, Span = SimpleSpan>,
{
    /// The label travels in the message after a line break; [`super::errors::convert`] splits it off.
    fn custom(span: SimpleSpan, message: &str, label: &str) -> Self {
        Rich::custom(span, format!("{message}\n{label}"))
    }
}

/// Parsers shared with the statement grammar.
#[derive(Clone)]
pub(crate) struct ExprParsers<'src, I, Er>
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    /// A full expression (`test` in Python's grammar).
    pub expr: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
    /// An expression or `*expr`.
    pub star_expr: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
    /// A primary (atom with trailers) or `*primary`: what may be assigned to in `for` and `with`.
    pub target: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
    /// A call's argument list without the parentheses.
    pub call_args: Boxed<'src, 'src, I, (Vec<Expr>, Vec<Keyword>), extra::Err<Er>>,
    /// An identifier.
    pub ident: Boxed<'src, 'src, I, Ident, extra::Err<Er>>,
}

/// A comma-separated list of `item`s that becomes a tuple when it contains a comma
/// (`a`, `a,`, `a, b`).
pub(crate) fn comma_list<'src, I, Er>(
    item: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
) -> impl Parser<'src, I, Expr, extra::Err<Er>> + Clone + 'src
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    let comma = just(Tok::Op(Op::Comma));
    item.clone()
        .then(
            comma
                .ignore_then(item.separated_by(comma).allow_trailing().collect::<Vec<_>>())
                .or_not(),
        )
        .map_with(|(first, rest), e| match rest {
            None => first,
            Some(mut rest) => {
                rest.insert(0, first);
                Expr::new(ExprKind::Tuple(rest), span_range(e.span()))
            }
        })
}

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

/// A trailer after an atom, with the end offset of its last token.
enum Trailer {
    Attr(Ident),
    Call(Vec<Expr>, Vec<Keyword>, usize),
    Index(Expr, usize),
}

/// The recursive expression parser as seen from inside its own definition: a weak reference.
type ExprSelf<'src, I, Er> =
    Recursive<chumsky::recursive::Direct<'src, 'src, I, Expr, extra::Err<Er>>>;

/// The parsers built inside the recursion that [`ExprParsers`] also exports.
struct Inner<'src, I, Er>
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan>,
    Er: SyntaxError<'src, I>,
{
    star_expr: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
    target: Boxed<'src, 'src, I, Expr, extra::Err<Er>>,
    call_args: Boxed<'src, 'src, I, (Vec<Expr>, Vec<Keyword>), extra::Err<Er>>,
}

/// Builds the expression parsers.
///
/// Memory: the grammar is built with chumsky's [`recursive`], whose self-references are weak, so
/// dropping the parsers frees them. (`Recursive::declare` holds strong self-references: an `Rc`
/// cycle that leaked the whole grammar, ~7 KB, on every parse.) The parsers built inside the
/// recursion and exported here (`star_expr`, `target`, `call_args`) refer to it weakly too, so each
/// also holds a strong reference to it ([`owning`]) and stays usable on its own.
pub(crate) fn expr_parsers<'src, I, Er>() -> ExprParsers<'src, I, Er>
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan> + 'src,
    Er: SyntaxError<'src, I>,
{
    let ident = select! { Tok::Name(n) = e => {
        let span: SimpleSpan = e.span();
        Ident { name: n.to_string(), span: span.into_range() }
    } }
    .labelled("name")
    .boxed();

    let mut inner = None;
    let expr = recursive(|expr| {
        let (definition, parts) = grammar(expr, ident.clone());
        inner = Some(parts);
        definition
    });
    // `recursive` calls its closure exactly once, before returning.
    let Some(Inner { star_expr, target, call_args }) = inner else {
        unreachable!("chumsky's `recursive` runs the grammar builder once")
    };
    ExprParsers {
        star_expr: owning(star_expr, &expr),
        target: owning(target, &expr),
        call_args: owning(call_args, &expr),
        expr: expr.boxed(),
        ident,
    }
}

/// `parser`, holding a strong reference to `owner` (a recursive parser it refers to weakly).
fn owning<'src, I, O, Er>(
    parser: Boxed<'src, 'src, I, O, extra::Err<Er>>,
    owner: &ExprSelf<'src, I, Er>,
) -> Boxed<'src, 'src, I, O, extra::Err<Er>>
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan> + 'src,
    Er: SyntaxError<'src, I>,
    O: 'src,
{
    let owner = owner.clone();
    parser
        .map(move |output| {
            // Only the capture matters: the closure keeps `owner` alive as long as `parser`.
            let _owner = &owner;
            output
        })
        .boxed()
}

/// The expression grammar in terms of `expr` (the recursive parser itself): returns the definition
/// of `expr` and the inner parsers that [`ExprParsers`] exports.
#[allow(clippy::type_complexity)]
fn grammar<'src, I, Er>(
    expr: ExprSelf<'src, I, Er>,
    ident: Boxed<'src, 'src, I, Ident, extra::Err<Er>>,
) -> (impl Parser<'src, I, Expr, extra::Err<Er>> + Clone + 'src, Inner<'src, I, Er>)
where
    I: ValueInput<'src, Token = Tok<'src>, Span = SimpleSpan> + 'src,
    Er: SyntaxError<'src, I>,
{
    let star_expr = op(Op::Star)
        .ignore_then(expr.clone())
        .map_with(|inner, e| Expr::new(ExprKind::Starred(Box::new(inner)), span_range(e.span())))
        .or(expr.clone())
        .boxed();

    let literal = select! {
        Tok::Name(n) => ExprKind::Name(n.to_string()),
        Tok::Int(text) => ExprKind::Int(literal::decode_int(text)),
        Tok::Float(text) => ExprKind::Float(literal::decode_float(text)),
        Tok::Kw(Kw::True) => ExprKind::Bool(true),
        Tok::Kw(Kw::False) => ExprKind::Bool(false),
        Tok::Kw(Kw::None) => ExprKind::None,
        Tok::Op(Op::Ellipsis) => ExprKind::Ellipsis,
    }
    .map_with(|kind, e| Expr::new(kind, span_range(e.span())));

    // Adjacent string literals concatenate, as in Python.
    let string = select! { Tok::Str(text) => text };
    let strings = string
        .then(string.repeated().collect::<Vec<&str>>())
        .map(|(first, rest)| {
            let mut acc = literal::decode_string(first);
            for text in rest {
                acc.push_str(&literal::decode_string(text));
            }
            acc
        })
        .map_with(|s, e| Expr::new(ExprKind::Str(s), span_range(e.span())));

    let comma = op(Op::Comma);

    // `()`, `(x)`, `(x,)`, `(x, y)`; a parenthesised expression keeps its own span.
    let paren = star_expr
        .clone()
        .then(
            comma
                .clone()
                .ignore_then(
                    star_expr
                        .clone()
                        .separated_by(comma.clone())
                        .allow_trailing()
                        .collect::<Vec<_>>(),
                )
                .or_not(),
        )
        .or_not()
        .delimited_by(op(Op::LParen), op(Op::RParen))
        .map_with(|inner, e| match inner {
            None => Expr::new(ExprKind::Tuple(Vec::new()), span_range(e.span())),
            Some((first, None)) => first,
            Some((first, Some(mut rest))) => {
                rest.insert(0, first);
                Expr::new(ExprKind::Tuple(rest), span_range(e.span()))
            }
        });

    let list = star_expr
        .clone()
        .separated_by(comma.clone())
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(op(Op::LBracket), op(Op::RBracket))
        .map_with(|items, e| Expr::new(ExprKind::List(items), span_range(e.span())));

    let dict = expr
        .clone()
        .then_ignore(op(Op::Colon))
        .then(expr.clone())
        .separated_by(comma.clone())
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(op(Op::LBrace), op(Op::RBrace))
        .map_with(|items, e| Expr::new(ExprKind::Dict(items), span_range(e.span())));

    let atom = choice((literal, strings, paren, list, dict)).labelled("expression");

    // Call arguments: `f(a, *b, k=v, **d)`.
    enum Arg {
        Positional(Expr),
        Keyword(Keyword),
    }
    let keyword_arg = ident.clone().then_ignore(op(Op::Assign)).then(expr.clone()).map_with(
        |(name, value), e| {
            Arg::Keyword(Keyword { name: Some(name), value, span: span_range(e.span()) })
        },
    );
    let double_star_arg = op(Op::DoubleStar).ignore_then(expr.clone()).map_with(|value, e| {
        Arg::Keyword(Keyword { name: None, value, span: span_range(e.span()) })
    });
    let call_args = choice((keyword_arg, double_star_arg, star_expr.clone().map(Arg::Positional)))
        .separated_by(comma.clone())
        .allow_trailing()
        .collect::<Vec<_>>()
        .validate(|args, _, emitter| {
            let mut positional = Vec::new();
            let mut keywords: Vec<Keyword> = Vec::new();
            for arg in args {
                match arg {
                    Arg::Positional(value) => {
                        if let Some(last) = keywords.last() {
                            let message = if last.name.is_some() {
                                "positional argument follows keyword argument"
                            } else {
                                "positional argument follows keyword argument unpacking"
                            };
                            emitter.emit(Er::custom(
                                SimpleSpan::from(value.span.clone()),
                                message,
                                "this positional argument",
                            ));
                        }
                        positional.push(value)
                    }
                    Arg::Keyword(k) => keywords.push(k),
                }
            }
            (positional, keywords)
        })
        .boxed();

    // Subscripts: `A[i]`, `A[i, j]`, `A[0:16]`, `A[::2]`.
    // Each index item is parsed once: an optional lower bound, then an optional `:upper:step` tail.
    let slice_tail = op(Op::Colon)
        .ignore_then(expr.clone().or_not())
        .then(op(Op::Colon).ignore_then(expr.clone().or_not()).or_not());
    let slice = |lower: Option<Expr>, (upper, step): (Option<Expr>, Option<Option<Expr>>), span| {
        Expr::new(ExprKind::Slice(Box::new(Slice { lower, upper, step: step.flatten() })), span)
    };
    let index_item = choice((
        expr.clone().then(slice_tail.clone().or_not()).map_with(
            move |(lower, tail), e| match tail {
                None => lower,
                Some(tail) => slice(Some(lower), tail, span_range(e.span())),
            },
        ),
        slice_tail.map_with(move |tail, e| slice(None, tail, span_range(e.span()))),
        op(Op::Star).ignore_then(expr.clone()).map_with(|inner, e| {
            Expr::new(ExprKind::Starred(Box::new(inner)), span_range(e.span()))
        }),
    ))
    .boxed();
    let index = comma_list(index_item);

    let trailer = choice((
        op(Op::Dot).ignore_then(ident.clone()).map(Trailer::Attr),
        call_args
            .clone()
            .delimited_by(op(Op::LParen), op(Op::RParen))
            .map_with(|(args, keywords), e| Trailer::Call(args, keywords, e.span().end)),
        index
            .delimited_by(op(Op::LBracket), op(Op::RBracket))
            .map_with(|index, e| Trailer::Index(index, e.span().end)),
    ));

    let primary = atom
        .foldl(trailer.repeated(), |value, trailer| {
            let start = value.span.start;
            match trailer {
                Trailer::Attr(attr) => {
                    let end = attr.span.end;
                    Expr::new(ExprKind::Attribute(Box::new(Attribute { value, attr })), start..end)
                }
                Trailer::Call(args, keywords, end) => Expr::new(
                    ExprKind::Call(Box::new(Call { func: value, args, keywords })),
                    start..end,
                ),
                Trailer::Index(index, end) => {
                    Expr::new(ExprKind::Subscript(Box::new(Subscript { value, index })), start..end)
                }
            }
        })
        .boxed();

    let target = op(Op::Star)
        .ignore_then(primary.clone())
        .map_with(|inner, e| Expr::new(ExprKind::Starred(Box::new(inner)), span_range(e.span())))
        .or(primary.clone())
        .boxed();

    // Operands: prefix operators, a primary, and `**` chains (see `operators::power`).
    let unary_op = select! {
        Tok::Op(Op::Minus) => UnaryOp::Neg,
        Tok::Op(Op::Plus) => UnaryOp::Pos,
        Tok::Op(Op::Tilde) => UnaryOp::Invert,
    };
    let prefixed = unary_op
        .map_with(|op, e| {
            let span: SimpleSpan = e.span();
            (op, span.start)
        })
        .repeated()
        .collect::<Vec<_>>()
        .then(primary.clone());
    let operand = prefixed
        .clone()
        .then(op(Op::DoubleStar).ignore_then(prefixed).repeated().collect::<Vec<_>>())
        .map(|(first, rest)| operators::power(first, rest))
        .boxed();

    // Binary and comparison operators, one flat list per expression (see `operators::binary`).
    let flat_op = choice((
        select! {
            Tok::Op(Op::Plus) => FlatOp::Bin(BinOp::Add),
            Tok::Op(Op::Minus) => FlatOp::Bin(BinOp::Sub),
            Tok::Op(Op::Star) => FlatOp::Bin(BinOp::Mul),
            Tok::Op(Op::Slash) => FlatOp::Bin(BinOp::Div),
            Tok::Op(Op::DoubleSlash) => FlatOp::Bin(BinOp::FloorDiv),
            Tok::Op(Op::Percent) => FlatOp::Bin(BinOp::Mod),
            Tok::Op(Op::At) => FlatOp::Bin(BinOp::MatMul),
            Tok::Op(Op::Shl) => FlatOp::Bin(BinOp::LShift),
            Tok::Op(Op::Shr) => FlatOp::Bin(BinOp::RShift),
            Tok::Op(Op::Amp) => FlatOp::Bin(BinOp::BitAnd),
            Tok::Op(Op::Pipe) => FlatOp::Bin(BinOp::BitOr),
            Tok::Op(Op::Caret) => FlatOp::Bin(BinOp::BitXor),
            Tok::Op(Op::EqEq) => FlatOp::Cmp(CmpOp::Eq),
            Tok::Op(Op::NotEq) => FlatOp::Cmp(CmpOp::NotEq),
            Tok::Op(Op::Lt) => FlatOp::Cmp(CmpOp::Lt),
            Tok::Op(Op::LtEq) => FlatOp::Cmp(CmpOp::LtE),
            Tok::Op(Op::Gt) => FlatOp::Cmp(CmpOp::Gt),
            Tok::Op(Op::GtEq) => FlatOp::Cmp(CmpOp::GtE),
            Tok::Kw(Kw::In) => FlatOp::Cmp(CmpOp::In),
        },
        kw(Kw::Not).then(kw(Kw::In)).to(FlatOp::Cmp(CmpOp::NotIn)),
        kw(Kw::Is)
            .ignore_then(kw(Kw::Not).or_not())
            .map(|not| FlatOp::Cmp(if not.is_some() { CmpOp::IsNot } else { CmpOp::Is })),
    ))
    .labelled("an operator");
    let comparison = operand
        .clone()
        .then(flat_op.then(operand).repeated().collect::<Vec<_>>())
        .map(|(first, rest)| operators::binary(first, rest));

    // `not not x`: the prefixes are collected first, then applied innermost-last.
    let not_test = kw(Kw::Not)
        .map_with(|_, e| {
            let span: SimpleSpan = e.span();
            span.start
        })
        .repeated()
        .collect::<Vec<usize>>()
        .then(comparison)
        .map(|(nots, operand)| {
            nots.into_iter().rev().fold(operand, |operand, start| {
                let span = start..operand.span.end;
                Expr::new(ExprKind::UnaryOp { op: UnaryOp::Not, operand: Box::new(operand) }, span)
            })
        })
        .boxed();

    // `and` / `or` chains (see `operators::boolean`).
    let bool_op = select! {
        Tok::Kw(Kw::And) => BoolOp::And,
        Tok::Kw(Kw::Or) => BoolOp::Or,
    }
    .labelled("an operator");
    let or_test = not_test
        .clone()
        .then(bool_op.then(not_test).repeated().collect::<Vec<_>>())
        .map(|(first, rest)| operators::boolean(first, rest))
        .boxed();

    let ternary = or_test
        .clone()
        .then(kw(Kw::If).ignore_then(or_test).then_ignore(kw(Kw::Else)).then(expr.clone()).or_not())
        .map(|(body, rest)| match rest {
            None => body,
            Some((test, orelse)) => {
                let span = body.span.start..orelse.span.end;
                Expr::new(ExprKind::IfExp(Box::new(IfExp { test, body, orelse })), span)
            }
        });

    let lambda_param = ident
        .clone()
        .then(op(Op::Assign).ignore_then(expr.clone()).or_not())
        .map_with(|(name, default), e| Param {
            name,
            kind: ParamKind::Normal,
            annotation: None,
            default,
            span: span_range(e.span()),
        });
    let lambda = kw(Kw::Lambda)
        .ignore_then(lambda_param.separated_by(comma.clone()).allow_trailing().collect::<Vec<_>>())
        .then_ignore(op(Op::Colon))
        .then(expr.clone())
        .map_with(|(params, body), e| {
            Expr::new(ExprKind::Lambda(Box::new(Lambda { params, body })), span_range(e.span()))
        });

    (lambda.or(ternary).labelled("expression"), Inner { star_expr, target, call_args })
}

/// Converts a chumsky span to the byte range used in the tree.
pub(crate) fn span_range(span: SimpleSpan) -> Span {
    span.into_range()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer;

    /// The exported inner parsers refer to the recursive `expr` weakly; [`owning`] keeps it alive,
    /// so they parse on their own after the rest of [`ExprParsers`] is dropped.
    #[test]
    fn inner_parsers_outlive_the_expression_parser() {
        let source = "*A[i + 1, j:j + 4].data";
        let lexed = lexer::lex(source);
        let eoi = SimpleSpan::from(source.len()..source.len());
        let tokens: Vec<_> =
            lexed.tokens.into_iter().filter(|(tok, _)| !matches!(tok, Tok::Newline)).collect();
        let input = tokens.as_slice().map(eoi, |(tok, span)| (tok, span));
        let ExprParsers { target, .. } = expr_parsers::<_, EmptyErr>();
        let parsed = target.then_ignore(end()).parse(input).into_result();
        assert!(matches!(&parsed, Ok(Expr { kind: ExprKind::Starred(_), .. })), "{parsed:?}");
    }
}
