//! Builders for expected syntax trees. Spans compare equal whatever their positions, so the
//! expected trees use synthetic spans and only their structure is compared.
#![allow(dead_code)]

use funnel_grammar::ast::*;
use funnel_grammar::{parse, SourceFile, Span, SyntaxError};

pub fn sp() -> Span {
    Span::synthetic()
}

pub fn id(name: &str) -> Ident {
    Ident {
        name: name.into(),
        span: sp(),
    }
}

pub fn ex(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

pub fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub fn name(n: &str) -> Expr {
    ex(ExprKind::Name(id(n)))
}

pub fn numlit(value: f64, integer: bool) -> NumLit {
    NumLit {
        value,
        integer,
        int: integer.then_some(value as i64),
        span: sp(),
    }
}

pub fn int(v: i64) -> Expr {
    ex(ExprKind::Lit(Literal::Number(numlit(v as f64, true))))
}

pub fn float(v: f64) -> Expr {
    ex(ExprKind::Lit(Literal::Number(numlit(v, false))))
}

pub fn text(s: &str) -> Expr {
    ex(ExprKind::Lit(Literal::Text(s.into())))
}

pub fn strlit(s: &str) -> StrLit {
    StrLit {
        value: s.into(),
        span: sp(),
    }
}

pub fn dur(seconds: i64) -> Expr {
    ex(ExprKind::Lit(Literal::Duration(seconds)))
}

pub fn pct(v: f64) -> Expr {
    ex(ExprKind::Lit(Literal::Percent(v)))
}

pub fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    ex(ExprKind::Binary(op, b(l), b(r)))
}

pub fn field(e: Expr, f: &str) -> Expr {
    ex(ExprKind::Field(b(e), id(f)))
}

pub fn call(f: &str, args: Vec<Expr>) -> Expr {
    ex(ExprKind::Call(id(f), args))
}

pub fn list(items: Vec<Expr>) -> Expr {
    ex(ExprKind::List(items))
}

pub fn query(list: Expr, filter: Option<Expr>, within: Option<Expr>) -> ListQuery {
    ListQuery {
        list: b(list),
        filter: filter.map(b),
        within: within.map(b),
    }
}

pub fn list_op(op: ListOp, value: Option<Expr>, q: ListQuery) -> Expr {
    ex(ExprKind::ListOp {
        op,
        value: value.map(b),
        query: q,
    })
}

pub fn ty(kind: TypeKind, optional: bool) -> TypeExpr {
    TypeExpr {
        kind,
        optional,
        span: sp(),
    }
}

/// Parses a file that must have no errors.
pub fn parse_ok(src: &str) -> File {
    let file = SourceFile::new("test.funnel", src);
    let (tree, errors) = parse(&file);
    assert!(
        errors.is_empty(),
        "unexpected errors in {src:?}: {errors:#?}"
    );
    tree
}

/// The errors of a file.
pub fn errors(src: &str) -> Vec<SyntaxError> {
    parse(&SourceFile::new("test.funnel", src)).1
}

/// The only error of a file.
pub fn error(src: &str) -> SyntaxError {
    let mut errs = errors(src);
    assert_eq!(
        errs.len(),
        1,
        "expected one error in {src:?}, got {errs:#?}"
    );
    errs.remove(0)
}

/// The one item of a file.
pub fn item(src: &str) -> Item {
    let mut tree = parse_ok(src);
    assert_eq!(tree.items.len(), 1, "expected one item in {src:?}");
    tree.items.remove(0)
}

/// An expression, parsed as the value of a `let`.
pub fn expr(src: &str) -> Expr {
    match item(&format!("let x = {src}\n")) {
        Item::Let(l) => l.value,
        other => panic!("not a let: {other:?}"),
    }
}
