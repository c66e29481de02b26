//! The escape hatch: typed functions written in Rhai, run in a sandbox.
//!
//! Scripts are compiled once with the policy. The sandbox has no file, network, process or
//! module access, no `eval` and nothing that waits (`sleep`); every call is bounded in
//! operations, wall-clock time, call depth, string length and array and map sizes. A call that
//! breaks a bound, fails, panics or returns the wrong type is an error for that lead, naming the
//! function and the bound.

use crate::checked::{Checked, Ty};
use crate::value::Value;
use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, Position, AST};
use std::cell::Cell;
use std::fmt;
use std::time::{Duration, Instant};

/// The sandbox's bounds. Defaults: 100,000 operations a call, 1,000 ms a call, call depth 32,
/// strings of 10,000 characters, arrays and maps of 1,000 items. A policy header changes them
/// with `script limits { operations 500_000, time_ms 200, ... }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptLimits {
    /// Operations per call.
    pub operations: u64,
    /// Wall-clock milliseconds per call.
    pub time_ms: u64,
    /// Nested function calls.
    pub call_depth: usize,
    /// Characters in a string.
    pub string_size: usize,
    /// Items in an array.
    pub array_size: usize,
    /// Entries in a map.
    pub map_size: usize,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        ScriptLimits {
            operations: 100_000,
            time_ms: 1_000,
            call_depth: 32,
            string_size: 10_000,
            array_size: 1_000,
            map_size: 1_000,
        }
    }
}

impl ScriptLimits {
    /// The defaults with the header's settings applied.
    pub fn from_settings(settings: &[(String, u64)]) -> ScriptLimits {
        let mut l = ScriptLimits::default();
        for (name, v) in settings {
            let n = usize::try_from(*v).unwrap_or(usize::MAX);
            match name.as_str() {
                "operations" => l.operations = *v,
                "time_ms" => l.time_ms = *v,
                "call_depth" => l.call_depth = n,
                "string_size" => l.string_size = n,
                "array_size" => l.array_size = n,
                "map_size" => l.map_size = n,
                _ => {}
            }
        }
        l
    }
}

/// The compiled scripts of a policy and the sandboxed engine that runs them.
pub struct ScriptRuntime {
    engine: Engine,
    asts: Vec<AST>,
    limits: ScriptLimits,
}

impl fmt::Debug for ScriptRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ScriptRuntime({} scripts, {:?})",
            self.asts.len(),
            self.limits
        )
    }
}

/// A script that does not compile: 1-based line and column, and the message.
#[derive(Debug, Clone)]
pub struct ScriptSyntaxError {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ScriptRuntime {
    /// A sandboxed engine with the given bounds.
    pub fn new(limits: ScriptLimits) -> ScriptRuntime {
        let mut engine = Engine::new();
        // `sleep` blocks the thread that evaluates (under `funnel serve`, one of a bounded pool)
        // and panics on a huge argument, and a script has nothing to wait for. Functions
        // registered here are found before the standard library's, so every way of calling
        // it, `Fn("sleep").call(..)` included, ends in this error.
        engine
            .register_fn(
                "sleep",
                |_: rhai::FLOAT| -> Result<(), Box<EvalAltResult>> { Err(not_in_sandbox("sleep")) },
            )
            .register_fn("sleep", |_: rhai::INT| -> Result<(), Box<EvalAltResult>> {
                Err(not_in_sandbox("sleep"))
            });
        engine
            // The operation limit bounds the steps, not the time: a few steps can be slow
            // (long strings, large arrays), and a loaded machine is slow at all of them.
            .on_progress(|ops| {
                // Reading the clock on every operation would cost more than most operations.
                if ops % CLOCK_EVERY != 0 {
                    return None;
                }
                match DEADLINE.get() {
                    Some(deadline) if Instant::now() >= deadline => Some(Dynamic::UNIT),
                    _ => None,
                }
            })
            .set_max_operations(limits.operations)
            .set_max_call_levels(limits.call_depth)
            .set_max_string_size(limits.string_size)
            .set_max_array_size(limits.array_size)
            .set_max_map_size(limits.map_size)
            .set_max_expr_depths(64, 32)
            // No modules: `import` finds nothing.
            .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new())
            // Scripts print nowhere: the engine has no side effects.
            .on_print(|_| {})
            .on_debug(|_, _, _| {});
        engine.disable_symbol("eval");
        ScriptRuntime {
            engine,
            asts: Vec::new(),
            limits,
        }
    }

