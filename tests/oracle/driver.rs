//! The oracle's protocol (tests/oracle/queue_oracle.py) spoken by our queues: the same input
//! lines give the same output lines, formatted as Python's `json.dumps` formats them.
//!
//! Like the oracle, a call that would wait forever in a one-thread program is answered
//! `{"error": "WouldBlock"}` and not made; every other call is made on our queue, the
//! blocking ones included.

use std::cmp::Ordering;
use std::time::Duration;

use serde_json::{json, Map, Value};
use threadproof::queue::{
    GenericQueue, GetError, LifoQueue, PriorityQueue, PutError, Queue, Storage,
};

/// A JSON value ordered as Python orders what `json.loads` makes of it, for the values Python
/// can compare: numbers by value, strings by code point, lists element by element (so
/// `[priority, payload]` pairs sort as in CPython). Values Python refuses to compare (a number
/// with a list, say) are ordered by kind here; the differential tests never mix them.
#[derive(Clone, Debug)]
pub struct Item(pub Value);

fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) | Value::Number(_) => 1,
        Value::String(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
    }
}

fn number(v: &Value) -> Option<Result<i128, f64>> {
    match v {
        Value::Bool(b) => Some(Ok(i128::from(*b))),
        Value::Number(n) => Some(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Ok(i128::from(i)),
            (None, Some(u)) => Ok(i128::from(u)),
            _ => Err(n.as_f64().unwrap_or(f64::NAN)),
        }),
        _ => None,
    }
}

fn compare(a: &Value, b: &Value) -> Ordering {
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return match (x, y) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (x, y) => {
                let float = |n: Result<i128, f64>| n.map_or_else(|f| f, |i| i as f64);
                float(x).total_cmp(&float(y))
            }
        };
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q) {
                    Ordering::Equal => continue,
                    other => return other,
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        compare(&self.0, &other.0) == Ordering::Equal
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

/// `value` as Python's `json.dumps` writes it: `", "` and `": "` separators, non-ASCII
/// characters escaped.
pub fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write_python_json(value, &mut out);
    out
}

fn write_python_json(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(&Value::String(key.clone()), out);
                out.push_str(": ");
                write_python_json(item, out);
            }
            out.push('}');
        }
        Value::String(s) => {
            for c in serde_json::to_string(s)
                .expect("a string serializes")
                .chars()
            {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

fn result(key: &str, value: Value) -> String {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    python_json(&Value::Object(map))
}

fn value(v: Value) -> String {
    result("value", v)
}

fn error(name: &str) -> String {
    result("error", json!(name))
}

fn put_error<T>(e: PutError<T>) -> String {
    error(match e {
        PutError::Full(_) => "Full",
        PutError::ShutDown(_) => "ShutDown",
    })
}

fn get_result(r: Result<Item, GetError>) -> String {
    match r {
        Ok(item) => value(item.0),
        Err(GetError::Empty) => error("Empty"),
        Err(GetError::ShutDown) => error("ShutDown"),
    }
}

/// The timeout of a `put`/`get` op: `Ok(None)` to wait forever, `Err` for a timeout Rust cannot
/// express (negative: CPython raises ValueError when it comes to wait).
fn timeout(cmd: &Map<String, Value>) -> Result<Option<Duration>, ()> {
    match cmd.get("timeout") {
        None | Some(Value::Null) => Ok(None),
        Some(t) => match t.as_f64() {
            Some(t) if t >= 0.0 => Ok(Some(Duration::from_secs_f64(t))),
            _ => Err(()),
        },
    }
}

fn run_op<S: Storage<Item>>(q: &GenericQueue<Item, S>, line: &str) -> String {
    let Ok(Value::Object(cmd)) = serde_json::from_str::<Value>(line) else {
        return error("BadOp");
    };
    let Some(op) = cmd.get("op").and_then(Value::as_str) else {
        return error("BadOp");
    };
    let block = cmd.get("block").and_then(Value::as_bool).unwrap_or(true);
    let item = || cmd.get("item").cloned().map(Item);
    match op {
        "put" | "put_nowait" => {
            let Some(item) = item() else {
                return error("BadOp");
            };
            let outcome = if op == "put_nowait" || !block {
                q.put_nowait(item)
            } else {
                match timeout(&cmd) {
                    Err(()) => return error("ValueError"),
                    Ok(Some(t)) => q.put_timeout(item, t),
                    Ok(None) => {
                        let full = q.maxsize() > 0 && q.qsize() >= q.maxsize();
                        if full && !q.is_shutdown() {
                            return error("WouldBlock");
                        }
                        q.put(item)
                    }
                }
            };
            match outcome {
                Ok(()) => value(Value::Null),
                Err(e) => put_error(e),
            }
        }
        "get" | "get_nowait" => {
            if op == "get_nowait" || !block {
                return get_result(q.get_nowait());
            }
            match timeout(&cmd) {
                Err(()) => error("ValueError"),
                Ok(Some(t)) => get_result(q.get_timeout(t)),
                Ok(None) => {
                    if q.empty() && !q.is_shutdown() {
                        return error("WouldBlock");
                    }
                    get_result(q.get())
                }
            }
        }
        "qsize" => value(json!(q.qsize())),
        "empty" => value(json!(q.empty())),
        "full" => value(json!(q.full())),
        "task_done" => match q.task_done() {
            Ok(()) => value(Value::Null),
            Err(_) => error("ValueError"),
        },
        "join" => {
            if q.unfinished_tasks() > 0 {
                return error("WouldBlock");
            }
            q.join();
            value(Value::Null)
        }
        "shutdown" => {
            let immediate = cmd
                .get("immediate")
                .is_some_and(|v| v.as_bool() == Some(true));
            q.shutdown(immediate);
            value(Value::Null)
        }
        "unfinished_tasks" => value(json!(q.unfinished_tasks())),
        "is_shutdown" => value(json!(q.is_shutdown())),
        "maxsize" => value(json!(q.maxsize())),
        // Our queues' capacity is fixed at construction.
        "set_maxsize" => error("Unsupported"),
        _ => error("BadOp"),
    }
}

fn run_ops<S: Storage<Item>>(q: GenericQueue<Item, S>, ops: &[String]) -> Vec<String> {
    ops.iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| run_op(&q, line.trim()))
        .collect()
}

/// Does what one oracle process does with `lines`, its whole stdin (the header,
/// then the ops), and returns the lines the oracle would print.
pub fn run(lines: &[String]) -> Vec<String> {
    let Some(header_at) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Vec::new();
    };
    let header: Value = serde_json::from_str(&lines[header_at]).unwrap_or(Value::Null);
    let kind = header
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("Queue");
    // CPython treats a maxsize <= 0 as unbounded.
    let maxsize = header
        .get("maxsize")
        .and_then(Value::as_i64)
        .map_or(0, |m| usize::try_from(m).unwrap_or(0));
    let ops = &lines[header_at + 1..];
    match kind {
        "Queue" => run_ops(Queue::new(maxsize), ops),
        "LifoQueue" => run_ops(LifoQueue::new(maxsize), ops),
        "PriorityQueue" => run_ops(PriorityQueue::new(maxsize), ops),
        other => vec![error(&format!("unsupported kind {other}"))],
    }
}