    /// Compiles a script; returns its index.
    pub fn compile(&mut self, text: &str) -> Result<usize, ScriptSyntaxError> {
        match self.engine.compile(text) {
            Ok(ast) => {
                self.asts.push(ast);
                Ok(self.asts.len() - 1)
            }
            Err(e) => {
                let pos = e.position();
                Err(ScriptSyntaxError {
                    line: pos.line().unwrap_or(1),
                    column: pos.position().unwrap_or(1),
                    message: e.err_type().to_string(),
                })
            }
        }
    }

    /// The script's functions with their number of parameters.
    pub fn functions(&self, script: usize) -> Vec<(String, usize)> {
        self.asts[script]
            .iter_functions()
            .map(|f| (f.name.to_string(), f.params.len()))
            .collect()
    }

    /// Calls a function of a script with values converted by the declared types.
    pub(crate) fn call(
        &self,
        p: &Checked,
        fn_index: usize,
        args: &[Value],
    ) -> Result<Value, String> {
        let def = &p.script_fns[fn_index];
        let dyn_args: Vec<Dynamic> = args
            .iter()
            .zip(&def.params)
            .map(|(v, t)| to_dynamic(p, v, t))
            .collect();
        let mut scope = rhai::Scope::new();
        // A limit too large to add to the clock is no limit.
        let deadline = Instant::now().checked_add(Duration::from_millis(self.limits.time_ms));
        // Restores the outer deadline even when the call unwinds.
        let _deadline = DeadlineGuard(DEADLINE.replace(deadline));
        // A panic inside the script engine (a built-in function given an extreme argument)
        // is this lead's error, not the end of the batch or of the server's worker.
        let result = crate::guard::catch(|| {
            self.engine
                // Only the function runs, not the script's top-level statements, on every call.
                .call_fn_with_options::<Dynamic>(
                    rhai::CallFnOptions::new().eval_ast(false),
                    &mut scope,
                    &self.asts[def.script],
                    &def.name,
                    dyn_args,
                )
        })
        .map_err(|what| {
            format!(
                "script function `{}` failed: the script engine panicked ({what})",
                def.name
            )
        })?
        .map_err(|e| self.describe(&def.name, &e))?;
        from_dynamic(p, result, &def.ret).map_err(|found| {
            format!(
                "script function `{}` returned {found}, but it is declared to return {}",
                def.name,
                crate::decode::expected(p, &def.ret)
            )
        })
    }

    /// Names the bound a failing call broke, or says why it failed.
    fn describe(&self, name: &str, mut e: &EvalAltResult) -> String {
        let l = &self.limits;
        // A failure inside a function the called one calls comes wrapped, once a level: name
        // the innermost function and say what went wrong there.
        let mut inner = None;
        while let EvalAltResult::ErrorInFunctionCall(f, _, cause, _) = e {
            inner = Some(f.as_str());
            e = cause;
        }
        let why = match e {
            EvalAltResult::ErrorTerminated(..) => {
                format!("exceeded the time limit of {} ms", l.time_ms)
            }
            EvalAltResult::ErrorTooManyOperations(_) => {
                format!(
                    "exceeded the limit of {} operations (an endless loop?)",
                    l.operations
                )
            }
            EvalAltResult::ErrorStackOverflow(_) => {
                format!("exceeded the call depth limit of {}", l.call_depth)
            }
            EvalAltResult::ErrorDataTooLarge(what, _) => {
                let limit = match what.as_str() {
                    w if w.contains("string") || w.contains("String") => {
                        format!("{} characters", l.string_size)
                    }
                    w if w.contains("rray") => format!("{} items", l.array_size),
                    w if w.contains("ap") => format!("{} entries", l.map_size),
                    _ => "its size limit".to_string(),
                };
                format!("exceeded the size limit: {what} over {limit}")
            }
            EvalAltResult::ErrorModuleNotFound(m, _) => {
                format!("tried to import module `{m}`, and scripts cannot import modules")
            }
            EvalAltResult::ErrorFunctionNotFound(f, _) => {
                format!("called `{f}`, which does not exist in the sandbox")
            }
            other => other.to_string(),
        };
        match inner {
            Some(f) if f != name => format!("script function `{name}` failed in `{f}`: {why}"),
            _ => format!("script function `{name}` failed: {why}"),
        }
    }
}

/// How many operations pass between two readings of the clock: a reading costs tens of
/// nanoseconds, and no single operation is long since strings, arrays and maps are bounded.
const CLOCK_EVERY: u64 = 256;

thread_local! {
    /// When the script call running on this thread must stop. Thread-local because the
    /// engine's progress callback is shared by every thread and gets no per-call context.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Puts back the deadline that was in force before a call.
struct DeadlineGuard(Option<Instant>);

impl Drop for DeadlineGuard {
    fn drop(&mut self) {
        DEADLINE.set(self.0);
    }
}

/// The error of calling a function the sandbox leaves out.
fn not_in_sandbox(name: &str) -> Box<EvalAltResult> {
    EvalAltResult::ErrorFunctionNotFound(name.to_string(), Position::NONE).into()
}

/// A value as the script sees it: text as strings, dates and datetimes as ISO strings,
/// durations as seconds, enum values by name, records as maps, missing as `()`.
fn to_dynamic(p: &Checked, v: &Value, ty: &Ty) -> Dynamic {
    match (v, ty) {
        (Value::Missing, _) => Dynamic::UNIT,
        (Value::Bool(b), _) => Dynamic::from_bool(*b),
        (Value::Int(i), _) => Dynamic::from_int(*i),
        (Value::Number(n), _) => Dynamic::from_float(*n),
        (Value::Text(t), _) => Dynamic::from(t.to_string()),
        (Value::Date(d), _) => Dynamic::from(d.to_string()),
        (Value::DateTime(d), _) => Dynamic::from(d.to_rfc3339()),
        (Value::Duration(s), _) => Dynamic::from_int(*s),
        (Value::Enum(i), Ty::Enum(e)) => Dynamic::from(
            p.enums[*e]
                .values
                .get(*i as usize)
                .cloned()
                .unwrap_or_default(),
        ),
        (Value::Enum(i), _) => Dynamic::from_int(i64::from(*i)),
        (Value::List(items), Ty::List(inner)) => Dynamic::from_array(
            items
                .iter()
                .map(|i| to_dynamic(p, i, inner))
                .collect::<Array>(),
        ),
        (Value::List(items), _) => Dynamic::from_array(
            items
                .iter()
                .map(|i| to_dynamic(p, i, &Ty::Error))
                .collect::<Array>(),
        ),
        (Value::Record(fields), Ty::Record(r)) => {
            let mut m = Map::new();
            for (f, v) in p.records[*r].fields.iter().zip(fields.iter()) {
                m.insert(f.name.as_str().into(), to_dynamic(p, v, &f.ty));
            }
            Dynamic::from_map(m)
        }
        (Value::Record(_), _) => Dynamic::UNIT,
    }
}

/// A script's result as a value of the declared type; `Err` says what was found.
fn from_dynamic(p: &Checked, d: Dynamic, ty: &Ty) -> Result<Value, String> {
    if d.is_unit() {
        return Ok(Value::Missing);
    }
    let found = || format!("{} `{d}`", d.type_name());
    let text = || d.clone().into_string().map_err(|_| found());
    match ty {
        Ty::Bool => d.as_bool().map(Value::Bool).map_err(|_| found()),
        Ty::Int => d.as_int().map(Value::Int).map_err(|_| found()),
        Ty::Number => d
            .as_float()
            .or_else(|_| d.as_int().map(|i| i as f64))
            .map(Value::Number)
            .map_err(|_| found()),
        Ty::Duration => d.as_int().map(Value::Duration).map_err(|_| found()),
        Ty::Text => text().map(|s| Value::Text(s.into())),
        Ty::Date | Ty::DateTime | Ty::Enum(_) => {
            let s = text()?;
            crate::decode::text::parse_scalar(p, ty, &s).map_err(|_| found())
        }
        Ty::List(inner) => {
            let items = d.clone().into_array().map_err(|_| found())?;
            let values: Result<Vec<Value>, String> = items
                .into_iter()
                .map(|i| from_dynamic(p, i, inner))
                .collect();
            Ok(Value::List(values?.into()))
        }
        Ty::Record(r) => {
            let map = d.clone().try_cast::<Map>().ok_or_else(found)?;
            let fields: Result<Vec<Value>, String> = p.records[*r]
                .fields
                .iter()
                .map(|f| match map.get(f.name.as_str()) {
                    Some(v) => from_dynamic(p, v.clone(), &f.ty),
                    None if f.optional => Ok(Value::Missing),
                    None => Err(format!("a map without the field `{}`", f.name)),
                })
                .collect();
            Ok(Value::Record(fields?.into()))
        }
        Ty::Regex | Ty::Error => Err(found()),
    }
}
